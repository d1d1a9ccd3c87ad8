// End-to-end: the typed client against the suite's mock (test/global-setup.ts), a session nobody has used per
// test. For every add, the list and remove of the same relation (paired by path, from the metadata): list,
// add, list again, remove, list again, remove again; and the create, whose new object then takes sponsors.
import { describe, expect, inject, it } from 'vitest';
import { GraphError, operations, type GraphClient, type OperationId } from '../src/index.js';
import { sponsorMethods } from '../src/sponsors.js';
import { documentedErrors, operationsOf, requestExamples } from '../src/spec/walk.js';
import { clientWithHeaders, freshSession } from './support/session.js';
import { loadSpec, type Json } from './support/spec.js';

const spec = loadSpec();
const baseUrl = inject('mockUrl');
const errors = documentedErrors(spec);
const rulesOf = new Map(operationsOf(spec).map(({ operationId, op }) => [operationId, op['x-rules'] as Json]));
const ids = Object.keys(operations) as OperationId[];

/** A client in a session of its own (the mock keeps state per session). */
const sessionClient = (): GraphClient => clientWithHeaders(baseUrl, freshSession());

/** The client method and version that call an operation, from the client's own table. */
function methodFor(op: OperationId): { name: string; version: string } {
  for (const [name, row] of Object.entries(sponsorMethods)) {
    const version = Object.entries(row.ops).find(([, id]) => id === op)?.[0];
    if (version) return { name, version };
  }
  throw new Error(`no client method calls ${op}`);
}
const call = (graph: GraphClient, op: OperationId, ...args: unknown[]) => {
  const { name, version } = methodFor(op);
  return (graph as Json)[name](...args, { version }) as Promise<Json>;
};

/** Where a relation lives: an add's path without the version and `/$ref`. */
const relationOf = (op: OperationId) => operations[op].path.replace(/^\/[^/]+/, '').replace(/\/\$ref$/, '');
const listOf = (add: OperationId) => ids.find((op) => operations[op].method === 'get' && relationOf(op) === relationOf(add));
const removeOf = (add: OperationId) => ids.find((op) => operations[op].method === 'delete' && relationOf(op) === `${relationOf(add)}/{sponsorId}`);

const adds = requestExamples(spec).filter((r) => 'sponsorKinds' in operations[r.operationId as OperationId]);

describe('client against the mock: add, list, remove', () => {
  it('every add has a list and a remove of the same relation', () => {
    for (const { operationId } of adds) {
      expect(listOf(operationId as OperationId), operationId).toBeDefined();
      expect(removeOf(operationId as OperationId), operationId).toBeDefined();
    }
  });

  // One documented request per add operation: its owner, sponsor and version.
  const firstOf = [...new Map(adds.map((r) => [r.operationId, r])).values()];
  for (const example of firstOf) {
    const add = example.operationId as OperationId;
    const list = listOf(add)!;
    const remove = removeOf(add)!;
    const owner = example.pathParams.id!;
    const odataId = new URL((example.body as Json)['@odata.id']);
    const [, , entitySet, encoded] = odataId.pathname.split('/');
    const kinds = (operations[add] as { sponsorKinds: Record<string, string> }).sponsorKinds;
    const sponsor = { kind: Object.keys(kinds).find((k) => kinds[k] === entitySet)!, id: decodeURIComponent(encoded!) };

    it(`${methodFor(add).name} (${methodFor(add).version}) ${example.name}, then ${methodFor(list).name} and ${methodFor(remove).name}`, async () => {
      const graph = sessionClient();
      const before: Json[] = await call(graph, list, owner);
      await expect(call(graph, add, owner, sponsor)).resolves.toBeUndefined();

      const after: Json[] = await call(graph, list, owner);
      expect(after).toHaveLength(before.length + 1);
      const added = after.at(-1)!;
      expect(added.id.toLowerCase()).toBe(sponsor.id.toLowerCase());
      expect(added['@odata.type']).toMatch(/^#microsoft\.graph\.[A-Za-z]+$/);

      await expect(call(graph, remove, owner, added.id)).resolves.toBeUndefined();
      expect(await call(graph, list, owner)).toEqual(before);

      // The relation is gone: the remove's documented not-found answer.
      const notFound = errors.get(remove)!.get(rulesOf.get(remove).removes.notFound)!;
      const error = await call(graph, remove, owner, added.id).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GraphError);
      expect(error).toMatchObject({ status: notFound.status, code: notFound.code });
    });
  }
});

describe('client against the mock: create', () => {
  const creates = requestExamples(spec).filter((r) => operations[r.operationId as OperationId].successStatus === 201);

  it('there is a documented create request per version', () => {
    expect(new Set(creates.map((r) => operations[r.operationId as OperationId].version))).toEqual(new Set(['v1.0', 'beta']));
  });

  for (const example of creates) {
    const op = example.operationId as OperationId;
    it(`createConnectedOrganization (${operations[op].version}) ${example.name} resolves the created organization, which then takes internal sponsors`, async () => {
      const graph = sessionClient();
      const body = example.body as Json;
      const created = await call(graph, op, body);
      expect(created.id).toEqual(expect.any(String));
      expect(created.displayName).toBe(body.displayName);
      expect(await graph.listInternalSponsors(created.id)).toEqual([]);

      // A sponsor the documented internal-sponsor add names (it exists in the mock's directory).
      const documented = adds.find((r) => r.operationId === 'addConnectedOrganizationInternalSponsor')!;
      const sponsorId = decodeURIComponent(new URL((documented.body as Json)['@odata.id']).pathname.split('/').pop()!);
      await graph.addInternalSponsor(created.id, { kind: 'directoryObject', id: sponsorId });
      expect((await graph.listInternalSponsors(created.id)).map((o) => o.id.toLowerCase())).toEqual([sponsorId.toLowerCase()]);
    });
  }
});

describe("client against the mock: a scenario picked per call with the call's headers", () => {
  it('Prefer in one call answers the documented example; the next call without it succeeds', async () => {
    const session = freshSession();
    const graph = clientWithHeaders(baseUrl, {});
    const example = errors.get('addUserSponsor')!.get('referenceAlreadyExists')!;
    // The operation's first documented request: its owner, and its user sponsor's id.
    const documented = adds.find((r) => r.operationId === 'addUserSponsor' && /\/users\//.test((r.body as Json)['@odata.id']))!;
    const owner = documented.pathParams.id!;
    const sponsor = { kind: 'user', id: decodeURIComponent((documented.body as Json)['@odata.id'].split('/').at(-1)) } as const;
    const error = await graph
      .addUserSponsor(owner, sponsor, { headers: { Prefer: `code=${example.status}, example=referenceAlreadyExists`, ...session } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: example.status, code: example.code, message: example.message });
    await expect(graph.addUserSponsor(owner, sponsor, { headers: session })).resolves.toBeUndefined();
  });
});

describe('client against the mock: ifExists on a second add of the same sponsor', () => {
  // Every add operation's first documented request, in a session of its own.
  const firstOf = [...new Map(adds.map((r) => [r.operationId, r])).values()];
  for (const example of firstOf) {
    const add = example.operationId as OperationId;
    it(`${methodFor(add).name} (${methodFor(add).version}): the default rejects with is('referenceAlreadyExists'), ifExists 'ok' resolves`, async () => {
      const graph = sessionClient();
      const owner = example.pathParams.id!;
      const [, , entitySet, encoded] = new URL((example.body as Json)['@odata.id']).pathname.split('/');
      const kinds = (operations[add] as { sponsorKinds: Record<string, string> }).sponsorKinds;
      const sponsor = { kind: Object.keys(kinds).find((k) => kinds[k] === entitySet)!, id: decodeURIComponent(encoded!) };
      await expect(call(graph, add, owner, sponsor)).resolves.toBeUndefined();
      const error = await call(graph, add, owner, sponsor).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphError);
      expect((error as GraphError).is('referenceAlreadyExists')).toBe(true);
      const { name, version } = methodFor(add);
      await expect((graph as Json)[name](owner, sponsor, { version, ifExists: 'ok' })).resolves.toBeUndefined();
    });
  }
});
