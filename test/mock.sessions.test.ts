// The mock's session pieces without a socket: the session store (creation, isolation, idle expiry on a fake
// clock, the LRU cap, the size budget), session names, the journal ring, the answer queue, chaos and delays.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChaos, MAX_DELAY_MS, mulberry32, parseDelay, transientStatuses } from '../src/mock/chaos.js';
import { GraphFailure } from '../src/mock/graph-error.js';
import { Journal, JOURNAL_CAPACITY, type JournalEntry } from '../src/mock/journal.js';
import { AnswerQueue, DEFAULT_SESSION, IDLE_MS, MAX_QUEUED, SessionStore, sessionName, type Session } from '../src/mock/sessions.js';
import { FakeDirectory, usersFixture } from './support/fake-directory.js';

/** A store on a fake clock (no timer unless asked), from a base directory of `baseSize` users. */
function storeOf(options: { baseSize?: number; maxSessions?: number; maxTotalSize?: number; sweepMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const base = new FakeDirectory(usersFixture(options.baseSize ?? 2));
  const store = new SessionStore({ base: () => base.clone(), now: () => clock.now, sweepMs: options.sweepMs ?? 0, ...options });
  return { store, clock, base };
}

function ok<D extends FakeDirectory>(session: Session<D> | GraphFailure): Session<D> {
  if (session instanceof GraphFailure) throw new Error(`expected a session, got ${session.status} ${session.message}`);
  return session;
}

const entry = (i: number): JournalEntry => ({
  time: new Date(i * 1000).toISOString(),
  method: 'POST',
  path: `/v1.0/users/u${i}/sponsors/$ref`,
  status: 204,
  clientRequestId: `c-${i}`,
  requestId: `r-${i}`,
  session: 'default',
  durationMs: 1,
});

afterEach(() => void vi.useRealTimers());

describe('sessionName', () => {
  it('is default without the header', () => expect(sessionName(undefined)).toBe(DEFAULT_SESSION));

  it.each(['a', 'checkout-test_7.v2', 'x'.repeat(64), 'A.B-C_9'])('accepts %s', (name) => expect(sessionName(name)).toBe(name));

  it.each([['', 'x'.repeat(65), 'a b', 'ü', 'a/b', 'a,b'], [['a', 'b']]].flat(1))('refuses %j with a Graph-shaped 400', (header) => {
    const failure = sessionName(header);
    expect(failure).toBeInstanceOf(GraphFailure);
    expect(failure).toMatchObject({ status: 400, code: 'BadRequest', message: expect.stringMatching(/x-mock-session.*1 to 64/) });
  });
});

describe('SessionStore', () => {
  it('creates a session on first use from the base, and gives the same one back', () => {
    const { store } = storeOf({ baseSize: 3 });
    const a = ok(store.session('a'));
    expect(a).toMatchObject({ name: 'a', lastUsed: 1_000_000 });
    expect(a.directory.size).toBe(3);
    expect(ok(store.session('a'))).toBe(a);
    expect(store.count).toBe(1);
  });

  it('keeps sessions apart: directory, journal and queue', () => {
    const { store } = storeOf();
    const a = ok(store.session('a'));
    const b = ok(store.session('b'));
    a.directory.add('users', { id: 'only-in-a' });
    a.journal.record(entry(1));
    expect(a.queue.enqueue([{ code: 429 }])).toBeUndefined();
    expect(b.directory.toFixture().users!.map((u) => u.id)).not.toContain('only-in-a');
    expect(b.journal.size).toBe(0);
    expect(b.queue.next()).toBeUndefined();
  });

  it('drops a session idle for 15 minutes, lazily on the next access, and starts it afresh', () => {
    const { store, clock } = storeOf();
    ok(store.session('a')).directory.add('users', { id: 'x' });
    ok(store.session(DEFAULT_SESSION));
    clock.now += IDLE_MS - 1;
    expect(store.has('a')).toBe(true);
    clock.now += 1;
    expect(store.has('a')).toBe(false);
    expect(store.has(DEFAULT_SESSION)).toBe(true); // the default session never expires
    expect(store.report().expired).toBe(1);
    expect(ok(store.session('a')).directory.size).toBe(2);
  });

  it('a use keeps a session alive', () => {
    const { store, clock } = storeOf();
    ok(store.session('a'));
    clock.now += IDLE_MS - 1;
    ok(store.session('a'));
    clock.now += IDLE_MS - 1;
    expect(store.has('a')).toBe(true);
  });

  it('drops idle sessions from its background sweep too, which close() stops', () => {
    vi.useFakeTimers();
    const { store, clock } = storeOf({ sweepMs: 60_000 });
    ok(store.session('a'));
    clock.now += IDLE_MS;
    expect(store.count).toBe(1); // count does not sweep
    vi.advanceTimersByTime(60_000);
    expect(store.count).toBe(0);
    store.close();
    ok(store.session('b'));
    clock.now += IDLE_MS;
    vi.advanceTimersByTime(10 * 60_000);
    expect(store.count).toBe(1);
  });

  it('past the cap, evicts the least recently used session other than default, and counts it', () => {
    const { store, clock } = storeOf({ maxSessions: 3 });
    for (const name of [DEFAULT_SESSION, 'a', 'b']) {
      ok(store.session(name));
      clock.now += 1000;
    }
    ok(store.session('a')); // b is now the least recently used after default
    ok(store.session('c'));
    expect(store.report().value.map((s) => s.name)).toEqual([DEFAULT_SESSION, 'a', 'c']);
    expect(store.report().evicted).toBe(1);
    ok(store.session('d'));
    expect(store.report().value.map((s) => s.name)).toEqual([DEFAULT_SESSION, 'c', 'd']);
    expect(store.report().evicted).toBe(2);
  });

  it('holds a size budget over all sessions: canGrow, and a 503 naming the cap and reset for a session past it', () => {
    const { store } = storeOf({ baseSize: 10, maxTotalSize: 25 });
    ok(store.session('a'));
    ok(store.session('b'));
    expect(store.totalSize).toBe(20);
    expect(store.canGrow(5)).toBe(true);
    expect(store.canGrow(6)).toBe(false);
    const refused = store.session('c');
    expect(refused).toMatchObject({ status: 503, code: 'serviceNotAvailable', message: expect.stringMatching(/at most 25 .*POST \/_mock\/reset/) });
    expect(store.count).toBe(2);
  });

  it('reset puts the directory back to the base and empties queue and journal', () => {
    const { store } = storeOf({ baseSize: 2 });
    const a = ok(store.session('a'));
    a.directory.add('users', { id: 'new' });
    a.journal.record(entry(1));
    a.queue.enqueue([{ code: 429 }]);
    const after = ok(store.reset('a'));
    expect(after.directory.size).toBe(2);
    expect(after.journal.size).toBe(0);
    expect(after.queue.size).toBe(0);
  });

  it('replace gives the session a fixture that reset returns to; both copies count, and past the budget nothing changes', () => {
    const { store } = storeOf({ baseSize: 2, maxTotalSize: 20 });
    const fixture = new FakeDirectory(usersFixture(5));
    const a = ok(store.replace('a', fixture));
    expect(a.directory.size).toBe(5);
    expect(a.directory).not.toBe(fixture);
    a.directory.add('users', { id: 'later' });
    expect(ok(store.reset('a')).directory.size).toBe(5);
    expect(store.totalSize).toBe(10);
    expect(store.replace('a', new FakeDirectory(usersFixture(11)))).toMatchObject({ status: 503 });
    expect(ok(store.session('a')).directory.size).toBe(5);
  });
});

describe('Journal', () => {
  it('keeps the last 1,000 entries, oldest first, once it wraps', () => {
    const journal = new Journal();
    for (let i = 0; i < JOURNAL_CAPACITY + 5; i++) journal.record(entry(i));
    const listed = journal.list();
    expect(listed).toHaveLength(JOURNAL_CAPACITY);
    expect(listed[0]!.requestId).toBe('r-5');
    expect(listed.at(-1)!.requestId).toBe(`r-${JOURNAL_CAPACITY + 4}`);
    expect(listed.map((e) => Number(e.requestId.slice(2)))).toEqual(listed.map((_, i) => i + 5));
  });

  it('lists oldest first before it wraps, and clear() empties it', () => {
    const journal = new Journal(3);
    journal.record(entry(1));
    journal.record(entry(2));
    expect(journal.list().map((e) => e.requestId)).toEqual(['r-1', 'r-2']);
    journal.clear();
    expect(journal.list()).toEqual([]);
  });

  it('stores the listed fields only: never an Authorization value, nor a query', () => {
    const journal = new Journal();
    const secret = 'eyJhbGciOiJub25lIn0.eyJzY3AiOiJVc2VyLlJlYWQifQ.';
    const withHeaders = {
      ...entry(1),
      path: `/v1.0/users/a/sponsors/$ref?access_token=${secret}`,
      headers: { authorization: `Bearer ${secret}` },
      authorization: secret,
    };
    journal.record(withHeaders);
    const [kept] = journal.list();
    expect(JSON.stringify(journal.list())).not.toContain(secret);
    expect(Object.keys(kept!).sort()).toEqual(['clientRequestId', 'durationMs', 'method', 'path', 'requestId', 'session', 'status', 'time']);
    expect(kept!.path).toBe('/v1.0/users/a/sponsors/$ref');
  });

  it('hands out copies', () => {
    const journal = new Journal();
    journal.record(entry(1));
    journal.list()[0]!.status = 500;
    expect(journal.list()[0]!.status).toBe(204);
  });
});

describe('AnswerQueue', () => {
  it('gives the queued answers in order, then nothing', () => {
    const queue = new AnswerQueue();
    expect(queue.enqueue([{ code: 429 }, { code: 400, example: 'referenceAlreadyExists' }, { delayMs: 2000 }])).toBeUndefined();
    expect(queue.enqueue([{ code: 204, delayMs: 0 }])).toBeUndefined();
    expect([queue.next(), queue.next(), queue.next(), queue.next(), queue.next()]).toEqual([
      { code: 429 },
      { code: 400, example: 'referenceAlreadyExists' },
      { delayMs: 2000 },
      { code: 204, delayMs: 0 },
      undefined,
    ]);
  });

  it.each([
    ['not an array', { code: 429 }, /answers must be an array of 1 to 100/],
    ['empty', [], /answers must be an array of 1 to 100/],
    ['too long', Array.from({ length: MAX_QUEUED + 1 }, () => ({ code: 429 })), /answers must be an array of 1 to 100/],
    ['an entry that is not an object', [{ code: 429 }, 429], /answers\[1\] must be an object/],
    ['a code below 100', [{ code: 99 }], /answers\[0\]\.code must be an integer from 100 to 599/],
    ['a code above 599', [{ code: 600 }], /answers\[0\]\.code/],
    ['a fractional code', [{ code: 429.5 }], /answers\[0\]\.code/],
    ['a code as text', [{ code: '429' }], /answers\[0\]\.code/],
    ['a negative delay', [{ delayMs: -1 }], /answers\[0\]\.delayMs must be an integer from 0 to 60000/],
    ['a delay past a minute', [{ delayMs: MAX_DELAY_MS + 1 }], /answers\[0\]\.delayMs/],
    ['an empty example', [{ code: 400, example: '' }], /answers\[0\]\.example/],
    ['an unknown property', [{ code: 429 }, { status: 429 }], /answers\[1\] has the unknown property 'status'/],
    ['an example alone', [{ example: 'referenceAlreadyExists' }], /answers\[0\] needs a code or a delayMs/],
  ])('refuses %s with a 400 naming it, and queues nothing', (_what, answers, message) => {
    const queue = new AnswerQueue();
    const failure = queue.enqueue(answers);
    expect(failure).toMatchObject({ status: 400, code: 'BadRequest', message: expect.stringMatching(message) });
    expect(queue.size).toBe(0);
  });

  it('holds at most 100 pending answers', () => {
    const queue = new AnswerQueue();
    const codes = (n: number) => Array.from({ length: n }, () => ({ code: 503 }));
    expect(queue.enqueue(codes(60))).toBeUndefined();
    expect(queue.enqueue(codes(41))).toMatchObject({ status: 400, message: expect.stringMatching(/60 answers pending; 41 more .*100/) });
    expect(queue.size).toBe(60);
    expect(queue.enqueue(codes(40))).toBeUndefined();
    expect(queue.size).toBe(MAX_QUEUED);
  });
});

describe('chaos', () => {
  const draws = (seed: number, rate: number, n = 1000) => {
    const chaos = createChaos({ rate, seed });
    return Array.from({ length: n }, () => chaos.pick([429, 503, 504]));
  };

  it('is reproducible: the same seed gives the same picks, another seed others', () => {
    expect(draws(42, 0.3)).toEqual(draws(42, 0.3));
    expect(draws(43, 0.3)).not.toEqual(draws(42, 0.3));
  });

  it('rate 0 picks nothing, rate 1 every request', () => {
    expect(draws(7, 0).every((pick) => pick === undefined)).toBe(true);
    expect(draws(7, 1).every((pick) => pick !== undefined)).toBe(true);
  });

  it('picks about the rate, among the statuses given only', () => {
    const picks = draws(1, 0.25, 20_000);
    const hits = picks.filter((pick) => pick !== undefined);
    expect(hits.length / picks.length).toBeGreaterThan(0.23);
    expect(hits.length / picks.length).toBeLessThan(0.27);
    expect(new Set(hits)).toEqual(new Set([429, 503, 504]));
    const chaos = createChaos({ rate: 1, seed: 1 });
    expect(chaos.pick([503])).toBe(503);
    expect(chaos.pick([])).toBeUndefined();
  });

  it('mulberry32 gives numbers in [0, 1)', () => {
    const random = mulberry32(0);
    const values = Array.from({ length: 1000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });

  it.each([[-0.1], [1.1], [Number.NaN]])('refuses rate %s', (rate) => expect(() => createChaos({ rate, seed: 1 })).toThrow(RangeError));
  it('refuses a seed that is not an integer', () => expect(() => createChaos({ rate: 0.5, seed: 1.5 })).toThrow(RangeError));

  it("finds an operation's transient statuses in its example map or its responses", () => {
    const examples = new Map([
      ['referenceAlreadyExists', 400],
      ['gatewayTimeout', 504],
      ['tooManyRequests', 429],
      ['generalException', 500],
    ]);
    expect(transientStatuses(examples)).toEqual([429, 504]);
    expect(transientStatuses({ '204': {}, '503': {}, '429': {}, '401': {} })).toEqual([429, 503]);
    expect(transientStatuses({ '204': {} })).toEqual([]);
  });
});

describe('parseDelay', () => {
  it.each<[string | string[] | undefined, number | undefined]>([
    ['delay=250', 250],
    ['respond-async, delay=100', 100],
    ['delay="300"', 300],
    ['DELAY=3', 3],
    ['delay=5; unit=ms', 5],
    [['code=429', 'delay=40'], 40],
    ['delay=1, delay=2', 1],
    [`delay=${MAX_DELAY_MS + 1}`, MAX_DELAY_MS],
    ['delay=99999999999999999999', MAX_DELAY_MS],
    ['delay=0', 0],
    ['delay=-1', undefined],
    ['delay=1.5', undefined],
    ['delay=abc', undefined],
    ['delay=', undefined],
    ['code=429', undefined],
    [undefined, undefined],
  ])('%j → %s', (header, expected) => expect(parseDelay(header)).toBe(expected));
});
