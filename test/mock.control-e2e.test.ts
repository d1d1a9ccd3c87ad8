// The control API, sessions, the answer queue, chaos and latency end to end, without Prefer (except `Prefer:
// delay=`, the per-request latency): reset, directory read and replace, the journal (and that it never holds a
// token), scripted answers, two sessions under load staying apart, reproducible chaos, and delays as lower bounds.
import type { ChildProcess } from 'node:child_process';
import { startCli } from './support/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock/server.js';
import {
  call,
  control,
  defaultFixture,
  directoryOf,
  documented,
  expectGraphError,
  expectNoContent,
  freshId,
  freshSession,
  holds,
  json,
  operation,
  refBody,
  relation,
  rulesOf,
  spec,
  startParityServer,
  type Json,
  type Reply,
} from './support/e2e.js';
import { inline } from './support/spec.js';
import { rawJwt } from './support/jwt.js';

const USERS = 'addUserSponsor';
/** A permission the user-sponsor operation accepts, from its `security`. */
const usersScope = (operation(USERS).op.security as Array<Record<string, string[]>>)[0]!.microsoftIdentityPlatform![0]!;
const sponsoredGuest = defaultFixture.users.find((u: Json) => (u.sponsors ?? []).length > 0);
const duplicate = { id: sponsoredGuest.id, body: refBody(USERS, 'users', sponsoredGuest.sponsors[0]) };
const uniqueExample = () => documented(USERS, (rulesOf(USERS).checks as Json[]).find((c) => c.unique === true).example);

/** Transient statuses (429, 503, 504) the operation documents: the ones chaos may answer. */
const transient = Object.keys(operation(USERS).op.responses ?? {})
  .map(Number)
  .filter((status) => [429, 503, 504].includes(status));
const documentedRetryAfter: string = spec.components.headers['Retry-After'].schema.examples[0];
/** Whether the operation's response for `status` documents a Retry-After header. */
const hasRetryAfter = (status: number): boolean => {
  const response = inline(spec, operation(USERS).op.responses?.[String(status)]);
  return Object.keys(response.headers ?? {}).some((name) => name.toLowerCase() === 'retry-after');
};

const LATENCY_MS = 250;
const CHAOS = { rate: 0.5, seed: 20261126 };

let mock: MockServer;
let slow: MockServer;
let chaosA: MockServer;
let chaosB: MockServer;
let chaosOtherSeed: MockServer;
let chaosZero: MockServer;
let crowded: MockServer;
beforeAll(async () => {
  const at = { port: 0, host: '127.0.0.1' };
  [mock, slow, chaosA, chaosB, chaosOtherSeed, chaosZero, crowded] = await Promise.all([
    startParityServer(at),
    startParityServer({ ...at, latencyMs: LATENCY_MS }),
    startParityServer({ ...at, chaos: CHAOS }),
    startParityServer({ ...at, chaos: CHAOS }),
    startParityServer({ ...at, chaos: { ...CHAOS, seed: CHAOS.seed + 1 } }),
    startParityServer({ ...at, chaos: { ...CHAOS, rate: 0 } }),
    startParityServer(at),
  ]);
});
afterAll(async () => {
  await Promise.all([mock, slow, chaosA, chaosB, chaosOtherSeed, chaosZero, crowded].map((server) => server?.close()));
});

/** A request that passes every rule (fresh target and sponsor, created on first use). */
const valid = (base: string, session: string, headers: Record<string, string> = {}) =>
  call(base, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()), session, headers });

/** The mock's own Graph error (its text is the mock's): status, code, the ids in headers and innerError. */
function expectMockError(reply: Reply, status: number, code: string): Json {
  const body = json(reply);
  expectGraphError(reply, { status, code, message: body.error?.message });
  expect(body.error.message).toMatch(/\S/);
  return body;
}

describe('POST /_mock/reset', () => {
  it('puts the session back to the fixture and empties its queue and journal', async () => {
    const session = freshSession('reset');
    const pristine = await directoryOf(mock.url, freshSession('pristine'));
    const target = freshId();
    expectNoContent(await call(mock.url, USERS, { id: target, body: refBody(USERS, 'users', freshId()), session }));
    expect((await control(mock.url, 'POST', '/_mock/queue', { session, body: { answers: [{ code: 429 }] } })).status).toBe(204);
    expect(holds(await directoryOf(mock.url, session), target)).toBe(true);

    const reset = await control(mock.url, 'POST', '/_mock/reset', { session });
    expectNoContent(reset);
    expect(await directoryOf(mock.url, session)).toEqual(pristine);
    expect(json(await control(mock.url, 'GET', '/_mock/requests', { session })).value).toEqual([]);
    expectNoContent(await valid(mock.url, session)); // the queued 429 is gone
  });

  it('resets only the session it names', async () => {
    const [kept, cleared] = [freshSession('kept'), freshSession('cleared')];
    const target = freshId();
    for (const session of [kept, cleared]) expectNoContent(await call(mock.url, USERS, { id: target, body: refBody(USERS, 'users', freshId()), session }));
    expectNoContent(await control(mock.url, 'POST', '/_mock/reset', { session: cleared }));
    expect(holds(await directoryOf(mock.url, kept), target)).toBe(true);
    expect(holds(await directoryOf(mock.url, cleared), target)).toBe(false);
  });
});

describe('GET and PUT /_mock/directory', () => {
  it('GET answers the fixture: every object of fixtures/default.yaml with its relations', async () => {
    const directory = await directoryOf(mock.url, freshSession('read'));
    for (const [collection, entries] of Object.entries<Json[]>(defaultFixture)) {
      for (const entry of entries) {
        const found = directory[collection]?.find((e: Json) => e.id === entry.id);
        expect(found, `${collection} ${entry.id}`).toBeDefined();
        for (const property of ['sponsors', 'owners', 'internalSponsors', 'externalSponsors']) expect(found[property] ?? []).toEqual(entry[property] ?? []);
      }
    }
  });

  it('PUT of a valid fixture answers 204; the session then uses it (GET, the rules, and reset return to it)', async () => {
    const session = freshSession('put');
    const [guest, sponsor] = [freshId(), freshId()];
    const fixture = {
      users: [
        { id: sponsor, displayName: 'Sponsor' },
        { id: guest, displayName: 'Guest', userType: 'Guest', sponsors: [sponsor] },
      ],
    };
    expectNoContent(await control(mock.url, 'PUT', '/_mock/directory', { session, body: fixture }));
    expect(await directoryOf(mock.url, session)).toEqual(fixture);
    expectGraphError(await call(mock.url, USERS, { id: guest, body: refBody(USERS, 'users', sponsor), session }), uniqueExample());
    expectNoContent(await call(mock.url, USERS, { id: guest, body: refBody(USERS, 'users', freshId()), session }));
    expectNoContent(await control(mock.url, 'POST', '/_mock/reset', { session }));
    expect(await directoryOf(mock.url, session)).toEqual(fixture);
    // Other sessions keep the loaded fixture.
    expect(holds(await directoryOf(mock.url, freshSession('other')), guest)).toBe(false);
  });

  it.each([
    ['a property of the wrong type', { groups: [{ id: 'g1', isAssignableToRole: 'yes' }] }, 'groups[0].isAssignableToRole'],
    ['a relation to an id the fixture lacks', { users: [{ id: 'u1', sponsors: ['nobody'] }] }, 'users[0].sponsors[0]'],
    ['a duplicate id', { users: [{ id: 'u1' }], groups: [{ id: 'u1' }] }, 'groups[0].id'],
    ['an unknown collection', { printers: [] }, 'printers'],
  ])('PUT of a fixture with %s answers 400 naming the entry, and changes nothing', async (_label, fixture, entry) => {
    const session = freshSession('bad-put');
    const before = await directoryOf(mock.url, session);
    const reply = await control(mock.url, 'PUT', '/_mock/directory', { session, body: fixture });
    expect(expectMockError(reply, 400, 'BadRequest').error.message).toContain(entry);
    expect(await directoryOf(mock.url, session)).toEqual(before);
  });
});

describe('GET /_mock/requests (the journal)', () => {
  it('lists the session’s requests oldest first: status, error code, client-request-id, request-id, session', async () => {
    const session = freshSession('journal');
    const replies = [
      await valid(mock.url, session),
      await call(mock.url, USERS, { ...duplicate, session }),
      await call(mock.url, USERS, { ...duplicate, session, token: null }),
    ];
    const entries = json(await control(mock.url, 'GET', '/_mock/requests', { session })).value as Json[];
    expect(entries).toHaveLength(replies.length);
    entries.forEach((entry, i) => {
      const reply = replies[i]!;
      expect(entry.method).toBe('POST');
      expect(entry.path).toMatch(/^\/v1\.0\/users\/[^/]+\/sponsors\/\$ref$/);
      expect(entry.status).toBe(reply.status);
      expect(entry.errorCode).toBe(reply.status === 204 ? undefined : json(reply).error.code);
      expect(entry.clientRequestId).toBe(reply.clientRequestId);
      expect(entry.requestId).toBe(reply.headers.get('request-id'));
      expect(entry.session).toBe(session);
      expect(typeof entry.durationMs).toBe('number');
      expect(new Date(entry.time).toISOString()).toBe(entry.time);
    });
    expect(entries.map((e) => e.status)).toEqual([204, 400, 401]);
  });

  it('never holds an Authorization value (opaque, JWT, refused), anywhere in its JSON', async () => {
    const session = freshSession('secret');
    const secret = `e2e-secret-${freshId()}`;
    const jwt = rawJwt({ aud: 'https://graph.microsoft.com', scp: usersScope, secret });
    expect((await call(mock.url, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()), session, token: secret })).status).toBe(204);
    expect((await call(mock.url, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()), session, token: jwt })).status).toBe(204);
    expect((await call(mock.url, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()), session, token: `${secret}.x.y.z` })).status).toBe(401);
    const text = (await control(mock.url, 'GET', '/_mock/requests', { session })).text;
    expect(json({ text } as Reply).value).toHaveLength(3);
    expect(text).not.toContain(secret);
    for (const part of jwt.split('.').filter(Boolean)) expect(text).not.toContain(part);
    expect(text.toLowerCase()).not.toContain('bearer');
  });
});

describe('the journal ring', () => {
  it('keeps the last 1,000 requests of the session: past that the oldest goes', async () => {
    const session = freshSession('ring');
    const unauthenticated = () => call(mock.url, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()), session, token: null });
    const first = await unauthenticated();
    let sent = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < 999) {
          sent++;
          await unauthenticated();
        }
      }),
    );
    const last = await unauthenticated();
    const entries = json(await control(mock.url, 'GET', '/_mock/requests', { session })).value as Json[];
    expect(entries).toHaveLength(1000);
    expect(entries.some((e) => e.clientRequestId === first.clientRequestId)).toBe(false);
    expect(entries.at(-1).clientRequestId).toBe(last.clientRequestId);
  });
});

describe('POST /_mock/queue', () => {
  it('scripts "429, then 204" for the session: Retry-After on the 429, then the rules apply again', async () => {
    const session = freshSession('queue');
    expectNoContent(await control(mock.url, 'POST', '/_mock/queue', { session, body: { answers: [{ code: 429 }, { code: 204 }] } }));
    // Another session is not affected.
    expectNoContent(await valid(mock.url, freshSession('unqueued')));

    const throttled = await valid(mock.url, session);
    expectGraphError(throttled, documented(USERS, 'tooManyRequests'));
    expect(throttled.headers.get('retry-after')).toBe(documentedRetryAfter);
    // A scripted 204 takes precedence over the rules, even on a duplicate.
    expectNoContent(await call(mock.url, USERS, { ...duplicate, session }));
    expectGraphError(await call(mock.url, USERS, { ...duplicate, session }), uniqueExample());
  });

  it('is taken by contract requests only: control API calls leave it in place', async () => {
    const session = freshSession('queue-control');
    expectNoContent(await control(mock.url, 'POST', '/_mock/queue', { session, body: { answers: [{ code: 429 }] } }));
    await directoryOf(mock.url, session);
    expect((await control(mock.url, 'GET', '/_mock/requests', { session })).status).toBe(200);
    expect((await valid(mock.url, session)).status).toBe(429);
  });

  it('an entry naming an example the operation does not document: the request it applies to gets a 400', async () => {
    const session = freshSession('queue-bad');
    expectNoContent(await control(mock.url, 'POST', '/_mock/queue', { session, body: { answers: [{ code: 400, example: 'noSuchExample' }] } }));
    const reply = await valid(mock.url, session);
    expect(expectMockError(reply, 400, 'BadRequest').error.message).toContain("'noSuchExample'");
    expectNoContent(await valid(mock.url, session));
  });

  it('a malformed queue is a 400 naming the entry, and nothing is queued', async () => {
    const session = freshSession('queue-shape');
    const reply = await control(mock.url, 'POST', '/_mock/queue', { session, body: { answers: [{ code: 429 }, { code: 'soon' }] } });
    expect(expectMockError(reply, 400, 'BadRequest').error.message).toContain('answers[1].code');
    expectNoContent(await valid(mock.url, session));
  });

  it('a queued delay holds the answer back at least that long, then the request runs normally', async () => {
    const session = freshSession('queue-delay');
    expectNoContent(await control(mock.url, 'POST', '/_mock/queue', { session, body: { answers: [{ delayMs: LATENCY_MS }] } }));
    const reply = await valid(mock.url, session);
    expectNoContent(reply);
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(LATENCY_MS - 1);
  });
});

describe('the control API’s own errors', () => {
  it('an unknown /_mock/ path is a Graph-shaped 404', async () => {
    const reply = await control(mock.url, 'GET', '/_mock/nothing-here');
    expect(expectMockError(reply, 404, 'UnknownError').error.message).toContain('/_mock/nothing-here');
  });

  it.each([
    ['GET', '/_mock/reset', 'POST, OPTIONS'],
    ['DELETE', '/_mock/directory', 'GET, PUT, OPTIONS'],
    ['POST', '/_mock/requests', 'GET, OPTIONS'],
  ])('%s %s is a 405 with Allow: %s', async (method, path, allow) => {
    const reply = await control(mock.url, method, path, method === 'POST' ? { body: {} } : {});
    expectMockError(reply, 405, 'Request_BadRequest');
    expect(reply.headers.get('allow')).toBe(allow);
  });

  it('a bad x-mock-session name is a Graph-shaped 400, on the control API and on a contract route', async () => {
    expectMockError(await control(mock.url, 'GET', '/_mock/directory', { session: 'no spaces' }), 400, 'BadRequest');
    expectMockError(await valid(mock.url, 'x'.repeat(65)), 400, 'BadRequest');
  });
});

describe('sessions', () => {
  it('two sessions under interleaved concurrent load (200 adds each) stay apart', async () => {
    const sessions = [freshSession('load-a'), freshSession('load-b')] as const;
    const target = freshId(); // the same target id in both sessions
    const sponsors = sessions.map(() => Array.from({ length: 200 }, () => freshId()));
    const work = sponsors[0]!.flatMap((a, i): Array<[string, string]> => [
      [sessions[0], a],
      [sessions[1], sponsors[1]![i]!],
    ]);
    const statuses: number[] = [];
    let next = 0;
    // 16 requests in flight at a time, alternating sessions.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < work.length) {
          const [session, sponsor] = work[next++]!;
          statuses.push((await call(mock.url, USERS, { id: target, body: refBody(USERS, 'users', sponsor), session })).status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 204)).toEqual([]);
    expect(statuses).toHaveLength(400);
    for (const [i, session] of sessions.entries()) {
      const held = relation(await directoryOf(mock.url, session), target, 'sponsors');
      expect([...held].sort()).toEqual([...sponsors[i]!].sort());
      const journal = json(await control(mock.url, 'GET', '/_mock/requests', { session })).value as Json[];
      expect(journal).toHaveLength(200);
      expect(journal.every((e) => e.session === session && e.status === 204)).toBe(true);
    }
    const listed = json(await control(mock.url, 'GET', '/_mock/sessions')).value.map((s: Json) => s.name);
    expect(listed).toEqual(expect.arrayContaining([...sessions]));
  });
});

describe('the cap on sessions', () => {
  it('past it, the least recently used session other than default is dropped (its state with it) and counted', async () => {
    const report = async () => json(await control(crowded.url, 'GET', '/_mock/sessions'));
    const { maxSessions } = (await report()).limits;
    const target = freshId();
    const oldest = freshSession('oldest');
    for (const session of ['default', oldest])
      expectNoContent(await call(crowded.url, USERS, { id: target, body: refBody(USERS, 'users', freshId()), session }));
    // Reading its directory keeps a session in use; then enough others to pass the cap.
    for (let i = 0; i < maxSessions; i++) await directoryOf(crowded.url, freshSession(`crowd${i}`));
    const after = await report();
    const names = after.value.map((s: Json) => s.name);
    expect(names).toHaveLength(maxSessions);
    expect(names).toContain('default');
    expect(names).not.toContain(oldest);
    expect(after.evicted).toBeGreaterThanOrEqual(1);
    expect(holds(await directoryOf(crowded.url, 'default'), target)).toBe(true);
    // Named again, the dropped session starts afresh from the fixture.
    expect(holds(await directoryOf(crowded.url, oldest), target)).toBe(false);
  });
});

describe('chaos (--chaos RATE --seed N)', () => {
  /** Statuses of `count` valid requests in a row in `session`. */
  async function run(server: MockServer, session: string, count = 50): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const reply = await valid(server.url, session);
      statuses.push(reply.status);
      if (reply.status !== 204) {
        expectGraphError(reply, { ...json(reply).error, status: reply.status });
        expect(reply.headers.get('retry-after'), `${reply.status}`).toBe(hasRetryAfter(reply.status) ? documentedRetryAfter : null);
      }
    }
    return statuses;
  }

  it('the same seed gives the same statuses; only the documented transient ones fail; another seed differs; rate 0 fails none', async () => {
    const session = freshSession('chaos');
    const [a, b, other, zero] = await Promise.all([run(chaosA, session), run(chaosB, session), run(chaosOtherSeed, session), run(chaosZero, session)]);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(a.every((s) => s === 204 || transient.includes(s))).toBe(true);
    expect(new Set(a.filter((s) => s !== 204)).size, 'more than one transient status picked').toBeGreaterThan(1);
    expect(other).not.toEqual(a);
    expect(zero.every((s) => s === 204)).toBe(true);
  });

  it("each session has its own sequence: another session's requests in between change nothing, and reset starts it again", async () => {
    const [alone, busy, noise] = [freshSession('chaos-alone'), freshSession('chaos-busy'), freshSession('chaos-noise')];
    const reference = await run(chaosA, alone, 20);
    // The same name on the other server, with another session's requests interleaved.
    const interleaved: number[] = [];
    for (let i = 0; i < 20; i++) {
      await valid(chaosB.url, noise);
      interleaved.push((await valid(chaosB.url, alone)).status);
    }
    expect(interleaved).toEqual(reference);
    // Two names, two sequences.
    expect(await run(chaosA, busy, 20)).not.toEqual(reference);
    // POST /_mock/reset: the session's sequence starts again.
    expect((await control(chaosA.url, 'POST', '/_mock/reset', { session: alone })).status).toBe(204);
    expect(await run(chaosA, alone, 20)).toEqual(reference);
  });
});

describe('latency', () => {
  // Lower bounds only (never an upper one). A timer may fire up to 1 ms before the wall-clock mark, since
  // libuv rounds its loop time to the millisecond, hence the 1 ms.
  it(`latencyMs: ${LATENCY_MS} holds every contract answer back at least that long`, async () => {
    const reply = await valid(slow.url, freshSession('latency'));
    expectNoContent(reply);
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(LATENCY_MS - 1);
  });

  it('Prefer: delay=MS holds the answer back at least that long, and the request runs normally', async () => {
    const reply = await valid(mock.url, freshSession('delay'), { prefer: `delay=${LATENCY_MS}` });
    expectNoContent(reply);
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(LATENCY_MS - 1);
  });
});

describe('the CLI flags (--latency, --directory, --auth, --chaos, --seed)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  // The CLI starts through tsx: slow on a loaded machine, hence the longer timeout.
  it('reach the server: answers held back, strict directory and auth, and chaos at rate 0 failing nothing', { timeout: 60_000 }, async () => {
    const args = ['--latency', String(LATENCY_MS), '--directory', 'strict', '--auth', 'strict', '--chaos', '0', '--seed', '7'];
    const run = startCli(args, { ...process.env, MOCK_FIXTURE: '', PORT: '0', HOST: '127.0.0.1' }, children);
    const url = await run.listening;
    try {
      const session = freshSession('cli');
      // --auth strict: the opaque default token is refused.
      expect((await valid(url, session)).status).toBe(401);
      // --directory strict: with a JWT, an unknown target is a 404; --latency: not before the delay.
      const jwt = rawJwt({ scp: usersScope });
      const reply = await call(url, USERS, { id: freshId(), body: refBody(USERS, 'users', sponsoredGuest.sponsors[0]), session, token: jwt });
      expect(reply.status, reply.text).toBe(404);
      expect(reply.elapsedMs).toBeGreaterThanOrEqual(LATENCY_MS - 1);
      expectGraphError(await call(url, USERS, { ...duplicate, session, token: jwt }), uniqueExample());
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });
});
