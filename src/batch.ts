// Bulk adds through JSON batching (`POST /{version}/$batch`): the pure parts and the loop, given a `post` that sends
// one batch (the client's exchange: token, retries of the whole batch, timeout, signal), so it runs without a socket.
// Graph's rules (learn.microsoft.com/graph/json-batching, /graph/throttling "Throttling and batching"): at most
// `batchLimit` requests a batch (the spec's maxItems), each `url` relative to the version; a 200 batch may hold any
// individual status; throttled (429) and unavailable (503, 504) requests are retried alone, all in one new batch
// after the longest `Retry-After` among them.
import { routes, type operations } from '../generated/operations.js';
import { GraphError, toGraphError } from './errors.js';
import { fillPath } from './send.js';
import { retryableStatuses, withRetries, type RetryableFailure, type RetryPolicy } from './retry.js';
import { sponsorODataId, versionOf, type Cloud, type OperationId, type Sponsor, type SponsorMethodName, type SponsorOperationId } from './sponsors.js';
import type { DefaultVersionOf, OperationOf, VersionOf, VersionOptions } from './methods.js';

type Operations = typeof operations;
/** The JSON batch operations (the spec's `x-batch`, one per Graph version). */
export type BatchOperationId = { [K in OperationId]: Operations[K] extends { batchLimit: number } ? K : never }[OperationId];

/** The methods of the table that add a sponsor: each has a bulk twin named in the plural. */
export type AddMethodName = { [M in SponsorMethodName]: OperationOf<M> extends SponsorOperationId ? M : never }[SponsorMethodName];
/** A sponsor the method's operation in version V takes. */
type SponsorOf<M extends AddMethodName, V extends VersionOf<M>> = Sponsor<OperationOf<M, V> & SponsorOperationId>;
/**
 * Adds each sponsor through `POST /{version}/$batch` (at most the batch limit per request) and resolves one result
 * per sponsor, in the order given; rejects only when a whole batch fails (401, 403, network, timeout, abort).
 */
export type BulkAddMethod<M extends AddMethodName> = <V extends VersionOf<M> = DefaultVersionOf<M>>(
  ownerId: string,
  sponsors: ReadonlyArray<SponsorOf<M, V>>,
  options?: VersionOptions<V>,
) => Promise<Array<BulkAddResult<SponsorOf<M, V>>>>;
/** The bulk adds: `addUserSponsors` for `addUserSponsor`, and so on for every add of the table. */
export type BulkMethods = { [M in AddMethodName as `${M}s`]: BulkAddMethod<M> };

/** What a bulk add reports for each sponsor, in the order given. */
export interface BulkAddResult<S> {
  sponsor: S;
  /** `exists`: the reference was already there (Graph's duplicate-reference 400). */
  status: 'added' | 'exists' | 'failed';
  error?: GraphError;
}

export interface BatchRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}
export interface BatchBody {
  requests: BatchRequest[];
}
interface BatchAnswerItem {
  id?: unknown;
  status?: unknown;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * The batch adding `sponsors[i]` for each index of `at` (request id = the index, so an answer maps back): each
 * `url` is the operation's path relative to its version, `@odata.id` the sponsor's read URL on the cloud.
 */
export function addRequests<Op extends SponsorOperationId>(
  cloud: Cloud,
  op: Op,
  ownerId: string,
  sponsors: ReadonlyArray<Sponsor<Op>>,
  at: number[],
): BatchBody {
  const { path } = routes[op];
  const url = fillPath(path, [ownerId]).slice(versionOf(path).length + 1);
  return {
    requests: at.map((i) => ({
      id: String(i),
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json' },
      body: { '@odata.id': sponsorODataId(cloud, op, sponsors[i]!) },
    })),
  };
}

/** An individual answer's GraphError, built as for a request sent alone (status, headers, body). */
export const itemError = (item: BatchAnswerItem): GraphError =>
  toGraphError({ status: Number(item.status), headers: new Headers(item.headers) } as Response, item.body);

/** The loop's limits: the client's retry policy (false: none), the call's signal and deadline (ms since the epoch). */
export interface BulkLimits {
  policy: RetryPolicy | false;
  signal: AbortSignal;
  deadline: number;
}

/**
 * Sends `count` adds in batches of at most `limit` (`build(indices)` makes one, `post` sends it and resolves the
 * parsed answer), then the throttled or unavailable ones again, within the policy's attempts and total wait and the
 * call's deadline and signal. Resolves one result per index; rejects only when `post` does (the whole batch failed).
 */
export async function bulk<S>(
  sponsors: readonly S[],
  limit: number,
  build: (at: number[]) => BatchBody,
  post: (body: BatchBody) => Promise<unknown>,
  exists: (error: GraphError) => boolean,
  limits: BulkLimits,
): Promise<Array<BulkAddResult<S>>> {
  // Every index gets its result in the first round (or the call rejects), so the array is never read with holes.
  const results: Array<BulkAddResult<S>> = [];
  let pending = [...sponsors.keys()];
  const throttled: { -readonly [K in keyof RetryableFailure]: RetryableFailure[K] } = Object.assign(new Error('throttled'), {
    status: 429,
    retryAfter: undefined,
  });
  // One round sends every pending add; the retry loop runs rounds as it runs attempts of one request, the throttled
  // adds standing for a retryable answer that waits the longest Retry-After among them (else the policy's backoff).
  const round = async (): Promise<RetryableFailure | undefined> => {
    const again: number[] = [];
    let wait = 0;
    for (let start = 0; start < pending.length; start += limit) {
      const at = pending.slice(start, start + limit);
      const { responses } = ((await post(build(at))) ?? {}) as { responses?: unknown };
      for (const i of at) {
        const item = Array.isArray(responses) ? (responses as Array<BatchAnswerItem | null>).find((r) => r?.id === String(i)) : undefined;
        const status = Number(item?.status);
        const sponsor = sponsors[i]!;
        if (status >= 200 && status < 300) {
          results[i] = { sponsor, status: 'added' };
          continue;
        }
        const error = item ? itemError(item) : new GraphError({ status: 200, code: 'InvalidResponse', message: `the batch has no answer for request ${i}` });
        results[i] = { sponsor, status: exists(error) ? 'exists' : 'failed', error };
        if (retryableStatuses.has(status)) {
          again.push(i);
          wait = Math.max(wait, error.retryAfter ?? 0);
        }
      }
    }
    pending = again;
    throttled.retryAfter = wait || undefined;
    return again.length === 0 ? undefined : throttled;
  };
  // Out of attempts, wait budget or time: the last results stand (their errors say why).
  await withRetries(limits.policy, limits.signal, round, limits.deadline).catch((error: unknown) => {
    if (error !== throttled) throw error;
  });
  return results;
}
