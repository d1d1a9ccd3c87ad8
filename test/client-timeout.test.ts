// The call's timeout and AbortSignal cover token acquisition, the request and retry waits alike; timeoutMs is
// checked; nothing is left behind when a call ends. Timers are fake, so nothing depends on wall-clock time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphClient, createRawClient, defaultTimeoutMs, type CallOptions, type GraphClientOptions } from '../src/index.js';
import { maxTimerMs } from '../src/retry.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function fakeTimers() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}

/** Yields real macrotasks until `check()` holds (the client got that far). */
async function until(check: () => boolean) {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

/** A fetch that never answers and ignores its signal (the worst an injected fetch can do); records each request as fetch would build it. */
function silentFetch() {
  const requests: Request[] = [];
  const fetch = ((input: Request, init?: RequestInit) => {
    requests.push(new Request(input, init));
    return new Promise<Response>(() => undefined);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

function call(options: GraphClientOptions, callOptions: CallOptions = {}) {
  const settled = createGraphClient({ token: 't', ...options }).addUserSponsor('u1', { kind: 'user', id: 's1' }, callOptions);
  settled.catch(() => undefined); // observed later
  return settled;
}

const timeoutError = { name: 'TimeoutError' };

describe('timeoutMs', () => {
  it(`defaults to ${defaultTimeoutMs} ms: a server that never answers ends in a TimeoutError, and the request's signal aborts`, async () => {
    fakeTimers();
    const { fetch, requests } = silentFetch();
    const settled = call({ fetch });
    await until(() => requests.length === 1);
    await vi.advanceTimersByTimeAsync(defaultTimeoutMs - 1);
    expect(requests[0]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await settled.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject(timeoutError);
    expect(requests[0]!.signal.aborted).toBe(true);
    expect(requests[0]!.signal.reason).toBe(error);
  });

  it("a per-call timeoutMs overrides the client's", async () => {
    fakeTimers();
    const { fetch } = silentFetch();
    const settled = call({ fetch, timeoutMs: 60_000 }, { timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(settled).rejects.toMatchObject(timeoutError);
  });

  it('bounds a list call as a whole: pages answered in time, then a page that never answers, is one TimeoutError', async () => {
    fakeTimers();
    const requests: Request[] = [];
    const page = (n: number) => ({ value: [{ id: `s${n}` }], '@odata.nextLink': `https://graph.microsoft.com/v1.0/users/u1/sponsors?$skiptoken=${n}` });
    const fetch = ((input: Request | string, init?: RequestInit) => {
      requests.push(new Request(input, init));
      // Each of the first three pages answers after 300 ms; the fourth never does.
      if (requests.length > 3) return new Promise<Response>(() => undefined);
      return new Promise<Response>((resolve) => setTimeout(() => resolve(Response.json(page(requests.length))), 300));
    }) as unknown as typeof globalThis.fetch;
    const settled = createGraphClient({ token: 't', fetch }).listUserSponsors('u1', { timeoutMs: 1000 });
    settled.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(999);
    expect(requests).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    await expect(settled).rejects.toMatchObject(timeoutError);
  });

  it('bounds a remove and a create as it bounds an add', async () => {
    fakeTimers();
    const { fetch, requests } = silentFetch();
    const graph = createGraphClient({ token: 't', fetch, timeoutMs: 500 });
    const removed = graph.removeUserSponsor('u1', 's1');
    const created = graph.createConnectedOrganization({ displayName: 'C', description: 'D', identitySources: [], state: 'proposed' });
    removed.catch(() => undefined);
    created.catch(() => undefined);
    await until(() => requests.length === 2);
    await vi.advanceTimersByTimeAsync(500);
    await expect(removed).rejects.toMatchObject(timeoutError);
    await expect(created).rejects.toMatchObject(timeoutError);
    expect(requests.map((r) => [r.method, r.signal.aborted])).toEqual([
      ['DELETE', true],
      ['POST', true],
    ]);
  });

  it('covers a getToken that never settles: TimeoutError, nothing sent', async () => {
    fakeTimers();
    const { fetch, requests } = silentFetch();
    const getToken = vi.fn(() => new Promise<string>(() => undefined));
    const settled = call({ fetch, getToken, token: undefined, timeoutMs: 1000 });
    await until(() => getToken.mock.calls.length === 1);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(settled).rejects.toMatchObject(timeoutError);
    expect(requests).toHaveLength(0);
  });

  it('timeoutMs: Infinity sets no timer at all', async () => {
    fakeTimers();
    const { fetch, requests } = silentFetch();
    void call({ fetch, timeoutMs: Infinity });
    await until(() => requests.length === 1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("leaves no timer and no listener on the caller's signal once the call ends", async () => {
    fakeTimers();
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const fetch = (() => Promise.resolve(new Response(null, { status: 204 }))) as typeof globalThis.fetch;
    // One long-lived signal for many calls (a Request made with it directly would keep a listener on it per call).
    for (let i = 0; i < 50; i++) await call({ fetch }, { signal: controller.signal });
    expect(vi.getTimerCount()).toBe(0);
    expect(added).toHaveBeenCalledTimes(50);
    expect(removed).toHaveBeenCalledTimes(50);
    for (const [i, [type, listener]] of added.mock.calls.entries()) expect(removed.mock.calls[i]).toEqual([type, listener]);
  });

  it.each([0, -1, Number.NaN, maxTimerMs + 1, '5000', null])('timeoutMs %s is a RangeError naming the option, at creation and per call', async (value) => {
    expect(() => createGraphClient({ timeoutMs: value as never })).toThrow(/^timeoutMs must be/);
    const { fetch, requests } = silentFetch();
    await expect(call({ fetch }, { timeoutMs: value as never })).rejects.toThrow(RangeError);
    expect(requests).toHaveLength(0);
  });

  it('an explicit undefined means the default', async () => {
    fakeTimers();
    const { fetch } = silentFetch();
    const settled = call({ fetch, timeoutMs: undefined }, { timeoutMs: undefined });
    await vi.advanceTimersByTimeAsync(defaultTimeoutMs);
    await expect(settled).rejects.toMatchObject(timeoutError);
  });
});

describe("the call's AbortSignal", () => {
  it("aborts a getToken that never settles, with the signal's reason, nothing sent", async () => {
    const { fetch, requests } = silentFetch();
    const controller = new AbortController();
    const getToken = vi.fn(() => new Promise<string>(() => undefined));
    const settled = call({ fetch, getToken, timeoutMs: Infinity }, { signal: controller.signal });
    await until(() => getToken.mock.calls.length === 1);
    const reason = new Error('user left the page');
    controller.abort(reason);
    await expect(settled).rejects.toBe(reason);
    expect(requests).toHaveLength(0);
  });

  it('aborts a request that never answers, even through a fetch that ignores its signal', async () => {
    const { fetch, requests } = silentFetch();
    const controller = new AbortController();
    const settled = call({ fetch, timeoutMs: Infinity }, { signal: controller.signal });
    await until(() => requests.length === 1);
    controller.abort();
    await expect(settled).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests[0]!.signal.aborted).toBe(true);
  });

  it('aborts a retry wait at once and leaves no timer', async () => {
    fakeTimers();
    const requests: Request[] = [];
    const fetch = ((input: Request | string, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return Promise.resolve(Response.json({ error: { code: 'TooManyRequests', message: 'slow down' } }, { status: 429, headers: { 'Retry-After': '10' } }));
    }) as unknown as typeof globalThis.fetch;
    const controller = new AbortController();
    const settled = call({ fetch }, { signal: controller.signal });
    await until(() => vi.getTimerCount() === 2); // the call's timeout and the wait
    controller.abort();
    await expect(settled).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("aborts a raw call's getToken too", async () => {
    const { fetch, requests } = silentFetch();
    const controller = new AbortController();
    const getToken = vi.fn(() => new Promise<string>(() => undefined));
    const settled = createRawClient({ fetch, getToken }).POST('/v1.0/users/{id}/sponsors/$ref', {
      params: { path: { id: 'u1' } },
      body: { '@odata.id': 'https://graph.microsoft.com/v1.0/users/s1' },
      signal: controller.signal,
    });
    settled.catch(() => undefined);
    await until(() => getToken.mock.calls.length === 1);
    controller.abort();
    await expect(settled).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toHaveLength(0);
  });
});
