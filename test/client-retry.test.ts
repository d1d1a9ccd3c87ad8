// Retries of 429, 503 and 504: Retry-After forms, backoff, bounds, retry:false and abort during a wait.
// Waits run on fake timers, so nothing depends on wall-clock time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphClient, GraphError, parseRetryAfter, defaultRetry, type GraphClientOptions } from '../src/index.js';

const throttled = (status: number, retryAfter?: string) => () =>
  Response.json(
    { error: { code: status === 429 ? 'TooManyRequests' : 'serviceNotAvailable', message: 'retry later', innerError: { date: '2026-11-23T12:51:51', 'request-id': 'r' } } },
    { status, headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter } },
  );
const noContent = () => new Response(null, { status: 204 });

/** A fetch that answers with the given responders in turn (the last one repeats) and records client-request-ids. */
function scriptedFetch(...responders: Array<() => Response>) {
  const ids: string[] = [];
  const fetch = (async (input: Request) => {
    ids.push(input.headers.get('client-request-id')!);
    return responders[Math.min(ids.length - 1, responders.length - 1)]!();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, ids };
}

function call(fetch: typeof globalThis.fetch, options: Partial<GraphClientOptions> = {}, signal?: AbortSignal) {
  const graph = createGraphClient({ token: 't', fetch, ...options });
  const settled = graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, signal ? { signal } : {});
  settled.catch(() => undefined); // observed later; avoids an unhandled-rejection report in between
  return settled;
}

/** Yields real macrotasks until the client has scheduled its wait (a fake timer is pending). */
async function untilWaiting() {
  for (let i = 0; i < 1000 && vi.getTimerCount() === 0; i++) await new Promise((r) => setImmediate(r));
  expect(vi.getTimerCount()).toBe(1);
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

  it('keeps the caller\'s client-request-id on every attempt', async () => {
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
    const getToken = vi.fn(async () => 'fresh');
    await createGraphClient({ fetch, getToken }).addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(getToken).toHaveBeenCalledTimes(2);
  });
});
