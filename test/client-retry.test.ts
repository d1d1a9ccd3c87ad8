// Retries of 429, 503 and 504: Retry-After forms, backoff, bounds, option checks, retry:false and abort during
// a wait. Waits run on fake timers, so nothing depends on wall-clock time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphClient, GraphError, parseRetryAfter, defaultRetry, maxAttemptsLimit, type GraphClientOptions } from '../src/index.js';
import { maxTimerMs, sleep } from '../src/retry.js';

const throttled = (status: number, retryAfter?: string) => () =>
  Response.json(
    {
      error: {
        code: status === 429 ? 'TooManyRequests' : 'serviceNotAvailable',
        message: 'retry later',
        innerError: { date: '2026-11-23T12:51:51', 'request-id': 'r' },
      },
    },
    { status, headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter } },
  );
const noContent = () => new Response(null, { status: 204 });

/** A fetch that answers with the given responders in turn (the last one repeats) and records client-request-ids. */
function scriptedFetch(...responders: Array<() => Response>) {
  const ids: string[] = [];
  const fetch = ((input: Request | string, init?: RequestInit) => {
    ids.push(new Request(input, init).headers.get('client-request-id')!);
    return Promise.resolve(responders[Math.min(ids.length - 1, responders.length - 1)]!());
  }) as unknown as typeof globalThis.fetch;
  return { fetch, ids };
}

function call(fetch: typeof globalThis.fetch, options: Partial<Omit<GraphClientOptions, 'credential'>> = {}, signal?: AbortSignal) {
  const graph = createGraphClient({ token: 't', fetch, ...options });
  const settled = graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, signal ? { signal } : {});
  settled.catch(() => undefined); // observed later; avoids an unhandled-rejection report in between
  return settled;
}

/** Yields real macrotasks until the client has scheduled its wait: two fake timers, the call's timeout and the wait. */
async function untilWaiting(timers = 2) {
  for (let i = 0; i < 1000 && vi.getTimerCount() < timers; i++) await new Promise((r) => setImmediate(r));
  expect(vi.getTimerCount()).toBe(timers);
}

/** Only the timers the client uses (and Date for HTTP dates): setImmediate stays real for untilWaiting. */
function fakeTimers(now?: number) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], ...(now === undefined ? {} : { now }) });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Mon, 23 Nov 2026 12:00:00 GMT');
  it.each([
    ['120', 120],
    ['2.128', 2.128],
    ['0', 0],
    ['Mon, 23 Nov 2026 12:00:03 GMT', 3],
    ['Mon, 23 Nov 2026 11:59:00 GMT', 0],
    ['', undefined],
    ['soon', undefined],
    ['-1', undefined],
    // The obsolete HTTP-date forms RFC 9110 §5.6.7 still requires recipients to accept, always UTC:
    ['Monday, 23-Nov-26 12:00:03 GMT', 3], // RFC 850; a two-digit year at most 50 years ahead is this century
    ['Mon Nov 23 12:00:03 2026', 3], // asctime, read as UTC even without a zone
    ['Mon Nov  3 12:00:00 2026', 0], // asctime's space-padded day
    ['Tuesday, 23-Nov-77 12:00:00 GMT', 0], // 2077 would be more than 50 years ahead: 1977
    // Not HTTP-dates, whatever Date.parse makes of them:
    ['a 2', undefined],
    ['1 2', undefined],
    ['2026-11-23T12:00:03Z', undefined],
    ['Mon, 23 Nov 2026 12:00:03 UTC', undefined],
    ['mon, 23 nov 2026 12:00:03 gmt', undefined],
    ['Mon, 31 Feb 2026 12:00:03 GMT', undefined],
    ['Mon, 23 Nov 2026 24:00:03 GMT', undefined],
    // An hour past 23 in each form, the day's last and the month's last (no pattern range: the day check refuses it):
    ['Mon, 30 Nov 2026 99:59:59 GMT', undefined],
    ['Monday, 23-Nov-26 47:00:03 GMT', undefined],
    ['Mon Nov 30 24:00:00 2026', undefined],
    ['Mon, 23 Foo 2026 12:00:03 GMT', undefined],
    // Each form with its own day-name, separators and zone (one pattern reads all three: none may borrow another's):
    ['Mon, 23-Nov-26 12:00:03 GMT', undefined], // RFC 850's dashes need its full day-name
    ['Monday, 23 Nov 2026 12:00:03 GMT', undefined], // IMF-fixdate takes the short one
    ['Mon Nov 23 12:00:03 2026 GMT', undefined], // asctime has no zone
    ['Mon Nov 23 12:00:03 26', undefined], // nor a two-digit year
    ['Sun Feb 29 12:00:03 2026', undefined], // a day the month lacks, in asctime too
    ['Tue, 29 Feb 2028 12:00:03 GMT', 40_003_203], // a leap day is one
    ['Mon Nov 23 12:60:03 2026', undefined],
    ['Mon, 23 Nov 2026 12:00:60 GMT', 60], // a leap second, as RFC 9110's second = 2DIGIT allows (0–60 read)
  ])('%j → %j', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
  it('absent → undefined', () => expect(parseRetryAfter(null, now)).toBeUndefined());
});

describe('retries', () => {
  it('retries a 429 and resolves, with a fresh client-request-id per attempt', async () => {
    const { fetch, ids } = scriptedFetch(throttled(429, '0'), noContent);
    await expect(call(fetch)).resolves.toBeUndefined();
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it.each([429, 503, 504])('retries %i up to maxAttempts, then rejects with the last GraphError', async (status) => {
    const { fetch, ids } = scriptedFetch(throttled(status, '0'));
    await expect(call(fetch, { retry: { maxAttempts: 3 } })).rejects.toMatchObject({ name: 'GraphError', status, retryAfter: 0 });
    expect(ids).toHaveLength(3);
  });

  it(`makes ${defaultRetry.maxAttempts} attempts by default`, async () => {
    const { fetch, ids } = scriptedFetch(throttled(503, '0'));
    await expect(call(fetch)).rejects.toBeInstanceOf(GraphError);
    expect(ids).toHaveLength(defaultRetry.maxAttempts);
  });

  it.each([400, 401, 403, 404, 500])('does not retry %i', async (status) => {
    const { fetch, ids } = scriptedFetch(() => Response.json({ error: { code: 'x', message: 'y' } }, { status }));
    await expect(call(fetch)).rejects.toMatchObject({ status });
    expect(ids).toHaveLength(1);
  });

  it('retry: false makes one attempt', async () => {
    const { fetch, ids } = scriptedFetch(throttled(429, '0'), noContent);
    await expect(call(fetch, { retry: false })).rejects.toMatchObject({ status: 429 });
    expect(ids).toHaveLength(1);
  });

  it("keeps the caller's client-request-id on every attempt", async () => {
    const { fetch, ids } = scriptedFetch(throttled(429, '0'), noContent);
    const graph = createGraphClient({ fetch });
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { clientRequestId: 'mine' });
    expect(ids).toEqual(['mine', 'mine']);
  });

  it('does not start a wait beyond maxTotalWaitMs and rejects at once with retryAfter', async () => {
    const { fetch, ids } = scriptedFetch(throttled(429, String(defaultRetry.maxTotalWaitMs / 1000 + 1)), noContent);
    await expect(call(fetch)).rejects.toMatchObject({ status: 429, retryAfter: defaultRetry.maxTotalWaitMs / 1000 + 1 });
    expect(ids).toHaveLength(1);
  });

  it.each([
    { form: 'a decimal Retry-After exactly', now: undefined, status: 429, header: '2.128', waitMs: 2128 },
    { form: 'a Retry-After HTTP date', now: Date.parse('Mon, 23 Nov 2026 12:00:00 GMT'), status: 503, header: 'Mon, 23 Nov 2026 12:00:05 GMT', waitMs: 5000 },
  ])('honours $form', async ({ now, status, header, waitMs }) => {
    fakeTimers(now);
    const { fetch, ids } = scriptedFetch(throttled(status, header), noContent);
    const settled = call(fetch);
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(waitMs - 1);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(settled).resolves.toBeUndefined();
    expect(ids).toHaveLength(2);
  });

  it('backs off exponentially without Retry-After', async () => {
    fakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1); // top of the jitter range: exactly baseDelayMs * 2^(retry-1)
    const { fetch, ids } = scriptedFetch(throttled(504), throttled(504), noContent);
    const settled = call(fetch, { retry: { baseDelayMs: 1000 } });
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(999);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await untilWaiting();
    expect(ids).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(ids).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(settled).resolves.toBeUndefined();
    expect(ids).toHaveLength(3);
  });

  it('stops a pending wait at once when the signal aborts', async () => {
    fakeTimers();
    const { fetch, ids } = scriptedFetch(throttled(429, '10'), noContent);
    const controller = new AbortController();
    const settled = call(fetch, {}, controller.signal);
    await untilWaiting();
    controller.abort();
    await expect(settled).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
    expect(ids).toHaveLength(1);
  });

  it('calls the token provider again on each retry', async () => {
    const { fetch } = scriptedFetch(throttled(429, '0'), noContent);
    const getToken = vi.fn(() => Promise.resolve('fresh'));
    await createGraphClient({ fetch, getToken }).addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(getToken).toHaveBeenCalledTimes(2);
  });
});

describe('retry options are checked at createGraphClient', () => {
  const bad: Array<[keyof NonNullable<Exclude<GraphClientOptions['retry'], false>>, unknown]> = [
    ['maxAttempts', 0],
    ['maxAttempts', -1],
    ['maxAttempts', 1.5],
    ['maxAttempts', Number.NaN],
    ['maxAttempts', Infinity],
    ['maxAttempts', maxAttemptsLimit + 1],
    ['maxAttempts', '3'],
    ['maxAttempts', null],
    ['baseDelayMs', -1],
    ['baseDelayMs', Number.NaN],
    ['baseDelayMs', Infinity],
    ['baseDelayMs', maxTimerMs + 1],
    ['maxTotalWaitMs', -1],
    ['maxTotalWaitMs', Number.NaN],
    ['maxTotalWaitMs', Infinity],
    ['maxTotalWaitMs', 2 ** 31],
  ];
  it.each(bad)('%s: %s is a RangeError naming the option', (key, value) => {
    const { fetch } = scriptedFetch(noContent);
    expect(() => createGraphClient({ fetch, retry: { [key]: value } as never })).toThrow(RangeError);
    expect(() => createGraphClient({ fetch, retry: { [key]: value } as never })).toThrow(new RegExp(`^retry\\.${key} must be`));
  });

  it.each([null, true, 'yes', 3])('retry: %j is a RangeError', (value) => {
    expect(() => createGraphClient({ retry: value as never })).toThrow(/^retry must be false or an object/);
  });

  it.each([
    { maxAttempts: 1 },
    { maxAttempts: maxAttemptsLimit },
    { baseDelayMs: 0, maxTotalWaitMs: 0 },
    { maxTotalWaitMs: maxTimerMs, baseDelayMs: maxTimerMs },
  ])('accepts the bounds %j', (retry) => {
    expect(() => createGraphClient({ retry })).not.toThrow();
  });

  it('an explicit undefined keeps the default: { maxAttempts: undefined } with Retry-After: 0 stops after the default attempts', async () => {
    const { fetch, ids } = scriptedFetch(throttled(429, '0'));
    const spread = { ...{ maxAttempts: undefined, baseDelayMs: undefined, maxTotalWaitMs: undefined } };
    await expect(call(fetch, { retry: spread })).rejects.toMatchObject({ status: 429 });
    expect(ids).toHaveLength(defaultRetry.maxAttempts);
  });

  it('an explicit undefined baseDelayMs backs off from the default, not from 0', async () => {
    fakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { fetch, ids } = scriptedFetch(throttled(503), noContent);
    const settled = call(fetch, { retry: { baseDelayMs: undefined } });
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(defaultRetry.baseDelayMs - 1);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(settled).resolves.toBeUndefined();
    expect(ids).toHaveLength(2);
  });
});

describe('waits', () => {
  it('a Retry-After that is not a number or an HTTP date ("a 2") backs off instead of retrying at once', async () => {
    fakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { fetch, ids } = scriptedFetch(throttled(429, 'a 2'), noContent);
    const settled = call(fetch, { retry: { baseDelayMs: 1000 } });
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(999);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(settled).resolves.toBeUndefined();
    expect(ids).toHaveLength(2);
  });

  it('a wait of the largest budget (2^31-1 ms) really waits that long, it does not fire after 1 ms', async () => {
    fakeTimers();
    const { fetch, ids } = scriptedFetch(throttled(429, String(maxTimerMs / 1000)), noContent);
    const settled = call(fetch, { retry: { maxTotalWaitMs: maxTimerMs }, timeoutMs: Infinity });
    await untilWaiting(1); // no timeout timer with timeoutMs: Infinity
    await vi.advanceTimersByTimeAsync(1);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(maxTimerMs - 2);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(settled).resolves.toBeUndefined();
    expect(ids).toHaveLength(2);
  });

  it('sleep clamps a wait above 2^31-1 ms to 2^31-1 (setTimeout would otherwise fire at once)', async () => {
    fakeTimers();
    let done = false;
    void sleep(2 ** 40, new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(maxTimerMs - 1);
    expect(done).toBe(true);
  });

  it("a wait that would end after the call's timeout is not started: the GraphError comes back at once", async () => {
    fakeTimers();
    const { fetch, ids } = scriptedFetch(throttled(503, '5'));
    const settled = call(fetch, { timeoutMs: 8000 });
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(5000);
    await expect(settled).rejects.toMatchObject({ name: 'GraphError', status: 503, retryAfter: 5 });
    expect(ids).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});
