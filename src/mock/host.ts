// The mock's HTTP host on node:http: request ids, CORS, the body read under a size limit, bounded waits and
// connections, Graph-shaped answers to what Node itself refuses (a malformed request, a timeout, an
// unexpected Expect, CONNECT), and a shutdown that finishes what is in flight. The answer to a request comes
// from `handle` (the pipeline); this module only moves bytes.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphFailure, METHOD_NOT_ALLOWED_MESSAGE, failureAnswer, type Ids, type MockAnswer } from './graph-error.js';
import { corsHeaders, mockFailure, stampHeaders, tooLargeAnswer } from './host-answers.js';
import { requestIds } from './ids.js';
import { rawGraphResponse } from './raw-response.js';
import type { MockRequest } from './pipeline.js';
import type { HostLimits } from './settings.js';

export type { HostLimits } from './settings.js';

/** After an early 413, what the client may still send (discarded) before the connection is cut. */
const LINGER_BYTES = 16 * 1024 * 1024;

export type Handle = (request: MockRequest, ids: Ids) => Promise<MockAnswer>;
/** The methods a request target accepts, for `Allow` (the contract's routes decide; OPTIONS always). */
export type AllowedMethods = (target: string | undefined) => string;

export interface Host {
  server: Server;
  /** Stops accepting, lets requests in flight finish (bounded by shutdownGraceMs), then cuts what is left. */
  close(): Promise<void>;
}

/** The request's ids (ids.ts requestIds: a caller's `client-request-id` is echoed). */
export const idsOf = (req: Pick<IncomingMessage, 'headers'>): Ids => requestIds(req.headers['client-request-id'], randomUUID);

/** CORS (host-answers.ts): the caller's origin is reflected (never `*`), so credentialed browser calls work too. */
function cors(req: IncomingMessage, res: ServerResponse, allow: string): void {
  for (const [name, value] of Object.entries(corsHeaders(req.method ?? 'GET', req.headers, allow))) res.setHeader(name, value);
}

function write(res: ServerResponse, answer: MockAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status, answer.headers);
    return void res.end();
  }
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/**
 * Reads the body up to `limit` bytes. Past the limit it resolves `undefined` at once, without reading on:
 * the caller answers 413 and then discards the rest (see refuse()).
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      resolve(undefined);
    };
    // A small body arrives in one chunk, which is the body as it is: no copy (Buffer.concat always copies).
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    req.on('data', onData).on('end', onEnd).on('error', reject);
    req.once('close', () => req.complete || reject(new Error('the client went away before the body was complete')));
  });
}

/**
 * The 413 for a body over the limit, sent before the body is read. The response is held open until the client
 * has finished sending (a bounded amount is discarded), so a client that asked for `Connection: close` reads
 * the 413 instead of an EPIPE when the connection closes under its upload.
 */
function refuse(req: IncomingMessage, res: ServerResponse, answer: MockAnswer): void {
  const body = answer.body ?? '';
  res.shouldKeepAlive = false;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.write(body);
  let discarded = 0;
  const finish = () => void (res.writableEnded || res.end());
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded <= LINGER_BYTES) return;
    finish();
    req.socket.destroy();
  });
  req.once('end', finish).once('error', finish);
  req.resume();
}

/** The headers Graph sends on every answer (the contract's, see graph-headers.ts); read per request, so a reload applies. */
export type EveryAnswer = () => Record<string, string>;

/** The ids and the headers of every answer, set before anything else can answer. */
function stamp(res: ServerResponse, ids: Ids, everyAnswer: EveryAnswer): void {
  for (const [name, value] of Object.entries(stampHeaders(ids, everyAnswer()))) res.setHeader(name, value);
}

export function createHost(handle: Handle, limits: HostLimits, allowedMethods: AllowedMethods, everyAnswer: EveryAnswer = () => ({})): Host {
  /** Requests received and not yet answered: close() waits for them, and tells their connections to close. */
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  let drained: (() => void) | undefined;
  const refused = new WeakSet<Duplex>();

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts every 30 s by default, which held slow clients up to 40 s (issue 9).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
      maxHeaderSize: 16 * 1024,
      // Node's own answer to a missing Host is a bare 400; the pipeline's is Graph's.
      requireHostHeader: false,
    },
    (req, res) => {
      if (refused.has(req.socket)) return void res.destroy();
      const ids = idsOf(req);
      stamp(res, ids, everyAnswer);
      if (closing) res.shouldKeepAlive = false;
      const allow = req.method === 'OPTIONS' ? allowedMethods(req.url) : '';
      cors(req, res, allow);
      if (req.method === 'OPTIONS') {
        res.setHeader('allow', allow);
        res.writeHead(204);
        return void res.end();
      }
      inFlight.add(res);
      res.once('close', () => {
        inFlight.delete(res);
        if (closing && inFlight.size === 0) drained?.();
      });
      serve(req, res, ids).catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        write(res, mockFailure(error, ids));
      });
    },
  );

  async function serve(req: IncomingMessage, res: ServerResponse, ids: Ids): Promise<void> {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && !req.headers.host) {
      return write(res, failureAnswer(new GraphFailure(400, 'BadRequest', 'Bad Request - Invalid Hostname: the request has no Host header.'), ids));
    }
    // Bodies over the limit are refused from the headers alone, before a byte of them is read.
    if (Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) return refuse(req, res, tooLargeAnswer(limits.maxBodyBytes, ids));
    const body = await readBody(req, limits.maxBodyBytes);
    if (body === undefined) return refuse(req, res, tooLargeAnswer(limits.maxBodyBytes, ids));
    write(res, await handle({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body }, ids));
  }

  const rawAnswer = (socket: Duplex, failure: GraphFailure) => {
    if (socket.writable) socket.end(rawGraphResponse(failure, randomUUID(), everyAnswer()));
    else socket.destroy();
  };

  // A request Node could not parse or receive in time: Graph's body with the right status and reason phrase,
  // after any answer still owed on the same connection (a valid pipelined request before the garbage).
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const current = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && current && !current.headersSent) {
      // The request's body did not arrive in time: its own response says so, and the connection closes.
      current.shouldKeepAlive = false;
      return write(
        current,
        failureAnswer(new GraphFailure(408, 'RequestTimeout', 'The request was not received in time.'), {
          requestId: String(current.getHeader('request-id')),
          clientRequestId: String(current.getHeader('client-request-id')),
        }),
      );
    }
    if (current?.headersSent && !current.writableFinished) return void socket.destroy();
    const failure =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? new GraphFailure(431, 'RequestHeaderFieldsTooLarge', 'The request headers are larger than 16 KiB.')
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new GraphFailure(408, 'RequestTimeout', 'The request was not received in time.')
          : new GraphFailure(400, 'BadRequest', `Malformed HTTP request (${error.code ?? 'parse error'}).`);
    const owed = current && !current.writableFinished ? current : undefined;
    if (owed) owed.once('finish', () => rawAnswer(socket, failure)).once('close', () => rawAnswer(socket, failure));
    else rawAnswer(socket, failure);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const ids = idsOf(req);
    stamp(res, ids, everyAnswer);
    write(res, failureAnswer(new GraphFailure(417, 'BadRequest', `Expectation '${req.headers.expect}' is not supported; only 100-continue is.`), ids));
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    rawAnswer(socket, new GraphFailure(405, 'Request_BadRequest', METHOD_NOT_ALLOWED_MESSAGE, { allow: allowedMethods(undefined) }));
  });
  // A bound on open connections: one more is told so in Graph's shape and closed.
  let open = 0;
  server.on('connection', (socket: Duplex) => {
    open++;
    socket.once('close', () => open--);
    if (open <= limits.maxConnections) return;
    refused.add(socket);
    rawAnswer(socket, new GraphFailure(503, 'serviceNotAvailable', 'The mock has too many open connections; retry later.', { 'retry-after': '1' }));
  });

  return {
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        for (const res of inFlight) res.shouldKeepAlive = false;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        const cut = () => {
          clearTimeout(timer);
          server.closeAllConnections();
        };
        const timer = setTimeout(cut, limits.shutdownGraceMs);
        timer.unref();
        drained = () => setImmediate(() => (server.closeIdleConnections(), cut()));
        if (inFlight.size === 0) drained();
      }),
  };
}
