// The client methods' signatures, derived from the table in sponsors.ts and the generated operation types: a
// row's operation decides whether its method adds, lists, removes or creates, and what it takes and resolves.
import type { operations } from '../generated/operations.js';
import type { IfExists } from './options.js';
import type { GraphVersion, OperationId, RequestBody, Sponsor, SponsorMethodName, SponsorOperationId, SuccessBody, sponsorMethods } from './sponsors.js';

export interface CallOptions {
  /** Aborts the call (token, request, retry wait); the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Sent as `client-request-id` on every attempt; default: a fresh random UUID v4 per attempt. */
  clientRequestId?: string;
  /** This call's timeout, instead of the client's; rejects with a DOMException named 'TimeoutError'. */
  timeoutMs?: number;
  /**
   * Extra request headers for this call, sent on every attempt and page: `Prefer` (a mock scenario),
   * `ConsistencyLevel`, telemetry. `Authorization` and `Content-Type` are the client's and are refused.
   */
  headers?: Record<string, string>;
}

export interface VersionOptions<V extends GraphVersion = GraphVersion> extends CallOptions {
  /** Graph version of the call, which picks the operation: default `v1.0` where the method has it. */
  version?: V;
}

export interface AddOptions<V extends GraphVersion = GraphVersion> extends VersionOptions<V> {
  /** What this add does when the reference already exists: `'ok'` resolves, `'error'` rejects; default: the client's `ifExists`. */
  ifExists?: IfExists;
}

export interface ListOptions<V extends GraphVersion = GraphVersion> extends VersionOptions<V> {
  /** Pages read at most (default 100): a collection with more rejects with a RangeError rather than read on. */
  maxPages?: number;
}

type Rows = typeof sponsorMethods;
/** The versions a method can call. */
export type VersionOf<M extends SponsorMethodName> = keyof Rows[M]['ops'] & GraphVersion;
/** The version a method calls when the options name none. */
export type DefaultVersionOf<M extends SponsorMethodName> = 'v1.0' extends VersionOf<M> ? 'v1.0' : VersionOf<M>;
/** The operation a method calls in version V. */
export type OperationOf<M extends SponsorMethodName, V extends VersionOf<M> = DefaultVersionOf<M>> = Rows[M]['ops'][V] & OperationId;
/** The item type of a list operation's collection. */
type ItemOf<Op extends OperationId> = SuccessBody<Op> extends { value: Array<infer T> } ? T : never;

type AddMethod<M extends SponsorMethodName> = <V extends VersionOf<M> = DefaultVersionOf<M>>(
  ownerId: string,
  sponsor: Sponsor<OperationOf<M, V> & SponsorOperationId>,
  options?: AddOptions<V>,
) => Promise<void>;
type ListMethod<M extends SponsorMethodName> = <V extends VersionOf<M> = DefaultVersionOf<M>>(
  ownerId: string,
  options?: ListOptions<V>,
) => Promise<Array<ItemOf<OperationOf<M, V>>>>;
type RemoveMethod<M extends SponsorMethodName> = <V extends VersionOf<M> = DefaultVersionOf<M>>(
  ownerId: string,
  sponsorId: string,
  options?: VersionOptions<V>,
) => Promise<void>;
type CreateMethod<M extends SponsorMethodName> = <V extends VersionOf<M> = DefaultVersionOf<M>>(
  body: RequestBody<OperationOf<M, V>>,
  options?: VersionOptions<V>,
) => Promise<SuccessBody<OperationOf<M, V>>>;

/** What a method does, read from its default operation (all of a row's operations are twins). */
type MethodOf<M extends SponsorMethodName, Op extends OperationId = OperationOf<M>> = Op extends SponsorOperationId
  ? AddMethod<M>
  : (typeof operations)[Op]['method'] extends 'get'
    ? ListMethod<M>
    : (typeof operations)[Op]['method'] extends 'delete'
      ? RemoveMethod<M>
      : CreateMethod<M>;

/** The methods as the table builds them (homomorphic, so each keeps its row's JSDoc). */
export type ClientMethods = { [M in keyof Rows]: MethodOf<M> };
