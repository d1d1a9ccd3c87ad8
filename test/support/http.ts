// Raw HTTP for tests and the fuzz: one request sent byte for byte with node:http (invalid UTF-8, repeated
// headers, odd methods and absolute-form targets go out as they are) over a keep-alive agent.
import http from 'node:http';

export interface RawRequest {
  method: string;
  /** The request target, already encoded, sent byte for byte (origin-form or absolute-form). */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** What kind of case this is, for the counts. */
  label: string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/**
 * The headers that go on the wire: a body always travels with its Content-Length. Node's client frames a body
 * by itself only for methods it expects one for; for DELETE, OPTIONS, GET, HEAD and the like it sends neither
 * Content-Length nor chunked framing, so the server reads the body as the start of a second, garbled request.
 */
export function wireHeaders(req: Pick<RawRequest, 'headers' | 'body'>): Record<string, string | string[]> {
  const headers = { ...req.headers };
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding') delete headers[name];
  if (req.body !== undefined) headers['content-length'] = String(req.body.length);
  return headers;
}

/** How many requests were sent again because the kept-alive socket they went out on had been closed meanwhile. */
export const resent = { count: 0 };

/**
 * Sends one request to a loopback server and collects the whole answer. A request that failed on a reused
 * keep-alive socket before any answer (the server closed that idle socket as we wrote to it) is sent once more
 * on a fresh one, as Node's documentation advises; `resent` counts those, so a run can show none were hidden.
 */
export async function send(base: URL, req: RawRequest): Promise<RawResponse> {
  if (base.hostname !== '127.0.0.1') throw new Error('raw requests only target 127.0.0.1');
  try {
    return await sendOnce(base, req, agent);
  } catch (error) {
    if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
    resent.count++;
    return sendOnce(base, req, false);
  }
}

function sendOnce(base: URL, req: RawRequest, via: http.Agent | false): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const r = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.path, headers: wireHeaders(req), agent: via }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // A server that refuses a large body early may close while we still write; the answer is what counts.
    r.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return;
      const stale = r.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
      reject(Object.assign(err, { reusedSocket: stale }));
    });
    r.end(req.body);
  });
}

export function closeAgent(): void {
  agent.destroy();
}

/** The answer's Graph error code, or '-' when the body is not a Graph error. */
export function errorCode(res: RawResponse): string {
  try {
    return String(JSON.parse(res.body.toString('utf8'))?.error?.code ?? '-');
  } catch {
    return '-';
  }
}

/** The answer's Graph error message (first 80 characters), or '-'. */
export function errorMessage(res: RawResponse): string {
  try {
    return String(JSON.parse(res.body.toString('utf8'))?.error?.message ?? '-').slice(0, 80);
  } catch {
    return '-';
  }
}
