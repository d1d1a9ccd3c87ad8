// The handlers' host: what host.ts does for the server over node:http, done for a fetch `Request` in msw. A
// request under a base URL becomes the pipeline's MockRequest (the target the server would have read, lower-case
// headers, the body read up to the size limit); respond() (host-answers.ts, the server's own host functions) adds
// OPTIONS, the 413, the 500 of a mock failure, the ids, every answer's headers and CORS; the MockAnswer becomes a
// `Response` as node:http would write it. One `http.all` handler per base URL answers every path under it, as the
// server answers every path.
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { Ids, MockAnswer } from '../mock/graph-error.js';
import { respond, type Responder } from '../mock/host-answers.js';
import { targetUnder, type BaseUrl } from './base-url.js';

export interface HostPieces {
  maxBodyBytes: number;
  /** The request's ids from its client-request-id (echoed) and a fresh request-id (ids.ts requestIds). */
  ids(clientRequestId: string | null): Ids;
}

/** Statuses whose response has no body by definition (a `Response` with one throws); node:http writes none either. */
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
 * The body's bytes, read until they pass `limit`: then what was read so far (more than `limit` bytes, which
 * respond() answers with the server's 413) without reading the rest, as the server stops at the byte past it.
 */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: msw hands the resolver a clone (a tee'd stream), and a tee branch's cancel() settles only
      // once the other branch is cancelled too, which may never happen.
      reader.cancel().catch(() => undefined);
      break;
    }
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

const utf8 = new TextEncoder();

/**
 * The answer as a Response. A body goes with its Content-Length, as the server sends it; a HEAD request and a
 * null-body status get none, as node:http writes none for them (a HEAD's Content-Length still tells the size).
 */
export function toResponse(request: Request, answer: MockAnswer): Response {
  const headers = { ...answer.headers };
  const bodyless = answer.body === undefined || NULL_BODY_STATUSES.has(answer.status);
  if (!bodyless) headers['content-length'] = String(utf8.encode(answer.body).byteLength);
  return new HttpResponse(bodyless || request.method === 'HEAD' ? null : answer.body, { status: answer.status, headers });
}

/** One request under a base URL (`target`: the path below it and the query), answered as the server answers it. */
export async function answer(core: Responder, pieces: HostPieces, request: Request, target: string): Promise<Response> {
  const ids = pieces.ids(request.headers.get('client-request-id'));
  const headers = headersRecord(request.headers, new URL(request.url).host);
  // The server answers OPTIONS before it reads a body.
  const body = request.method === 'OPTIONS' ? undefined : await readBounded(request, pieces.maxBodyBytes);
  const reply = await respond(core, { method: request.method, target, headers, body }, ids, { maxBodyBytes: pieces.maxBodyBytes });
  return toResponse(request, reply);
}

/**
 * The msw handler for one base URL: it matches every method and every URL under the base, and answers each one
 * (a path the contract lacks gets Graph's error, as from the server), so nothing under the base reaches the network.
 */
export function graphHandler(core: Responder, pieces: HostPieces, base: BaseUrl): HttpHandler {
  return http.all(
    ({ request }) => targetUnder(new URL(request.url), base) !== undefined,
    ({ request }) => answer(core, pieces, request, targetUnder(new URL(request.url), base)!),
  );
}
