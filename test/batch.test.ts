// The client's bulk adds without a socket (src/batch.ts): the batch bodies, reading the answers into per-sponsor
// results, and which requests are sent again and when, with a scripted `post` standing in for the exchange.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchOperations, operations } from '../generated/operations.js';
import { addRequests, bulk, itemError, type BatchBody } from '../src/batch.js';
import type { GraphError } from '../src/errors.js';
import { retryPolicy } from '../src/retry.js';
import { sponsorODataId } from '../src/sponsors.js';

const OWNER = 'd8ab5060-f636-4cff-ae97-d4687f5c83f3';
const policy = retryPolicy({ maxAttempts: 3, maxTotalWaitMs: 10_000, baseDelayMs: 100 });
const limits = (over: object = {}) => ({ policy, signal: new AbortController().signal, deadline: Infinity, ...over });
const duplicate = {
  code: 'Request_BadRequest',
  message: "One or more added object references already exist for the following modified properties: 'sponsors'.",
};
const exists = (error: GraphError) => error.status === 400 && error.code === duplicate.code;
const errorBody = (code: string, message = code) => ({ error: { code, message, innerError: { date: '2026-11-26T22:00:00', 'request-id': 'r' } } });
const sponsors = (n: number) => Array.from({ length: n }, (_, i) => ({ kind: 'user' as const, id: `u${i}` }));
const build = (list: Array<{ kind: 'user'; id: string }>) => (at: number[]) => addRequests('global', 'addUserSponsor', OWNER, list, at);

/** A post that answers each request with `answer(index, call)` and records the batches it got. */
function scripted(answer: (i: number, call: number) => { status: number; headers?: Record<string, string>; body?: unknown }) {
  const batches: BatchBody[] = [];
  const post = vi.fn((body: BatchBody) => {
    batches.push(body);
    return Promise.resolve({ responses: body.requests.map((r) => ({ id: r.id, ...answer(Number(r.id), batches.length) })) });
  });
  return { post, batches };
}

afterEach(() => void vi.useRealTimers());

describe('the batch body', () => {
  it('each version’s batch operation (generated from the spec) is POST /{version}/$batch, at most 20 requests (Graph’s limit)', () => {
    expect(Object.keys(batchOperations).sort()).toEqual(['beta', 'v1.0']);
    for (const [version, id] of Object.entries(batchOperations)) {
      expect(operations[id]).toMatchObject({ method: 'post', path: `/${version}/$batch`, version, batchLimit: 20 });
    }
  });

  it('one POST per sponsor, url relative to the version with the owner encoded, @odata.id on the cloud, id = the index', () => {
    const list = [
      { kind: 'user' as const, id: 'a' },
      { kind: 'group' as const, id: 'b/c' },
    ];
    const body = addRequests('usGovL4', 'addUserSponsorBeta', 'x#EXT#@y', list, [1]);
    expect(body).toEqual({
      requests: [
        {
          id: '1',
          method: 'POST',
          url: '/users/x%23EXT%23%40y/sponsors/$ref',
          headers: { 'Content-Type': 'application/json' },
          body: { '@odata.id': sponsorODataId('usGovL4', 'addUserSponsorBeta', list[1]!) },
        },
      ],
    });
    expect(body.requests[0]!.body).toEqual({ '@odata.id': 'https://graph.microsoft.us/beta/groups/b%2Fc' });
  });

  it('refuses a sponsor kind the operation does not take, before anything is sent', () => {
    expect(() => addRequests('global', 'addUserSponsor', OWNER, [{ kind: 'servicePrincipal' as never, id: 'x' }], [0])).toThrow(RangeError);
  });
});

describe('reading the answers', () => {
  it('chunks to the limit, in order: 45 sponsors are 3 batches of 20, 20 and 5', async () => {
    const { post, batches } = scripted(() => ({ status: 204 }));
    const list = sponsors(45);
    const results = await bulk(list, 20, build(list), post, exists, limits());
    expect(batches.map((b) => b.requests.length)).toEqual([20, 20, 5]);
    expect(batches.flatMap((b) => b.requests.map((r) => r.id))).toEqual(list.map((_, i) => String(i)));
    expect(results).toEqual(list.map((sponsor) => ({ sponsor, status: 'added' })));
  });

  it('added, exists (the duplicate) and failed with a GraphError built as for a request sent alone, whatever the answer order', async () => {
    const list = sponsors(3);
    const post = vi.fn(() =>
      Promise.resolve({
        responses: [
          { id: '2', status: 404, headers: { 'Content-Type': 'application/json' }, body: errorBody('Request_ResourceNotFound', 'gone') },
          { id: '1', status: 400, body: errorBody(duplicate.code, duplicate.message) },
          { id: '0', status: 204 },
        ],
      }),
    );
    const [added, there, failed] = await bulk(list, 20, build(list), post, exists, limits());
    expect(added).toEqual({ sponsor: list[0], status: 'added' });
    expect(there).toMatchObject({ sponsor: list[1], status: 'exists', error: { status: 400, code: duplicate.code, message: duplicate.message } });
    expect(failed).toMatchObject({
      sponsor: list[2],
      status: 'failed',
      error: { name: 'GraphError', status: 404, code: 'Request_ResourceNotFound', requestId: 'r' },
    });
  });

  it('a request the answer leaves out fails with InvalidResponse', async () => {
    const list = sponsors(2);
    const results = await bulk(list, 20, build(list), () => Promise.resolve({ responses: [{ id: '0', status: 204 }] }), exists, limits());
    expect(results[1]).toMatchObject({ status: 'failed', error: { code: 'InvalidResponse' } });
  });

  it('itemError reads Retry-After from the item’s headers, whatever their case', () => {
    expect(itemError({ status: 429, headers: { 'retry-after': '2.5' }, body: errorBody('TooManyRequests') }).retryAfter).toBe(2.5);
  });

  it('rejects when a whole batch fails (post rejects)', async () => {
    const list = sponsors(1);
    const failure = new Error('401');
    await expect(bulk(list, 20, build(list), () => Promise.reject(failure), exists, limits())).rejects.toBe(failure);
  });
});

describe('retrying throttled requests alone', () => {
  it('sends the 429 and 503 ones again, alone, after the longest Retry-After among them', async () => {
    vi.useFakeTimers();
    const list = sponsors(4);
    const { post, batches } = scripted((i, call) =>
      call === 1 && i === 1
        ? { status: 429, headers: { 'Retry-After': '2' }, body: errorBody('TooManyRequests') }
        : call === 1 && i === 3
          ? { status: 503, headers: { 'Retry-After': '5' }, body: errorBody('serviceNotAvailable') }
          : { status: 204 },
    );
    const done = bulk(list, 20, build(list), post, exists, limits());
    await vi.advanceTimersByTimeAsync(4_999);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const results = await done;
    expect(batches.map((b) => b.requests.map((r) => r.id))).toEqual([
      ['0', '1', '2', '3'],
      ['1', '3'],
    ]);
    expect(results.map((r) => r.status)).toEqual(['added', 'added', 'added', 'added']);
  });

  it("without a Retry-After waits the policy's backoff; gives up after maxAttempts with the last error", async () => {
    vi.useFakeTimers();
    const list = sponsors(2);
    const { post, batches } = scripted((i) => (i === 0 ? { status: 504, body: errorBody('UnknownError') } : { status: 204 }));
    const done = bulk(list, 20, build(list), post, exists, limits());
    await vi.advanceTimersByTimeAsync(1_000);
    const results = await done;
    expect(batches.map((b) => b.requests.length)).toEqual([2, 1, 1]);
    expect(results[0]).toMatchObject({ status: 'failed', error: { status: 504 } });
    expect(results[1]).toEqual({ sponsor: list[1], status: 'added' });
  });

  it('does not retry with retries off, nor past maxTotalWaitMs or the deadline', async () => {
    const list = sponsors(1);
    const throttled = () => ({ status: 429, headers: { 'Retry-After': '30' }, body: errorBody('TooManyRequests') });
    for (const over of [{ policy: false as const }, { policy: retryPolicy({ maxTotalWaitMs: 1000 }) }, { deadline: Date.now() + 1000 }]) {
      const { post } = scripted(throttled);
      const [result] = await bulk(list, 20, build(list), post, exists, limits(over));
      expect(post).toHaveBeenCalledTimes(1);
      expect(result).toMatchObject({ status: 'failed', error: { status: 429, retryAfter: 30 } });
    }
  });

  it('does not retry a 400 or a 403', async () => {
    const list = sponsors(2);
    const { post } = scripted((i) => ({ status: i === 0 ? 400 : 403, body: errorBody(i === 0 ? 'BadRequest' : 'Authorization_RequestDenied') }));
    const results = await bulk(list, 20, build(list), post, exists, limits());
    expect(post).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  it('stops waiting when the signal aborts, with its reason', async () => {
    const controller = new AbortController();
    const list = sponsors(1);
    const { post } = scripted(() => ({ status: 429, headers: { 'Retry-After': '1' }, body: errorBody('TooManyRequests') }));
    const done = bulk(list, 20, build(list), post, exists, limits({ signal: controller.signal }));
    await vi.waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    controller.abort(new Error('stop'));
    await expect(done).rejects.toThrow('stop');
  });
});
