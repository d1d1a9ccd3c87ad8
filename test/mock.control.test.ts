// The control API (/_mock/…) through handleControl and the plain calls under it (controls.ts), without a socket, on a stand-in directory. Every answer is
// checked against openapi/mock-control.yaml (its documented status and schema), errors against Graph's body.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jsonShape, MAX_JSON_VALUES } from '../src/mock/body.js';
import { controlAllowedMethods, handleControl, isControlPath, type ControlContext } from '../src/mock/control.js';
import { FIXTURE_SOURCE, createControls } from '../src/mock/controls.js';
import { GraphFailure, type MockAnswer } from '../src/mock/graph-error.js';
import type { MockRequest } from '../src/mock/pipeline.js';
import { DEFAULT_SESSION, SessionStore, type Session } from '../src/mock/sessions.js';
import { inline } from '../src/spec/walk.js';
import { FakeDirectory, usersFixture, type FakeFixture } from './support/fake-directory.js';
import { createAjv, loadSpec, repoRoot, type Json } from './support/spec.js';

// The control API's description, with its one file reference (Graph's error schema) read in.
const control: Json = parse(readFileSync(`${repoRoot}openapi/mock-control.yaml`, 'utf8'));
control.components.schemas.odataError = parse(readFileSync(`${repoRoot}openapi/components/schemas/odataError.yaml`, 'utf8'));
const ajv = createAjv();
const mediaTypeCode: string = loadSpec().components.examples.unsupportedMediaType.value.error.code;
const ids = { requestId: 'r-control', clientRequestId: 'c-control' };

/** The answer, checked against the description: a documented status with a body that fits its schema. */
function checkDocumented(method: string, path: string, answer: MockAnswer): void {
  const responses = control.paths[path]?.[method.toLowerCase()]?.responses;
  expect(responses, `${method} ${path} is described`).toBeDefined();
  const response = inline(control, responses[String(answer.status)]) as Json;
  expect(response, `${method} ${path} documents ${answer.status}`).toBeDefined();
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return void expect(answer.body).toBeUndefined();
  expect(answer.headers['content-type']).toBe('application/json');
  const validate = ajv.compile(schema);
  expect(validate(JSON.parse(answer.body!)), JSON.stringify(validate.errors)).toBe(true);
}

/** A Graph error with this request's ids. */
function graphError(answer: MockAnswer, status: number, code: string): string {
  expect(answer.status).toBe(status);
  const body = JSON.parse(answer.body!);
  expect(ajv.validate(control.components.schemas.odataError, body), JSON.stringify(ajv.errors)).toBe(true);
  expect(body.error).toMatchObject({ code, innerError: { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId } });
  return body.error.message;
}

// A validator in the style of fixture.ts: the thrown message names the source and the entry.
function validateFixture(value: unknown, source: string): FakeFixture {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`fixture ${source}: must be an object`);
  for (const [collection, objects] of Object.entries(value as Record<string, unknown>)) {
    if (!Array.isArray(objects)) throw new Error(`fixture ${source}: ${collection} must be array`);
    for (const [i, object] of objects.entries()) {
      if (typeof object?.id !== 'string') throw new Error(`fixture ${source}: ${collection}[${i}].id must be string`);
      if ('isAssignableToRole' in object && typeof object.isAssignableToRole !== 'boolean') {
        throw new Error(`fixture ${source}: ${collection}[${i}].isAssignableToRole must be boolean`);
      }
    }
  }
  return value as FakeFixture;
}

let store: SessionStore<FakeDirectory>;
let ctx: ControlContext;
beforeEach(() => {
  const base = new FakeDirectory(usersFixture(2));
  store = new SessionStore({ base: () => base.clone(), sweepMs: 0, maxTotalSize: 1000 });
  const controls = createControls(store, (value) => new FakeDirectory(structuredClone(validateFixture(value, FIXTURE_SOURCE))));
  ctx = { controls, ids, mediaTypeCode };
});
afterEach(() => store.close());

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
function request(method: string, path: string, options: { session?: string; body?: Uint8Array; contentType?: string } = {}): MockRequest {
  const headers: MockRequest['headers'] = { host: '127.0.0.1' };
  if (options.session !== undefined) headers['x-mock-session'] = options.session;
  if (options.body) headers['content-type'] = options.contentType ?? 'application/json';
  return { method, target: path, headers, ...(options.body ? { body: options.body } : {}) };
}
const send = (method: string, path: string, options: Parameters<typeof request>[2] = {}) => handleControl(request(method, path, options), path, ctx);
function session(name: string): Session<FakeDirectory> {
  const found = store.session(name);
  if (found instanceof GraphFailure) throw new Error(found.message);
  return found;
}
const fixtureExample: FakeFixture = control.components.examples.fixture.value;

describe('POST /_mock/reset', () => {
  it('answers 204 and puts the session back to the fixture, its queue and journal emptied', async () => {
    session('t1').directory.add('users', { id: 'added' });
    session('t1').queue.enqueue([{ code: 429 }]);
    const answer = await send('POST', '/_mock/reset', { session: 't1' });
    checkDocumented('POST', '/_mock/reset', answer);
    expect(answer.status).toBe(204);
    expect(session('t1').directory.toFixture()).toEqual(usersFixture(2));
    expect(session('t1').queue.size).toBe(0);
  });

  it('resets only the session named', async () => {
    session('t1').directory.add('users', { id: 'added' });
    session(DEFAULT_SESSION).directory.add('users', { id: 'kept' });
    await send('POST', '/_mock/reset', { session: 't1' });
    expect(session(DEFAULT_SESSION).directory.size).toBe(3);
  });
});

describe('GET and PUT /_mock/directory', () => {
  it("GET answers the session's directory as a fixture", async () => {
    session('t1').directory.add('groups', { id: 'g1', groupTypes: ['Unified'] });
    const answer = await send('GET', '/_mock/directory', { session: 't1' });
    checkDocumented('GET', '/_mock/directory', answer);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body!)).toEqual({ ...usersFixture(2), groups: [{ id: 'g1', groupTypes: ['Unified'] }] });
  });

  it('PUT of a valid fixture answers 204; GET reads it back, and reset returns to it', async () => {
    const put = await send('PUT', '/_mock/directory', { session: 't1', body: json(fixtureExample) });
    checkDocumented('PUT', '/_mock/directory', put);
    expect(put.status).toBe(204);
    session('t1').directory.add('users', { id: 'later' });
    await send('POST', '/_mock/reset', { session: 't1' });
    const read = await send('GET', '/_mock/directory', { session: 't1' });
    expect(JSON.parse(read.body!)).toEqual(fixtureExample);
    const other = await send('GET', '/_mock/directory', { session: 't2' });
    expect(JSON.parse(other.body!)).toEqual(usersFixture(2));
  });

  it('PUT of a fixture with a bad entry answers a 400 naming it, and changes nothing', async () => {
    const bad = { ...fixtureExample, groups: [{ id: 'g1' }, { id: 'g2' }, { id: 'g3', isAssignableToRole: 'yes' }] };
    const answer = await send('PUT', '/_mock/directory', { session: 't1', body: json(bad) });
    checkDocumented('PUT', '/_mock/directory', answer);
    expect(graphError(answer, 400, 'BadRequest')).toBe('fixture PUT /_mock/directory: groups[2].isAssignableToRole must be boolean');
    expect(session('t1').directory.toFixture()).toEqual(usersFixture(2));
  });

  it.each([
    ['no body', undefined, undefined, 400, 'BadRequest', /empty/],
    ['a form body', new TextEncoder().encode('a=1'), 'application/x-www-form-urlencoded', 415, mediaTypeCode, /not supported/],
    ['Latin-1 JSON', json({}), 'application/json; charset=iso-8859-1', 415, mediaTypeCode, /iso-8859-1/],
    ['malformed JSON', new TextEncoder().encode('{"users": ['), 'application/json', 400, 'BadRequest', /Unable to read JSON/],
    ['JSON nested too deep', new TextEncoder().encode('['.repeat(65) + ']'.repeat(65)), 'application/json', 400, 'BadRequest', /deeper than 64/],
  ])('PUT with %s is refused', async (_what, body, contentType, status, code, message) => {
    const answer = await send('PUT', '/_mock/directory', { session: 't1', ...(body ? { body } : {}), ...(contentType ? { contentType } : {}) });
    checkDocumented('PUT', '/_mock/directory', answer);
    expect(graphError(answer, status, code)).toMatch(message);
  });

  it("PUT of a fixture with more values than a contract body may hold is accepted (the host's byte limit bounds it)", async () => {
    const properties = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, i]));
    const users = Array.from({ length: Math.ceil(MAX_JSON_VALUES / 30) + 1 }, (_, i) => ({ id: `u${i}`, ...properties }));
    const body = json({ users });
    expect(jsonShape(body).tooMany).toBe(true);
    const answer = await send('PUT', '/_mock/directory', { session: 't1', body });
    expect(answer.status).toBe(204);
    expect(session('t1').directory.size).toBe(users.length);
  });

  it('PUT past the size budget answers 503 naming the cap, and changes nothing', async () => {
    const answer = await send('PUT', '/_mock/directory', { session: 't1', body: json(usersFixture(600)) });
    checkDocumented('PUT', '/_mock/directory', answer);
    expect(graphError(answer, 503, 'serviceNotAvailable')).toMatch(/at most 1000 .*POST \/_mock\/reset/);
    expect(session('t1').directory.size).toBe(2);
  });
});

describe('GET /_mock/requests', () => {
  it("answers the session's journal, oldest first", async () => {
    const entry = (i: number) => ({
      time: new Date(i * 1000).toISOString(),
      method: 'POST',
      path: '/v1.0/users/a/sponsors/$ref',
      status: i === 1 ? 400 : 204,
      ...(i === 1 ? { errorCode: 'Request_BadRequest' } : {}),
      clientRequestId: `c-${i}`,
      requestId: `r-${i}`,
      session: 't1',
      durationMs: 0.5,
    });
    session('t1').journal.record(entry(1));
    session('t1').journal.record(entry(2));
    const answer = await send('GET', '/_mock/requests', { session: 't1' });
    checkDocumented('GET', '/_mock/requests', answer);
    expect(JSON.parse(answer.body!)).toEqual({ value: [entry(1), entry(2)] });
    expect(JSON.parse((await send('GET', '/_mock/requests', { session: 't2' })).body!)).toEqual({ value: [] });
  });
});

describe('POST /_mock/queue', () => {
  it("queues the described example's answers for the session, in order", async () => {
    const example = control.paths['/_mock/queue'].post.requestBody.content['application/json'].examples.throttledThenDuplicate.value;
    const answer = await send('POST', '/_mock/queue', { session: 't1', body: json(example) });
    checkDocumented('POST', '/_mock/queue', answer);
    expect(answer.status).toBe(204);
    expect(session('t1').queue.list()).toEqual(example.answers);
    expect(session('t2').queue.size).toBe(0);
  });

  it.each([
    ['a bad entry', { answers: [{ code: 429 }, { code: 1000 }] }, /answers\[1\]\.code/],
    ['no answers', { value: [] }, /\{"answers": \[\.\.\.\]\}/],
    ['an array body', [{ code: 429 }], /\{"answers": \[\.\.\.\]\}/],
  ])('answers 400 for %s and queues nothing', async (_what, body, message) => {
    const answer = await send('POST', '/_mock/queue', { session: 't1', body: json(body) });
    checkDocumented('POST', '/_mock/queue', answer);
    expect(graphError(answer, 400, 'BadRequest')).toMatch(message);
    expect(session('t1').queue.size).toBe(0);
  });
});

describe('GET /_mock/sessions', () => {
  it('lists the sessions with sizes and the limits, and creates none', async () => {
    session(DEFAULT_SESSION);
    session('t1').directory.add('users', { id: 'x', sponsors: ['user-0'] });
    const answer = await send('GET', '/_mock/sessions', { session: 'not-yet' });
    checkDocumented('GET', '/_mock/sessions', answer);
    const body = JSON.parse(answer.body!);
    expect(body.value.map((s: Json) => [s.name, s.size])).toEqual([
      [DEFAULT_SESSION, 2],
      ['t1', 4],
    ]);
    expect(body).toMatchObject({ totalSize: 6, evicted: 0, expired: 0, limits: { maxSessions: 100, maxTotalSize: 1000 } });
    expect(store.has('not-yet')).toBe(false);
  });
});

describe('errors common to the control API', () => {
  it.each(['/_mock', '/_mock/', '/_mock/nope', '/_mock/reset/', '/_mock/constructor', '/_mock/__proto__'])('%s is a Graph-shaped 404', async (path) => {
    const answer = await send('GET', path);
    expect(graphError(answer, 404, 'UnknownError')).toMatch(/control route.*POST \/_mock\/reset/);
  });

  it.each([
    ['GET', '/_mock/reset', 'POST, OPTIONS'],
    ['DELETE', '/_mock/directory', 'GET, PUT, OPTIONS'],
    ['POST', '/_mock/requests', 'GET, OPTIONS'],
    ['GET', '/_mock/queue', 'POST, OPTIONS'],
    ['toString', '/_mock/sessions', 'GET, OPTIONS'],
  ])('%s %s is a 405 with Allow: %s', async (method, path, allow) => {
    const answer = await send(method, path);
    graphError(answer, 405, 'Request_BadRequest');
    expect(answer.headers.allow).toBe(allow);
    expect(controlAllowedMethods(path).join(', ')).toBe(allow);
  });

  it.each(['GET /_mock/directory', 'POST /_mock/reset', 'GET /_mock/sessions'])('%s with a bad x-mock-session is a 400', async (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const answer = await send(method, path, { session: 'a b' });
    checkDocumented(method, path, answer);
    expect(graphError(answer, 400, 'BadRequest')).toMatch(/x-mock-session/);
  });

  it('a session past the budget gets a 503', async () => {
    store = new SessionStore({ base: () => new FakeDirectory(usersFixture(600)), sweepMs: 0, maxTotalSize: 1000 });
    ctx = { ...ctx, controls: createControls(store, () => new FakeDirectory({})) };
    expect((await send('GET', '/_mock/directory', { session: 'a' })).status).toBe(200);
    const answer = await send('GET', '/_mock/directory', { session: 'b' });
    checkDocumented('GET', '/_mock/directory', answer);
    graphError(answer, 503, 'serviceNotAvailable');
  });

  it('tells control paths from contract paths', () => {
    expect(['/_mock', '/_mock/reset', '/_mock/x/y'].every(isControlPath)).toBe(true);
    expect(['/_mockery', '/v1.0/users/a/sponsors/$ref', '/'].some(isControlPath)).toBe(false);
  });
});
