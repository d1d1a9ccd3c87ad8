// End-to-end against the suite's mock (test/global-setup.ts): every documented request example answers its
// success status (204 with no body; a list's 200 and a create's 201 with Graph's JSON), raw and through the typed
// client; every named error example is selectable with Prefer.
// The mock keeps state, so each request goes in a session nobody has used (test/support/session.ts): the
// documented requests succeed on a fresh start (a remove once the relation it names is there), and a second
// identical add would be a duplicate.
import { describe, expect, inject, it } from 'vitest';
import { createGraphClient, createRawClient, GraphError, operations } from '../src/index.js';
import { errorScenarios, operationsOf, responsesOf, type RequestExample } from '../src/spec/walk.js';
import { documentedRequests, removedRelation, successStatus, withRelation } from './support/documented.js';
import { clientWithHeaders, freshSession, SESSION_HEADER } from './support/session.js';
import { createAjv, inline, loadSpec } from './support/spec.js';

const spec = loadSpec();
const baseUrl = inject('mockUrl');
const requests = documentedRequests(spec);
const scenarios = errorScenarios(spec);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Graph's innerError.date: UTC without a zone designator.
const graphDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const ajv = createAjv();

/** The schema of the operation's documented success body, compiled (undefined for a 204). */
const successSchema = new Map(
  operationsOf(spec).map(({ operationId, op }) => {
    const schema = responsesOf(spec, op).find(([status]) => Number(status) === successStatus(operationId))?.[1].content?.['application/json']?.schema;
    return [operationId, schema === undefined ? undefined : ajv.compile(inline(spec, schema) as object)] as const;
  }),
);

/**
 * A success body is the documented schema's. Its `@odata.context` annotation is checked apart: Graph sends it on
 * a created entity, and the entity schema (additionalProperties: false) does not list annotations.
 */
function expectSuccessBody(operationId: string, body: Record<string, unknown>) {
  // A batch's answer is `{"responses": [...]}`, without an annotation (the JSON batching page's example).
  if (!('batchLimit' in operations[operationId as keyof typeof operations]))
    expect(body['@odata.context']).toMatch(/^https:\/\/graph\.microsoft\.com\/(v1\.0|beta)\/\$metadata#/);
  const validate = successSchema.get(operationId)!;
  const { '@odata.context': _context, ...rest } = body;
  const valid = validate(successStatus(operationId) === 201 ? rest : body);
  expect(valid, ajv.errorsText(validate.errors)).toBe(true);
  if (successStatus(operationId) === 201) expect(body.id).toMatch(uuid);
}

/** A remove's relation put into the session first, so that the documented remove finds it. */
async function prepare(example: RequestExample, session: Record<string, string>) {
  const relation = removedRelation(example);
  if (!relation) return;
  const directory = await fetch(`${baseUrl}/_mock/directory`, { headers: session }).then((r) => r.json());
  const put = await fetch(`${baseUrl}/_mock/directory`, {
    method: 'PUT',
    headers: { ...session, 'content-type': 'application/json' },
    body: JSON.stringify(withRelation(directory, relation)),
  });
  expect(put.status).toBe(204);
}

async function send(example: RequestExample, headers: Record<string, string> = {}) {
  const session = headers[SESSION_HEADER] === undefined ? freshSession() : { [SESSION_HEADER]: headers[SESSION_HEADER] };
  await prepare(example, session);
  return fetch(`${baseUrl}${example.path}`, {
    method: example.method.toUpperCase(),
    headers: { authorization: 'Bearer mock-token', 'content-type': 'application/json', ...session, ...headers },
    ...(example.body === undefined ? {} : { body: JSON.stringify(example.body) }),
  });
}

/**
 * A client whose every request carries the given Prefer header (the client API has no per-call headers) and a
 * session nobody has used.
 */
function clientPreferring(prefer?: string, session = freshSession()) {
  return clientWithHeaders(baseUrl, prefer ? { prefer, ...session } : session);
}

type Graph = ReturnType<typeof createGraphClient>;
type Method = (...args: unknown[]) => Promise<unknown>;
const versionOf = (example: RequestExample) => example.template.split('/')[1] as 'v1.0' | 'beta';

/** The client method of an operation (issue 11 section 6 names them) and its arguments from the documented request. */
function highLevel(example: RequestExample): { method: string; args: (options: object) => unknown[] } {
  // A JSON batch has no method of its own (the bulk adds send it: test/client-batch.test.ts).
  if ('batchLimit' in operations[example.operationId as keyof typeof operations]) return { method: '(bulk adds)', args: () => [] };
  const owner = example.pathParams.id!;
  const version = { version: versionOf(example) };
  const base = example.operationId.replace(/Beta$|V1$/, '');
  if (base === 'addConnectedOrganization') return { method: base, args: (o) => [example.body, o] };
  if (base === 'createConnectedOrganization') return { method: base, args: (o) => [example.body, { ...o, ...version }] };
  const named: Record<string, string> = {
    listUserSponsors: 'listUserSponsors',
    listConnectedOrganizationInternalSponsors: 'listInternalSponsors',
    listAgentIdentityBlueprintSponsors: 'listAgentIdentityBlueprintSponsors',
    removeUserSponsor: 'removeUserSponsor',
    removeConnectedOrganizationInternalSponsor: 'removeInternalSponsor',
    removeAgentIdentityBlueprintSponsor: 'removeAgentIdentityBlueprintSponsor',
  };
  if (base.startsWith('list')) return { method: named[base]!, args: (o) => [owner, o] };
  if (base.startsWith('remove')) return { method: named[base]!, args: (o) => [owner, removedRelation(example)!.related, o] };
  // `@odata.id` = origin/version/<entity set>/<id>: the entity set names the sponsor kind.
  const body = example.body as Record<string, string>;
  const [entitySet, id] = new URL(body['@odata.id']!).pathname.split('/').slice(2);
  const kinds = (operations as Record<string, { sponsorKinds?: Record<string, string> }>)[example.operationId]!.sponsorKinds!;
  const kind = Object.entries(kinds).find(([, set]) => set === entitySet)![0];
  const sponsor = { kind, id: decodeURIComponent(id!) };
  const method =
    { addConnectedOrganizationInternalSponsor: 'addInternalSponsor', addUserSponsor: 'addUserSponsor' }[base] ?? 'addAgentIdentityBlueprintSponsor';
  return { method, args: (o) => [owner, sponsor, { ...o, ...version }] };
}

/** Calls the operation's high-level method with the arguments the example's path and body stand for. */
function callHighLevel(graph: Graph, example: RequestExample, options = {}) {
  const { method, args } = highLevel(example);
  return (graph as unknown as Record<string, Method>)[method]!(...args(options));
}

/** The documented requests whose operation the client has a method for (the client grows with the spec). */
const withMethod = requests.filter((r) => typeof (clientPreferring() as unknown as Record<string, unknown>)[highLevel(r).method] === 'function');

describe('documented request examples', () => {
  it('cover every operation', () => {
    expect(new Set(requests.map((r) => r.operationId))).toEqual(new Set(Object.keys(operations)));
  });

  it.each(requests.map((r) => [`${r.operationId} ${r.name}`, r] as const))('raw HTTP: %s → its success status, Graph ids', async (_label, example) => {
    const response = await send(example, { 'client-request-id': 'caller-chosen-id-1' });
    expect(response.status).toBe(successStatus(example.operationId));
    expect(response.headers.get('request-id')).toMatch(uuid);
    expect(response.headers.get('client-request-id')).toBe('caller-chosen-id-1');
    if (response.status === 204) return expect(await response.text()).toBe('');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectSuccessBody(example.operationId, await response.json());
  });

  // The rule an operation declares for a second identical add (`x-rules` check `unique`), with the example it names.
  const duplicateOf = (operationId: string) => {
    const rules = operationsOf(spec).find((o) => o.operationId === operationId)!.op['x-rules'] as { checks?: Array<{ unique?: boolean; example: string }> };
    const name = rules?.checks?.find((c) => c.unique)?.example;
    return name === undefined ? undefined : scenarios.find((s) => s.operationId === operationId && s.example === name)!;
  };

  it.each(requests.filter((r) => duplicateOf(r.operationId)).map((r) => [`${r.operationId} ${r.name}`, r] as const))(
    'raw HTTP: %s sent twice in one session → the second is the documented duplicate',
    async (_label, example) => {
      const session = freshSession();
      expect((await send(example, session)).status).toBe(204);
      const again = await send(example, session);
      const duplicate = duplicateOf(example.operationId)!;
      expect(again.status).toBe(duplicate.status);
      expect((await again.json()).error).toMatchObject({ code: duplicate.code, message: duplicate.message });
      // Another session still starts from the fixture.
      expect((await send(example)).status).toBe(204);
    },
  );

  it.each(requests.map((r) => [`${r.operationId} ${r.name}`, r] as const))('typed raw client: %s → its success status', async (_label, example) => {
    const session = freshSession();
    await prepare(example, session);
    const raw = createRawClient({ baseUrl, token: 'mock-token' }) as unknown as Record<string, Method>;
    const { response } = (await raw[example.method.toUpperCase()]!(example.template, {
      params: { path: example.pathParams },
      headers: session,
      ...(example.body === undefined ? {} : { body: example.body }),
      parseAs: 'text',
    })) as { response: Response };
    expect(response.status).toBe(successStatus(example.operationId));
    if (response.status === 204) expect(await response.text()).toBe('');
  });

  it.each(withMethod.map((r) => [`${r.operationId} ${r.name}`, r] as const))('client method: %s resolves', async (_label, example) => {
    const session = freshSession();
    await prepare(example, session);
    const result = await callHighLevel(clientPreferring(undefined, session), example);
    if (successStatus(example.operationId) === 204) expect(result).toBeUndefined();
    else expect(result).toBeTypeOf('object');
  });
});

describe('named error examples selected with Prefer', () => {
  const firstRequest = (operationId: string) => requests.find((r) => r.operationId === operationId)!;

  it('include the throttling, not-found, forbidden, duplicate and every blueprint limit example', () => {
    const names = new Set(scenarios.map((s) => s.example));
    for (const name of [
      'referenceAlreadyExists',
      'resourceNotFound',
      'authorizationRequestDenied',
      'tooManyRequests',
      'sponsorLimitReached',
      'groupSponsorLimitReached',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(scenarios.map((s) => [`${s.operationId} ${s.status} ${s.example}`, s] as const))('raw HTTP: %s', async (_label, scenario) => {
    const [name, value] = scenario.prefer.split(': ') as [string, string];
    const response = await send(firstRequest(scenario.operationId), { [name]: value, 'client-request-id': 'caller-chosen-id-2' });
    expect(response.status).toBe(scenario.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: scenario.code, message: scenario.message });
    // The example's placeholder ids are replaced by this request's live ones.
    expect(body.error.innerError['request-id']).toBe(response.headers.get('request-id'));
    expect(body.error.innerError['client-request-id']).toBe('caller-chosen-id-2');
    expect(body.error.innerError.date).toMatch(graphDate);
    expect(response.headers.get('retry-after')).toBe(scenario.retryAfter ?? null);
  });

  it.each(scenarios.map((s) => [`${s.operationId} ${s.example}`, s] as const))(
    'Prefer: example=<name> alone finds the status: %s',
    async (_label, scenario) => {
      const response = await send(firstRequest(scenario.operationId), { prefer: `example=${scenario.example}` });
      expect(response.status).toBe(scenario.status);
      expect((await response.json()).error.code).toBe(scenario.code);
    },
  );

  const hasMethod = new Set(withMethod.map((r) => r.operationId));
  it.each(scenarios.filter((s) => hasMethod.has(s.operationId)).map((s) => [`${s.operationId} ${s.status} ${s.example}`, s] as const))(
    'client: %s rejects with the matching GraphError',
    async (_label, scenario) => {
      const graph = clientPreferring(scenario.prefer.split(': ')[1]);
      const error = await callHighLevel(graph, firstRequest(scenario.operationId), { clientRequestId: 'caller-chosen-id-3' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GraphError);
      const graphError = error as GraphError;
      expect(graphError).toMatchObject({ status: scenario.status, code: scenario.code, message: scenario.message, clientRequestId: 'caller-chosen-id-3' });
      expect(graphError.requestId).toMatch(uuid);
      expect(graphError.date).toMatch(graphDate);
      expect(graphError.retryAfter).toBe(scenario.retryAfter === undefined ? undefined : Number(scenario.retryAfter));
    },
  );

  it.each([
    ['an example the operation does not document', 'example=sponsorLimitReached', /sponsorLimitReached/],
    ['a status the operation does not document', 'code=418', /418/],
    ['an example under another status than asked', 'code=400, example=tooManyRequests', /429/],
  ])('%s is a Graph-shaped 400 saying so, not a guess', async (_label, prefer, message) => {
    const response = await send(firstRequest('addUserSponsor'), { prefer });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('BadRequest');
    expect(error.message).toMatch(message);
  });

  it('Prefer: code=<status> alone serves that status', async () => {
    const response = await send(firstRequest('addUserSponsor'), { prefer: 'code=429' });
    expect(response.status).toBe(429);
    expect((await response.json()).error.code).toBe(scenarios.find((s) => s.status === 429)!.code);
  });
});
