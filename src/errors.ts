// Errors the client throws: GraphError for any answer other than the operation's success status (built here
// from the response), InvalidIdError for ids refused before anything is sent.
import { errorExamples, type GraphErrorName } from '../generated/operations.js';
import { parseRetryAfter } from './retry.js';

/**
 * A documented message as a pattern: its single-quoted parts and GUIDs are wildcards, since Graph (and the mock)
 * put the real property name or id there.
 */
const messagePattern = (message: string) =>
  new RegExp(
    `^${message
      .split(/('[^']*'|[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12})/)
      .map((part, i) => (i % 2 ? (part[0] === "'" ? "'.*'" : '[\\dA-Fa-f-]{36}') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    's',
  );

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
  /** HTTP status of the answer. */
  readonly status: number;
  /** Graph's `error.code`, or `nonJsonErrorBody` / `InvalidResponse` when the answer isn't a Graph error. */
  readonly code: string;
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

  constructor(init: GraphErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.clientRequestId = init.clientRequestId;
    this.date = init.date;
    this.retryAfter = init.retryAfter;
    this.body = init.body;
  }

  /**
   * Whether this is the spec's error example `name` (e.g. `referenceAlreadyExists`): same status and code, and
   * the message with its quoted parts and GUIDs as wildcards. Names come from the spec: a wrong one doesn't compile.
   */
  is(name: GraphErrorName): boolean {
    const examples: ReadonlyArray<{ status: number; code: string; message: string }> = Object.hasOwn(errorExamples, name) ? errorExamples[name] : [];
    return examples.some((e) => e.status === this.status && e.code === this.code && messagePattern(e.message).test(this.message));
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

/**
 * An answer that breaks the contract although its status may be fine (a 2xx other than the success status, a
 * success body that is not what the operation returns, a next link the client will not follow): reject rather
 * than guess, with the answer's ids so it can be traced.
 */
export function invalidResponse(response: Response, message: string, body: unknown): GraphError {
  return new GraphError({
    status: response.status,
    code: 'InvalidResponse',
    message,
    requestId: response.headers.get('request-id') ?? undefined,
    clientRequestId: response.headers.get('client-request-id') ?? undefined,
    body: body === '' ? undefined : body,
  });
}

/** A 2xx other than the operation's success status. */
export function unexpectedSuccess(response: Response, successStatus: number, data: unknown): GraphError {
  return invalidResponse(response, `HTTP ${response.status} where the contract answers ${successStatus}`, data);
}

/** Builds the GraphError from Graph's error body and headers; a clear one when the body isn't Graph's. */
export function toGraphError(response: Response, payload: unknown): GraphError {
  const { status, headers } = response;
  const retryAfter = parseRetryAfter(headers.get('Retry-After'));
  const fromHeaders = {
    requestId: headers.get('request-id') ?? undefined,
    clientRequestId: headers.get('client-request-id') ?? undefined,
  };
  // openapi-fetch gives the parsed JSON, the raw text when it isn't JSON, "" or undefined when empty.
  if (isGraphErrorBody(payload)) {
    const inner = payload.error.innerError ?? {};
    return new GraphError({
      status,
      code: payload.error.code,
      message: payload.error.message,
      requestId: fromHeaders.requestId ?? inner['request-id'],
      clientRequestId: fromHeaders.clientRequestId ?? inner['client-request-id'],
      date: inner.date,
      retryAfter,
      body: payload,
    });
  }
  const empty = payload === undefined || payload === '';
  const notJson = empty || typeof payload === 'string';
  return new GraphError({
    status,
    code: notJson ? 'nonJsonErrorBody' : 'InvalidResponse',
    message: empty
      ? `HTTP ${status} with an empty body`
      : notJson
        ? `HTTP ${status} with a body that is not JSON`
        : `HTTP ${status} with a JSON body that is not a Graph error`,
    ...fromHeaders,
    retryAfter,
    body: empty ? undefined : payload,
  });
}
