// End-to-end against the suite's mock (test/global-setup.ts): every documented request example answers 204
// with no body, raw and through the typed client; every named error example is selectable with Prefer.
// The mock keeps state, so each request goes in a session nobody has used (test/support/session.ts): the
// documented requests answer 204 on a fresh start, and a second identical add would be a duplicate.
import { describe, expect, inject, it } from 'vitest';
import { createGraphClient, GraphError, operations } from '../src/index.js';
import { errorScenarios, operationsOf, requestExamples } from '../src/spec/walk.js';
import { freshSession } from './support/session.js';
import { loadSpec } from './support/spec.js';

const spec = loadSpec();
const baseUrl = inject('mockUrl');
const requests = requestExamples(spec);
const scenarios = errorScenarios(spec);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Graph's innerError.date: UTC without a zone designator.
const graphDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

function send(example: (typeof requests)[number], headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}${example.path}`, {
    method: example.method.toUpperCase(),
    headers: { authorization: 'Bearer mock-token', 'content-type': 'application/json', ...freshSession(), ...headers },
    body: JSON.stringify(example.body),
  });
}

/**
 * A client whose every request carries the given Prefer header (the client API has no per-call headers) and a
 * session nobody has used.
 */
function clientPreferring(prefer?: string) {
  const session = freshSession();
  return createGraphClient({
    baseUrl,
    token: 'mock-token',
    retry: false,
    fetch: (input, init) => {
      const request = new Request(input, init);
      if (prefer) request.headers.set('prefer', prefer);
      for (const [name, value] of Object.entries(session)) request.headers.set(name, value);
      return fetch(request);
    },
  });
}

/** Calls the operation's high-level method with the arguments the example's path and body stand for. */
function callHighLevel(graph: ReturnType<typeof createGraphClient>, example: (typeof requests)[number], options = {}) {
  const body = example.body as Record<string, string>;
  if (example.operationId === 'addConnectedOrganization') return graph.addConnectedOrganization(body as never, options);
  // `@odata.id` = origin/version/<entity set>/<id>: the entity set names the sponsor kind.
  const [entitySet, id] = new URL(body['@odata.id']!).pathname.split('/').slice(2);
  const kinds = (operations as Record<string, { sponsorKinds?: Record<string, string> }>)[example.operationId]!.sponsorKinds!;
  const kind = Object.entries(kinds).find(([, set]) => set === entitySet)![0];
  const sponsor = { kind, id: decodeURIComponent(id!) } as never;
  const owner = example.pathParams.id!;
  switch (example.operationId) {
    case 'addConnectedOrganizationInternalSponsor':
      return graph.addInternalSponsor(owner, sponsor, options);
    case 'addUserSponsor':
      return graph.addUserSponsor(owner, sponsor, options);
    case 'addAgentIdentityBlueprintSponsor':
      return graph.addAgentIdentityBlueprintSponsor(owner, sponsor, options);
  }
  throw new Error(`no client method for ${example.operationId}`);
}

describe('documented request examples', () => {
  it('cover all four operations', () => {
    expect(new Set(requests.map((r) => r.operationId))).toEqual(new Set(Object.keys(operations)));
  });

  it.each(requests.map((r) => [`${r.operationId} ${r.name}`, r] as const))('raw HTTP: %s → 204, empty body, Graph ids', async (_label, example) => {
    const response = await send(example, { 'client-request-id': 'caller-chosen-id-1' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('request-id')).toMatch(uuid);
    expect(response.headers.get('client-request-id')).toBe('caller-chosen-id-1');
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

  it.each(requests.map((r) => [`${r.operationId} ${r.name}`, r] as const))('typed raw client: %s → 204', async (_label, example) => {
    const graph = clientPreferring();
    const { response } = await graph.raw.POST(
      example.template as never,
      {
        params: { path: example.pathParams },
        body: example.body,
        parseAs: 'text',
      } as never,
    );
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it.each(requests.map((r) => [`${r.operationId} ${r.name}`, r] as const))('client method: %s resolves', async (_label, example) => {
    await expect(callHighLevel(clientPreferring(), example)).resolves.toBeUndefined();
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

  it.each(scenarios.map((s) => [`${s.operationId} ${s.status} ${s.example}`, s] as const))(
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
