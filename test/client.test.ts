// The client against an injected fetch: every request example of the spec goes out exactly as documented,
// every named error example comes back as the matching GraphError, ids and tokens are guarded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createGraphClient,
  defaultRetry,
  defaultTimeoutMs,
  maxAttemptsLimit,
  GraphError,
  InvalidIdError,
  clouds,
  operations,
  type Cloud,
  type GraphClient,
  type GraphClientOptions,
  type OperationId,
} from '../src/index.js';
import { errorScenarios, operationsOf, requestExamples } from '../src/spec/walk.js';
import { sponsorMethods } from '../src/sponsors.js';
import { maxTimerMs } from '../src/retry.js';
import { uuidV4 } from '../src/uuid.js';
import { createAjv, inline, loadSpec, type Json } from './support/spec.js';

const spec = loadSpec();
const mockOrigin = 'http://127.0.0.1:4010';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records each request and answers with `answer` (default 204). */
function recordingFetch(answer: (request: Request, n: number) => Response | Promise<Response> = () => new Response(null, { status: 204 })) {
  const calls: Recorded[] = [];
  const fetch = (async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    calls.push({ method: request.method, url: request.url, headers, body: await request.clone().text() });
    return answer(request, calls.length);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function client(fetch: typeof globalThis.fetch, options: GraphClientOptions = {}): GraphClient {
  return createGraphClient({ token: 'test-token', fetch, ...options });
}

/** Each operation of the spec with its request examples (path example + body example) and named errors. */
const requestsOf = requestExamples(spec);
const errorsOf = errorScenarios(spec);
const specOperations = operationsOf(spec).map(({ template, op }) => ({
  path: template,
  operationId: op.operationId as OperationId,
  requests: requestsOf.filter((r) => r.operationId === op.operationId).map((r) => ({ name: r.name, id: r.pathParams.id, body: r.body as Json })),
  errors: errorsOf
    .filter((e) => e.operationId === op.operationId)
    .map((e) => ({ status: e.status, name: e.example, body: e.body as Json, retryAfter: e.retryAfter })),
  bodySchema: inline(spec, inline(spec, op.requestBody).content['application/json'].schema),
}));

/** The `{ kind, id }` sponsor and cloud a documented `@odata.id` stands for, read back through the metadata. */
function sponsorOf(operationId: OperationId, odataId: string) {
  const url = new URL(odataId);
  const cloud = (Object.keys(clouds) as Cloud[]).find((name) => clouds[name] === url.origin);
  const [, version, entitySet, id] = url.pathname.split('/');
  const kinds = (operations[operationId] as { sponsorKinds?: Record<string, string> }).sponsorKinds ?? {};
  const kind = Object.keys(kinds).find((k) => kinds[k] === entitySet);
  expect(version, `${odataId} uses the operation's version`).toBe(operations[operationId].version);
  return { cloud: cloud!, sponsor: { kind: kind!, id: decodeURIComponent(id!) } };
}

/** Calls the operation function for a documented request; `any` because the example is only known at run time. */
function callOperation(graph: GraphClient, operationId: OperationId, id: string | undefined, body: Json, options?: Json) {
  const g = graph as Json;
  const method = Object.entries(sponsorMethods).find(([, row]) => row.op === operationId)?.[0];
  if (method === undefined) return g.addConnectedOrganization(body, options);
  return g[method](id, sponsorOf(operationId, body['@odata.id']).sponsor, options);
}

function expectedUrl(origin: string, path: string, id: string | undefined) {
  return origin + (id === undefined ? path : path.replace('{id}', encodeURIComponent(id)));
}

describe('request examples: the client sends exactly what the spec shows', () => {
  it('covers every operation of the spec and of the metadata', () => {
    expect(specOperations.map((o) => o.operationId).sort()).toEqual(Object.keys(operations).sort());
    for (const op of specOperations) expect(op.requests.length, op.operationId).toBeGreaterThan(0);
  });

  it('has exactly one sponsor method per sponsor operation of the metadata, named as the README documents', () => {
    const sponsorOps = (Object.keys(operations) as OperationId[]).filter((op) => 'sponsorKinds' in operations[op]);
    expect(
      Object.values(sponsorMethods)
        .map((row) => row.op)
        .sort(),
    ).toEqual(sponsorOps.sort());
    const graph = createGraphClient();
    for (const name of Object.keys(sponsorMethods)) expect(typeof (graph as Json)[name], name).toBe('function');
  });

  for (const { path, operationId, requests } of specOperations) {
    for (const example of requests) {
      for (const origin of [undefined, mockOrigin]) {
        it(`${operationId} ${example.name} via the operation function (baseUrl ${origin ?? 'default'})`, async () => {
          const { fetch, calls } = recordingFetch();
          const cloud = example.body['@odata.id'] ? sponsorOf(operationId, example.body['@odata.id']).cloud : 'global';
          const graph = client(fetch, { cloud, ...(origin ? { baseUrl: origin } : {}) });
          await expect(callOperation(graph, operationId, example.id, example.body)).resolves.toBeUndefined();
          expect(calls).toHaveLength(1);
          const [sent] = calls;
          expect(sent!.method).toBe('POST');
          expect(sent!.url).toBe(expectedUrl(origin ?? clouds[cloud], path, example.id));
          expect(sent!.url).toContain('/$ref');
          expect(sent!.headers['authorization']).toBe('Bearer test-token');
          expect(sent!.headers['content-type']).toBe('application/json');
          expect(sent!.headers['client-request-id']).toMatch(uuid);
          expect(JSON.parse(sent!.body)).toEqual(example.body);
        });
      }

      it(`${operationId} ${example.name} via graph.raw`, async () => {
        const { fetch, calls } = recordingFetch();
        const graph = client(fetch);
        const params = example.id === undefined ? {} : { path: { id: example.id } };
        const { response } = await (graph.raw.POST as Json)(path, { params, body: example.body });
        expect(response.status).toBe(204);
        expect(calls).toHaveLength(1);
        expect(calls[0]!.method).toBe('POST');
        expect(calls[0]!.url).toBe(expectedUrl(clouds.global, path, example.id));
        expect(calls[0]!.headers['authorization']).toBe('Bearer test-token');
        expect(calls[0]!.headers['content-type']).toBe('application/json');
        expect(calls[0]!.headers['client-request-id']).toMatch(uuid);
        expect(JSON.parse(calls[0]!.body)).toEqual(example.body);
      });
    }
  }

  it("sends the caller's client-request-id instead of a fresh one", async () => {
    const { fetch, calls } = recordingFetch();
    await client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' }, { clientRequestId: 'my-correlation-id' });
    expect(calls[0]!.headers['client-request-id']).toBe('my-correlation-id');
  });

  it('sends a fresh client-request-id on every request', async () => {
    const { fetch, calls } = recordingFetch();
    const graph = client(fetch);
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' });
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(calls[0]!.headers['client-request-id']).not.toBe(calls[1]!.headers['client-request-id']);
  });

  it("builds @odata.id for the client's cloud and the operation's version, even when baseUrl is the mock", async () => {
    const { fetch, calls } = recordingFetch();
    const graph = client(fetch, { cloud: 'usGovL4', baseUrl: mockOrigin });
    await graph.addAgentIdentityBlueprintSponsor('app1', { kind: 'directoryObject', id: 'd1' });
    await graph.addUserSponsor('u1', { kind: 'group', id: 'g1' });
    expect(new URL(calls[0]!.url).origin).toBe(mockOrigin);
    expect(JSON.parse(calls[0]!.body)['@odata.id']).toBe(
      `${clouds.usGovL4}/${operations.addAgentIdentityBlueprintSponsor.version}/${operations.addAgentIdentityBlueprintSponsor.sponsorKinds.directoryObject}/d1`,
    );
    expect(JSON.parse(calls[1]!.body)['@odata.id']).toBe(
      `${clouds.usGovL4}/${operations.addUserSponsor.version}/${operations.addUserSponsor.sponsorKinds.group}/g1`,
    );
  });

  it('uses the named cloud as the default origin', async () => {
    const { fetch, calls } = recordingFetch();
    await client(fetch, { cloud: 'china' }).addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(new URL(calls[0]!.url).origin).toBe(clouds.china);
  });
});

describe('ids', () => {
  const guest = 'alex_contoso.com#EXT#@fabrikam.onmicrosoft.com';

  it('percent-encodes #EXT# guest ids in the path and keeps $ref literal', async () => {
    const { fetch, calls } = recordingFetch();
    await client(fetch).addUserSponsor(guest, { kind: 'user', id: 's1' });
    const url = calls[0]!.url;
    expect(url).toBe(`${clouds.global}${operations.addUserSponsor.path.replace('{id}', 'alex_contoso.com%23EXT%23%40fabrikam.onmicrosoft.com')}`);
    expect(url).not.toContain('%24ref');
    expect(new URL(url).hash).toBe('');
  });

  it('percent-encodes a guest sponsor id into an @odata.id the spec accepts', async () => {
    const { fetch, calls } = recordingFetch();
    await client(fetch).addUserSponsor('u1', { kind: 'user', id: guest });
    const body = JSON.parse(calls[0]!.body);
    expect(body['@odata.id'].endsWith(`/${encodeURIComponent(guest)}`)).toBe(true);
    const schema = specOperations.find((o) => o.operationId === 'addUserSponsor')!.bodySchema;
    const validate = createAjv().compile(schema);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  const calls: Array<[string, (g: GraphClient, id: string) => Promise<void>]> = [
    ['addInternalSponsor path id', (g, id) => g.addInternalSponsor(id, { kind: 'user', id: 's1' })],
    ['addInternalSponsor sponsor id', (g, id) => g.addInternalSponsor('c1', { kind: 'group', id })],
    ['addUserSponsor path id', (g, id) => g.addUserSponsor(id, { kind: 'user', id: 's1' })],
    ['addUserSponsor sponsor id', (g, id) => g.addUserSponsor('u1', { kind: 'user', id })],
    ['addAgentIdentityBlueprintSponsor path id', (g, id) => g.addAgentIdentityBlueprintSponsor(id, { kind: 'user', id: 's1' })],
    ['addAgentIdentityBlueprintSponsor sponsor id', (g, id) => g.addAgentIdentityBlueprintSponsor('a1', { kind: 'directoryObject', id })],
    [
      'raw.POST path id',
      async (g, id) =>
        void (await g.raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id } }, body: { '@odata.id': `${clouds.global}/v1.0/users/s1` } })),
    ],
  ];
  for (const [what, call] of calls) {
    for (const bad of ['', '.', '..']) {
      it(`${what} ${JSON.stringify(bad)} is refused before anything is sent`, async () => {
        const { fetch, calls: sent } = recordingFetch();
        const error = await call(client(fetch), bad).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(InvalidIdError);
        expect(error).toBeInstanceOf(RangeError);
        expect(String((error as Error).message)).toMatch(/must not be empty, "\." or "\.\."/);
        expect(sent).toHaveLength(0);
      });
    }
  }

  for (const [what, call] of calls) {
    for (const bad of ['\ud800', 'a\udc00b', 'x\ud83d']) {
      it(`${what} with a lone surrogate ${JSON.stringify(bad)} is an InvalidIdError (not a URIError), nothing sent`, async () => {
        const { fetch, calls: sent } = recordingFetch();
        const error = await call(client(fetch), bad).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(InvalidIdError);
        expect(String((error as Error).message)).toMatch(/lone UTF-16 surrogate/);
        expect(sent).toHaveLength(0);
      });
    }
  }

  it('accepts a surrogate pair (an emoji) and percent-encodes it as UTF-8', async () => {
    const { fetch, calls: sent } = recordingFetch();
    await client(fetch).addUserSponsor('\ud83d\ude00', { kind: 'user', id: '\ud83d\ude00' });
    expect(sent[0]!.url).toContain('/users/%F0%9F%98%80/sponsors/$ref');
    expect(JSON.parse(sent[0]!.body)['@odata.id']).toMatch(/\/users\/%F0%9F%98%80$/);
  });

  it('refuses a raw call with the id missing (it would go out as %7Bid%7D)', async () => {
    const { fetch, calls: sent } = recordingFetch();
    const missing = { path: {} } as { path: { id: string } };
    await expect(
      client(fetch).raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: missing, body: { '@odata.id': `${clouds.global}/v1.0/users/s1` } }),
    ).rejects.toBeInstanceOf(InvalidIdError);
    expect(sent).toHaveLength(0);
  });

  it('refuses a sponsor kind the operation does not accept (untyped callers)', async () => {
    const { fetch, calls: sent } = recordingFetch();
    const sponsor = { kind: 'directoryObject', id: 'd1' } as unknown as { kind: 'user'; id: string };
    await expect(client(fetch).addUserSponsor('u1', sponsor)).rejects.toBeInstanceOf(RangeError);
    expect(sent).toHaveLength(0);
  });
});

describe('tokens', () => {
  it('calls the token provider on every request', async () => {
    const { fetch, calls } = recordingFetch();
    let n = 0;
    const graph = createGraphClient({ fetch, getToken: () => Promise.resolve(`token-${++n}`) });
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' });
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(n).toBe(2);
    expect(calls.map((c) => c.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it("sends the token to the client's own origin, including a mock origin", async () => {
    const { fetch, calls } = recordingFetch();
    await client(fetch, { baseUrl: mockOrigin }).addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(calls[0]!.headers['authorization']).toBe('Bearer test-token');
  });

  it('never sends the token to another origin', async () => {
    const { fetch, calls } = recordingFetch();
    let asked = 0;
    const graph = createGraphClient({ fetch, getToken: () => (asked++, 'secret') });
    await graph.raw.POST('/v1.0/users/{id}/sponsors/$ref', {
      baseUrl: 'https://attacker.example',
      params: { path: { id: 'u1' } },
      body: { '@odata.id': `${clouds.global}/v1.0/users/s1` },
    });
    expect(new URL(calls[0]!.url).origin).toBe('https://attacker.example');
    expect(calls[0]!.headers['authorization']).toBeUndefined();
    expect(asked).toBe(0);
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a number', 42],
    ['null', null],
  ])('a getToken that gives %s rejects with a clear TypeError and sends nothing (never "Bearer undefined")', async (_, value) => {
    const { fetch, calls } = recordingFetch();
    const graph = createGraphClient({ fetch, getToken: () => Promise.resolve(value as string) });
    await expect(graph.addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toThrow(
      new TypeError(`getToken() must be a non-empty string; got ${value === '' ? 'an empty string' : typeof value}`),
    );
    await expect(
      graph.raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } }, body: { '@odata.id': `${clouds.global}/v1.0/users/s1` } }),
    ).rejects.toThrow(TypeError);
    expect(calls).toHaveLength(0);
  });

  it('a getToken that throws rejects the call with its error, nothing sent', async () => {
    const { fetch, calls } = recordingFetch();
    const failure = new Error('no account signed in');
    const graph = createGraphClient({
      fetch,
      getToken: () => {
        throw failure;
      },
    });
    await expect(graph.addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toBe(failure);
    expect(calls).toHaveLength(0);
  });

  it.each([[''], [42], [null]])('token %j is refused at createGraphClient', (token) => {
    expect(() => createGraphClient({ token: token as string })).toThrow(/^token must be a non-empty string/);
  });

  it('getToken that is not a function is refused at createGraphClient', () => {
    expect(() => createGraphClient({ getToken: 'secret' as never })).toThrow(/^getToken must be a function/);
  });

  it('sends no Authorization header without a token', async () => {
    const { fetch, calls } = recordingFetch();
    await createGraphClient({ fetch }).addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(calls[0]!.headers['authorization']).toBeUndefined();
  });
});

describe('errors: every named error example becomes the matching GraphError', () => {
  for (const { operationId, requests, errors } of specOperations) {
    const request = requests[0]!;
    for (const example of errors) {
      it(`${operationId} ${example.status} ${example.name}`, async () => {
        const inner = example.body.error.innerError;
        const { fetch } = recordingFetch(
          (req) =>
            new Response(JSON.stringify(example.body), {
              status: example.status,
              headers: {
                'Content-Type': 'application/json',
                'request-id': inner['request-id'],
                'client-request-id': req.headers.get('client-request-id')!,
                ...(example.retryAfter !== undefined ? { 'Retry-After': example.retryAfter } : {}),
              },
            }),
        );
        const graph = client(fetch, { retry: false });
        const error = await callOperation(graph, operationId, request.id, request.body, { clientRequestId: inner['client-request-id'] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(GraphError);
        expect(error).toMatchObject({
          name: 'GraphError',
          status: example.status,
          code: example.body.error.code,
          message: example.body.error.message,
          requestId: inner['request-id'],
          clientRequestId: inner['client-request-id'],
          date: inner.date,
          retryAfter: example.retryAfter !== undefined ? Number(example.retryAfter) : undefined,
          body: example.body,
        });
      });
    }
  }

  it('covers 400, 401, 403, 404, 429 and 503 for every operation', () => {
    for (const op of specOperations) {
      const statuses = new Set(op.errors.map((e) => e.status));
      for (const status of [400, 401, 403, 404, 429, 503]) expect(statuses.has(status), `${op.operationId} ${status}`).toBe(true);
    }
  });

  const graphError = {
    error: {
      code: 'Request_ResourceNotFound',
      message: 'gone',
      innerError: { date: '2026-11-23T12:51:51', 'request-id': 'body-rid', 'client-request-id': 'body-crid' },
    },
  };

  it('falls back to innerError ids when the headers are missing', async () => {
    const { fetch } = recordingFetch(() => Response.json(graphError, { status: 404 }));
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toMatchObject({ requestId: 'body-rid', clientRequestId: 'body-crid' });
  });

  it('prefers the request-id and client-request-id headers to innerError', async () => {
    const { fetch } = recordingFetch(() => Response.json(graphError, { status: 404, headers: { 'request-id': 'hdr-rid', 'client-request-id': 'hdr-crid' } }));
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toMatchObject({ requestId: 'hdr-rid', clientRequestId: 'hdr-crid' });
  });

  it('rejects a non-JSON error body with a clear GraphError, status kept', async () => {
    const { fetch } = recordingFetch(
      () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html', 'request-id': 'r1' } }),
    );
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toMatchObject({
      name: 'GraphError',
      status: 502,
      code: 'nonJsonErrorBody',
      requestId: 'r1',
      body: '<html>Bad Gateway</html>',
    });
  });

  it('rejects an empty error body, even for a status the spec does not declare', async () => {
    // openapi-fetch reports this as error === "": success is decided by the status.
    const { fetch } = recordingFetch(() => new Response(null, { status: 418 }));
    const error = await client(fetch)
      .addUserSponsor('u1', { kind: 'user', id: 's1' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 418, code: 'nonJsonErrorBody', body: undefined });
    expect((error as Error).message).toMatch(/empty body/);
  });

  it('rejects a JSON error body that is not Graph-shaped', async () => {
    const { fetch } = recordingFetch(() => Response.json({ message: 'nope' }, { status: 400 }));
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toMatchObject({
      status: 400,
      code: 'InvalidResponse',
      body: { message: 'nope' },
    });
  });

  it('rejects a 2xx other than the success status', async () => {
    const { fetch } = recordingFetch(() => Response.json({ id: 'x' }, { status: 200 }));
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toMatchObject({ status: 200, code: 'InvalidResponse' });
  });

  it('rejects with the original error when the network fails', async () => {
    const failure = new TypeError('fetch failed');
    const { fetch } = recordingFetch(() => Promise.reject(failure));
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toBe(failure);
  });

  it('rejects with an AbortError when aborted before sending, and sends nothing', async () => {
    const { fetch, calls } = recordingFetch();
    const controller = new AbortController();
    controller.abort();
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(0);
  });

  it('passes the signal to fetch, so an in-flight request aborts with AbortError', async () => {
    const controller = new AbortController();
    const { fetch, calls } = recordingFetch(
      (request) =>
        new Promise<Response>((_, reject) => {
          // As fetch does: it rejects with the signal's reason as it is, which may be any value (DOM standard).
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- AbortSignal.reason may be any value by design
          request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
          controller.abort();
        }),
    );
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(1);
  });
});

describe('baseUrl', () => {
  it.each([
    'http://127.0.0.1:4010/?x=1',
    'http://127.0.0.1:4010?',
    'http://127.0.0.1:4010/#top',
    'http://127.0.0.1:4010#',
    'ftp://127.0.0.1',
    'file:///tmp/graph',
    '127.0.0.1:4010',
    'not a url',
    '',
    'http://user:secret@127.0.0.1:4010',
    42,
  ])('%j is refused at createGraphClient with a RangeError naming baseUrl', (baseUrl) => {
    expect(() => createGraphClient({ baseUrl: baseUrl as string })).toThrow(RangeError);
    expect(() => createGraphClient({ baseUrl: baseUrl as string })).toThrow(
      /^baseUrl must be an absolute http\(s\) URL without query, fragment or credentials/,
    );
  });

  it.each([
    ['http://127.0.0.1:4010/', 'http://127.0.0.1:4010'],
    ['HTTP://127.0.0.1:4010//', 'http://127.0.0.1:4010'],
    ['https://proxy.example/graph/', 'https://proxy.example/graph'],
  ])('%j is used as %j, and requests go under it with the token', async (given, used) => {
    const { fetch, calls } = recordingFetch();
    const graph = client(fetch, { baseUrl: given });
    expect(graph.baseUrl).toBe(used);
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(calls[0]!.url).toBe(`${used}${operations.addUserSponsor.path.replace('{id}', 'u1')}`);
    expect(calls[0]!.headers['authorization']).toBe('Bearer test-token');
  });
});

describe('client-request-id without crypto.randomUUID (a page served over plain http from a LAN address)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('is still a fresh random UUID v4 per request, built from crypto.getRandomValues, and calls work', async () => {
    const getRandomValues = vi.fn((array: Uint8Array) => webcrypto.getRandomValues(array));
    vi.stubGlobal('crypto', { getRandomValues });
    expect((globalThis.crypto as Partial<Crypto>).randomUUID).toBeUndefined();
    const { fetch, calls } = recordingFetch();
    const graph = client(fetch);
    for (let i = 0; i < 20; i++) await expect(graph.addUserSponsor('u1', { kind: 'user', id: 's1' })).resolves.toBeUndefined();
    const ids = calls.map((c) => c.headers['client-request-id']);
    for (const id of ids) expect(id).toMatch(uuid);
    expect(new Set(ids).size).toBe(ids.length);
    expect(getRandomValues).toHaveBeenCalledTimes(20);
  });

  it.each([
    [0x00, '00000000-0000-4000-8000-000000000000'],
    [0xff, 'ffffffff-ffff-4fff-bfff-ffffffffffff'],
  ])('sets the version and variant bits whatever the random bytes (every byte %i)', (byte, expected) => {
    vi.stubGlobal('crypto', { getRandomValues: (array: Uint8Array) => array.fill(byte) });
    expect(uuidV4()).toBe(expected);
  });

  it('uses crypto.randomUUID where it exists', () => {
    const spy = vi.spyOn(globalThis.crypto, 'randomUUID');
    expect(uuidV4()).toMatch(uuid);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('README client section', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:client -->'), readme.indexOf('<!-- /section:client -->'));

  it('states the defaults and bounds the code uses', () => {
    expect(section).toContain(`\`timeoutMs\` (default \`${defaultTimeoutMs}\`)`);
    const { maxAttempts, maxTotalWaitMs, baseDelayMs } = defaultRetry;
    expect(section).toContain(`{ maxAttempts = ${maxAttempts}, maxTotalWaitMs = ${maxTotalWaitMs}, baseDelayMs = ${baseDelayMs} }`);
    expect(section).toContain(`an integer from 1 to ${maxAttemptsLimit}`);
    expect(section).toContain(`from 0 to ${maxTimerMs}`);
    expect(section).toContain(`up to ${maxTimerMs}`);
  });

  it('names every sponsor method of the client', () => {
    for (const [name, row] of Object.entries(sponsorMethods))
      expect(section).toMatch(new RegExp(`\\| \`${name}\\(${row.owner}, \\{ kind, id \\}, options\\?\\)\` \\| \`${row.op}\``));
  });
});
