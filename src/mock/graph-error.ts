// The one place that knows Microsoft Graph's error body. Every answer of the mock that is not a documented
// success goes through here: the pipeline's failures, the host's own (413, 408, 431, 503) and socket-level ones
// (written by raw-response.ts). Browser-safe: the MSW handlers answer with the same bodies.

/** The ids every answer carries, as headers and in an error's innerError. */
export interface Ids {
  requestId: string;
  clientRequestId: string;
}

/** One violation found by validation, as listed in `innerError.violations` (the mock's addition to Graph's body). */
export interface Violation {
  location: Array<string | number>;
  message: string;
}

/** An answer the mock decided on, before it is written: what a step of the pipeline returns to stop a request. */
export interface MockAnswer {
  status: number;
  headers: Record<string, string>;
  /** Serialised body; absent for 204 and friends. */
  body?: string;
  /** The Graph error's code, when the answer is one (the request journal lists it). */
  errorCode?: string;
}

/** A documented answer (an example Prism negotiated): status, headers and body as the spec gives them. */
export interface ExampleOutput {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
}

/**
 * The directory's 405 message, word for word as Graph's own documented batch response shows it (request 4 of
 * learn.microsoft.com/graph/json-batching, microsoft-graph-docs-contrib concepts/json-batching.md).
 */
export const METHOD_NOT_ALLOWED_MESSAGE = 'Specified HTTP method is not allowed for the request target.';

/** A Graph error the mock raises itself. */
export class GraphFailure {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly headers: Record<string, string> = {},
    readonly violations?: readonly Violation[],
  ) {}
}

// What an error answer may carry, so its size does not grow with the request (issue 9: a 1 MiB body breaking the
// schema 109,003 times once got a 35 MB answer). Graph itself names one problem per error.
export const MAX_LISTED_VIOLATIONS = 5;
export const MAX_MESSAGE_CHARS = 1024;
const MAX_VIOLATION_MESSAGE_CHARS = 300;
const MAX_LOCATION_PARTS = 16;

/** Graph's timestamps in innerError: UTC, seconds precision, no zone designator. */
export const graphDate = (now: Date = new Date()): string => now.toISOString().slice(0, 19);

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Graph's error body for a failure, with the live ids; message and violations are bounded. */
export function graphErrorBody(failure: GraphFailure, ids: Ids, now: Date = new Date()): Record<string, unknown> {
  const innerError: Record<string, unknown> = { date: graphDate(now), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
  const violations = failure.violations ?? [];
  if (violations.length > 0) {
    // Validation details travel next to Graph's fields, never instead of them.
    innerError.violations = violations.slice(0, MAX_LISTED_VIOLATIONS).map((v) => ({
      location: v.location.slice(0, MAX_LOCATION_PARTS).map((part) => (typeof part === 'string' ? clip(part, 100) : part)),
      message: clip(v.message, MAX_VIOLATION_MESSAGE_CHARS),
    }));
    if (violations.length > MAX_LISTED_VIOLATIONS) innerError.moreViolations = violations.length - MAX_LISTED_VIOLATIONS;
  }
  return { error: { code: failure.code, message: clip(failure.message, MAX_MESSAGE_CHARS), innerError } };
}

/** The answer for a failure. */
export function failureAnswer(failure: GraphFailure, ids: Ids): MockAnswer {
  return {
    status: failure.status,
    headers: { 'content-type': 'application/json', ...failure.headers },
    body: JSON.stringify(graphErrorBody(failure, ids)),
    errorCode: failure.code,
  };
}

/** The answer for a documented example: the live request-id, client-request-id and date replace the example's own. */
export function exampleAnswer(output: ExampleOutput, ids: Ids): MockAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(output.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'request-id' || lower === 'client-request-id' || lower === 'content-type') continue;
    headers[name] = String(value);
  }
  if (output.body === undefined || output.statusCode === 204) return { status: output.statusCode, headers };
  const body = structuredClone(output.body) as { error?: { code?: unknown; innerError?: Record<string, unknown> } };
  if (body?.error?.innerError) {
    body.error.innerError = { ...body.error.innerError, date: graphDate(), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
  }
  const errorCode = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  return {
    status: output.statusCode,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(errorCode && { errorCode }),
  };
}
