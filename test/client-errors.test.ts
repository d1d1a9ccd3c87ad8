// Which documented error a GraphError is (GraphError#is, names from the spec's examples), ifExists on adds, and
// the SdkVersion telemetry header: against an injected fetch, every example read from the spec.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGraphClient, errorExamples, GraphError, type GraphClientOptions, type GraphErrorName } from '../src/index.js';
import { errorSignatures } from '../generated/operations.js';
import { toGraphError } from '../src/errors.js';
import { errorSignature } from '../src/signature.js';
import { errorScenarios } from '../src/spec/walk.js';
import { loadSpec } from './support/spec.js';

const spec = loadSpec();
const scenarios = errorScenarios(spec);
const names = [...new Set(scenarios.map((s) => s.example))] as GraphErrorName[];
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** The GraphError the client builds from an answer with this status and JSON body. */
const errorOf = (status: number, body: unknown) => toGraphError(Response.json(body, { status }), body);
const graphBody = (code: string, message: string) => ({ error: { code, message, innerError: { date: '2026-11-26T12:00:00' } } });
/** The referenceAlreadyExists example the spec documents for addUserSponsor. */
const duplicate = scenarios.find((s) => s.operationId === 'addUserSponsor' && s.example === 'referenceAlreadyExists')!;

describe('errorExamples: every named error example of the spec', () => {
  it('lists each name once with the distinct status, code and message of every response that documents it', () => {
    expect(Object.keys(errorExamples).sort()).toEqual([...names].sort());
    for (const name of names) {
      const documented = new Set(scenarios.filter((s) => s.example === name).map((s) => JSON.stringify([s.status, s.code, s.message])));
      const listed = errorExamples[name].map((e) => JSON.stringify([e.status, e.code, e.message]));
      expect(new Set(listed), name).toEqual(documented);
      expect(listed, `${name} has no duplicates`).toHaveLength(documented.size);
    }
    // One signature per name and distinct example once the wildcards are set aside.
    const signatures = errorSignatures.split(' ');
    expect(new Set(signatures).size).toBe(signatures.length);
    for (const name of names) for (const e of errorExamples[name]) expect(signatures, name).toContain(errorSignature(name, e.status, e.code, e.message));
  });

  it('has a name several responses use (referenceAlreadyExists for sponsors and internalSponsors) with each entry', () => {
    const messages = errorExamples.referenceAlreadyExists.map((e) => e.message);
    expect(messages.some((m) => m.includes("'sponsors'"))).toBe(true);
    expect(messages.some((m) => m.includes("'internalSponsors'"))).toBe(true);
  });
});

describe('GraphError#is: which documented error this is', () => {
  for (const scenario of scenarios) {
    it(`${scenario.operationId} ${scenario.status} ${scenario.example}: is('${scenario.example}') and no other name`, () => {
      const error = errorOf(scenario.status, scenario.body);
      expect(error.is(scenario.example as GraphErrorName)).toBe(true);
      expect(names.filter((name) => error.is(name))).toEqual([scenario.example]);
    });
  }

  it('takes the single-quoted part as a wildcard: another property name, an id with an apostrophe', () => {
    const other = duplicate.message.replace(/'[^']*'/, "'someOtherRelation'");
    expect(other).not.toBe(duplicate.message);
    expect(errorOf(400, graphBody(duplicate.code, other)).is('referenceAlreadyExists')).toBe(true);
    const notFound = scenarios.find((s) => s.example === 'resourceNotFound')!;
    const guest = notFound.message.replace(/'[^']*'/, "'o'brien_contoso.com#EXT#@fabrikam.onmicrosoft.com'");
    expect(errorOf(notFound.status, graphBody(notFound.code, guest)).is('resourceNotFound')).toBe(true);
  });

  it('takes a GUID as a wildcard, whatever its case', () => {
    const notFound = scenarios.find((s) => s.example === 'resourceNotFound')!;
    const guid = /[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}/i;
    expect(notFound.message).toMatch(guid);
    const another = notFound.message.replace(guid, '0A1B2C3D-4E5F-4061-8D0A-000000000001');
    expect(errorOf(notFound.status, graphBody(notFound.code, another)).is('resourceNotFound')).toBe(true);
  });

  it('is false for another status, another code, or other words outside the wildcards', () => {
    expect(errorOf(409, duplicate.body).is('referenceAlreadyExists')).toBe(false);
    expect(errorOf(400, graphBody('BadRequest', duplicate.message)).is('referenceAlreadyExists')).toBe(false);
    const reworded = duplicate.message.replace('already exist', 'do not exist');
    expect(reworded).not.toBe(duplicate.message);
    expect(errorOf(400, graphBody(duplicate.code, reworded)).is('referenceAlreadyExists')).toBe(false);
  });

  it('is false for a name the spec does not have (untyped callers), inherited names included', () => {
    const error = errorOf(duplicate.status, duplicate.body);
    for (const name of ['nope', 'toString', '__proto__', 'constructor', '']) expect(error.is(name as GraphErrorName), name).toBe(false);
  });
});

/** A fetch answering `answers` in turn (the last repeats), recording the headers of each request. */
function answering(...answers: Array<() => Response>) {
  const sent: Headers[] = [];
  const fetch = ((input: string, init?: RequestInit) => {
    sent.push(new Request(input, init).headers);
    return Promise.resolve(answers[Math.min(sent.length, answers.length) - 1]!());
  }) as unknown as typeof globalThis.fetch;
  return { fetch, sent };
}
const answerDuplicate = () => Response.json(duplicate.body, { status: duplicate.status });
const noContent = () => new Response(null, { status: 204 });
const client = (fetch: typeof globalThis.fetch, options: Omit<GraphClientOptions, 'credential'> = {}) => createGraphClient({ token: 't', fetch, ...options });
const sponsor = { kind: 'user', id: 's1' } as const;

describe('GraphError: its fields', () => {
  it('has every field as an own property, undefined when not given', () => {
    const error = new GraphError({ status: 400, code: 'Request_BadRequest', message: 'm', retryAfter: 2 });
    const own = ['name', 'status', 'code', 'requestId', 'clientRequestId', 'date', 'retryAfter', 'body'].map((key) => [key, Object.hasOwn(error, key)]);
    expect(own.filter(([, has]) => !has)).toEqual([]);
    expect(error).toMatchObject({ name: 'GraphError', status: 400, code: 'Request_BadRequest', message: 'm', retryAfter: 2 });
    expect([error.requestId, error.clientRequestId, error.date, error.body]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('ifExists: an add whose reference already exists', () => {
  it("rejects by default with the GraphError, is('referenceAlreadyExists') true", async () => {
    const { fetch } = answering(answerDuplicate);
    const error = await client(fetch)
      .addUserSponsor('u1', sponsor)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).is('referenceAlreadyExists')).toBe(true);
  });

  it("resolves with ifExists: 'ok' on the client, for every add method", async () => {
    const { fetch, sent } = answering(answerDuplicate);
    const graph = client(fetch, { ifExists: 'ok' });
    await expect(graph.addUserSponsor('u1', sponsor)).resolves.toBeUndefined();
    await expect(graph.addInternalSponsor('c1', sponsor, { version: 'beta' })).resolves.toBeUndefined();
    await expect(graph.addAgentIdentityBlueprintSponsor('a1', sponsor)).resolves.toBeUndefined();
    expect(sent).toHaveLength(3);
  });

  it("the call's ifExists wins over the client's, both ways", async () => {
    const { fetch } = answering(answerDuplicate);
    await expect(client(fetch).addUserSponsor('u1', sponsor, { ifExists: 'ok' })).resolves.toBeUndefined();
    await expect(client(fetch, { ifExists: 'ok' }).addUserSponsor('u1', sponsor, { ifExists: 'error' })).rejects.toBeInstanceOf(GraphError);
  });

  it("'ok' does not hide any other error", async () => {
    const invalid = scenarios.find((s) => s.operationId === 'addUserSponsor' && s.example === 'invalidUrlFormat')!;
    const { fetch } = answering(() => Response.json(invalid.body, { status: invalid.status }));
    await expect(client(fetch, { ifExists: 'ok' }).addUserSponsor('u1', sponsor)).rejects.toMatchObject({ status: invalid.status, code: invalid.code });
  });

  it("resolves a retried add whose first attempt landed (503, then the duplicate) with 'ok'", async () => {
    const unavailable = () => Response.json(graphBody('serviceNotAvailable', 'later'), { status: 503, headers: { 'Retry-After': '0' } });
    const { fetch, sent } = answering(unavailable, answerDuplicate);
    await expect(client(fetch, { ifExists: 'ok' }).addUserSponsor('u1', sponsor)).resolves.toBeUndefined();
    expect(sent).toHaveLength(2);
  });

  it.each([['maybe'], [true], [null]])('ifExists %j is a RangeError, at createGraphClient and per call, nothing sent', async (value) => {
    const { fetch, sent } = answering(noContent);
    expect(() => client(fetch, { ifExists: value as never })).toThrow(/^ifExists must be 'ok' or 'error'/);
    await expect(client(fetch).addUserSponsor('u1', sponsor, { ifExists: value as never })).rejects.toThrow(/^ifExists must be 'ok' or 'error'/);
    expect(sent).toHaveLength(0);
  });
});

describe('sdkVersion: the SdkVersion telemetry header', () => {
  it(`sends SdkVersion: ${pkg.name}/${pkg.version} (package.json) on every request with sdkVersion: true, retries and pages included`, async () => {
    const throttled = () => Response.json(graphBody('TooManyRequests', 'later'), { status: 429, headers: { 'Retry-After': '0' } });
    const { fetch, sent } = answering(throttled, noContent);
    const graph = client(fetch, { sdkVersion: true });
    await graph.addUserSponsor('u1', sponsor);
    const pages = answering(
      () => Response.json({ value: [], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users/u1/sponsors?$skiptoken=2' }),
      () => Response.json({ value: [] }),
    );
    await client(pages.fetch, { sdkVersion: true }).listUserSponsors('u1');
    for (const headers of [...sent, ...pages.sent]) expect(headers.get('SdkVersion')).toBe(`${pkg.name}/${pkg.version}`);
    expect(sent).toHaveLength(2);
    expect(pages.sent).toHaveLength(2);
  });

  it.each([[{}], [{ sdkVersion: false }]])('sends none by default or when false (%j)', async (options) => {
    const { fetch, sent } = answering(noContent);
    await client(fetch, options).addUserSponsor('u1', sponsor);
    expect(sent[0]!.has('SdkVersion')).toBe(false);
  });
});
