// What a host adds around the pipeline's answer, as pure functions so every host adds the same: the ids and
// Graph's every-answer headers, CORS, the preflight's 204, and the 413 for a body over the limit. The node:http
// host (host.ts) sets them on its response; a host without a socket (the MSW handlers) uses respond() whole.
import { GraphFailure, failureAnswer, type Ids, type MockAnswer } from './graph-error.js';

export const ALLOWED_HEADERS = 'Authorization, Content-Type, client-request-id, Prefer, return-client-request-id, x-mock-session';
export const EXPOSED_HEADERS = 'request-id, client-request-id, Retry-After, Allow, WWW-Authenticate';

type Headers = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The headers every answer starts with: the contract's every-answer headers, then the request's ids. */
export const stampHeaders = (ids: Ids, everyAnswer: Record<string, string>): Record<string, string> => ({
  ...everyAnswer,
  'request-id': ids.requestId,
  'client-request-id': ids.clientRequestId,
});

/**
 * CORS: the caller's origin is reflected (never `*`), so credentialed browser calls work too; a preflight
 * (OPTIONS) also gets the methods `allow` lists and the headers it asked for. Nothing without an Origin.
 */
export function corsHeaders(method: string, headers: Headers, allow: string): Record<string, string> {
  const origin = first(headers.origin);
  if (!origin) return {};
  const cors: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  };
  if (method.toUpperCase() === 'OPTIONS') {
    cors['access-control-allow-methods'] = allow;
    cors['access-control-allow-headers'] = first(headers['access-control-request-headers']) || ALLOWED_HEADERS;
    cors['access-control-max-age'] = '600';
  }
  return cors;
}

/** The 413 for a body over the host's limit (the server sends it before reading the body). */
export const tooLargeAnswer = (maxBodyBytes: number, ids: Ids): MockAnswer =>
  failureAnswer(new GraphFailure(413, 'RequestEntityTooLarge', `The request body is larger than ${maxBodyBytes} bytes.`), ids);

/** What respond() needs of the mock: its core's handle, Allow and every-answer headers. */
export interface Responder {
  handle(request: { method: string; target: string; headers: Headers; body?: Uint8Array }, ids: Ids): Promise<MockAnswer>;
  allowedMethods(target?: string): string;
  everyAnswer(): Record<string, string>;
}

/**
 * A whole answer as the server's host gives it, for a host that has the request in hand: OPTIONS is 204 with
 * Allow, a body over `maxBodyBytes` is 413, anything else is the pipeline's; every one carries the stamp and
 * CORS headers (the pipeline's own headers win over theirs, as node:http's writeHead lets them).
 */
export async function respond(
  core: Responder,
  request: { method: string; target: string; headers: Headers; body?: Uint8Array },
  ids: Ids,
  limits: { maxBodyBytes: number },
): Promise<MockAnswer> {
  const allow = request.method.toUpperCase() === 'OPTIONS' ? core.allowedMethods(request.target) : '';
  const around = { ...stampHeaders(ids, core.everyAnswer()), ...corsHeaders(request.method, request.headers, allow) };
  if (request.method.toUpperCase() === 'OPTIONS') return { status: 204, headers: { ...around, allow } };
  const answer = (request.body?.length ?? 0) > limits.maxBodyBytes ? tooLargeAnswer(limits.maxBodyBytes, ids) : await handled(core, request, ids);
  return { ...answer, headers: { ...around, ...answer.headers } };
}

/** The pipeline's answer; should it throw, the 500 the server's host answers then. */
async function handled(core: Responder, request: Parameters<Responder['handle']>[0], ids: Ids): Promise<MockAnswer> {
  try {
    return await core.handle(request, ids);
  } catch (error) {
    return mockFailure(error, ids);
  }
}

/** The answer to the mock's own failure (a bug): Graph's 500, naming it. */
export const mockFailure = (error: unknown, ids: Ids): MockAnswer =>
  failureAnswer(new GraphFailure(500, 'generalException', `Mock failure: ${(error as Error | undefined)?.message ?? String(error)}`), ids);
