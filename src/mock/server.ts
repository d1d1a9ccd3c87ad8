// The mock: Prism (routing, security and schema validation, example negotiation) hosted in a plain
// node:http server of ours, so that every answer, failures included, is shaped like Microsoft Graph's.
// Prism's own HTTP server is not used: its errors are problem+json and its body parser reads 10 MB.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInstance, getHttpOperationsFromSpec, type IHttpConfig } from '@stoplight/prism-http';
import { watchSources } from './watch.js';
import { compileFastRoutes, type FastOutput, type FastRoute } from './fast-path.js';

// Modules Prism loads for features the mock never uses (faker for dynamic mocking, postman-collection, the
// forwarder's fetch and proxy agents) are stubbed when the mock is bundled (scripts/build.mjs), never at run time.


// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Operations = Awaited<ReturnType<typeof import('@stoplight/prism-http').getHttpOperationsFromSpec>>;

export interface MockServerOptions {
  port?: number;
  host?: string;
  /** Bundled spec (JSON). Default: generated/openapi.json of this package. */
  specPath?: string;
  /** Largest accepted request body in bytes; bigger ones get 413 before they are read. */
  maxBodyBytes?: number;
  /** In a checkout of this repository: watch openapi/, rerun `npm run generate` on a change and reload. */
  watch?: boolean;
  /** Called with a line to log (watching, reloads); default: silent. */
  log?: (line: string) => void;
  /** Answer the common valid request from precompiled checks (src/mock/fast-path.ts); default true. */
  fastPath?: boolean;
}

export interface MockServer {
  url: string;
  close(): Promise<void>;
  /** Reads the spec file again (the CLI calls it after regenerating the bundle). */
  reload(): Promise<void>;
  /** Builds the fast path now instead of after the first answer (tests use it to compare both paths). */
  warmUp(): Promise<void>;
  /** How many requests each path answered (the fast path's test reads it). */
  readonly stats: { fastPath: number; prism: number };
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The bundled spec. The mock runs from src/mock (tsx) or from its bundle dist/mock/server.js, two levels below
 * the package root either way: a checkout has generated/ there (what watch mode regenerates), the installed
 * package dist/generated/.
 */
export function defaultSpecPath(): string {
  const candidates = [join(here, '../../generated/openapi.json'), join(here, '../../dist/generated/openapi.json')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`bundled spec not found; looked at ${candidates.join(', ')}`);
  return resolve(found);
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MAX_JSON_DEPTH = 64;
const LINGER_BYTES = 16 * 1024 * 1024;
const ALLOWED_HEADERS = 'Authorization, Content-Type, client-request-id, Prefer, return-client-request-id';
const EXPOSED_HEADERS = 'request-id, client-request-id, Retry-After, Allow';

// Prism wants a pino-like logger; the mock logs nothing per request (the CLI pipeline of Prism is what breaks).
const silentLogger: Json = new Proxy({}, { get: (_t, key) => (key === 'child' ? () => silentLogger : () => undefined) });

class GraphFailure {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly headers: Record<string, string> = {},
    readonly detail?: unknown,
  ) {}
}

/** Graph's timestamps in innerError: UTC, seconds precision, no zone designator. */
const graphDate = () => new Date().toISOString().slice(0, 19);

interface Loaded {
  spec: Json;
  operations: Operations;
  /** operationId → example name → status, to turn `Prefer: example=` into a status Prism can negotiate. */
  exampleStatus: Map<string, Map<string, number>>;
}

async function load(specPath: string): Promise<Loaded> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  // A parsed object: Prism resolves only the bundle's local refs and fetches nothing.
  const operations = await getHttpOperationsFromSpec(structuredClone(spec));
  const exampleStatus = new Map<string, Map<string, number>>();
  for (const pathItem of Object.values<Json>(spec.paths)) {
    for (const op of Object.values<Json>(pathItem)) {
      if (!op?.operationId) continue;
      const byName = new Map<string, number>();
      for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
        const resolved = response.$ref ? spec.components.responses[response.$ref.split('/').pop()] : response;
        for (const name of Object.keys(resolved?.content?.['application/json']?.examples ?? {})) byName.set(name, Number(status));
      }
      exampleStatus.set(op.operationId, byName);
    }
  }
  return { spec, operations, exampleStatus };
}

/** The spec's own named example, for failures the mock raises itself (401, 413, 415, bad `@odata.id`). */
function specExample(loaded: Loaded, name: string): { code: string; message: string } {
  const error = loaded.spec.components?.examples?.[name]?.value?.error;
  if (!error) throw new Error(`spec has no example ${name}`);
  return { code: error.code, message: error.message };
}

function parsePrefer(header: string | undefined): { code?: number; example?: string } {
  const result: { code?: number; example?: string } = {};
  for (const part of (header ?? '').split(',')) {
    const [key, ...rest] = part.split('=');
    const value = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
    if (key?.trim() === 'code' && /^\d{3}$/.test(value)) result.code = Number(value);
    if (key?.trim() === 'example' && value) result.example = value;
  }
  return result;
}

function depthExceeds(value: unknown, limit: number): boolean {
  // Iterative, so a hostile body cannot overflow the stack here either.
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

type BodyResult = { kind: 'none' } | { kind: 'tooLarge' } | { kind: 'bytes'; bytes: Buffer };

function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolveBody({ kind: 'tooLarge' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolveBody(size === 0 ? { kind: 'none' } : { kind: 'bytes', bytes: Buffer.concat(chunks) });
    });
    req.on('error', reject);
  });
}

/** First path segment that no operation path accepts at its position (Graph names it in its 400). */
function unknownSegment(spec: Json, pathname: string): string {
  const segments = pathname.split('/').slice(1);
  const templates = Object.keys(spec.paths).map((p) => p.split('/').slice(1));
  let candidates = templates;
  for (let i = 0; i < segments.length; i++) {
    const segment = safeDecode(segments[i]!);
    const next = candidates.filter((t) => t[i] !== undefined && (t[i] === segment || /^\{.+\}$/.test(t[i]!)));
    if (next.length === 0) return segment;
    candidates = next;
  }
  return segments.at(-1) ? safeDecode(segments.at(-1)!) : '';
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function mediaTypeOf(header: string | undefined): { type: string; charset?: string } {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((p) => p.trim().split('='))
    .find(([k]) => k?.toLowerCase() === 'charset')?.[1]
    ?.replace(/"/g, '')
    .toLowerCase();
  return { type: type.trim().toLowerCase(), ...(charset ? { charset } : {}) };
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const specPath = options.specPath ?? defaultSpecPath();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let loaded = await load(specPath);
  const config: IHttpConfig = {
    mock: { dynamic: false },
    checkSecurity: true,
    validateRequest: true,
    validateResponse: false,
    errors: false,
    upstreamProxy: undefined,
    isProxy: false,
  };
  const prism = createInstance(config, { logger: silentLogger });
  const stats = { fastPath: 0, prism: 0 };

  // Prism's own answer to each operation's documented example request is what the fast path serves.
  const fastRoutesFor = (current: Loaded): Promise<FastRoute[]> =>
    options.fastPath === false
      ? Promise.resolve([])
      : compileFastRoutes(current.operations, async (op: Json) => {
          const example = op.request.body.contents[0].examples?.[0];
          const idExample = (param: Json) => (param.examples ?? []).find((e: Json) => e.key === example?.key)?.value ?? param.examples?.[0]?.value;
          if (!example || (op.request.path ?? []).some((p: Json) => typeof idExample(p) !== 'string')) return undefined;
          const path = op.path.replace(/\{([^{}]+)\}/g, (_: string, name: string) => encodeURIComponent(idExample(op.request.path.find((p: Json) => p.name === name))));
          const input = {
            method: op.method,
            url: { path, query: {} },
            headers: { authorization: 'Bearer example', 'content-type': 'application/json' },
            body: structuredClone(example.value),
          };
          const result = await prism.request(input, current.operations, config)();
          if (result._tag === 'Left' || result.right.validations.input.some((v: Json) => v.severity === 0)) return undefined;
          return result.right.output as FastOutput;
        });
  // Built after the first answer (start-up: the first request does not wait for it) or on warmUp(); until then
  // Prism answers everything, which the fast path's test shows is the same answer.
  let fastRoutes: FastRoute[] = [];
  let fastBuild: Promise<void> | undefined;
  const warmUp = (): Promise<void> => {
    const current = loaded;
    return (fastBuild ??= fastRoutesFor(current).then((routes) => {
      if (loaded === current) fastRoutes = routes; // a reload meanwhile built its own
    }));
  };

  const sendGraph = (res: ServerResponse, ids: Ids, failure: GraphFailure) => {
    const body: Json = {
      error: {
        code: failure.code,
        message: failure.message,
        innerError: { date: graphDate(), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
      },
    };
    // Prism's violation details travel next to Graph's fields, never instead of them.
    if (failure.detail !== undefined) body.error.innerError.violations = failure.detail;
    res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
    res.end(JSON.stringify(body));
  };

  interface Ids {
    requestId: string;
    clientRequestId: string;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, ids: Ids): Promise<void> {
    const method = (req.method ?? 'GET').toLowerCase();
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    // Some HTTP stacks percent-encode the `$` of `$ref`; Graph accepts both spellings.
    const pathname = url.pathname.replace(/\/%24ref$/i, '/$ref');
    const { searchParams } = url;

    // Bodies over the limit are refused from the headers alone, before a byte of them is read.
    const declared = Number(req.headers['content-length'] ?? 0);
    const refuseTooLarge = () => {
      // Answer at once, then discard what the client is still sending (a bounded amount, so it can read
      // the 413 instead of a connection reset) and cut the connection past that.
      let discarded = 0;
      req.on('data', (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > LINGER_BYTES) req.socket.destroy();
      });
      req.resume();
      const { code, message } = specExample(loaded, 'requestEntityTooLarge');
      sendGraph(res, ids, new GraphFailure(413, code, message));
    };
    if (declared > maxBodyBytes) return refuseTooLarge();
    const body = await readBody(req, maxBodyBytes);
    if (body.kind === 'tooLarge') return refuseTooLarge();

    // HTTP-level checks of the body; their outcome is applied after routing and auth, as Graph orders them.
    let bodyFailure: GraphFailure | undefined;
    let parsed: unknown = undefined;
    if (body.kind === 'bytes') {
      const media = mediaTypeOf(req.headers['content-type']);
      const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (!(media.type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(media.type))) {
        const { code } = specExample(loaded, 'unsupportedMediaType');
        bodyFailure = new GraphFailure(415, code, `Content-Type '${media.type || '(none)'}' is not supported; send 'application/json'.`);
      } else if (encoding !== 'identity' || (media.charset && !['utf-8', 'utf8'].includes(media.charset))) {
        const { code } = specExample(loaded, 'unsupportedMediaType');
        bodyFailure = new GraphFailure(415, code, `Content encoding '${encoding !== 'identity' ? encoding : media.charset}' is not supported; send UTF-8 JSON.`);
      } else {
        try {
          const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body.bytes);
          parsed = JSON.parse(text);
          if (depthExceeds(parsed, MAX_JSON_DEPTH)) {
            parsed = undefined;
            bodyFailure = new GraphFailure(400, 'BadRequest', `The request payload is nested deeper than ${MAX_JSON_DEPTH} levels.`);
          }
        } catch {
          bodyFailure = new GraphFailure(
            400,
            'BadRequest',
            'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
          );
        }
      }
    }

    // The common valid request: checks precompiled from the spec, Prism's documented answer (see fast-path.ts).
    if (
      fastRoutes.length > 0 &&
      parsed !== undefined &&
      !bodyFailure &&
      url.search === '' &&
      req.headers.prefer === undefined &&
      (req.headers.accept === undefined || req.headers.accept === '*/*') &&
      req.headers['content-type'] === 'application/json'
    ) {
      let fast: FastRoute | undefined;
      let candidates = 0;
      for (const route of fastRoutes) {
        if (route.pattern.test(pathname)) {
          candidates++;
          if (route.method === method) fast = route;
        }
      }
      if (candidates === 1 && fast?.matches(pathname, req.headers, parsed)) {
        stats.fastPath++;
        return sendOutput(res, ids, fast.output);
      }
    }
    stats.prism++;

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    delete headers.prefer; // negotiation is configured below, from our own reading of Prefer

    // (Issue 5 fuzz findings.) Prism decodes path segments with decodeURIComponent and throws on a malformed
    // escape such as %ZZ or %E2%82, which became a 500: answer Graph's 400 for a bad URL instead.
    try {
      decodeURIComponent(pathname);
    } catch {
      return sendGraph(res, ids, new GraphFailure(400, 'BadRequest', 'Bad Request - Invalid URL: the path has a malformed percent-encoding.'));
    }
    // Prism's negotiator throws 'invalid media type' on an Accept it cannot parse (also a 500); such an
    // Accept says nothing usable, so it is dropped and the documented media type is answered.
    const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    const mediaRange = new RegExp(`^\\s*${token}/${token}\\s*(;\\s*${token}\\s*=\\s*(${token}|"(?:[^"\\\\]|\\\\.)*")\\s*)*$`);
    if (headers.accept !== undefined && !headers.accept.split(',').every((part) => mediaRange.test(part))) delete headers.accept;

    // `Prefer: example=` alone: Prism would look only in the success response, so find the example's status here.
    const prefer = parsePrefer([req.headers.prefer ?? []].flat().join(','));
    const input = {
      method: method as Json,
      url: { path: pathname, query: Object.fromEntries(searchParams) },
      headers,
      body: bodyFailure ? undefined : parsed,
    };
    const route = loaded.operations.find((op) => op.method === method && matches(op.path, pathname));
    const byName = route?.iid ? loaded.exampleStatus.get(route.iid) : undefined;
    let code = prefer.code;
    if (prefer.example) {
      const status = byName?.get(prefer.example);
      if (route && status === undefined) {
        return sendGraph(res, ids, new GraphFailure(400, 'BadRequest', `Unknown example '${prefer.example}' in the Prefer header; see the README for the list.`));
      }
      if (route && code !== undefined && code !== status) {
        return sendGraph(res, ids, new GraphFailure(400, 'BadRequest', `Example '${prefer.example}' is documented for status ${status}, not ${code}.`));
      }
      code ??= status;
    }
    const result = await prism.request(input, loaded.operations, { ...config, mock: { dynamic: false, code, exampleKey: prefer.example } })();

    if (result._tag === 'Left') {
      const error: Json = result.left;
      const type = String(error.name).split('#').pop();
      if (type === 'NO_METHOD_MATCHED_ERROR') {
        const allow: string[] = loaded.operations.filter((op) => matches(op.path, pathname)).map((op) => op.method.toUpperCase());
        return sendGraph(
          res,
          ids,
          new GraphFailure(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.', { allow: [...allow, 'OPTIONS'].join(', ') }),
        );
      }
      if (type === 'NO_PATH_MATCHED_ERROR' || type === 'NO_RESOURCE_PROVIDED_ERROR') {
        // Graph names an unknown version (`Invalid version: v2.0`) and any other unknown segment, both 400 BadRequest.
        const segment = unknownSegment(loaded.spec, pathname);
        const isVersion = pathname.split('/')[1] === segment && segment !== '';
        const message = isVersion ? `Invalid version: ${segment}` : `Resource not found for the segment '${segment}'.`;
        return sendGraph(res, ids, new GraphFailure(400, 'BadRequest', message));
      }
      if (type === 'NOT_FOUND' || type === 'NOT_ACCEPTABLE' || type === 'UNPROCESSABLE_ENTITY' || type === 'NO_RESPONSE_DEFINED') {
        // Negotiation failed: the Prefer header asks for a status or example the operation does not document.
        return sendGraph(res, ids, new GraphFailure(400, 'BadRequest', `The Prefer header asks for a response this operation does not document: ${error.detail ?? error.message}`));
      }
      return sendGraph(res, ids, new GraphFailure(500, 'generalException', `Mock failure: ${error.detail ?? error.message}`));
    }

    const { output, validations } = result.right;
    const violations = validations.input.filter((v: Json) => v.severity === 0);
    if (violations.some((v: Json) => v.code === 401)) {
      const { code: errorCode } = specExample(loaded, 'invalidAuthenticationToken');
      const authorization = req.headers.authorization;
      const message = authorization?.trim()
        ? 'CompactToken parsing failed with error code: 80049217'
        : specExample(loaded, 'invalidAuthenticationToken').message;
      return sendGraph(res, ids, new GraphFailure(401, errorCode, message, { 'www-authenticate': 'Bearer realm="", error="invalid_token"' }));
    }
    if (bodyFailure) return sendGraph(res, ids, bodyFailure);
    const bodyViolations = violations.filter((v: Json) => v.code !== 401);
    if (bodyViolations.length > 0) {
      const detail = bodyViolations.map((v: Json) => ({ location: v.path ?? [], message: v.message }));
      if (bodyViolations.some((v: Json) => (v.path ?? []).includes('@odata.id'))) {
        const { code: errorCode, message } = specExample(loaded, 'invalidUrlFormat');
        return sendGraph(res, ids, new GraphFailure(400, errorCode, message, {}, detail));
      }
      const inBody = bodyViolations.every((v: Json) => !['path', 'query', 'header'].includes(v.path?.[0]));
      const named = bodyViolations.map((v: Json) => v.message).join('; ');
      return sendGraph(res, ids, new GraphFailure(400, 'BadRequest', `${inBody ? 'Invalid request body' : 'Invalid request'}: ${named}.`, {}, detail));
    }

    sendOutput(res, ids, output);
  }

  /** A served example: the live request-id, client-request-id and date replace the example's own. */
  function sendOutput(res: ServerResponse, ids: Ids, output: FastOutput): void {
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(output.headers ?? {})) {
      if (['request-id', 'client-request-id'].includes(name.toLowerCase())) continue;
      outHeaders[name] = String(value);
    }
    if (output.body === undefined || output.statusCode === 204) {
      delete outHeaders['Content-type'];
      delete outHeaders['content-type'];
      res.writeHead(output.statusCode, outHeaders);
      return void res.end();
    }
    const outBody: Json = structuredClone(output.body);
    if (outBody?.error?.innerError) {
      outBody.error.innerError = { ...outBody.error.innerError, date: graphDate(), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
    }
    res.writeHead(output.statusCode, { ...outHeaders, 'content-type': 'application/json' });
    res.end(JSON.stringify(outBody));
  }

  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
    const ids: Ids = {
      requestId: randomUUID(),
      clientRequestId: (typeof req.headers['client-request-id'] === 'string' && req.headers['client-request-id']) || randomUUID(),
    };
    res.setHeader('request-id', ids.requestId);
    res.setHeader('client-request-id', ids.clientRequestId);
    const origin = req.headers.origin;
    if (origin) {
      // The caller's origin is reflected (never `*`), so credentialed browser calls work too.
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('allow', 'POST, OPTIONS');
      if (origin) {
        res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
        res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] || ALLOWED_HEADERS);
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(204);
      return void res.end();
    }
    if (!fastBuild) res.once('finish', () => setImmediate(() => void warmUp().catch(() => undefined)));
    handle(req, res, ids).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendGraph(res, ids, new GraphFailure(500, 'generalException', `Mock failure: ${(error as Error)?.message ?? error}`));
    });
  });
  // A malformed request line or headers: answer 400 in Graph's shape when the socket still can.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const requestId = randomUUID();
    const body = JSON.stringify({
      error: { code: 'BadRequest', message: `Malformed HTTP request (${error.code ?? 'parse error'}).`, innerError: { date: graphDate(), 'request-id': requestId, 'client-request-id': requestId } },
    });
    socket.end(
      `HTTP/1.1 ${status} Bad Request\r\ncontent-type: application/json\r\nrequest-id: ${requestId}\r\nclient-request-id: ${requestId}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const reload = async () => {
    const next = await load(specPath);
    const routes = await fastRoutesFor(next);
    loaded = next;
    fastRoutes = routes;
    fastBuild = Promise.resolve();
  };
  const watcher = options.watch ? watchSources(join(here, '../..'), reload, options.log ?? (() => undefined)) : undefined;

  return {
    url,
    reload,
    warmUp,
    stats,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        watcher?.close();
        server.close((error) => (error ? reject(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}

/** Does a spec path template match a concrete path (one segment per parameter)? */
function matches(template: string, pathname: string): boolean {
  const t = template.split('/');
  const p = pathname.split('/');
  return t.length === p.length && t.every((segment, i) => /^\{.+\}$/.test(segment) ? p[i] !== '' : segment === p[i]);
}
