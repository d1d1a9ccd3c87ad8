// The handlers' host: what host.ts does for the server over node:http, done for a fetch `Request` in msw. A
// request under a base URL becomes the pipeline's MockRequest (the target the server would have read, lower-case
// headers, the body read under the size limit); the core's MockAnswer becomes a `Response` carrying what the
// server's host adds to every answer (the contract's headers, the ids, CORS for a request with an Origin).
// One `http.all` handler per base URL; every path under it is answered, as the server answers every path.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { GraphFailure, failureAnswer, type Ids, type MockAnswer } from '../mock/graph-error.js';
import type { MockRequest } from '../mock/pipeline.js';
import { targetUnder, type BaseUrl } from './base-url.js';

/** What the handlers need of the mock's core (src/mock/core.ts): the pipeline and the host-level facts. */
export interface AnswerCore {
  handle(request: MockRequest, ids: Ids): Promise<MockAnswer>;
  /** The methods a target accepts, for OPTIONS' Allow. */
  allowedMethods(target?: string): string;
  /** The headers Graph sends on every answer. */
  everyAnswer(): Record<string, string>;
}

export interface HostPieces {
  maxBodyBytes: number;
  /** The request's ids from its client-request-id (echoed) and a fresh request-id. */
  ids(clientRequestId: string | null): Ids;
}

// The same lists as the server's host (host.ts), for a request that carries an Origin.
const ALLOWED_HEADERS = 'Authorization, Content-Type, client-request-id, Prefer, return-client-request-id, x-mock-session';
const EXPOSED_HEADERS = 'request-id, client-request-id, Retry-After, Allow, WWW-Authenticate';

/** Statuses whose response has no body by definition (a `Response` with one throws), as Node sends them. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A Headers object as node:http's `req.headers`: lower-case names, repeated values already joined by fetch. */
export function headersRecord(headers: Headers, host: string): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  // fetch never exposes Host; the server reads the one the client sent, which names the URL's authority.
  record.host = host;
  return record;
}

/**
 * The body's bytes, at most `limit` of them: undefined as soon as it is larger, without reading the rest
 * (the server's host refuses such a body from its Content-Length, or at the byte past the limit).
 */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: msw hands the resolver a clone (a tee'd stream), and a tee branch's cancel() settles only
      // once the other branch is cancelled too, which may never happen.
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) bytes.set(chunk, (at += chunk.byteLength) - chunk.byteLength);
  return bytes;
}

/** The server's 413 for a body over the limit (host.ts), word for word. */
export const tooLarge = (maxBodyBytes: number, ids: Ids): MockAnswer =>
  failureAnswer(new GraphFailure(413, 'RequestEntityTooLarge', `The request body is larger than ${maxBodyBytes} bytes.`), ids);

/** CORS as the server's host sends it: the caller's origin reflected (never `*`), with credentials. */
export function corsHeaders(request: Request, allow: string): Record<string, string> {
  const origin = request.headers.get('origin');
  if (!origin) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  };
  if (request.method === 'OPTIONS') {
    headers['access-control-allow-methods'] = allow;
    headers['access-control-allow-headers'] = request.headers.get('access-control-request-headers') || ALLOWED_HEADERS;
    headers['access-control-max-age'] = '600';
  }
  return headers;
}

const utf8 = new TextEncoder();

/**
 * The answer as a Response, headers in the server's order (every answer's, the ids, CORS, then the answer's own,
 * which win). A body goes with its Content-Length, as the server sends it; a HEAD request and a null-body status
 * get none, as node:http writes none for them.
 */
export function toResponse(request: Request, answer: MockAnswer, ids: Ids, stamp: { everyAnswer: Record<string, string>; allow: string }): Response {
  const headers: Record<string, string> = {
    ...stamp.everyAnswer,
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
    ...corsHeaders(request, stamp.allow),
    ...answer.headers,
  };
  const bodyless = answer.body === undefined || NULL_BODY_STATUSES.has(answer.status);
  if (!bodyless) headers['content-length'] = String(utf8.encode(answer.body).byteLength);
  const body = bodyless || request.method === 'HEAD' ? null : answer.body!;
  return new HttpResponse(body, { status: answer.status, headers });
}

/** One request, answered as the server answers it: OPTIONS by the host, a body over the limit with 413, the rest by the core. */
export async function answer(core: AnswerCore, pieces: HostPieces, request: Request, target: string): Promise<Response> {
  const url = new URL(request.url);
  const ids = pieces.ids(request.headers.get('client-request-id'));
  const everyAnswer = core.everyAnswer();
  if (request.method === 'OPTIONS') {
    const allow = core.allowedMethods(target);
    return toResponse(request, { status: 204, headers: { allow } }, ids, { everyAnswer, allow });
  }
  const stamp = { everyAnswer, allow: '' };
  const body = await readBounded(request, pieces.maxBodyBytes);
  if (body === undefined) return toResponse(request, tooLarge(pieces.maxBodyBytes, ids), ids, stamp);
  const mockRequest: MockRequest = { method: request.method, target, headers: headersRecord(request.headers, url.host), body };
  let reply: MockAnswer;
  try {
    reply = await core.handle(mockRequest, ids);
  } catch (error) {
    // The server's host answers a pipeline that threw with this 500 (host.ts), so an app sees Graph's shape here too.
    reply = failureAnswer(new GraphFailure(500, 'generalException', `Mock failure: ${(error as Error)?.message ?? String(error)}`), ids);
  }
  return toResponse(request, reply, ids, stamp);
}

/**
 * The msw handler for one base URL: it matches every method and every URL under the base, and answers each one
 * (a path the contract lacks gets Graph's 404, as from the server), so nothing under the base reaches the network.
 */
export function graphHandler(core: AnswerCore, pieces: HostPieces, base: BaseUrl): HttpHandler {
  return http.all(
    ({ request }) => targetUnder(new URL(request.url), base) !== undefined,
    ({ request }) => answer(core, pieces, request, targetUnder(new URL(request.url), base)!),
  );
}
