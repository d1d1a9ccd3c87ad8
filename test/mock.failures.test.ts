// End-to-end against the suite's mock: invalid requests get Graph's status and error body (never
// problem+json), every answer carries Graph's request ids, CORS works for browsers, and hostile input
// neither takes the server down nor holds up the next good request.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';
import { requestExamples } from '../src/spec/walk.js';
import { DEFAULT_MAX_BODY_BYTES } from '../src/mock/server.js';
import { freshSession } from './support/session.js';
import { createAjv, inline, loadSpec } from './support/spec.js';

const spec = loadSpec();
const baseUrl = inject('mockUrl');
const { hostname, port } = new URL(baseUrl);
const validateGraphError = createAjv().compile(inline(spec, spec.components.schemas.odataError));
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const user = requestExamples(spec).find((r) => r.operationId === 'addUserSponsor')!;
const connectedOrganization = requestExamples(spec).find((r) => r.operationId === 'addConnectedOrganization')!;
const internal = requestExamples(spec).find((r) => r.operationId === 'addConnectedOrganizationInternalSponsor')!;
const good = { authorization: 'Bearer mock-token', 'content-type': 'application/json' };
/**
 * The good headers in a session nobody has used: the mock keeps state, so the documented add succeeds there,
 * where in a session an earlier request already used it would be a duplicate (400).
 */
const fresh = () => ({ ...good, ...freshSession() });
const goodBody = JSON.stringify(user.body);
const invalidUrl = spec.components.examples.invalidUrlFormat.value.error;
const unreadable = spec.components.examples.unreadableJsonPayload.value.error;
const bareId = spec.components.examples.bareIdInOdataId.value.error;

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  code: string;
  /** Exact message, or a fragment it must contain. */
  message?: string | RegExp;
}

const deep = '['.repeat(10_000) + ']'.repeat(10_000);
const cases: Case[] = [
  // auth
  {
    name: 'no Authorization header',
    headers: { 'content-type': 'application/json' },
    status: 401,
    code: 'InvalidAuthenticationToken',
    message: spec.components.examples.invalidAuthenticationToken.value.error.message,
  },
  { name: 'Basic instead of Bearer', headers: { ...good, authorization: 'Basic dXNlcjpwdw==' }, status: 401, code: 'InvalidAuthenticationToken' },
  { name: 'Bearer without a token', headers: { ...good, authorization: 'Bearer ' }, status: 401, code: 'InvalidAuthenticationToken' },
  {
    name: 'no token and malformed JSON (auth is checked first)',
    headers: { 'content-type': 'application/json' },
    body: '{',
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  // body
  {
    // Graph's BadRequest to a bare id (msgraph-sdk-dotnet#1846), the spec's bareIdInOdataId.
    name: '@odata.id is a bare id',
    body: JSON.stringify({ '@odata.id': '4c0c5f2c-5e53-4b45-bd2a-4d2b0c2c7e31' }),
    status: 400,
    code: 'BadRequest',
    message: 'Invalid URL format specified in payload.',
  },
  {
    name: '@odata.id is a bare id, on the internal sponsors of a connected organization',
    path: internal.path,
    body: JSON.stringify({ '@odata.id': 'd8ab5060-f636-4cff-ae97-d4687f5c83f3' }),
    status: 400,
    code: bareId.code,
    message: bareId.message,
  },
  {
    name: '@odata.id is a relative path (not a bare id)',
    body: JSON.stringify({ '@odata.id': 'users/4c0c5f2c-5e53-4b45-bd2a-4d2b0c2c7e31' }),
    status: 400,
    code: invalidUrl.code,
    message: invalidUrl.message,
  },
  {
    name: '@odata.id on another host',
    body: JSON.stringify({ '@odata.id': 'https://evil.example/v1.0/users/abc' }),
    status: 400,
    code: invalidUrl.code,
    message: invalidUrl.message,
  },
  {
    name: '@odata.id of another entity set',
    body: JSON.stringify({ '@odata.id': 'https://graph.microsoft.com/v1.0/devices/abc' }),
    status: 400,
    code: invalidUrl.code,
    message: invalidUrl.message,
  },
  {
    name: 'unknown property',
    body: JSON.stringify({ ...(user.body as object), extra: 1 }),
    status: 400,
    code: 'BadRequest',
    message: /additional properties.*extra/,
  },
  { name: 'empty object', body: '{}', status: 400, code: 'BadRequest', message: /@odata\.id/ },
  { name: 'JSON array', body: '[]', status: 400, code: 'BadRequest', message: /Invalid request body/ },
  { name: 'no body', body: '', status: 400, code: 'BadRequest', message: /Invalid request body/ },
  { name: 'malformed JSON', body: '{"@odata.id": ', status: 400, code: unreadable.code, message: unreadable.message },
  { name: 'deeply nested JSON', body: deep, status: 400, code: 'BadRequest', message: /nested deeper/ },
  { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), status: 400, code: 'BadRequest', message: /Unable to read JSON/ },
  {
    name: 'connectedOrganization with a wrong state',
    path: connectedOrganization.path,
    body: JSON.stringify({ ...(connectedOrganization.body as object), state: 'bogus' }),
    status: 400,
    code: 'BadRequest',
    message: /state/,
  },
  // path
  {
    name: 'unknown segment',
    path: '/v1.0/users/abc/sponsorz/$ref',
    status: 400,
    code: 'BadRequest',
    message: "Resource not found for the segment 'sponsorz'.",
  },
  {
    name: 'unknown entity set',
    path: '/v1.0/printers/abc/sponsors/$ref',
    status: 400,
    code: 'BadRequest',
    message: "Resource not found for the segment 'printers'.",
  },
  { name: 'unknown version', path: '/v2.0/users/abc/sponsors/$ref', status: 400, code: 'BadRequest', message: 'Invalid version: v2.0' },
  {
    name: 'trailing extra segment',
    path: '/v1.0/users/abc/sponsors/$ref/more',
    status: 400,
    code: 'BadRequest',
    message: /Resource not found for the segment/,
  },
  { name: 'root', path: '/', status: 400, code: 'BadRequest' },
  {
    name: 'id longer than the spec allows',
    path: `/v1.0/users/${'a'.repeat(1100)}/sponsors/$ref`,
    status: 400,
    code: 'BadRequest',
    message: /Invalid request:/,
  },
  // method
  // Graph's wording (learn.microsoft.com/graph/json-batching, request 4 of the batch response).
  {
    name: 'GET',
    method: 'GET',
    body: undefined,
    status: 405,
    code: 'Request_BadRequest',
    message: 'Specified HTTP method is not allowed for the request target.',
  },
  { name: 'PUT', method: 'PUT', status: 405, code: 'Request_BadRequest' },
  { name: 'DELETE', method: 'DELETE', body: undefined, status: 405, code: 'Request_BadRequest' },
  { name: 'PATCH', method: 'PATCH', status: 405, code: 'Request_BadRequest' },
  // content type and encoding
  { name: 'text/plain', headers: { ...good, 'content-type': 'text/plain' }, status: 415, code: 'UnsupportedMediaType', message: /text\/plain/ },
  {
    name: 'form-urlencoded',
    headers: { ...good, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'a=b',
    status: 415,
    code: 'UnsupportedMediaType',
  },
  // Graph's 400 to a body it cannot read (the spec's unreadableJsonPayload: CompressionHandler.md, docs-contrib#6337).
  { name: 'no Content-Type', headers: { authorization: good.authorization }, status: 400, code: unreadable.code, message: unreadable.message },
  { name: 'UTF-16 charset', headers: { ...good, 'content-type': 'application/json; charset=utf-16' }, status: 415, code: 'UnsupportedMediaType' },
  { name: 'gzip Content-Encoding', headers: { ...good, 'content-encoding': 'gzip' }, status: 400, code: unreadable.code, message: unreadable.message },
  {
    name: 'a gzip-compressed body (as the compression handler of the Graph SDKs sends it)',
    headers: { ...good, 'content-encoding': 'gzip' },
    body: gzipSync(goodBody),
    status: 400,
    code: unreadable.code,
    message: unreadable.message,
  },
  { name: 'br Content-Encoding', headers: { ...good, 'content-encoding': 'br' }, status: 400, code: unreadable.code, message: unreadable.message },
  // size
  { name: 'body over the limit', body: JSON.stringify({ '@odata.id': 'x'.repeat(DEFAULT_MAX_BODY_BYTES) }), status: 413, code: 'RequestEntityTooLarge' },
];

/** Raw HTTP via node:http, so nothing (fetch's own checks) stands between the case and the server. */
function raw(options: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer (413) and close before the whole body is written.
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('invalid requests get Graph-shaped 4xx', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await raw({ method: c.method ?? 'POST', path: c.path ?? user.path, headers: c.headers ?? good, body: 'body' in c ? c.body : goodBody });
    const body = JSON.parse(response.text);
    expect(response.status).toBe(c.status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(validateGraphError(body), JSON.stringify(validateGraphError.errors)).toBe(true);
    expect(body.error.code).toBe(c.code);
    if (typeof c.message === 'string') expect(body.error.message).toBe(c.message);
    else if (c.message) expect(body.error.message).toMatch(c.message);
    expect(body.error.innerError['request-id']).toBe(response.headers['request-id']);
    expect(body.error.innerError['client-request-id']).toBe(response.headers['client-request-id']);
    if (c.status === 405) expect(response.headers.allow).toMatch(/\bPOST\b/);
    if (c.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('a schema violation also names what Prism found, in innerError', async () => {
    const response = await raw({ method: 'POST', path: user.path, headers: good, body: JSON.stringify({ '@odata.id': 'nope' }) });
    const body = JSON.parse(response.text);
    expect(body.error.innerError.violations).toEqual(expect.arrayContaining([expect.objectContaining({ location: ['body', '@odata.id'] })]));
  });

  it('a $ref spelled %24ref is the same operation', async () => {
    const response = await raw({ method: 'POST', path: user.path.replace('$ref', '%24ref'), headers: fresh(), body: goodBody });
    expect(response.status).toBe(204);
  });
});

describe('request ids', () => {
  it('echoes client-request-id; without one, client-request-id equals request-id (as Graph); a fresh request-id every time', async () => {
    const echoed = await raw({ method: 'POST', path: user.path, headers: { ...good, 'client-request-id': 'my-id-42' }, body: goodBody });
    expect(echoed.headers['client-request-id']).toBe('my-id-42');
    const a = await raw({ method: 'POST', path: user.path, headers: fresh(), body: goodBody });
    const b = await raw({ method: 'GET', path: '/nowhere', headers: {} });
    for (const r of [echoed, a, b]) expect(r.headers['request-id']).toMatch(uuid);
    for (const r of [a, b]) expect(r.headers['client-request-id']).toBe(r.headers['request-id']);
    const failed = await raw({ method: 'POST', path: user.path, headers: { 'content-type': 'application/json' }, body: goodBody });
    expect(failed.status).toBe(401);
    expect(failed.headers['client-request-id']).toBe(failed.headers['request-id']);
    expect(JSON.parse(failed.text).error.innerError).toMatchObject({
      'request-id': failed.headers['request-id'],
      'client-request-id': failed.headers['request-id'],
    });
    expect(new Set([echoed, a, b].map((r) => r.headers['request-id'])).size).toBe(3);
  });
});

describe("the headers Graph sends on its answers (from the spec's header examples)", () => {
  const example = (name: string) => String(spec.components.headers[name].schema.examples[0]);
  const everyAnswer = { 'strict-transport-security': example('Strict-Transport-Security'), 'x-ms-ags-diagnostic': example('x-ms-ags-diagnostic') };
  const directorySuccess = { 'cache-control': example('Cache-Control'), 'x-ms-resource-unit': example('x-ms-resource-unit') };

  it('the examples are the captured values', () => {
    // CompressionHandler.md's captured 400 and every other captured Graph answer; learn.microsoft.com/graph/json-batching.
    expect(everyAnswer['strict-transport-security']).toBe('max-age=31536000');
    expect(JSON.parse(everyAnswer['x-ms-ags-diagnostic']).ServerInfo).toBeDefined();
    expect(directorySuccess).toEqual({ 'cache-control': 'no-cache', 'x-ms-resource-unit': '1' });
  });

  it('a 204 carries all four', async () => {
    const response = await raw({ method: 'POST', path: user.path, headers: fresh(), body: goodBody });
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({ ...everyAnswer, ...directorySuccess });
  });

  it.each([
    ['a 401 the mock raises', user.path, { 'content-type': 'application/json' }, goodBody, 401],
    ['a 400 the mock raises (a bare id)', user.path, good, JSON.stringify({ '@odata.id': 'abc' }), 400],
    ["a 400 to a gzip body (Graph's own capture has both headers)", user.path, { ...good, 'content-encoding': 'gzip' }, goodBody, 400],
    ['a documented 403 asked for with Prefer', user.path, { ...fresh(), prefer: 'code=403' }, goodBody, 403],
    ['a 400 for an unknown segment', '/v1.0/printers/x', good, goodBody, 400],
  ] as const)('%s carries Strict-Transport-Security and x-ms-ags-diagnostic, not the 204-only ones', async (_label, path, headers, body, status) => {
    const response = await raw({ method: 'POST', path, headers, body });
    expect(response.status).toBe(status);
    expect(response.headers).toMatchObject(everyAnswer);
    expect(response.headers['x-ms-resource-unit']).toBeUndefined();
    expect(response.headers['cache-control']).toBeUndefined();
  });
});

describe('CORS', () => {
  const origin = 'https://app.example.test';

  it('answers the preflight for Authorization and Content-Type, reflecting the Origin', async () => {
    const response = await raw({
      method: 'OPTIONS',
      path: user.path,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-allow-methods']).toMatch(/\bPOST\b/);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toMatch(/authorization.*content-type|content-type.*authorization/);
    expect(response.headers.vary).toMatch(/Origin/);
  });

  it.each([
    ['a success', fresh(), 204],
    ['a failure', { 'content-type': 'application/json' }, 401],
  ] as const)('%s carries the reflected origin and exposes the Graph headers', async (_label, headers, status) => {
    const response = await raw({ method: 'POST', path: user.path, headers: { ...headers, origin }, body: goodBody });
    expect(response.status).toBe(status);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers['access-control-allow-origin']).not.toBe('*');
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase();
    for (const name of ['request-id', 'client-request-id', 'retry-after']) expect(exposed).toContain(name);
  });

  it('sends no CORS headers to a caller without Origin', async () => {
    const response = await raw({ method: 'POST', path: user.path, headers: good, body: goodBody });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('robustness', () => {
  const goodRequest = () => raw({ method: 'POST', path: user.path, headers: fresh(), body: goodBody });

  it('refuses a declared oversized body with 413 before it is sent', async () => {
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, method: 'POST', path: user.path, headers: { ...good, 'content-length': String(1024 ** 3) } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode!, body });
          req.destroy();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      // Only the headers go out: the answer cannot wait for the gigabyte that never comes.
      req.flushHeaders();
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.code).toBe('RequestEntityTooLarge');
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const response = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, method: 'POST', path: user.path, headers: { ...good, 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // Write past the limit and never end the body: the server must answer without waiting for its end. The
      // amount stays under what the host discards after its 413 (LINGER_BYTES, 16 MiB), past which it cuts the
      // connection, and a slow reader of the answer (a loaded machine) would then see ECONNRESET instead.
      let left = 4 * DEFAULT_MAX_BODY_BYTES;
      const pump = () => {
        while (!req.destroyed && left > 0 && ((left -= chunk.length), req.write(chunk)));
        if (!req.destroyed && left > 0) req.once('drain', pump);
      };
      pump();
    });
    expect(response).toBe(413);
  });

  it('serves a good request while a slow client holds a half-sent request open', async () => {
    const socket = connect(Number(port), hostname);
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.write(`POST ${user.path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 1000\r\n`);
      const response = await goodRequest();
      expect(response.status).toBe(204);
    } finally {
      socket.destroy();
    }
  });

  it('answers a malformed request line in Graph shape and keeps serving', async () => {
    const socket = connect(Number(port), hostname);
    const text = await new Promise<string>((resolve, reject) => {
      let data = '';
      socket
        .on('data', (c: Buffer) => (data += c.toString()))
        .on('end', () => resolve(data))
        .on('error', reject);
      socket.write('THIS IS NOT HTTP\r\n\r\n');
    });
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 400/);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(validateGraphError(body)).toBe(true);
    expect((await goodRequest()).status).toBe(204);
  });

  it('answers oversized headers with 431 and keeps serving', async () => {
    const response = await raw({ method: 'POST', path: user.path, headers: { ...good, 'x-huge': 'a'.repeat(32 * 1024) }, body: goodBody }).catch(
      (error: Error) => ({ status: 0, error }),
    );
    expect(response.status).toBe(431);
    expect((await goodRequest()).status).toBe(204);
  });

  it('ignores unknown headers', async () => {
    const response = await raw({
      method: 'POST',
      path: user.path,
      headers: { ...fresh(), 'x-unknown': 'ü'.normalize(), 'x-ms-whatever': '1', prefer: 'return=minimal' },
      body: goodBody,
    });
    expect(response.status).toBe(204);
  });

  it('still answers good requests after a burst of hostile ones', async () => {
    await Promise.all(
      cases.map((c) =>
        raw({ method: c.method ?? 'POST', path: c.path ?? user.path, headers: c.headers ?? good, body: 'body' in c ? c.body : goodBody }).catch(
          () => undefined,
        ),
      ),
    );
    const responses = await Promise.all([goodRequest(), goodRequest(), goodRequest()]);
    expect(responses.map((r) => r.status)).toEqual([204, 204, 204]);
  });
});
