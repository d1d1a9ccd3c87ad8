// Issue 11's flows end to end against mocks started here (open and strict directories): what an add makes shows
// in the list, a remove takes it out and removing again is the 404 naming the id, a created connected
// organization is found by the operations after it, a type cast segment works in every spelling, and a deprecated
// operation's every answer carries its deprecation headers. Ids, paths and rules come from the spec.
import { describe, expect, it } from 'vitest';
import { entraRoleTemplates } from '../generated/entra-roles.js';
import { runTokenCommand } from '../src/mock/token-cli.js';
import { responsesOf } from '../src/spec/walk.js';
import {
  mockServers,
  parityFetch,
  call,
  defaultFixture,
  documented,
  expectGraphError,
  expectNoContent,
  freshId,
  freshSession,
  json,
  operation,
  refBody,
  rulesOf,
  spec,
  type Json,
} from './support/e2e.js';

const mocks = mockServers({ open: {}, strict: { directory: 'strict' } });

/** The ids a list answers, after checking it is Graph's directoryObjects collection. */
async function listed(base: string, operationId: string, id: string, session: string): Promise<string[]> {
  const reply = await call(base, operationId, { id, session });
  expect(reply.status, reply.text).toBe(200);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const body = json(reply);
  expect(body['@odata.context']).toBe(`https://graph.microsoft.com/${operation(operationId).template.split('/')[1]}/$metadata#directoryObjects`);
  return (body.value as Json[]).map((o) => o.id as string);
}

/** For each relation, its add, list and remove operations (v1.0), matched by the x-rules' entity set and property. */
const relations = ['addUserSponsor', 'addConnectedOrganizationInternalSponsor', 'addAgentIdentityBlueprintSponsorV1'].map((add) => {
  const key = (id: string) => `${rulesOf(id).target.entitySet}/${(rulesOf(id).reference ?? rulesOf(id).lists ?? rulesOf(id).removes).property}`;
  const of = (kind: 'lists' | 'removes') =>
    Object.keys(spec.paths)
      .flatMap((path) => Object.values<Json>(spec.paths[path]))
      .find((op: Json) => op?.['x-rules']?.[kind] && key(op.operationId) === key(add))?.operationId as string;
  return { add, list: of('lists'), remove: of('removes') };
});

describe('lists and removes read and change what the adds made', () => {
  it.each(relations.map((r) => [r.add, r] as const))('%s: added in order, listed, removed, and removing again is a 404 naming the id', async (_label, r) => {
    const session = freshSession('flows');
    const target = freshId();
    const [first, second] = [freshId(), freshId()];
    expect(await listed(mocks.open, r.list, target, session)).toEqual([]);
    for (const sponsor of [first, second]) expectNoContent(await call(mocks.open, r.add, { id: target, session, body: refBody(r.add, 'users', sponsor) }));
    expect(await listed(mocks.open, r.list, target, session)).toEqual([first, second]);

    expectNoContent(await call(mocks.open, r.remove, { id: { id: target, sponsorId: first.toUpperCase() }, session }));
    expect(await listed(mocks.open, r.list, target, session)).toEqual([second]);

    const notFound = documented(r.remove, rulesOf(r.remove).removes.notFound);
    const again = await call(mocks.open, r.remove, { id: { id: target, sponsorId: first }, session });
    expectGraphError(again, { ...notFound, message: notFound.message.replace(/'[^']*'/, `'${first}'`) });
    // Another session never saw any of it.
    expect(await listed(mocks.open, r.list, target, freshSession('flows'))).toEqual([]);
  });

  it('a strict directory answers a list of a target it lacks with the 404 naming it', async () => {
    const missing = freshId();
    for (const r of relations) {
      const notFound = documented(r.list, rulesOf(r.list).target.notFound);
      expectGraphError(await call(mocks.strict, r.list, { id: missing, session: freshSession('strict') }), {
        ...notFound,
        message: notFound.message.replace(/'[^']*'/, `'${missing}'`),
      });
    }
  });
});

describe('an invalid path parameter of an operation that documents no 400', () => {
  it.each(['listUserSponsors', 'removeUserSponsor'])('%s: the token is checked first (401), then the parameter (400)', async (operationId) => {
    // One character more than the id's schema allows (read from the spec).
    const param = (operation(operationId).pathItem.parameters as Json[]).find((p) => p.name === 'id');
    const tooLong = 'a'.repeat((param.schema.maxLength as number) + 1);
    const id = { id: tooLong, sponsorId: freshId() };
    const unauthenticated = await call(mocks.open, operationId, { id, token: null, session: freshSession('param') });
    expect(unauthenticated.status, unauthenticated.text).toBe(401);
    const invalid = await call(mocks.open, operationId, { id, session: freshSession('param') });
    expect(invalid.status, invalid.text).toBe(400);
    expect(json(invalid).error.code).toBe('BadRequest');
    expect(json(invalid).error.message).toMatch(/path/);
  });
});

describe('the agent-user admin roles', () => {
  it("Agent ID Administrator may add a sponsor to an agent user, not to a user (the operation's leastPrivilegedRolesForAgentUsers)", async () => {
    const roles = (operation('addUserSponsor').op['x-permissions'] as Json).adminRoles.delegatedWorkOrSchool;
    const [role] = roles.leastPrivilegedRolesForAgentUsers as string[];
    expect(roles.leastPrivilegedRoles).not.toContain(role);
    const minted = runTokenCommand(['--scp', 'User.ReadWrite.All', '--wids', role!, '--expires-in', '3600'], Date.now(), entraRoleTemplates);
    expect(minted.code, minted.stderr).toBe(0);
    const token = minted.stdout.trim();
    const agentUser = (defaultFixture.agentUsers as Json[])[0]!.id as string;
    const user = (defaultFixture.users as Json[]).find((u) => u.userType === 'Member')!.id as string;
    const body = refBody('addUserSponsor', 'users', freshId());
    expectNoContent(await call(mocks.open, 'addUserSponsor', { id: agentUser, token, body, session: freshSession('agent-role') }));
    const denied = await call(mocks.open, 'addUserSponsor', { id: user, token, body, session: freshSession('agent-role') });
    expectGraphError(denied, documented('addUserSponsor', 'authorizationRequestDenied'));
  });
});

describe('create', () => {
  const example = (operationId: string): Json =>
    Object.values<Json>((operation(operationId).op.requestBody as Json).content?.['application/json']?.examples ?? {})[0]?.value ??
    Object.values<Json>(spec.components.requestBodies.createConnectedOrganization.content['application/json'].examples)[0].value;

  it.each(['createConnectedOrganization', 'createConnectedOrganizationBeta'])(
    '%s: 201 with the new object, which then takes internal sponsors and lists them',
    async (operationId) => {
      const session = freshSession('create');
      const before = Date.now();
      const reply = await call(mocks.open, operationId, { session, body: example(operationId) });
      expect(reply.status, reply.text).toBe(201);
      const created = json(reply);
      const version = operation(operationId).template.split('/')[1];
      expect(created['@odata.context']).toBe(
        `https://graph.microsoft.com/${version}/$metadata#identityGovernance/entitlementManagement/connectedOrganizations/$entity`,
      );
      expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      for (const stamp of ['createdDateTime', 'modifiedDateTime']) {
        expect(new Date(created[stamp]).toISOString()).toBe(created[stamp]);
        expect(Date.parse(created[stamp])).toBeGreaterThanOrEqual(before - 1000);
      }
      expect(created.displayName).toBe(example(operationId).displayName);

      // In a strict directory too: the created object is there for the operations after it.
      const strictSession = freshSession('create');
      const madeStrict = json(await call(mocks.strict, operationId, { session: strictSession, body: example(operationId) }));
      // A user of the default fixture (a strict directory has no other).
      const adele = (defaultFixture.users as Json[])[0]!.id as string;
      for (const [base, id, s] of [
        [mocks.open, created.id, session],
        [mocks.strict, madeStrict.id, strictSession],
      ] as const) {
        expectNoContent(
          await call(base, 'addConnectedOrganizationInternalSponsor', {
            id,
            session: s,
            body: refBody('addConnectedOrganizationInternalSponsor', 'users', adele),
          }),
        );
        expect(await listed(base, 'listConnectedOrganizationInternalSponsors', id, s)).toEqual([adele]);
      }
    },
  );

  it('two creates make two objects with their own ids', async () => {
    const session = freshSession('create');
    const body = example('createConnectedOrganization');
    const [a, b] = [
      json(await call(mocks.open, 'createConnectedOrganization', { session, body })),
      json(await call(mocks.open, 'createConnectedOrganization', { session, body })),
    ];
    expect(a.id).not.toBe(b.id);
  });
});

describe('type cast segments', () => {
  const blueprintList = operation('listAgentIdentityBlueprintSponsors').template;
  it.each(['graph.agentIdentityBlueprint', 'Microsoft.Graph.AgentIdentityBlueprint', 'GRAPH.AGENTIDENTITYBLUEPRINT'])(
    '%s names the same blueprint as the spec spelling, for an add and a list',
    async (spelling) => {
      const session = freshSession('cast');
      const [blueprint, sponsor] = [freshId(), freshId()];
      const cast = /[^/]*agentIdentityBlueprint/i;
      const add = await parityFetch(
        `${mocks.open}${operation('addAgentIdentityBlueprintSponsorV1').template.replace('{id}', blueprint).replace(cast, spelling)}`,
        {
          method: 'POST',
          headers: { authorization: 'Bearer x', 'content-type': 'application/json', 'x-mock-session': session },
          body: JSON.stringify(refBody('addAgentIdentityBlueprintSponsorV1', 'users', sponsor)),
        },
      );
      expect(add.status, await add.text()).toBe(204);
      const list = await parityFetch(`${mocks.open}${blueprintList.replace('{id}', blueprint).replace(cast, spelling)}`, {
        headers: { authorization: 'Bearer x', 'x-mock-session': session },
      });
      expect((await list.json()).value.map((o: Json) => o.id)).toEqual([sponsor]);
      expect(await listed(mocks.open, 'listAgentIdentityBlueprintSponsors', blueprint, session)).toEqual([sponsor]);
    },
  );
});

describe('deprecation headers', () => {
  const deprecated = Object.values<Json>(spec.paths)
    .flatMap((item) => Object.values<Json>(item))
    .filter((op) => op?.deprecated === true);
  const headerExample = (header: Json): string => {
    const resolved = header.$ref ? spec.components.headers[header.$ref.split('/').pop()] : header;
    return resolved.example;
  };

  it.each(deprecated.map((op) => [op.operationId as string, op] as const))(
    '%s: each deprecation header its success declares, on its success and on its failures',
    async (operationId, op) => {
      const success = responsesOf(spec as never, op).find(([status]) => status.startsWith('2'))![1];
      const expected = Object.entries<Json>(success.headers ?? {}).filter(([name]) => ['deprecation', 'sunset', 'link'].includes(name.toLowerCase()));
      expect(expected.length).toBeGreaterThan(0);
      const body = Object.values<Json>(op.requestBody.content['application/json'].examples)[0].value;
      const answers = [
        await call(mocks.open, operationId, { session: freshSession('deprecated'), body }),
        await call(mocks.open, operationId, { session: freshSession('deprecated'), body, token: null }),
        await call(mocks.open, operationId, { session: freshSession('deprecated'), body: {} }),
      ];
      expect(answers.map((a) => a.status)).toEqual([204, 401, 400]);
      for (const answer of answers)
        for (const [name, header] of expected) expect(answer.headers.get(name), `${answer.status} ${name}`).toBe(headerExample(header));
      // An operation that is not deprecated sends none of them.
      const other = await call(mocks.open, 'createConnectedOrganization', { session: freshSession('deprecated'), body: {} });
      for (const [name] of expected) expect(other.headers.get(name)).toBeNull();
    },
  );
});
