// The handlers' host (src/msw/handlers.ts, base-url.ts) without the contract: a recording core stands in for
// createMockCore, and msw's getResponse runs the handler as setupServer/setupWorker would, with no interception.
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { clouds } from '../generated/operations.js';
import { readBaseUrl, targetUnder, type BaseUrl } from '../src/msw/base-url.js';
import { resolveHandlersOptions } from '../src/msw/options.js';
import { answer, graphHandler, headersRecord, readBounded, toResponse, type HostPieces } from '../src/msw/handlers.js';
import type { Ids, MockAnswer } from '../src/mock/graph-error.js';
import type { Responder } from '../src/mock/host-answers.js';
import type { MockRequest } from '../src/mock/pipeline.js';

/** A core that records what it was handed and answers what the test gives it. */
function recordingCore(reply: MockAnswer | Error = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"value":[]}' }) {
  const seen: Array<{ request: MockRequest; ids: Ids }> = [];
  const core: Responder = {
    handle: (request, given) => {
      seen.push({ request, ids: given });
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
    },
    allowedMethods: (target) => (target?.startsWith('/v1.0/users/') ? 'GET, OPTIONS' : 'OPTIONS'),
    everyAnswer: () => ({ 'x-ms-ags-diagnostic': 'every', 'strict-transport-security': 'max-age=31536000' }),
  };
  return { core, seen };
}

const pieces = (maxBodyBytes = 1024): HostPieces => ({ maxBodyBytes, ids: (sent) => ({ requestId: 'req-1', clientRequestId: sent || 'req-1' }) });
const base = (value: string): BaseUrl => readBaseUrl(value, undefined) as BaseUrl;

describe('readBaseUrl', () => {
  it('reads an origin, and an origin with a path prefix (trailing slashes dropped)', () => {
    expect(readBaseUrl('https://graph.microsoft.com', undefined)).toEqual({ origin: 'https://graph.microsoft.com', prefix: '' });
    expect(readBaseUrl('https://graph.microsoft.com/', undefined)).toEqual({ origin: 'https://graph.microsoft.com', prefix: '' });
    expect(readBaseUrl('http://127.0.0.1:4010/graph/', undefined)).toEqual({ origin: 'http://127.0.0.1:4010', prefix: '/graph' });
  });

  it('resolves a path against the page origin, and refuses it without one (Node)', () => {
    expect(readBaseUrl('/api/graph', 'http://localhost:5173')).toEqual({ origin: 'http://localhost:5173', prefix: '/api/graph' });
    expect(readBaseUrl('/api/graph', undefined)).toMatch(/needs a page/);
  });

  it('refuses what is no http(s) base: another scheme, a query, a fragment, credentials, text', () => {
    for (const value of [
      'ftp://graph.microsoft.com',
      'https://graph.microsoft.com/?x=1',
      'https://graph.microsoft.com/#top',
      'https://u:p@graph.microsoft.com',
      'graph',
    ])
      expect(typeof readBaseUrl(value, undefined), value).toBe('string');
  });
});

describe('targetUnder', () => {
  it('gives the origin-form target (path and query as the URL holds them) under the base, and nothing elsewhere', () => {
    const graph = base('https://graph.microsoft.com');
    expect(targetUnder(new URL('https://graph.microsoft.com/v1.0/users/a%2Fb/sponsors?$top=1'), graph)).toBe('/v1.0/users/a%2Fb/sponsors?$top=1');
    expect(targetUnder(new URL('https://graph.microsoft.com'), graph)).toBe('/');
    expect(targetUnder(new URL('http://graph.microsoft.com/v1.0/me'), graph)).toBeUndefined();
    expect(targetUnder(new URL('https://graph.microsoft.us/v1.0/me'), graph)).toBeUndefined();
  });

  it('strips a prefix, and does not take a sibling path that merely starts with it', () => {
    const proxied = base('http://127.0.0.1:9/graph');
    expect(targetUnder(new URL('http://127.0.0.1:9/graph/v1.0/$batch'), proxied)).toBe('/v1.0/$batch');
    expect(targetUnder(new URL('http://127.0.0.1:9/graph'), proxied)).toBe('/');
    expect(targetUnder(new URL('http://127.0.0.1:9/graphs/v1.0/$batch'), proxied)).toBeUndefined();
  });
});

describe('resolveHandlersOptions', () => {
  it('defaults to the global cloud\u2019s Graph origin, or the cloud named, and the server\u2019s defaults', () => {
    expect(resolveHandlersOptions({}, undefined)).toMatchObject({
      bases: [{ origin: clouds.global, prefix: '' }],
      directory: 'open',
      auth: 'open',
      latencyMs: 0,
      maxBodyBytes: 1024 * 1024,
    });
    expect(resolveHandlersOptions({ cloud: 'china' }, undefined).bases).toEqual([{ origin: clouds.china, prefix: '' }]);
  });

  it('takes several base URLs, once each, a longer prefix first (msw asks handlers in order)', () => {
    const bases = resolveHandlersOptions(
      { baseUrl: ['http://localhost:3000', 'http://localhost:3000/graph/', 'http://localhost:3000/graph', '/api'] },
      'http://localhost:3000',
    ).bases;
    expect(bases).toEqual([
      { origin: 'http://localhost:3000', prefix: '/graph' },
      { origin: 'http://localhost:3000', prefix: '/api' },
      { origin: 'http://localhost:3000', prefix: '' },
    ]);
  });

  it('refuses what it cannot use, naming the option', () => {
    const refused = (options: unknown) => () => resolveHandlersOptions(options as never, undefined);
    expect(refused({ baseUrl: [] })).toThrow(/options\.baseUrl/);
    expect(refused({ baseUrl: ['https://graph.microsoft.com', 42] })).toThrow(/options\.baseUrl\[1\] 42/);
    expect(refused({ cloud: 'global', baseUrl: 'https://graph.microsoft.com' })).toThrow(/cloud or baseUrl, not both/);
    expect(refused({ fixture: [] })).toThrow(/options\.fixture/);
    expect(refused({ watch: true })).toThrow(/options\.watch/);
    expect(refused(null)).toThrow(/pass an object/);
  });
});

describe('request conversion', () => {
  it('gives lower-case headers and the Host the server would read', () => {
    const request = new Request('https://graph.microsoft.com/v1.0/x', { headers: { Authorization: 'Bearer t', 'X-Mock-Session': 's1' } });
    expect(headersRecord(request.headers, 'graph.microsoft.com')).toEqual({ authorization: 'Bearer t', 'x-mock-session': 's1', host: 'graph.microsoft.com' });
  });

  it('reads a body up to the limit, and stops past it (what was read then is over the limit: the 413)', async () => {
    const post = (body: BodyInit) => new Request('https://h.example/x', { method: 'POST', body });
    expect(new TextDecoder().decode(await readBounded(post('{"a":1}'), 7))).toBe('{"a":1}');
    expect((await readBounded(post('{"a":1}'), 6)).byteLength).toBeGreaterThan(6);
    const chunks = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(4).fill(65 + i));
          controller.close();
        },
      });
    const streamed = () => new Request('https://h.example/x', { method: 'POST', body: chunks(), duplex: 'half' } as RequestInit);
    expect(new TextDecoder().decode(await readBounded(streamed(), 16))).toBe('AAAABBBBCCCCDDDD');
    expect(new TextDecoder().decode(await readBounded(streamed(), 5))).toBe('AAAABBBB');
    expect((await readBounded(new Request('https://h.example/x'), 0)).byteLength).toBe(0);
  });

  it('stops at the limit on a clone too (msw hands resolvers a tee\u2019d body, whose cancel waits for the other branch)', async () => {
    const original = new Request('https://h.example/x', { method: 'POST', body: new Blob(['x'.repeat(100)]).stream(), duplex: 'half' } as RequestInit);
    const clone = original.clone();
    expect((await readBounded(clone, 10)).byteLength).toBeGreaterThan(10);
    expect((await original.text()).length).toBe(100);
  });
});

describe('answer conversion', () => {
  it('sends the answer\u2019s status, headers and body, with the body\u2019s Content-Length in bytes', async () => {
    const response = toResponse(new Request('https://h.example/x'), {
      status: 400,
      headers: { 'content-type': 'application/json', 'x-every': '1' },
      body: '{"é":1}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-every')).toBe('1');
    expect(response.headers.get('content-length')).toBe('8'); // 8 bytes for 7 characters
    expect(await response.text()).toBe('{"é":1}');
  });

  it('sends no body for 204, nor for a HEAD request (whose Content-Length still tells the size, as node:http sends it)', async () => {
    const noContent = toResponse(new Request('https://h.example/x', { method: 'POST' }), { status: 204, headers: {} });
    expect(noContent.status).toBe(204);
    expect(noContent.body).toBeNull();
    const head = toResponse(new Request('https://h.example/x', { method: 'HEAD' }), { status: 405, headers: { allow: 'GET' }, body: '{"error":{}}' });
    expect(head.status).toBe(405);
    expect(await head.text()).toBe('');
    expect(head.headers.get('content-length')).toBe('12');
  });
});

describe('answer()', () => {
  it('hands the core the target, method, headers and body, and the ids it made', async () => {
    const { core, seen } = recordingCore();
    const request = new Request('https://graph.microsoft.com/v1.0/users/u/sponsors?$top=2', { headers: { 'client-request-id': 'mine' } });
    const response = await answer(core, pieces(), request, '/v1.0/users/u/sponsors?$top=2');
    expect(response.status).toBe(200);
    expect(response.headers.get('client-request-id')).toBe('mine');
    expect(response.headers.get('request-id')).toBe('req-1');
    expect(response.headers.get('x-ms-ags-diagnostic')).toBe('every');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.request).toMatchObject({
      method: 'GET',
      target: '/v1.0/users/u/sponsors?$top=2',
      headers: { host: 'graph.microsoft.com', 'client-request-id': 'mine' },
    });
    expect(seen[0]!.request.body?.byteLength).toBe(0);
    expect(seen[0]!.ids).toEqual({ requestId: 'req-1', clientRequestId: 'mine' });
  });

  it('answers OPTIONS itself: 204 with Allow for the target, the core not asked', async () => {
    const { core, seen } = recordingCore();
    const response = await answer(core, pieces(), new Request('https://graph.microsoft.com/v1.0/users/u', { method: 'OPTIONS' }), '/v1.0/users/u');
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, OPTIONS');
    expect(response.headers.get('request-id')).toBe('req-1');
    expect(seen).toHaveLength(0);
  });

  it('adds CORS for a request with an Origin, reflecting it (a preflight also gets the methods and headers)', async () => {
    const { core } = recordingCore();
    const origin = 'http://localhost:5173';
    const get = await answer(core, pieces(), new Request('https://graph.microsoft.com/v1.0/users/u', { headers: { origin } }), '/v1.0/users/u');
    expect(get.headers.get('access-control-allow-origin')).toBe(origin);
    expect(get.headers.get('access-control-expose-headers')).toContain('request-id');
    const preflight = new Request('https://graph.microsoft.com/v1.0/users/u', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-headers': 'authorization' },
    });
    const options = await answer(core, pieces(), preflight, '/v1.0/users/u');
    expect(options.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    expect(options.headers.get('access-control-allow-headers')).toBe('authorization');
  });

  it('answers a body over the limit with Graph\u2019s 413, the core not asked', async () => {
    const { core, seen } = recordingCore();
    const request = new Request('https://graph.microsoft.com/v1.0/$batch', { method: 'POST', body: 'x'.repeat(11) });
    const response = await answer(core, pieces(10), request, '/v1.0/$batch');
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error).toMatchObject({ code: 'RequestEntityTooLarge', message: 'The request body is larger than 10 bytes.' });
    expect(body.error.innerError['request-id']).toBe('req-1');
    expect(seen).toHaveLength(0);
  });

  it('answers a core that throws with the server\u2019s 500 generalException', async () => {
    const { core } = recordingCore(new Error('boom'));
    const response = await answer(core, pieces(), new Request('https://graph.microsoft.com/v1.0/x'), '/v1.0/x');
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'generalException',
      message: 'Mock failure: boom',
    });
  });
});

describe('graphHandler through msw', () => {
  it('answers every method and path under its base, a malformed percent-encoding included, and nothing outside it', async () => {
    const { core, seen } = recordingCore();
    const handlers = [graphHandler(core, pieces(), base('https://graph.microsoft.com'))];
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD']) {
      const response = await getResponse(handlers, new Request('https://graph.microsoft.com/v1.0/users/%E0/sponsors/$ref', { method }));
      expect(response?.status, method).toBe(200);
    }
    expect(seen.map((s) => s.request.target)).toEqual(Array(6).fill('/v1.0/users/%E0/sponsors/$ref'));
    expect(await getResponse(handlers, new Request('https://login.microsoftonline.com/common/oauth2/v2.0/token'))).toBeUndefined();
  });
});
