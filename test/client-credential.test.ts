// An app that signs in with Azure Identity: `createGraphClient({ credential: new DefaultAzureCredential() })`
// against the mock with strict token checks (a JWT with the permissions each operation asks for), the token
// coming from App Service's managed-identity endpoint played on 127.0.0.1 (test/support/identity.ts). Also the
// mock's claims challenge (the insufficientClaims example) and the client's answer to it. Every socket this file
// opens is recorded: none may leave 127.0.0.1.
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { DefaultAzureCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clouds, operations } from '../generated/operations.js';
import { createGraphClient, GraphError, type GraphClient, type TokenCredential } from '../src/index.js';
import { claimsFromChallenge, type GetTokenOptions } from '../src/credential.js';
import { sponsorMethods } from '../src/sponsors.js';
import { deref, operationsOf, type Spec } from '../src/spec/walk.js';
import { documentedRequests, removedRelation, withRelation } from './support/documented.js';
import { control, json, mockServers, parityFetch, spec } from './support/e2e.js';
import { startIdentityEndpoint, type IdentityEndpoint } from './support/identity.js';
import { freshSessionName } from './support/session.js';

const SESSION = 'x-mock-session';

// Every TCP connection made while this file runs (the mock's own, Azure Identity's, fetch's), by remote address.
const connections: string[] = [];
const onSocket = (message: unknown) => {
  const socket = (message as { socket: Socket }).socket;
  socket.once('lookup', (_error, address: string, _family, host: string) => connections.push(`lookup ${host} → ${address}`));
  socket.once('connect', () => connections.push(socket.remoteAddress ?? '?'));
};
diagnostics.subscribe('net.client.socket', onSocket);

/** The application permissions the spec accepts for each operation (x-permissions.application, least privileged). */
const roles = [
  ...new Set(
    operationsOf(spec as Spec).flatMap(({ op }) =>
      ((deref(spec as Spec, op['x-permissions']) as { application?: { leastPrivileged?: string[] } })?.application?.leastPrivileged ?? []).slice(0, 1),
    ),
  ),
];

/** The insufficientClaims example's challenge, as the spec writes it, and the claims it carries. */
const example = spec.components.examples.insufficientClaims;
const challenge: string = example['x-response-headers']['WWW-Authenticate'];
const plainChallenge: string = spec.components.headers['WWW-Authenticate'].schema.examples[0];
const claims = claimsFromChallenge(challenge)!;

const mocks = mockServers({ strict: { auth: 'strict' } });
let identity: IdentityEndpoint;
let restoreEnvironment: () => void = () => undefined;

beforeAll(async () => {
  identity = await startIdentityEndpoint({ roles });
  restoreEnvironment = identity.useInEnvironment();
});

afterAll(async () => {
  restoreEnvironment();
  await identity?.close();
  diagnostics.unsubscribe('net.client.socket', onSocket);
});

/** A credential that records what the client asks of the real one. */
function recorded(credential: TokenCredential) {
  const calls: Array<{ scopes: string | string[]; options: GetTokenOptions | undefined }> = [];
  const wrapper: TokenCredential = {
    getToken(scopes, options) {
      calls.push({ scopes, options });
      return credential.getToken(scopes, options);
    },
  };
  return { wrapper, calls };
}

const journal = async (session: string) => json(await control(mocks.strict, 'GET', '/_mock/requests', { session })).value as Array<{ status: number }>;
const queue = async (session: string, answers: unknown[]) =>
  expect((await control(mocks.strict, 'POST', '/_mock/queue', { session, body: { answers } })).status).toBe(204);

type Method = (...args: unknown[]) => Promise<unknown>;
const requests = documentedRequests();

/** A call of the method for one of its operations, with the arguments its documented request stands for. */
async function callDocumented(graph: GraphClient, name: string, operationId: string, session: string): Promise<unknown> {
  const example = requests.find((r) => r.operationId === operationId)!;
  const meta = operations[operationId as keyof typeof operations] as { version: string; method: string; sponsorKinds?: Record<string, string> };
  const options = { version: meta.version, headers: { [SESSION]: session } };
  const owner = Object.values(example.pathParams)[0]!;
  const method = (graph as unknown as Record<string, Method>)[name]!;
  if (meta.sponsorKinds) {
    // `@odata.id` = origin/version/<entity set>/<id>: the entity set names the sponsor kind.
    const [entitySet, id] = new URL((example.body as Record<string, string>)['@odata.id']!).pathname.split('/').slice(2);
    const kind = Object.entries(meta.sponsorKinds).find(([, set]) => set === entitySet)![0];
    return method(owner, { kind, id: decodeURIComponent(id!) }, options);
  }
  if (meta.method === 'get') return method(owner, options);
  if (meta.method === 'delete') {
    const relation = removedRelation(example)!;
    const directory = json(await control(mocks.strict, 'GET', '/_mock/directory', { session }));
    expect((await control(mocks.strict, 'PUT', '/_mock/directory', { session, body: withRelation(directory, relation) })).status).toBe(204);
    return method(owner, relation.related, options);
  }
  return method(example.body, options);
}

describe('createGraphClient({ credential: new DefaultAzureCredential() }), the token from a managed identity', () => {
  it('concurrent calls share one token request', async () => {
    // First in the file: MSAL's managed-identity cache (process-wide) is still empty, so every getToken the client
    // made would reach the endpoint.
    const { wrapper, calls } = recorded(new DefaultAzureCredential());
    const graph = createGraphClient({ baseUrl: mocks.strict, fetch: parityFetch, credential: wrapper });
    const session = freshSessionName();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        graph.listUserSponsors(requests.find((r) => r.operationId === 'listUserSponsors')!.pathParams.id!, { headers: { [SESSION]: session } }),
      ),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]!.scopes).toBe(`${clouds.global}/.default`);
    expect(calls[0]!.options).toMatchObject({ enableCae: true });
    expect(identity.requests).toHaveLength(1);
    expect(identity.requests[0]).toMatchObject({ resource: clouds.global, apiVersion: '2019-08-01', authorized: true });
    expect((await journal(session)).map((entry) => entry.status)).toEqual(Array(8).fill(200));
  });

  const every = Object.entries(sponsorMethods).flatMap(([name, row]) => Object.values(row.ops).map((operationId) => [name, operationId] as const));

  // The $batch operations have no method of their own: the bulk adds (the plural twins of the adds) send them.
  const isBatch = (operationId: string) => 'batchLimit' in operations[operationId as keyof typeof operations];

  it('every operation has a client method here, the $batch ones through the bulk adds below', () => {
    const batches = Object.keys(operations).filter(isBatch);
    expect(batches.length).toBeGreaterThan(0);
    expect(new Set([...every.map(([, operationId]) => operationId), ...batches])).toEqual(new Set(Object.keys(operations)));
  });

  const adds = every.filter(([, operationId]) => 'sponsorKinds' in operations[operationId]);

  it.each(adds)('%ss (%s, through $batch) adds with no token handling of the app', async (name, operationId) => {
    const graph = createGraphClient({ baseUrl: mocks.strict, fetch: parityFetch, credential: new DefaultAzureCredential() });
    const session = freshSessionName();
    const example = requests.find((r) => r.operationId === operationId)!;
    const meta = operations[operationId] as { version: string; sponsorKinds: Record<string, string> };
    const [entitySet, id] = new URL((example.body as Record<string, string>)['@odata.id']!).pathname.split('/').slice(2);
    const kind = Object.entries(meta.sponsorKinds).find(([, set]) => set === entitySet)![0];
    const bulk = (graph as unknown as Record<string, Method>)[`${name}s`]!;
    const results = (await bulk(Object.values(example.pathParams)[0]!, [{ kind, id: decodeURIComponent(id!) }], {
      version: meta.version,
      headers: { [SESSION]: session },
    })) as Array<{ status: string }>;
    expect(results.map((r) => r.status)).toEqual(['added']);
    expect((await journal(session)).map((entry) => entry.status)).toEqual([204, 200]);
  });

  it.each(every)('%s (%s) resolves with no token handling of the app', async (name, operationId) => {
    const graph = createGraphClient({ baseUrl: mocks.strict, fetch: parityFetch, credential: new DefaultAzureCredential() });
    const session = freshSessionName();
    await callDocumented(graph, name, operationId, session);
    expect((await journal(session)).at(-1)!.status).toBe(operations[operationId].successStatus);
  });

  it('a queued insufficientClaims 401: one token request for its claims, one retry, 204', async () => {
    const { wrapper, calls } = recorded(new DefaultAzureCredential());
    const graph = createGraphClient({ baseUrl: mocks.strict, fetch: parityFetch, credential: wrapper });
    const session = freshSessionName();
    await queue(session, [{ code: 401, example: 'insufficientClaims' }]);
    await callDocumented(graph, 'addUserSponsor', 'addUserSponsor', session);
    expect((await journal(session)).map((entry) => entry.status)).toEqual([401, 204]);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.options).toMatchObject({ claims, enableCae: true });
    expect(calls[1]!.scopes).toBe(`${clouds.global}/.default`);
  });

  it('two claims challenges in a row: the call rejects with the second 401 as a GraphError, after one retry', async () => {
    const { wrapper, calls } = recorded(new DefaultAzureCredential());
    const graph = createGraphClient({ baseUrl: mocks.strict, fetch: parityFetch, credential: wrapper, retry: false });
    const session = freshSessionName();
    await queue(session, [
      { code: 401, example: 'insufficientClaims' },
      { code: 401, example: 'insufficientClaims' },
    ]);
    const error = await callDocumented(graph, 'addUserSponsor', 'addUserSponsor', session).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 401, code: example.value.error.code, message: example.value.error.message });
    expect((await journal(session)).map((entry) => entry.status)).toEqual([401, 401]);
    expect(calls.filter((call) => call.options?.claims !== undefined)).toHaveLength(1);
  });
});

describe("the mock's claims challenge", () => {
  const add = requests.find((r) => r.operationId === 'addUserSponsor')!;
  const send = (session: string, prefer?: string) =>
    parityFetch(`${mocks.strict}${add.path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json', [SESSION]: session, ...(prefer ? { prefer } : {}) },
      body: JSON.stringify(add.body),
    });

  it.each([
    ['Prefer: code=401, example=insufficientClaims', 'code=401, example=insufficientClaims'],
    ['Prefer: example=insufficientClaims', 'example=insufficientClaims'],
  ])("%s answers Graph's body with the example's own WWW-Authenticate", async (_label, prefer) => {
    const response = await send(freshSessionName(), prefer);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(challenge);
    expect((await response.json()).error).toMatchObject({ code: example.value.error.code, message: example.value.error.message });
  });

  it('the session queue answers it with the same header', async () => {
    const session = freshSessionName();
    await queue(session, [{ code: 401, example: 'insufficientClaims' }]);
    const response = await send(session);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(challenge);
  });

  it('the header is a claims challenge the client reads, and every other 401 keeps the plain challenge', async () => {
    expect(challenge).toMatch(/^Bearer /);
    expect(JSON.parse(claims)).toHaveProperty('access_token');
    const response = await send(freshSessionName(), 'code=401, example=tokenExpired');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(plainChallenge);
    expect(claimsFromChallenge(plainChallenge)).toBeUndefined();
    // A token the mock refuses (strict: not a JWT) carries the plain challenge too.
    const refused = await parityFetch(`${mocks.strict}${add.path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer opaque', 'content-type': 'application/json' },
      body: JSON.stringify(add.body),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(plainChallenge);
  });
});

describe('credential options', () => {
  const fake = (): TokenCredential & { scopes: Array<string | string[]> } => {
    const scopes: Array<string | string[]> = [];
    return {
      scopes,
      getToken: (scope) => (scopes.push(scope), Promise.resolve({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 })),
    };
  };
  const noContent = () => Promise.resolve(new Response(null, { status: 204 }));

  it.each(Object.entries(clouds))('cloud %s: the token is asked for its Graph origin, %s/.default', async (cloud, origin) => {
    const credential = fake();
    const sent: string[] = [];
    const graph = createGraphClient({
      cloud: cloud as keyof typeof clouds,
      credential,
      fetch: (input, init) => (sent.push(new Headers(init?.headers).get('authorization') ?? ''), noContent()),
    });
    await graph.addUserSponsor('u1', { kind: 'user', id: 's1' });
    expect(credential.scopes).toEqual([`${origin}/.default`]);
    expect(sent).toEqual(['Bearer t']);
  });

  it.each([
    ['token', { token: 'x' }],
    ['getToken', { getToken: () => 'x' }],
  ])('credential with %s is a TypeError, before anything is sent', (_label, other) => {
    expect(() => createGraphClient({ credential: fake(), ...other } as never)).toThrow(new TypeError('give credential or token/getToken, not both'));
  });

  it.each([
    ['an object without getToken', {}],
    ['a string', 'token'],
    ['getToken that is not a function', { getToken: 'x' }],
  ])('a credential that is %s is a TypeError', (_label, credential) => {
    expect(() => createGraphClient({ credential: credential as never })).toThrow(new TypeError('credential.getToken must be a function'));
  });

  it('getToken resolving null rejects the call with a TypeError and sends nothing', async () => {
    let sent = 0;
    const graph = createGraphClient({ credential: { getToken: () => Promise.resolve(null) }, fetch: () => (sent++, noContent()) });
    await expect(graph.addUserSponsor('u1', { kind: 'user', id: 's1' })).rejects.toThrow(new TypeError('credential.getToken() gave no token'));
    expect(sent).toBe(0);
  });
});

describe('network', () => {
  it('no connection of this file left 127.0.0.1 (the identity endpoint, the mock)', () => {
    expect(connections.length).toBeGreaterThan(0);
    expect(connections.filter((c) => c !== '127.0.0.1')).toEqual([]);
  });
});
