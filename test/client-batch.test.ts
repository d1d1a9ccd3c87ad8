// The bulk adds against the mock, end to end: the client's batches (src/batch.ts through the client's exchange)
// and the mock's $batch (src/mock/batch.ts) together, with the limits and scenarios the spec declares.
import { describe, expect, it } from 'vitest';
import { createGraphClient, GraphError, type GraphClient, type GraphClientOptions } from '../src/index.js';
import { checkExample, control, defaultFixture, freshId, freshSession, json, mockServers, parityFetch, type Json } from './support/e2e.js';

const BLUEPRINT = 'addAgentIdentityBlueprintSponsor';
const sponsorLimit = checkExample(BLUEPRINT, (c) => c.maxCount !== undefined && c.when === undefined);
const emptyBlueprint = defaultFixture.applications.find((a: Json) => a.agentIdentityBlueprint === true && (a.sponsors ?? []).length === 0);
const mocks = mockServers({ mock: {} });

/** A client of the mock whose every call goes in one session. */
const clientIn = (session: string, options: Omit<GraphClientOptions, 'credential'> = {}): { graph: GraphClient; headers: Record<string, string> } => ({
  graph: createGraphClient({ baseUrl: mocks.mock, fetch: parityFetch, token: 'mock-token', ...options }),
  headers: { 'x-mock-session': session },
});
const users = (n: number) => Array.from({ length: n }, () => ({ kind: 'user' as const, id: freshId() }));

describe('bulk adds against the mock', () => {
  it(`120 user sponsors to a blueprint that has none: ${sponsorLimit.check.maxCount} added, 20 failed with ${sponsorLimit.check.example}; again: ${sponsorLimit.check.maxCount} exist, 20 failed`, async () => {
    const { graph, headers } = clientIn(freshSession('bulk-120'));
    const sponsors = users(120);
    const results = await graph.addAgentIdentityBlueprintSponsors(emptyBlueprint.id, sponsors, { headers });
    expect(results.map((r) => r.sponsor)).toEqual(sponsors);
    const limit = sponsorLimit.check.maxCount as number;
    expect(results.slice(0, limit).map((r) => r.status)).toEqual(Array(limit).fill('added'));
    for (const result of results.slice(limit)) {
      expect(result.status).toBe('failed');
      expect(result.error).toBeInstanceOf(GraphError);
      expect(result.error!.is('sponsorLimitReached')).toBe(true);
      expect(result.error).toMatchObject({ status: sponsorLimit.status, code: sponsorLimit.code, message: sponsorLimit.message });
    }
    const listed = await graph.listAgentIdentityBlueprintSponsors(emptyBlueprint.id, { headers });
    expect(listed.map((o) => o.id)).toEqual(sponsors.slice(0, limit).map((s) => s.id));

    const again = await graph.addAgentIdentityBlueprintSponsors(emptyBlueprint.id, sponsors, { headers });
    // Graph checks the duplicate before the count (the spec's x-rules order): the first 100 are there already.
    expect(again.slice(0, limit).map((r) => r.status)).toEqual(Array(limit).fill('exists'));
    for (const result of again.slice(0, limit)) expect(result.error!.is('referenceAlreadyExists')).toBe(true);
    for (const result of again.slice(limit)) expect([result.status, result.error!.is('sponsorLimitReached')]).toEqual(['failed', true]);
  });

  it('sends a throttled request again alone, after its Retry-After, and reports it added', async () => {
    const session = freshSession('bulk-429');
    const { graph, headers } = clientIn(session);
    // The session's next contract request (the first inside the batch) answers 429 with the spec's Retry-After.
    expect((await control(mocks.mock, 'POST', '/_mock/queue', { session, body: { answers: [{ code: 429 }] } })).status).toBe(204);
    const user = freshId();
    const sponsors = users(3);
    const results = await graph.addUserSponsors(user, sponsors, { headers });
    expect(results.map((r) => r.status)).toEqual(['added', 'added', 'added']);
    const journal: Json[] = json(await control(mocks.mock, 'GET', '/_mock/requests', { session })).value;
    const inner = `/v1.0/users/${user}/sponsors/$ref`;
    expect(journal.map((e) => [e.path, e.status])).toEqual([
      [inner, 429],
      [inner, 204],
      [inner, 204],
      ['/v1.0/$batch', 200],
      [inner, 204],
      ['/v1.0/$batch', 200],
    ]);
    expect(await graph.listUserSponsors(user, { headers }).then((l) => l.map((o) => o.id))).toEqual([sponsors[1]!.id, sponsors[2]!.id, sponsors[0]!.id]);
  });

  it('a whole batch refused (no token: 401) rejects with its GraphError', async () => {
    const graph = createGraphClient({ baseUrl: mocks.mock, fetch: parityFetch, retry: false });
    await expect(graph.addUserSponsors(freshId(), users(2), { headers: { 'x-mock-session': freshSession('bulk-401') } })).rejects.toMatchObject({
      name: 'GraphError',
      status: 401,
    });
  });

  it('the beta version sends /beta/$batch, an empty list sends nothing, a bad sponsor throws before sending', async () => {
    const session = freshSession('bulk-beta');
    const { graph, headers } = clientIn(session);
    const [result] = await graph.addInternalSponsors(defaultFixture.connectedOrganizations[0].id, users(1), { headers, version: 'beta' });
    expect(result!.status).toBe('added');
    expect(await graph.addUserSponsors(freshId(), [], { headers })).toEqual([]);
    await expect(graph.addUserSponsors(freshId(), [{ kind: 'servicePrincipal' as never, id: 'x' }], { headers })).rejects.toBeInstanceOf(RangeError);
    const journal: Json[] = json(await control(mocks.mock, 'GET', '/_mock/requests', { session })).value;
    expect(journal.map((e) => e.path)).toEqual([expect.stringMatching(/^\/beta\/identityGovernance\//), '/beta/$batch']);
  });
});
