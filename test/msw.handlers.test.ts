// createGraphHandlers end to end in Node: msw's setupServer intercepts fetch, our typed client and plain fetch
// call Graph's own URLs (or a loopback base), and the handlers answer as the server does: adds, the duplicate,
// lists, removes, the controls as plain calls, sessions, permissions from a token, Prefer, chaos, seeded ids.
// Expected codes, messages and headers come from the spec. Unhandled requests are errors (msw then sends nothing
// to the network), so no request can leave this process.
import { createRequire } from 'node:module';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unhandledIsError } from './support/msw.js';
import { createGraphClient, GraphError } from '../src/index.js';
import { createGraphHandlers, MockSettingsError, type GraphHandlers } from '../src/msw/index.js';
import { MockSettingsError as ServerSettingsError } from '../src/mock/server.js';
import { errorScenarios, requestExamples } from '../src/spec/walk.js';
import { token } from './support/jwt.js';
import {
  call,
  checkExample,
  defaultFixture,
  documented,
  expectGraphError,
  expectNoContent,
  freshId,
  freshSession,
  json,
  operation,
  pathOf,
  refBody,
  rulesOf,
  spec,
  type Json,
} from './support/e2e.js';

/** The msw under test: 2.15.0 from the lock, 3.0.5 in CI's Node 24 copy (.ci/run): the peer range's two ends. */
const mswVersion = (createRequire(import.meta.url)('msw/package.json') as { version: string }).version;
const GRAPH = 'https://graph.microsoft.com';
// Loopback bases on port 4, where nothing listens: a request msw failed to take would go nowhere. (Not port 9:
// fetch refuses the spec's "bad ports" before msw 3 sees the request.)
const STRICT = 'http://127.0.0.1:4/strict';
const SMALL = 'http://127.0.0.1:4/small';
const SEEDED = ['http://127.0.0.1:4/seed-a', 'http://127.0.0.1:4/seed-b'] as const;
const CHAOS = ['http://127.0.0.1:4/chaos-a', 'http://127.0.0.1:4/chaos-b'] as const;

const graph = createGraphHandlers();
const strict = createGraphHandlers({ baseUrl: STRICT, directory: 'strict', auth: 'strict' });
const small = createGraphHandlers({ baseUrl: SMALL, maxBodyBytes: 64 });
const seeded = SEEDED.map((baseUrl) => createGraphHandlers({ baseUrl, idSeed: 'msw-test-seed' }));
const chaos = CHAOS.map((baseUrl) => createGraphHandlers({ baseUrl, chaos: { rate: 0.5, seed: 7 } }));
const all: GraphHandlers[] = [graph, strict, small, ...seeded, ...chaos];

const server = setupServer(...all.flatMap((h) => h.handlers));
beforeAll(() => server.listen(unhandledIsError));
afterAll(() => server.close());

const USERS = 'addUserSponsor';
const LIST = 'listUserSponsors';
const REMOVE = 'removeUserSponsor';
const duplicate = checkExample(USERS, (check) => check.unique === true);
// The fixture's guest and the member who already sponsors it (fixtures/default.yaml).
const guest = defaultFixture.users.find((u: Json) => (u.sponsors ?? []).length > 0);
const sponsorOfGuest: string = guest.sponsors[0];

/** A typed client of the handlers at Graph's own origin, in a session of its own. */
function clientIn(session: string) {
  return createGraphClient({
    token: 'opaque-msw-token',
    retry: false,
    fetch: (input, init) => {
      const request = new Request(input, init);
      request.headers.set('x-mock-session', session);
      return fetch(request);
    },
  });
}

describe(`the typed client against the handlers at https://graph.microsoft.com (msw ${mswVersion})`, () => {
  it('adds a sponsor, reads the duplicate as the spec documents it, lists, removes, and a second remove is the 404', async () => {
    const session = freshSession('msw-client');
    const client = clientIn(session);
    const user = freshId();
    const sponsor = freshId();
    await expect(client.addUserSponsor(user, { kind: 'user', id: sponsor })).resolves.toBeUndefined();
    const error: unknown = await client.addUserSponsor(user, { kind: 'user', id: sponsor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).is(duplicate.check.example)).toBe(true);
    expect(error).toMatchObject({ status: duplicate.status, code: duplicate.code, message: duplicate.message });
    expect((error as GraphError).requestId).toMatch(/\S/);
    const listed = await client.listUserSponsors(user);
    expect(listed.map((o) => o.id)).toEqual([sponsor]);
    await expect(client.removeUserSponsor(user, sponsor)).resolves.toBeUndefined();
    expect(await client.listUserSponsors(user)).toEqual([]);
    const gone: unknown = await client.removeUserSponsor(user, sponsor).catch((e: unknown) => e);
    const notFound = documented(REMOVE, rulesOf(REMOVE).removes.notFound);
    expect(gone).toMatchObject({ status: notFound.status, code: notFound.code });
  });

  it('the fixture holds from the start: the guest\u2019s sponsor is listed and adding it again is the duplicate', async () => {
    const client = clientIn(freshSession('msw-fixture'));
    expect((await client.listUserSponsors(guest.id)).map((o) => o.id)).toEqual(guest.sponsors);
    const error = await client.addUserSponsor(guest.id, { kind: 'user', id: sponsorOfGuest }).catch((e: unknown) => e);
    expect((error as GraphError).is(duplicate.check.example)).toBe(true);
  });
});

describe('plain fetch: what the server\u2019s host answers', () => {
  it('a path the contract lacks is Graph\u2019s 400 naming the segment, with both ids', async () => {
    const reply = await fetch(`${GRAPH}/v1.0/me/nothing`, { headers: { authorization: 'Bearer x', 'client-request-id': 'cid-unknown' } });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('client-request-id')).toBe('cid-unknown');
    const body = await reply.json();
    expect(body.error).toMatchObject({ code: 'BadRequest', message: "Resource not found for the segment 'me'." });
    expect(body.error.innerError['client-request-id']).toBe('cid-unknown');
    expect(body.error.innerError['request-id']).toBe(reply.headers.get('request-id'));
  });

  it('OPTIONS is 204 with the methods the path accepts; an unaccepted method is 405 with the same Allow', async () => {
    const path = pathOf(LIST, freshId());
    const options = await fetch(`${GRAPH}${path}`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    const allow = options.headers.get('allow')!;
    expect(allow.split(', ')).toEqual(expect.arrayContaining(['GET', 'OPTIONS']));
    const put = await fetch(`${GRAPH}${path}`, { method: 'PUT', headers: { authorization: 'Bearer x' } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe(allow);
  });

  it('a HEAD request gets the status and headers of the answer (405: no operation takes HEAD) without a body', async () => {
    const path = pathOf(LIST, freshId());
    const head = await fetch(`${GRAPH}${path}`, { method: 'HEAD', headers: { authorization: 'Bearer x' } });
    const options = await fetch(`${GRAPH}${path}`, { method: 'OPTIONS' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe(options.headers.get('allow'));
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
    expect(head.headers.get('request-id')).toMatch(/\S/);
  });

  it('a body that is not JSON is the spec\u2019s 415; a body over maxBodyBytes is 413', async () => {
    const reply = await fetch(`${GRAPH}${pathOf(USERS, freshId())}`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'text/plain' },
      body: JSON.stringify(refBody(USERS, 'users', freshId())),
    });
    const unsupported = documented(USERS, 'unsupportedMediaType');
    expect(reply.status).toBe(unsupported.status);
    expect((await reply.json()).error.code).toBe(unsupported.code);
    const large = await call(SMALL, USERS, { id: freshId(), body: { '@odata.id': `${GRAPH}/v1.0/users/${'a'.repeat(100)}` } });
    expect(large.status).toBe(413);
    expect(json(large).error.code).toBe('RequestEntityTooLarge');
  });

  it('a URL under no base URL is left to msw (here refused), even beside one that is: /smaller is not under /small', async () => {
    const refusal = await fetch('http://127.0.0.1:4/smaller/v1.0/$batch').then(
      () => 'answered',
      (error: Error & { cause?: Error }) => `${error.message} ${error.cause?.message ?? ''}`,
    );
    expect(refusal).toContain('[MSW]');
  });

  it('a handler added with server.use() comes first; without it the handlers answer again', async () => {
    const send = () => call(GRAPH, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()) });
    server.use(http.post(/\/sponsors\/\$ref$/, () => new HttpResponse(null, { status: 418 })));
    try {
      expect((await send()).status).toBe(418);
    } finally {
      server.resetHandlers();
    }
    expectNoContent(await send());
  });

  it('a malformed percent-encoding is Graph\u2019s 400, not an msw failure', async () => {
    const reply = await fetch(`${GRAPH}/v1.0/users/%E0/sponsors`, { headers: { authorization: 'Bearer x' } });
    expect(reply.status).toBe(400);
    expect((await reply.json()).error.message).toMatch(/percent-encoding/);
  });
});

describe('Prefer selects a documented answer', () => {
  const scenarios = errorScenarios(spec).filter((s) => s.operationId === USERS);
  it.each(scenarios.map((s) => [`${s.status} ${s.example}`, s] as const))('%s', async (_label, scenario) => {
    const reply = await call(GRAPH, USERS, {
      id: freshId(),
      body: refBody(USERS, 'users', freshId()),
      headers: { prefer: scenario.prefer.slice('Prefer: '.length) },
    });
    expectGraphError(reply, scenario);
    if (scenario.retryAfter !== undefined) expect(reply.headers.get('retry-after')).toBe(scenario.retryAfter);
  });
});

describe('the controls are plain calls', () => {
  it('directory() is the session\u2019s directory; load() replaces it and reset() returns to the loaded one', async () => {
    const session = freshSession('msw-load').replace(/^.*?-/, 'load-');
    expect(graph.directory(session)).toMatchObject({ users: expect.arrayContaining([expect.objectContaining({ id: guest.id })]) });
    const owner = freshId();
    const sponsor = freshId();
    graph.load({ users: [{ id: owner }, { id: sponsor }] }, session);
    expect((graph.directory(session) as Json).users.map((u: Json) => u.id)).toEqual([owner, sponsor]);
    expectNoContent(await call(GRAPH, USERS, { id: owner, session, body: refBody(USERS, 'users', sponsor) }));
    expect((graph.directory(session) as Json).users.find((u: Json) => u.id === owner).sponsors).toEqual([sponsor]);
    graph.reset(session);
    expect((graph.directory(session) as Json).users.find((u: Json) => u.id === owner).sponsors ?? []).toEqual([]);
  });

  it('load() refuses a bad fixture naming the entry, and leaves the directory as it was', () => {
    const session = freshSession('msw-bad');
    const before = graph.directory(session);
    expect(() => graph.load({ users: [{ id: 'u1', userType: 42 }] }, session)).toThrow(/users\[0\]\.userType/);
    expect(graph.directory(session)).toEqual(before);
  });

  it('requests() journals what the session was asked, without tokens', async () => {
    const session = freshSession('msw-journal');
    const id = freshId();
    await call(GRAPH, LIST, { id, session, headers: { 'client-request-id': 'journal-1' } });
    const entries = graph.requests(session);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ method: 'GET', path: pathOf(LIST, id), status: 200, clientRequestId: 'journal-1', session });
    expect(JSON.stringify(entries)).not.toContain('opaque-e2e-token');
  });

  it('queue() scripts the next answers of the session; a bad queue throws the control API\u2019s message', async () => {
    const session = freshSession('msw-queue');
    const throttled = errorScenarios(spec).find((s) => s.operationId === USERS && s.status === 429)!;
    graph.queue([{ code: 429 }], session);
    const first = await call(GRAPH, USERS, { id: freshId(), session, body: refBody(USERS, 'users', freshId()) });
    expectGraphError(first, throttled);
    expect(first.headers.get('retry-after')).toBe(throttled.retryAfter);
    expectNoContent(await call(GRAPH, USERS, { id: freshId(), session, body: refBody(USERS, 'users', freshId()) }));
    expect(() => graph.queue([{ code: 'soon' }], session)).toThrow(/answers\[0\]\.code must be an integer/);
  });

  it('sessions() lists the sessions with their counters; sessions keep apart', async () => {
    const [a, b] = [freshSession('msw-a'), freshSession('msw-b')];
    const user = freshId();
    expectNoContent(await call(GRAPH, USERS, { id: user, session: a, body: refBody(USERS, 'users', freshId()) }));
    const listB = await call(GRAPH, LIST, { id: user, session: b });
    expect(json(listB).value).toEqual([]);
    const report = graph.sessions();
    expect(report.value.map((s) => s.name)).toEqual(expect.arrayContaining([a, b]));
    expect(report.value.find((s) => s.name === a)!.journaled).toBe(1);
    expect(() => graph.reset('not a valid name')).toThrow(/x-mock-session/);
  });

  it('the server\u2019s /_mock/ routes answer under the base URL too, on the same state as the plain calls', async () => {
    const session = freshSession('msw-http-control');
    graph.queue([{ code: 503 }], session);
    const reply = await fetch(`${GRAPH}/_mock/sessions`);
    expect(reply.status).toBe(200);
    const report = await reply.json();
    expect(report.value.find((s: Json) => s.name === session)).toMatchObject({ queued: 1 });
    expect((await fetch(`${GRAPH}/_mock/reset`, { method: 'POST', headers: { 'x-mock-session': session } })).status).toBe(204);
    expect(graph.sessions().value.find((s) => s.name === session)).toMatchObject({ queued: 0 });
  });
});

describe('strict auth and directory: permissions from the token', () => {
  const scope = (op: string): string => (operation(op).op.security as Json[]).flatMap((r: Json) => r.microsoftIdentityPlatform ?? [])[0];

  it('an opaque token is refused with the spec\u2019s 401 and its challenge', async () => {
    const reply = await call(STRICT, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()) });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe(spec.components.headers['WWW-Authenticate'].schema.examples[0]);
  });

  it('a token without the permission is the 403; with it, the strict directory\u2019s 404 for an unknown user', async () => {
    const denied = await call(STRICT, USERS, { id: guest.id, body: refBody(USERS, 'users', sponsorOfGuest), token: token(['--scp', 'User.Read']) });
    expectGraphError(denied, documented(USERS, 'authorizationRequestDenied'));
    const missing = freshId();
    const allowed = token(['--scp', scope(USERS), '--wids', 'User Administrator']);
    const reply = await call(STRICT, USERS, { id: missing, body: refBody(USERS, 'users', sponsorOfGuest), token: allowed });
    const notFound = documented(USERS, rulesOf(USERS).target.notFound);
    expectGraphError(reply, { ...notFound, message: notFound.message.replace(/'[^']*'/, `'${missing}'`) });
  });
});

describe('seeds', () => {
  it('idSeed: two handler sets given the same seed and requests create the same ids', async () => {
    const create = 'createConnectedOrganization';
    const { body } = requestExamples(spec).find((r) => r.operationId === create)!;
    const ids = await Promise.all(SEEDED.map(async (base) => json(await call(base, create, { body })).id as string));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('chaos: the same seed gives the same transient failures in the same order, some but not all requests', async () => {
    const statuses = async (base: string) => {
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) seen.push((await call(base, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()) })).status);
      return seen;
    };
    const [a, b] = [await statuses(CHAOS[0]), await statuses(CHAOS[1])];
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 204).length).toBeGreaterThan(0);
    expect(a.filter((s) => [429, 503, 504].includes(s)).length).toBeGreaterThan(0);
  });
});

describe('options', () => {
  it('refuses a bad option with the server\u2019s MockSettingsError, and a relative base URL in Node', () => {
    expect(() => createGraphHandlers({ directory: 'loose' as never })).toThrow(MockSettingsError);
    expect(MockSettingsError).toBe(ServerSettingsError); // one class: `instanceof` holds whichever mock threw it
    expect(() => createGraphHandlers({ idSeed: '' })).toThrow(/options\.idSeed/);
    expect(() => createGraphHandlers({ latencyMs: -1 })).toThrow(/options\.latencyMs/);
    expect(() => createGraphHandlers({ baseUrl: '/graph' })).toThrow(/options\.baseUrl .*needs a page/);
    expect(() => createGraphHandlers({ cloud: 'mars' as never })).toThrow(/options\.cloud/);
    expect(() => createGraphHandlers({ port: 4010 } as never)).toThrow(/options\.port/);
    expect(() => createGraphHandlers({ fixture: { users: [{ id: 7 }] } as never })).toThrow(/users\[0\]\.id/);
  });

  it('cloud picks the national cloud\u2019s Graph origin from the spec\u2019s servers', async () => {
    const us = createGraphHandlers({ cloud: 'usGovL4' });
    const origin = (spec.servers as Json[]).find((s) => s['x-cloud'] === 'usGovL4').url as string;
    server.use(...us.handlers);
    try {
      const reply = await call(origin, LIST, { id: freshId() });
      expect(reply.status).toBe(200);
    } finally {
      server.resetHandlers();
    }
  });
});
