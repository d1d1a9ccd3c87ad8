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
  // `declare`: the fields are set by Object.assign below, so no field initialisers are emitted for them.
  /** HTTP status of the answer. */
  declare readonly status: number;
  /** Graph's `error.code`, or `nonJsonErrorBody` / `InvalidResponse` when the answer isn't a Graph error. */
  declare readonly code: string;
  /** The `request-id` response header, else `innerError['request-id']`. */
  declare readonly requestId: string | undefined;
  /** The `client-request-id` response header, else `innerError['client-request-id']`. */
  declare readonly clientRequestId: string | undefined;
  /** `innerError.date` as Graph sent it (Graph omits the time zone; it is UTC). */
  declare readonly date: string | undefined;
  /** Seconds to wait from `Retry-After` (decimal seconds or an HTTP date), else undefined. */
  declare readonly retryAfter: number | undefined;
  /** The parsed JSON body, or the raw text when it wasn't JSON. */
  declare readonly body: unknown;

  constructor({ message, ...fields }: GraphErrorInit) {
    super(message);
    // Every field is an own property, present even when undefined.
    Object.assign(this, { requestId: undefined, clientRequestId: undefined, date: undefined, retryAfter: undefined, body: undefined }, fields);
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
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string';
}

/** The ids an answer carries in its headers. */
const idsOf = ({ headers }: Response) => ({
  requestId: headers.get('request-id') ?? undefined,
  clientRequestId: headers.get('client-request-id') ?? undefined,
});

/**
 * An answer that breaks the contract although its status may be fine (a 2xx other than the success status, a
 * success body that is not what the operation returns, a next link the client will not follow): reject rather
 * than guess, with the answer's ids so it can be traced.
 */
export function invalidResponse(response: Response, message: string, body: unknown, code = 'InvalidResponse'): GraphError {
  return new GraphError({ status: response.status, code, message, ...idsOf(response), body: body === '' ? undefined : body });
}

/** A 2xx other than the operation's success status. */
export function unexpectedSuccess(response: Response, successStatus: number, data: unknown): GraphError {
  return invalidResponse(response, `HTTP ${response.status} where the contract answers ${successStatus}`, data);
}

/** Builds the GraphError from Graph's error body and headers; a clear one when the body isn't Graph's. */
export function toGraphError(response: Response, payload: unknown): GraphError {
  const { status, headers } = response;
  const retryAfter = parseRetryAfter(headers.get('Retry-After'));
  if (isGraphErrorBody(payload)) {
    const { code, message, innerError = {} } = payload.error;
    const { requestId, clientRequestId } = idsOf(response);
    return new GraphError({
      status,
      code,
      message,
      requestId: requestId ?? innerError['request-id'],
      clientRequestId: clientRequestId ?? innerError['client-request-id'],
      date: innerError.date,
      retryAfter,
      body: payload,
    });
  }
  // Not Graph's error body: empty, text (not JSON), or JSON of another shape.
  const empty = payload === undefined || payload === '';
  const notJson = empty || typeof payload === 'string';
  const error = invalidResponse(
    response,
    `HTTP ${status} with ${empty ? 'an empty body' : notJson ? 'a body that is not JSON' : 'a JSON body that is not a Graph error'}`,
    payload,
    notJson ? 'nonJsonErrorBody' : 'InvalidResponse',
  );
  return Object.assign(error, { retryAfter });
}
