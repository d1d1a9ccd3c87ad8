// The client against an injected fetch: every request example of the spec goes out exactly as documented,
// every named error example comes back as the matching GraphError, ids and tokens are guarded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createGraphClient,
  createRawClient,
  defaultMaxPages,
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
  type RawClientOptions,
} from '../src/index.js';
import { errorScenarios, operationsOf, requestExamples } from '../src/spec/walk.js';
import { sponsorMethods } from '../src/sponsors.js';
import { maxTimerMs } from '../src/retry.js';
import { nextPageTarget, pagesOption, readPage } from '../src/paging.js';
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

function client(fetch: typeof globalThis.fetch, options: Omit<GraphClientOptions, 'credential'> = {}): GraphClient {
  return createGraphClient({ token: 'test-token', fetch, ...options });
}

/** The raw openapi-fetch client with the same token and fetch. */
function rawClient(fetch: typeof globalThis.fetch, options: RawClientOptions = {}) {
  return createRawClient({ token: 'test-token', fetch, ...options });
}

/** Each operation of the spec with its request examples (path example + body example) and named errors. */
const requestsOf = requestExamples(spec);
const errorsOf = errorScenarios(spec);
// The JSON batch operations (x-batch) have no method of their own: the bulk adds send them (test/client-batch.test.ts).
const specOperations = operationsOf(spec)
  .filter(({ op }) => op['x-batch'] !== true)
  .map(({ template, op }) => ({
    path: template,
    operationId: op.operationId as OperationId,
    requests: requestsOf.filter((r) => r.operationId === op.operationId).map((r) => ({ name: r.name, id: r.pathParams.id, body: r.body as Json })),
    errors: errorsOf
      .filter((e) => e.operationId === op.operationId)
      .map((e) => ({ status: e.status, name: e.example, body: e.body as Json, retryAfter: e.retryAfter })),
    bodySchema: op.requestBody ? inline(spec, inline(spec, op.requestBody).content['application/json'].schema) : undefined,
    success: successExample(op),
  }));

/** The first documented example of an operation's success answer (its JSON body), if it has one. */
function successExample(op: Json): Json {
  const status = Object.keys(op.responses).find((code) => code.startsWith('2'))!;
  const media = inline(spec, op.responses[status]).content?.['application/json'];
  if (!media) return undefined;
  return media.examples ? (Object.values<Json>(media.examples)[0]?.value ?? undefined) : media.example;
}

type Kind = 'add' | 'list' | 'remove' | 'create';
/** What the client does with an operation, read from its metadata as the client reads it. */
function kindOf(operationId: OperationId): Kind {
  const meta = operations[operationId] as { method: string; sponsorKinds?: object };
  if (meta.sponsorKinds) return 'add';
  return meta.method === 'get' ? 'list' : meta.method === 'delete' ? 'remove' : 'create';
}

/** The client method and version that call an operation, from the client's own table. */
function methodFor(operationId: OperationId): { name: string; version: string; owner: string | undefined } {
  for (const [name, row] of Object.entries(sponsorMethods) as Array<[string, { ops: Record<string, string>; owner?: string }]>) {
    const version = Object.keys(row.ops).find((v) => row.ops[v] === operationId);
    if (version) return { name, version, owner: row.owner };
  }
  throw new Error(`no client method calls ${operationId}`);
}

/** The answer the contract gives on success: the status and, for a list or create, its documented body. */
function successAnswer(operationId: OperationId): Response {
  const { successStatus } = operations[operationId];
  if (successStatus === 204) return new Response(null, { status: 204 });
  const body = specOperations.find((o) => o.operationId === operationId)!.success;
  return Response.json(body, { status: successStatus });
}

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

/**
 * Calls the client method of an operation (with the version option that selects it); `any` because the
 * operation is only known at run time. `body` is the request body (add, create); `ids` the owner and sponsor id.
 */
function callOperation(graph: GraphClient, operationId: OperationId, ids: { id?: string | undefined; sponsorId?: string }, body?: Json, options: Json = {}) {
  const { name, version } = methodFor(operationId);
  const method = (graph as Json)[name];
  const withVersion = { ...options, version };
  switch (kindOf(operationId)) {
    case 'add':
      return method(ids.id, sponsorOf(operationId, body['@odata.id']).sponsor, withVersion);
    case 'list':
      return method(ids.id, withVersion);
    case 'remove':
      return method(ids.id, ids.sponsorId, withVersion);
    case 'create':
      return method(body, withVersion);
  }
}

/** An operation's path with its ids, as the client encodes them. */
function expectedUrl(origin: string, path: string, ids: { id?: string | undefined; sponsorId?: string }) {
  return origin + path.replace(/\{([^{}]+)\}/g, (_, name: 'id' | 'sponsorId') => encodeURIComponent(ids[name]!));
}

const bodylessOperations = specOperations.filter((o) => o.bodySchema === undefined);

describe('request examples: the client sends exactly what the spec shows', () => {
  it('covers every operation of the spec and of the metadata; every operation with a body has request examples', () => {
    expect(specOperations.map((o) => o.operationId).sort()).toEqual(
      Object.keys(operations)
        .filter((id) => !('batchLimit' in operations[id as OperationId]))
        .sort(),
    );
    for (const op of specOperations) if (op.bodySchema) expect(op.requests.length, op.operationId).toBeGreaterThan(0);
  });

  it('has one client method for every operation, each version under its Graph version, twins on the same path', () => {
    const called = Object.values(sponsorMethods).flatMap((row) => Object.values<OperationId>(row.ops));
    expect([...called].sort()).toEqual(specOperations.map((o) => o.operationId).sort());
    for (const [name, row] of Object.entries(sponsorMethods)) {
      const ops = Object.entries(row.ops as Record<string, OperationId>);
      for (const [version, op] of ops) expect(operations[op].version, `${name} ${version}`).toBe(version);
      // The client calls a row's first version when a call names none: it must be v1.0 where the row has it.
      expect(ops[0]![0], `${name}: the default version comes first`).toBe('v1.0' in row.ops ? 'v1.0' : 'beta');
      // Twins: the same method, path and kind once the version segment is set aside.
      const shapes = new Set(ops.map(([, op]) => `${operations[op].method} ${operations[op].path.replace(/^\/[^/]+/, '')} ${kindOf(op)}`));
      expect(shapes.size, name).toBe(1);
      expect('owner' in row, `${name} has an owner label exactly when its path has an id`).toBe(operations[ops[0]![1]].pathParams.length > 0);
    }
    const graph = createGraphClient();
    for (const name of Object.keys(sponsorMethods)) expect(typeof (graph as Json)[name], name).toBe('function');
  });

  for (const { path, operationId, requests } of specOperations) {
    for (const example of requests) {
      for (const origin of [undefined, mockOrigin]) {
        it(`${operationId} ${example.name} via the operation function (baseUrl ${origin ?? 'default'})`, async () => {
          const { fetch, calls } = recordingFetch(() => successAnswer(operationId));
          const cloud = example.body['@odata.id'] ? sponsorOf(operationId, example.body['@odata.id']).cloud : 'global';
          const graph = client(fetch, { cloud, ...(origin ? { baseUrl: origin } : {}) });
          const expected = specOperations.find((o) => o.operationId === operationId)!.success;
          await expect(callOperation(graph, operationId, { id: example.id }, example.body)).resolves.toEqual(expected);
          expect(calls).toHaveLength(1);
          const [sent] = calls;
          expect(sent!.method).toBe('POST');
          expect(sent!.url).toBe(expectedUrl(origin ?? clouds[cloud], path, { id: example.id }));
          expect(sent!.headers['authorization']).toBe('Bearer test-token');
          expect(sent!.headers['content-type']).toBe('application/json');
          expect(sent!.headers['client-request-id']).toMatch(uuid);
          expect(JSON.parse(sent!.body)).toEqual(example.body);
        });
      }

      it(`${operationId} ${example.name} via createRawClient`, async () => {
        const { fetch, calls } = recordingFetch(() => successAnswer(operationId));
        const params = example.id === undefined ? {} : { path: { id: example.id } };
        const { response } = await (rawClient(fetch).POST as Json)(path, { params, body: example.body });
        expect(response.status).toBe(operations[operationId].successStatus);
        expect(calls).toHaveLength(1);
        expect(calls[0]!.method).toBe('POST');
        expect(calls[0]!.url).toBe(expectedUrl(clouds.global, path, { id: example.id }));
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

  it("sends the call's own headers on every attempt, and nothing of them on the next call", async () => {
    const answers = [Response.json({ error: { code: 'TooManyRequests', message: 'later' } }, { status: 429, headers: { 'Retry-After': '0' } })];
    const { fetch, calls } = recordingFetch((_, n) => answers[n - 1] ?? new Response(null, { status: 204 }));
    const graph = client(fetch);
    const headers = { Prefer: 'code=400, example=referenceAlreadyExists', 'x-mock-session': 'mine' };
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { headers, clientRequestId: 'corr-2' });
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(calls).toHaveLength(3);
    for (const call of calls.slice(0, 2)) {
      expect(call.headers).toMatchObject({
        prefer: headers.Prefer,
        'x-mock-session': 'mine',
        'client-request-id': 'corr-2',
        authorization: 'Bearer test-token',
      });
    }
    expect(calls[2]!.headers['prefer']).toBeUndefined();
    expect(calls[2]!.headers['x-mock-session']).toBeUndefined();
  });

  it.each([
    ['Authorization', { Authorization: 'Bearer other' }, /headers: authorization is set by the client/],
    ['Content-Type', { 'Content-type': 'text/plain' }, /headers: content-type is set by the client/],
    // The platform's Headers refuses these (Node's words; a browser's differ), before any token is asked for:
    ['a name that is no token', { 'bad name': 'x' }, /"bad name" is an invalid header name/],
    ['a value with a line break', { Prefer: 'a\r\nX-Injected: 1' }, /is an invalid header value/],
    ['a value that is no string', { Prefer: 5 }, /value of Prefer must be a string/],
    ['an array', [['Prefer', 'x']], /headers must be an object/],
  ])('refuses per-call headers with %s, sending nothing', async (_, headers, message) => {
    const { fetch, calls } = recordingFetch();
    await expect(client(fetch).addUserSponsor('u1', { kind: 'user', id: 's1' }, { headers: headers as never })).rejects.toThrow(message);
    expect(calls).toHaveLength(0);
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
      `${clouds.usGovL4}/${operations.addAgentIdentityBlueprintSponsorV1.version}/${operations.addAgentIdentityBlueprintSponsorV1.sponsorKinds.directoryObject}/d1`,
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

  const calls: Array<[string, (g: GraphClient, id: string, fetch: typeof globalThis.fetch) => Promise<unknown>]> = [
    ['addInternalSponsor path id', (g, id) => g.addInternalSponsor(id, { kind: 'user', id: 's1' })],
    ['addInternalSponsor beta path id', (g, id) => g.addInternalSponsor(id, { kind: 'user', id: 's1' }, { version: 'beta' })],
    ['addUserSponsor beta sponsor id', (g, id) => g.addUserSponsor('u1', { kind: 'user', id }, { version: 'beta' })],
    ['listUserSponsors owner id', (g, id) => g.listUserSponsors(id)],
    ['listInternalSponsors owner id', (g, id) => g.listInternalSponsors(id)],
    ['listAgentIdentityBlueprintSponsors owner id', (g, id) => g.listAgentIdentityBlueprintSponsors(id)],
    ['removeUserSponsor owner id', (g, id) => g.removeUserSponsor(id, 's1')],
    ['removeUserSponsor sponsor id', (g, id) => g.removeUserSponsor('u1', id)],
    ['removeInternalSponsor owner id', (g, id) => g.removeInternalSponsor(id, 's1')],
    ['removeInternalSponsor sponsor id', (g, id) => g.removeInternalSponsor('c1', id)],
    ['removeAgentIdentityBlueprintSponsor owner id', (g, id) => g.removeAgentIdentityBlueprintSponsor(id, 's1')],
    ['removeAgentIdentityBlueprintSponsor sponsor id', (g, id) => g.removeAgentIdentityBlueprintSponsor('a1', id)],
    ['addInternalSponsor sponsor id', (g, id) => g.addInternalSponsor('c1', { kind: 'group', id })],
    ['addUserSponsor path id', (g, id) => g.addUserSponsor(id, { kind: 'user', id: 's1' })],
    ['addUserSponsor sponsor id', (g, id) => g.addUserSponsor('u1', { kind: 'user', id })],
    ['addAgentIdentityBlueprintSponsor path id', (g, id) => g.addAgentIdentityBlueprintSponsor(id, { kind: 'user', id: 's1' })],
    ['addAgentIdentityBlueprintSponsor sponsor id', (g, id) => g.addAgentIdentityBlueprintSponsor('a1', { kind: 'directoryObject', id })],
    [
      'raw.POST path id',
      async (_, id, fetch) =>
        void (await rawClient(fetch).POST('/v1.0/users/{id}/sponsors/$ref', {
          params: { path: { id } },
          body: { '@odata.id': `${clouds.global}/v1.0/users/s1` },
        })),
    ],
  ];
  for (const [what, call] of calls) {
    for (const bad of ['', '.', '..']) {
      it(`${what} ${JSON.stringify(bad)} is refused before anything is sent`, async () => {
        const { fetch, calls: sent } = recordingFetch();
        const error = await call(client(fetch), bad, fetch).then(
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
        const error = await call(client(fetch), bad, fetch).then(
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
      rawClient(fetch).POST('/v1.0/users/{id}/sponsors/$ref', { params: missing, body: { '@odata.id': `${clouds.global}/v1.0/users/s1` } }),
    ).rejects.toBeInstanceOf(InvalidIdError);
    expect(sent).toHaveLength(0);
  });

  it('refuses a sponsor kind the operation does not accept (untyped callers)', async () => {
    const { fetch, calls: sent } = recordingFetch();
    const sponsor = { kind: 'servicePrincipal', id: 'sp1' } as unknown as { kind: 'user'; id: string };
    await expect(client(fetch).addUserSponsor('u1', sponsor)).rejects.toBeInstanceOf(RangeError);
    expect(sent).toHaveLength(0);
  });
});

describe('versions: each method calls the operation of the version it is given', () => {
  const addMethods = Object.entries(sponsorMethods).filter(([, row]) => kindOf(Object.values(row.ops)[0] as OperationId) === 'add');

  for (const [name, row] of addMethods) {
    const ops = row.ops as Record<string, OperationId>;
    for (const version of [undefined, ...Object.keys(ops)]) {
      const op = ops[version ?? ('v1.0' in ops ? 'v1.0' : Object.keys(ops)[0]!)]!;
      it(`${name}(…, ${version === undefined ? 'no version' : `{ version: '${version}' }`}) → ${op}, every kind the body schema lists`, async () => {
        const { fetch, calls } = recordingFetch();
        const graph = client(fetch, { cloud: 'china' }) as Json;
        const kinds = (operations[op] as { sponsorKinds: Record<string, string> }).sponsorKinds;
        for (const kind of Object.keys(kinds)) {
          await expect(graph[name]('owner-1', { kind, id: 's#1' }, version === undefined ? undefined : { version })).resolves.toBeUndefined();
        }
        expect(calls).toHaveLength(Object.keys(kinds).length);
        Object.keys(kinds).forEach((kind, i) => {
          expect(calls[i]!.method).toBe('POST');
          expect(calls[i]!.url).toBe(expectedUrl(clouds.china, operations[op].path, { id: 'owner-1' }));
          expect(JSON.parse(calls[i]!.body)).toEqual({ '@odata.id': `${clouds.china}/${operations[op].version}/${kinds[kind]}/s%231` });
        });
      });
    }
  }

  it('a sponsor kind is accepted wherever the operation body schema lists it in x-sponsor-kinds (directoryObject included)', () => {
    for (const { operationId, bodySchema } of specOperations) {
      if (kindOf(operationId) !== 'add') continue;
      const fromSchema = bodySchema['x-sponsor-kinds'] ?? bodySchema.properties?.['@odata.id']?.['x-sponsor-kinds'];
      expect((operations[operationId] as { sponsorKinds: object }).sponsorKinds, operationId).toEqual(fromSchema);
    }
  });

  it('the built @odata.id of every kind passes the body schema of the operation', async () => {
    const validate = (schema: Json) => createAjv().compile(schema);
    for (const { operationId, bodySchema } of specOperations) {
      if (kindOf(operationId) !== 'add') continue;
      const check = validate(bodySchema);
      const { fetch, calls } = recordingFetch();
      const { name, version } = methodFor(operationId);
      for (const kind of Object.keys((operations[operationId] as { sponsorKinds: object }).sponsorKinds)) {
        await (client(fetch) as Json)[name]('o1', { kind, id: 'alex_contoso.com#EXT#@fabrikam.onmicrosoft.com' }, { version });
        const body = JSON.parse(calls.at(-1)!.body);
        expect(check(body), `${operationId} ${kind}: ${JSON.stringify(check.errors)}`).toBe(true);
      }
    }
  });

  it.each([['v2.0'], ['BETA'], [null], [1]])('an unknown version %j rejects with a RangeError naming the versions, nothing sent', async (version) => {
    const { fetch, calls } = recordingFetch();
    const graph = client(fetch) as Json;
    await expect(graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { version })).rejects.toThrow(/^addUserSponsor: version must be one of v1\.0, beta/);
    await expect(graph.listUserSponsors('u1', { version: 'beta' })).rejects.toThrow(/^listUserSponsors: version must be one of v1\.0;/);
    expect(calls).toHaveLength(0);
  });
});

describe('list: every page of the collection, same origin only', () => {
  const listOps = bodylessOperations.filter((o) => kindOf(o.operationId) === 'list');
  const item = (id: string) => ({ '@odata.type': '#microsoft.graph.user', id, displayName: `User ${id}` });

  it('there are list operations, each with a documented 200 example', () => {
    expect(listOps.map((o) => methodFor(o.operationId).name).sort()).toEqual([
      'listAgentIdentityBlueprintSponsors',
      'listInternalSponsors',
      'listUserSponsors',
    ]);
    for (const op of listOps) expect(Array.isArray(op.success?.value), op.operationId).toBe(true);
  });

  for (const { operationId, path, success } of listOps) {
    const { name } = methodFor(operationId);

    it(`${name} GETs ${path} and resolves the documented value (no body, token, client-request-id)`, async () => {
      const { fetch, calls } = recordingFetch(() => Response.json(success, { status: 200 }));
      const owner = 'alex_contoso.com#EXT#@fabrikam.onmicrosoft.com';
      await expect((client(fetch) as Json)[name](owner)).resolves.toEqual(success.value);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ method: 'GET', url: expectedUrl(clouds.global, path, { id: owner }), body: '' });
      expect(calls[0]!.headers['authorization']).toBe('Bearer test-token');
      expect(calls[0]!.headers['content-type']).toBeUndefined();
      expect(calls[0]!.headers['client-request-id']).toMatch(uuid);
    });

    it(`${name} follows @odata.nextLink on baseUrl's origin, with the token, and concatenates the pages in order`, async () => {
      const next = (n: number) => `${mockOrigin}${path.replace('{id}', 'u1')}?$skiptoken=page${n}`;
      const pages = [{ '@odata.nextLink': next(2), value: [item('a'), item('b')] }, { '@odata.nextLink': next(3), value: [] }, { value: [item('c')] }];
      const { fetch, calls } = recordingFetch((_, n) => Response.json(pages[n - 1], { status: 200 }));
      const headers = { ConsistencyLevel: 'eventual' };
      await expect((client(fetch, { baseUrl: mockOrigin }) as Json)[name]('u1', { clientRequestId: 'corr-1', headers })).resolves.toEqual([
        item('a'),
        item('b'),
        item('c'),
      ]);
      expect(calls.map((c) => c.url)).toEqual([expectedUrl(mockOrigin, path, { id: 'u1' }), next(2), next(3)]);
      for (const call of calls) {
        expect(call.method).toBe('GET');
        expect(call.headers['authorization']).toBe('Bearer test-token');
        expect(call.headers['client-request-id']).toBe('corr-1');
        expect(call.headers['consistencylevel'], "the call's headers go with every page").toBe('eventual');
      }
    });
  }

  const list = (graph: GraphClient, options?: Json) => graph.listUserSponsors('u1', options);
  const path = operations.listUserSponsors.path.replace('{id}', 'u1');

  it.each([
    ['another host', 'https://attacker.example/v1.0/users/u1/sponsors?$skiptoken=x'],
    ['another port', 'http://127.0.0.1:4011/v1.0/users/u1/sponsors?$skiptoken=x'],
    ['https instead of http', 'https://127.0.0.1:4010/v1.0/users/u1/sponsors?$skiptoken=x'],
    ['credentials in the URL', 'http://user:pass@127.0.0.1:4010/v1.0/users/u1/sponsors?$skiptoken=x'],
    ['a protocol-relative URL to another host', '//attacker.example/v1.0/users/u1/sponsors'],
    ['not a URL', 'http://['],
  ])('refuses a nextLink to %s: GraphError InvalidResponse, not followed', async (_, nextLink) => {
    let asked = 0;
    const { fetch, calls } = recordingFetch(() =>
      Response.json({ value: [item('a')], '@odata.nextLink': nextLink }, { status: 200, headers: { 'request-id': 'rid-1' } }),
    );
    const graph = createGraphClient({ fetch, baseUrl: mockOrigin, getToken: () => (asked++, 'secret') });
    const error = await list(graph).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 200, code: 'InvalidResponse', requestId: 'rid-1', body: { '@odata.nextLink': nextLink } });
    expect((error as Error).message).toContain(`@odata.nextLink ${JSON.stringify(nextLink)} is not on ${mockOrigin}`);
    expect(calls).toHaveLength(1);
    expect(asked).toBe(1);
  });

  it('resolves a relative nextLink against the page it came from (same origin)', async () => {
    const pages = [{ value: [item('a')], '@odata.nextLink': '/v1.0/users/u1/sponsors?$skiptoken={x}' }, { value: [item('b')] }];
    const { fetch, calls } = recordingFetch((_, n) => Response.json(pages[n - 1], { status: 200 }));
    await expect(list(client(fetch, { baseUrl: mockOrigin }))).resolves.toEqual([item('a'), item('b')]);
    expect(calls[1]!.url).toBe(`${mockOrigin}/v1.0/users/u1/sponsors?$skiptoken=%7Bx%7D`);
    expect(calls[1]!.headers['authorization']).toBe('Bearer test-token');
  });

  it(`reads at most maxPages pages (default ${defaultMaxPages}), then rejects with a RangeError`, async () => {
    const loop = () => Response.json({ value: [item('a')], '@odata.nextLink': `${clouds.global}${path}?$skiptoken=same` }, { status: 200 });
    const first = recordingFetch(loop);
    await expect(list(client(first.fetch))).rejects.toThrow(
      new RangeError(`listUserSponsors: the collection has more than ${defaultMaxPages} pages (maxPages); not all were read`),
    );
    expect(first.calls).toHaveLength(defaultMaxPages);
    const second = recordingFetch(loop);
    await expect(list(client(second.fetch), { maxPages: 2 })).rejects.toThrow(/more than 2 pages/);
    expect(second.calls).toHaveLength(2);
  });

  it.each([[0], [1.5], [-1], ['3'], [null], [Infinity]])('maxPages %j rejects with a RangeError naming it, nothing sent', async (maxPages) => {
    const { fetch, calls } = recordingFetch();
    await expect(list(client(fetch), { maxPages })).rejects.toThrow(/^maxPages must be an integer from 1/);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['an object without value', { items: [] }],
    ['value that is not an array', { value: {} }],
    ['a nextLink that is not a string', { value: [], '@odata.nextLink': 42 }],
    ['an array', []],
    ['no body at all', undefined],
  ])('a 200 that is not a collection (%s) rejects with GraphError InvalidResponse', async (_, body) => {
    const { fetch } = recordingFetch(() => (body === undefined ? new Response(null, { status: 200 }) : Response.json(body, { status: 200 })));
    await expect(list(client(fetch))).rejects.toMatchObject({ name: 'GraphError', status: 200, code: 'InvalidResponse' });
  });

  it('a 200 whose body is not JSON rejects with GraphError InvalidResponse, the text kept', async () => {
    const { fetch } = recordingFetch(() => new Response('<html>', { status: 200, headers: { 'Content-Type': 'text/html' } }));
    await expect(list(client(fetch))).rejects.toMatchObject({ status: 200, code: 'InvalidResponse', body: '<html>' });
  });

  it('a GraphError on a later page rejects the call (pages read so far are dropped)', async () => {
    const answers = [
      Response.json({ value: [item('a')], '@odata.nextLink': `${clouds.global}${path}?$skiptoken=2` }, { status: 200 }),
      Response.json({ error: { code: 'Request_ResourceNotFound', message: 'gone' } }, { status: 404 }),
    ];
    const { fetch, calls } = recordingFetch((_, n) => answers[n - 1]!);
    await expect(list(client(fetch))).rejects.toMatchObject({ name: 'GraphError', status: 404, code: 'Request_ResourceNotFound' });
    expect(calls).toHaveLength(2);
  });

  it('retries a throttled page (GET is idempotent) and goes on', async () => {
    const answers = [
      Response.json({ value: [item('a')], '@odata.nextLink': `${clouds.global}${path}?$skiptoken=2` }, { status: 200 }),
      Response.json({ error: { code: 'TooManyRequests', message: 'later' } }, { status: 429, headers: { 'Retry-After': '0' } }),
      Response.json({ value: [item('b')] }, { status: 200 }),
    ];
    const { fetch, calls } = recordingFetch((_, n) => answers[n - 1]!);
    await expect(list(client(fetch))).resolves.toEqual([item('a'), item('b')]);
    expect(calls.map((c) => c.url)).toEqual([`${clouds.global}${path}`, `${clouds.global}${path}?$skiptoken=2`, `${clouds.global}${path}?$skiptoken=2`]);
    expect(calls[1]!.headers['client-request-id']).not.toBe(calls[2]!.headers['client-request-id']);
  });
});

describe('paging (pure): what a page holds and which next link is followed', () => {
  const origin = 'https://graph.microsoft.com';
  const page = `${origin}/v1.0/users/u1/sponsors`;

  it.each([
    [`${origin}/v1.0/users/u1/sponsors?$skiptoken=X1`, '/v1.0/users/u1/sponsors?$skiptoken=X1'],
    ['/v1.0/users/u1/sponsors?$skiptoken=X2', '/v1.0/users/u1/sponsors?$skiptoken=X2'],
    ['?$skiptoken=X3', '/v1.0/users/u1/sponsors?$skiptoken=X3'],
    [`${origin}:443/v1.0/users/u1/sponsors?$top=1#frag`, '/v1.0/users/u1/sponsors?$top=1'],
    ['HTTPS://GRAPH.MICROSOFT.COM/v1.0/x?$skiptoken={a}', '/v1.0/x?$skiptoken=%7Ba%7D'],
  ])('follows %j as %j', (link, target) => {
    expect(nextPageTarget(link, page, origin)).toBe(target);
  });

  it.each([
    ['another host', 'https://graph.microsoft.us/v1.0/users/u1/sponsors'],
    ['http instead of https', 'http://graph.microsoft.com/v1.0/users/u1/sponsors'],
    ['another port', 'https://graph.microsoft.com:8443/v1.0/users/u1/sponsors'],
    ['userinfo', 'https://u:p@graph.microsoft.com/v1.0/users/u1/sponsors'],
    ['a look-alike host', 'https://graph.microsoft.com.attacker.example/v1.0'],
    ['protocol-relative', '//attacker.example/v1.0'],
    ['javascript:', 'javascript:alert(1)'],
    ['unparsable', 'https://[::1'],
  ])('refuses %s', (_, link) => {
    expect(nextPageTarget(link, page, origin)).toBeUndefined();
  });

  it('reads a collection page and refuses anything else', () => {
    expect(readPage({ value: [1], '@odata.nextLink': 'n', '@odata.context': 'c' })).toEqual({ value: [1], nextLink: 'n' });
    expect(readPage({ value: [] })).toEqual({ value: [], nextLink: undefined });
    for (const bad of [undefined, null, 'x', [], {}, { value: 'x' }, { value: [], '@odata.nextLink': null }])
      expect(readPage(bad), JSON.stringify(bad)).toBeUndefined();
  });

  it(`maxPages: default ${defaultMaxPages}, integers from 1`, () => {
    expect(pagesOption(undefined)).toBe(defaultMaxPages);
    expect(pagesOption(1)).toBe(1);
    for (const bad of [0, -1, 2.5, NaN, Infinity, '2', null]) expect(() => pagesOption(bad), String(bad)).toThrow(RangeError);
  });
});

describe('remove: DELETE the relation', () => {
  const removeOps = bodylessOperations.filter((o) => kindOf(o.operationId) === 'remove');

  it('there are remove operations, each with the owner id and the sponsor id in its path', () => {
    expect(removeOps.map((o) => methodFor(o.operationId).name).sort()).toEqual([
      'removeAgentIdentityBlueprintSponsor',
      'removeInternalSponsor',
      'removeUserSponsor',
    ]);
    for (const { path } of removeOps) expect(path).toMatch(/\{id\}.*\{sponsorId\}/);
  });

  for (const { operationId, path } of removeOps) {
    const { name } = methodFor(operationId);
    it(`${name} DELETEs ${path} with both ids encoded, no body, and resolves undefined on 204`, async () => {
      const { fetch, calls } = recordingFetch();
      const ids = { id: 'alex_contoso.com#EXT#@fabrikam.onmicrosoft.com', sponsorId: 'a/b?c' };
      await expect((client(fetch) as Json)[name](ids.id, ids.sponsorId)).resolves.toBeUndefined();
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ method: 'DELETE', url: expectedUrl(clouds.global, path, ids), body: '' });
      expect(calls[0]!.url).toContain('/$ref');
      expect(calls[0]!.headers['authorization']).toBe('Bearer test-token');
      expect(calls[0]!.headers['content-type']).toBeUndefined();
    });
  }

  it('retries a 503 (DELETE is idempotent)', async () => {
    const answers = [Response.json({ error: { code: 'serviceNotAvailable', message: 'later' } }, { status: 503, headers: { 'Retry-After': '0' } })];
    const { fetch, calls } = recordingFetch((_, n) => answers[n - 1] ?? new Response(null, { status: 204 }));
    await expect(client(fetch).removeUserSponsor('u1', 's1')).resolves.toBeUndefined();
    expect(calls).toHaveLength(2);
  });

  it('rejects a 200 where the contract answers 204', async () => {
    const { fetch } = recordingFetch(() => Response.json({}, { status: 200 }));
    await expect(client(fetch).removeUserSponsor('u1', 's1')).rejects.toMatchObject({ status: 200, code: 'InvalidResponse' });
  });
});

describe('create: POST the connected organization, resolve the created object', () => {
  const createOps = specOperations.filter((o) => kindOf(o.operationId) === 'create' && operations[o.operationId].successStatus !== 204);

  it('createConnectedOrganization has a v1.0 and a beta operation answering 201 with a documented body', () => {
    expect(Object.keys(sponsorMethods.createConnectedOrganization.ops).sort()).toEqual(['beta', 'v1.0']);
    for (const op of createOps) {
      expect(operations[op.operationId].successStatus, op.operationId).toBe(201);
      expect(op.success?.id, op.operationId).toEqual(expect.any(String));
    }
  });

  const body = { displayName: 'Contoso', description: 'Partner', identitySources: [], state: 'proposed' as const };

  it('resolves the 201 body as sent back', async () => {
    const created = { ...body, id: 'c1', createdDateTime: '2026-11-26T19:00:00Z' };
    const { fetch, calls } = recordingFetch(() => Response.json(created, { status: 201 }));
    await expect(client(fetch).createConnectedOrganization(body)).resolves.toEqual(created);
    expect(calls[0]).toMatchObject({ method: 'POST', url: `${clouds.global}${operations.createConnectedOrganization.path}` });
    expect(JSON.parse(calls[0]!.body)).toEqual(body);
    await client(fetch).createConnectedOrganization(body, { version: 'beta' });
    expect(calls[1]!.url).toBe(`${clouds.global}${operations.createConnectedOrganizationBeta.path}`);
  });

  it.each([
    ['no body', () => new Response(null, { status: 201 })],
    ['a JSON array', () => Response.json([], { status: 201 })],
    ['text', () => new Response('created', { status: 201 })],
  ])('a 201 with %s rejects with GraphError InvalidResponse', async (_, answer) => {
    const { fetch } = recordingFetch(answer);
    await expect(client(fetch).createConnectedOrganization(body)).rejects.toMatchObject({ status: 201, code: 'InvalidResponse' });
  });

  it('a 204 where the contract answers 201 rejects (InvalidResponse)', async () => {
    const { fetch } = recordingFetch();
    await expect(client(fetch).createConnectedOrganization(body)).rejects.toMatchObject({ status: 204, code: 'InvalidResponse' });
  });

  it('POST keeps the client retry policy: a 429 is retried after Retry-After (Graph did not act on a throttled request)', async () => {
    const answers = [Response.json({ error: { code: 'TooManyRequests', message: 'later' } }, { status: 429, headers: { 'Retry-After': '0' } })];
    const { fetch, calls } = recordingFetch((_, n) => answers[n - 1] ?? Response.json({ ...body, id: 'c1' }, { status: 201 }));
    await expect(client(fetch).createConnectedOrganization(body)).resolves.toMatchObject({ id: 'c1' });
    expect(calls).toHaveLength(2);
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
    const raw = createRawClient({ fetch, getToken: () => (asked++, 'secret') });
    await raw.POST('/v1.0/users/{id}/sponsors/$ref', {
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
      createRawClient({ fetch, getToken: () => Promise.resolve(value as string) }).POST('/v1.0/users/{id}/sponsors/$ref', {
        params: { path: { id: 'u1' } },
        body: { '@odata.id': `${clouds.global}/v1.0/users/s1` },
      }),
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
    // A body-less operation (list, remove) has no request examples: any valid ids do.
    const request = requests[0] ?? { id: 'owner-1', body: undefined };
    for (const example of errors) {
      it(`${operationId} ${example.status} ${example.name}`, async () => {
        const inner = example.body.error.innerError;
        const { fetch, calls } = recordingFetch(
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
        const ids = { id: request.id, sponsorId: 'sponsor-1' };
        const options = inner['client-request-id'] === undefined ? {} : { clientRequestId: inner['client-request-id'] };
        const error = await callOperation(graph, operationId, ids, request.body, options).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(calls).toHaveLength(1);
        expect(error).toBeInstanceOf(GraphError);
        expect(error).toMatchObject({
          name: 'GraphError',
          status: example.status,
          code: example.body.error.code,
          message: example.body.error.message,
          requestId: inner['request-id'],
          clientRequestId: calls[0]!.headers['client-request-id'],
          date: inner.date,
          retryAfter: example.retryAfter !== undefined ? Number(example.retryAfter) : undefined,
          body: example.body,
        });
      });
    }
  }

  it('covers 401, 403, 404, 429 and 503 for every operation, and 400 for every operation with a body', () => {
    for (const op of specOperations) {
      const statuses = new Set(op.errors.map((e) => e.status));
      for (const status of [401, 403, 404, 429, 503]) expect(statuses.has(status), `${op.operationId} ${status}`).toBe(true);
      if (op.bodySchema) expect(statuses.has(400), `${op.operationId} 400`).toBe(true);
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

  it('names every method of the client with its operations per version and the sponsor kinds they accept', () => {
    for (const [name, row] of Object.entries(sponsorMethods) as Array<[string, { ops: Record<string, OperationId>; owner?: string }]>) {
      const ops = Object.entries(row.ops);
      const args = {
        add: `${row.owner}, { kind, id }, options?`,
        list: `${row.owner}, options?`,
        remove: `${row.owner}, sponsorId, options?`,
        create: 'body, options?',
      };
      const listed = ops.map(([version, op]) => `\`${op}\` (${version})`).join(', ');
      const line = section.split('\n').find((l) => l.startsWith(`| \`${name}(`));
      expect(line, name).toBeDefined();
      expect(line).toContain(`| \`${name}(${args[kindOf(ops[0]![1])]})\` | ${listed} |`);
      for (const [, op] of ops) {
        const kinds = Object.keys((operations[op] as { sponsorKinds?: object }).sponsorKinds ?? {});
        for (const kind of kinds) expect(line, `${name} ${op} ${kind}`).toContain(`\`${kind}\``);
      }
    }
  });
});
