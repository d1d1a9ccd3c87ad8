// The mock's pure pieces, without a socket: the request target, body checks, Prefer, the path matcher, the
// Graph error writer, and the pipeline's steps run on a loaded contract.
import { describe, expect, it } from 'vitest';
import { checkBody, jsonShape, MAX_JSON_VALUES, mediaTypeOf } from '../src/mock/body.js';
import { loadContract } from '../src/mock/load-contract.js';
import { exampleAnswer, failureAnswer, graphDate, graphErrorBody, GraphFailure, MAX_LISTED_VIOLATIONS, MAX_MESSAGE_CHARS } from '../src/mock/graph-error.js';
import { rawGraphResponse } from '../src/mock/raw-response.js';
import { runPipeline, steps, type Exchange, type MockRequest } from '../src/mock/pipeline.js';
import { parsePrefer, resolvePreference } from '../src/mock/prefer.js';
import { compileRoutes, compileTemplate } from '../src/mock/routes.js';
import { errorScenarios, operationsOf, requestExamples, type Spec } from '../src/spec/walk.js';
import { defaultSpecPath } from '../src/mock/server.js';
import { loadFixture } from '../src/mock/fixture.js';
import { headersOnEveryAnswer } from '../src/mock/graph-headers.js';
import { createMockState } from '../src/mock/state.js';
import { SessionStore } from '../src/mock/sessions.js';
import { Directory } from '../src/mock/directory.js';
import { readTarget } from '../src/mock/target.js';
import { documentedRequests } from './support/documented.js';
import { loadSpec } from './support/spec.js';

const spec = loadSpec();
const ids = { requestId: 'r-1', clientRequestId: 'c-1' };
const bytes = (text: string) => new TextEncoder().encode(text);

describe('readTarget', () => {
  it('splits path and query, decodes the query, and spells %24ref as $ref', () => {
    expect(readTarget('/v1.0/users/a%20b/sponsors/%24ref?x=1&y=%C3%BC+z', undefined)).toEqual({
      pathname: '/v1.0/users/a%20b/sponsors/$ref',
      search: 'x=1&y=%C3%BC+z',
      query: { x: '1', y: 'ü z' },
    });
  });

  it.each([
    ['//evil.example/v1.0/users/a/sponsors/$ref', /empty segment/],
    ['/v1.0//users', /empty segment/],
    ['/v1.0/users/../users/a', /dot segment/],
    ['/v1.0/users/%2E/a', /dot segment/],
    ['/v1.0/users/%ZZ', /malformed percent-encoding/],
    ['/v1.0/users/a%00b', /control character/],
    ['/v1.0/users/a%7Fb', /control character/],
    ['/v1.0/users?q=%E2%82', /query has a malformed/],
    ['http://evil.example/v1.0/users', /another host 'evil\.example'/],
    ['*', /must be a path/],
  ])('refuses %s', (target, why) => {
    const read = readTarget(target, '127.0.0.1:4010');
    expect(read).toBeInstanceOf(GraphFailure);
    expect((read as GraphFailure).status).toBe(400);
    expect((read as GraphFailure).code).toBe('BadRequest');
    expect((read as GraphFailure).message).toMatch(why);
  });

  it('accepts an absolute-form target naming the Host it was sent to', () => {
    expect(readTarget('http://127.0.0.1:4010/v1.0/users', '127.0.0.1:4010')).toMatchObject({ pathname: '/v1.0/users' });
  });
});

describe('body checks', () => {
  it('reads media type and charset', () => {
    expect(mediaTypeOf('Application/JSON; Charset="UTF-8"')).toEqual({ type: 'application/json', charset: 'utf-8' });
    expect(mediaTypeOf(undefined)).toEqual({ type: '' });
  });

  it.each([
    ['{"a":[1,2,3]}', false, false],
    ['"[[[[[[[[[[[[[["', false, false], // brackets inside a string do not count
    ['"\\"[[[[[[[["', false, false], // nor after an escaped quote
    ['['.repeat(65) + ']'.repeat(65), true, false],
    [`[${'0,'.repeat(MAX_JSON_VALUES)}0]`, false, true],
  ])('jsonShape(%#)', (text, tooDeep, tooMany) => {
    expect(jsonShape(bytes(text))).toEqual({ tooDeep, tooMany });
  });

  it('parses UTF-8 JSON, and refuses each HTTP-level problem with its status', () => {
    const json = { 'content-type': 'application/json' };
    const answers = { unreadable: { code: 'BadRequest', message: 'Unable to read JSON request payload.' }, mediaTypeCode: 'UnsupportedMediaType' };
    expect(checkBody(bytes('{"a":1}'), json, answers)).toEqual({ parsed: { a: 1 } });
    const failure = (b: Uint8Array, h: Record<string, string>) => {
      const result = checkBody(b, h, answers);
      return 'failure' in result ? [result.failure.status, result.failure.code, result.failure.message] : undefined;
    };
    const unreadable = [400, 'BadRequest', 'Unable to read JSON request payload.'];
    expect(failure(bytes('a=b'), { 'content-type': 'text/plain' })).toEqual([415, 'UnsupportedMediaType', expect.stringMatching(/text\/plain/)]);
    expect(failure(bytes('{}'), { 'content-type': 'application/json; charset=utf-16' })).toEqual([
      415,
      'UnsupportedMediaType',
      expect.stringMatching(/utf-16/),
    ]);
    // Graph's 400, not 415, to a compressed body (any coding) and to one without Content-Type.
    expect(failure(bytes('{}'), { ...json, 'content-encoding': 'gzip' })).toEqual(unreadable);
    expect(failure(bytes('{}'), { ...json, 'content-encoding': 'Deflate' })).toEqual(unreadable);
    expect(failure(bytes('{}'), { 'content-type': 'text/plain', 'content-encoding': 'gzip' })).toEqual(unreadable);
    expect(failure(bytes('{}'), {})).toEqual(unreadable);
    expect(failure(bytes('{'), json)).toEqual(unreadable);
    expect(failure(new Uint8Array([0x22, 0xff, 0x22]), json)).toEqual(unreadable);
    expect(failure(bytes(`[${'1,'.repeat(MAX_JSON_VALUES + 1)}1]`), json)).toEqual([400, 'BadRequest', expect.stringMatching(/more than/)]);
    expect(checkBody(bytes('{}'), { ...json, 'content-encoding': 'identity' }, answers)).toEqual({ parsed: {} });
    expect(checkBody(bytes('{}'), { 'content-type': 'application/merge-patch+json' }, answers)).toEqual({ parsed: {} });
  });
});

describe('Prefer', () => {
  it('reads code and example from one or several headers, ignoring other preferences', () => {
    expect(parsePrefer('return=minimal, code=429, example="throttled"')).toEqual({ code: 429, example: 'throttled' });
    expect(parsePrefer(['code=404', 'example=x'])).toEqual({ code: 404, example: 'x' });
    expect(parsePrefer('code=4040')).toEqual({});
    expect(parsePrefer(undefined)).toEqual({});
  });

  it('turns an example into its documented status, and refuses an unknown or mismatched one', () => {
    const examples = new Map([['throttled', 429]]);
    expect(resolvePreference({ example: 'throttled' }, examples)).toEqual({ code: 429, example: 'throttled' });
    expect(resolvePreference({ example: 'nope' }, examples)).toMatchObject({ status: 400, message: /Unknown example 'nope'/ });
    expect(resolvePreference({ code: 503, example: 'throttled' }, examples)).toMatchObject({ status: 400, message: /documented for status 429, not 503/ });
    expect(resolvePreference({ example: 'nope' }, undefined)).toEqual({ example: 'nope' });
  });

  it('answers a status alone with its first named example, and leaves a status the operation lacks to Prism', () => {
    const examples = new Map([
      ['throttled', 429],
      ['slowDown', 429],
      ['missing', 404],
    ]);
    expect(resolvePreference({ code: 429 }, examples)).toEqual({ code: 429, example: 'throttled' });
    expect(resolvePreference({ code: 404 }, examples)).toEqual({ code: 404, example: 'missing' });
    expect(resolvePreference({ code: 418 }, examples)).toEqual({ code: 418 });
  });
});

describe('routes', () => {
  const routes = compileRoutes(spec);
  const user = requestExamples(spec).find((r) => r.operationId === 'addUserSponsor')!;

  it('compiles templates with one capture per parameter', () => {
    const { pattern, pathParams } = compileTemplate('/v1.0/users/{id}/sponsors/$ref');
    expect(pathParams).toEqual(['id']);
    expect(pattern.exec('/v1.0/users/abc/sponsors/$ref')?.[1]).toBe('abc');
    expect(pattern.test('/v1.0/users//sponsors/$ref')).toBe(false);
    expect(pattern.test('/v1.0/users/a/b/sponsors/$ref')).toBe(false);
  });

  it('finds the operation of every documented request, and names what a path lacks', () => {
    for (const example of requestExamples(spec)) expect(routes.find(example.method, example.path)?.operationId).toBe(example.operationId);
    expect(routes.allowedMethods(user.path)).toEqual(['POST', 'OPTIONS']);
    expect(routes.unknownSegment('/v1.0/users/abc/sponsorz/$ref')).toBe('sponsorz');
    expect(routes.unknownSegment('/v2.0/users')).toBe('v2.0');
  });
});

describe('the Graph error writer', () => {
  it("writes Graph's body with the live ids and a date without zone", () => {
    const body = graphErrorBody(new GraphFailure(400, 'BadRequest', 'nope'), ids, new Date('2026-11-26T10:11:12.345Z'));
    expect(body).toEqual({
      error: { code: 'BadRequest', message: 'nope', innerError: { date: '2026-11-26T10:11:12', 'request-id': 'r-1', 'client-request-id': 'c-1' } },
    });
    expect(graphDate(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05');
  });

  it('bounds the message and the violations it lists, and counts the rest', () => {
    const violations = Array.from({ length: 1000 }, (_, i) => ({ location: ['body', `k${i}`], message: 'x'.repeat(10_000) }));
    const answer = failureAnswer(new GraphFailure(400, 'BadRequest', 'y'.repeat(100_000), {}, violations), ids);
    const { error } = JSON.parse(answer.body!);
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(error.innerError.violations).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(error.innerError.moreViolations).toBe(1000 - MAX_LISTED_VIOLATIONS);
    expect(answer.body!.length).toBeLessThan(4096);
  });

  it('answers a documented example with the live ids, and a 204 without body or content type', () => {
    expect(exampleAnswer({ statusCode: 204, headers: { 'Content-type': 'application/json' } }, ids)).toEqual({ status: 204, headers: {} });
    const error = { error: { code: 'x', message: 'y', innerError: { date: 'old', 'request-id': 'old', 'client-request-id': 'old' } } };
    const answer = exampleAnswer({ statusCode: 429, headers: { 'Retry-After': 2, 'request-id': 'old' }, body: error }, ids);
    expect(answer.headers).toEqual({ 'Retry-After': '2', 'content-type': 'application/json' });
    expect(JSON.parse(answer.body!).error.innerError).toMatchObject({ 'request-id': 'r-1', 'client-request-id': 'c-1' });
  });

  it('writes a raw response with the standard reason phrase', () => {
    const text = rawGraphResponse(new GraphFailure(431, 'RequestHeaderFieldsTooLarge', 'big'), 'r-2');
    expect(text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    expect(text).toContain(`content-length: ${Buffer.byteLength(body)}\r\n`);
    expect(JSON.parse(body).error.innerError['request-id']).toBe('r-2');
  });
});

describe('the pipeline, without a socket', async () => {
  const contract = await loadContract(defaultSpecPath());
  // A fresh state per request: the documented requests below each succeed once, as on a fresh start.
  const fixture = loadFixture(undefined, contract.spec);
  const fresh = () => createMockState(contract.spec, { fixture, directory: 'open', auth: 'open', latencyMs: 0 });
  const run = (request: MockRequest) =>
    runPipeline({ request, ids, contract, state: fresh(), stats: { fastPath: 0, prism: 0 }, method: request.method.toLowerCase() } satisfies Exchange);
  const auth = { authorization: 'Bearer t', 'content-type': 'application/json', host: 'localhost' };

  it('has the steps in the order Graph checks a request', () => {
    expect(steps.map((step) => step.name)).toEqual([
      'target',
      'control',
      'body',
      'session',
      'script',
      'fastPath',
      'prefer',
      'bodySchema',
      'engine',
      'authenticate',
      'token',
      'authorize',
      'bodyFailure',
      'batch',
      'validation',
      'rules',
      'answer',
    ]);
  });

  it('answers every documented request with its success status', async () => {
    for (const example of requestExamples(spec)) {
      const answer = await run({ method: example.method, target: example.path, headers: auth, body: bytes(JSON.stringify(example.body)) });
      expect(answer.status, `${example.operationId} ${example.name}`).toBe(Number(Object.keys(spec.paths[example.template][example.method].responses)[0]));
    }
  });

  it('answers every documented error scenario when Prefer asks for it', async () => {
    for (const scenario of errorScenarios(spec)) {
      // Lists and removes included: their documented request has no body.
      const example = documentedRequests().find((r) => r.operationId === scenario.operationId)!;
      const answer = await run({
        method: example.method,
        target: example.path,
        headers: { ...auth, prefer: scenario.prefer.slice('Prefer: '.length) },
        ...(example.body === undefined ? {} : { body: bytes(JSON.stringify(example.body)) }),
      });
      expect(answer.status).toBe(scenario.status);
      expect(JSON.parse(answer.body!).error).toMatchObject({ code: scenario.code, message: scenario.message });
    }
  });

  it('a full session budget refuses an add (503) but still serves a list and a remove', async () => {
    const state = fresh();
    // Every byte of the budget already spent: nothing may grow.
    state.sessions = new SessionStore<Directory>({ base: () => Directory.empty(), maxTotalSize: 0 });
    const send = (method: string, target: string, body?: unknown) =>
      runPipeline({
        request: { method, target, headers: auth, ...(body === undefined ? {} : { body: bytes(JSON.stringify(body)) }) },
        ids,
        contract,
        state,
        stats: { fastPath: 0, prism: 0 },
        method: method.toLowerCase(),
      });
    const add = requestExamples(spec).find((r) => r.operationId === 'addUserSponsor')!;
    expect((await send('POST', add.path, add.body)).status).toBe(503);
    const path = (operationId: string) =>
      operationsOf(spec)
        .find((o) => o.operationId === operationId)!
        .template.replace('{id}', add.pathParams.id!)
        .replace('{sponsorId}', 'x');
    expect((await send('GET', path('listUserSponsors'))).status).toBe(200);
    expect((await send('DELETE', path('removeUserSponsor'))).status).toBe(404);
  });

  it('checks auth before the body, and the body before the schema', async () => {
    const example = requestExamples(spec)[0]!;
    const noAuth = await run({ method: 'POST', target: example.path, headers: { 'content-type': 'application/json' }, body: bytes('{') });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await run({ method: 'POST', target: example.path, headers: auth, body: bytes('{') })).status).toBe(400);
    expect((await run({ method: 'PUT', target: example.path, headers: auth, body: bytes('{') })).status).toBe(405);
  });
});

describe('headersOnEveryAnswer', () => {
  const spec = loadSpec() as unknown as Spec;

  it('is the headers every documented response declares, with their examples, never the live ids', () => {
    const headers = headersOnEveryAnswer(spec);
    expect(Object.keys(headers).sort()).toEqual(['strict-transport-security', 'x-ms-ags-diagnostic']);
    expect(headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('leaves out a header one response does not declare', () => {
    const changed = structuredClone(spec);
    const responses = changed.components!.responses as Record<string, { headers: Record<string, unknown> }>;
    delete responses.NotFound!.headers['x-ms-ags-diagnostic'];
    expect(Object.keys(headersOnEveryAnswer(changed))).toEqual(['strict-transport-security']);
  });
});
