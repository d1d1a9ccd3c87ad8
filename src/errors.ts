// Errors the client throws: GraphError for any answer other than the operation's success status (built here
// from the response), InvalidIdError for ids refused before anything is sent.
import { errorSignatures, type GraphErrorName } from '../generated/operations.js';
import { parseRetryAfter } from './retry.js';
import { errorSignature } from './signature.js';

/** Graph's error body: `{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}`. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError?: { date?: string; 'request-id'?: string; 'client-request-id'?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
}

export interface GraphErrorInit {
  status: number;
  code: string;
  message: string;
  requestId?: string | undefined;
  clientRequestId?: string | undefined;
  date?: string | undefined;
  retryAfter?: number | undefined;
  body?: unknown;
}

/** A failed call: Graph answered with a status other than the operation's success status. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  // Every field is an own property, present even when undefined: status and code (`declare`: no field emitted)
  // are always given; the others are plain class fields (ES2022 define semantics, the tsconfig's target), so each
  // exists as undefined before the constructor assigns the ones given.
  /** HTTP status of the answer. */
  declare readonly status: number;
  /** Graph's `error.code`, or `nonJsonErrorBody` / `InvalidResponse` when the answer isn't a Graph error. */
  declare readonly code: string;
  /** The `request-id` response header, else `innerError['request-id']`. */
  readonly requestId: string | undefined;
  /** The `client-request-id` response header, else `innerError['client-request-id']`. */
  readonly clientRequestId: string | undefined;
  /** `innerError.date` as Graph sent it (Graph omits the time zone; it is UTC). */
  readonly date: string | undefined;
  /** Seconds to wait from `Retry-After` (decimal seconds or an HTTP date), else undefined. */
  readonly retryAfter: number | undefined;
  /** The parsed JSON body, or the raw text when it wasn't JSON. */
  readonly body: unknown;

  constructor({ message, ...fields }: GraphErrorInit) {
    super(message);
    Object.assign(this, fields);
  }

  /**
   * Whether this is the spec's error example `name` (e.g. `referenceAlreadyExists`, see errorExamples): the same
   * status and code, and the same message once the part from its first to its last single quote (the property
   * name or id Graph puts there) and GUIDs are set aside. Names come from the spec: a wrong one doesn't compile.
   */
  is(name: GraphErrorName): boolean {
    return errorSignatures.split(' ').includes(errorSignature(name, this.status, this.code, this.message));
  }
}

/** An id (path parameter or sponsor id) the client refuses before sending: empty, `.`, `..`, a lone surrogate or not a string. */
export class InvalidIdError extends RangeError {
  override readonly name = 'InvalidIdError';
}

export function isGraphErrorBody(body: unknown): body is GraphErrorBody {
  const error = (body as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown } | null | undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/**
 * An answer that breaks the contract although its status may be fine (a 2xx other than the success status, a
 * success body that is not what the operation returns, a next link the client will not follow): reject rather
 * than guess, with the answer's ids so it can be traced.
 */
export function invalidResponse(response: Response, message: string, body: unknown): GraphError {
  return toGraphError(response, body, { code: 'InvalidResponse', message });
}

/**
 * Builds the GraphError from Graph's error body and headers (the ids from the headers first, else from
 * `innerError`); a clear one when the body isn't Graph's, or `own` (code and message) when the client refuses a
 * body whatever it is (no Retry-After then: the answer is not one to wait for).
 */
export function toGraphError(response: Response, payload: unknown, own?: { code: string; message: string }): GraphError {
  const { status } = response;
  const error = own || !isGraphErrorBody(payload) ? undefined : payload.error;
  const inner = error?.innerError;
  // Not Graph's error body: empty, text (not JSON), or JSON of another shape.
  const empty = payload === undefined || payload === '';
  const notJson = empty || typeof payload === 'string';
  const {
    code = notJson ? 'nonJsonErrorBody' : 'InvalidResponse',
    message = `HTTP ${status} with ${empty ? 'an empty body' : notJson ? 'a body that is not JSON' : 'a JSON body that is not a Graph error'}`,
  } = own ?? error ?? {};
  return new GraphError({
    status,
    code,
    message,
    requestId: response.headers.get('request-id') ?? inner?.['request-id'],
    clientRequestId: response.headers.get('client-request-id') ?? inner?.['client-request-id'],
    date: inner?.date,
    retryAfter: own ? undefined : parseRetryAfter(response.headers.get('Retry-After')),
    body: empty ? undefined : payload,
  });
}
