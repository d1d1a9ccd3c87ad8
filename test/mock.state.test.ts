// The stateful mock end to end, without Prefer (except to show that Prefer still wins): the rules each operation
// declares in the spec's `x-rules`, open and strict directories, and fixtures (option, CLI flag, MOCK_FIXTURE).
// Every sample object comes from fixtures/default.yaml and every expected error from the spec; each test uses a
// session of its own (x-mock-session), so tests never see each other's sponsors.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { FixtureError } from '../src/mock/fixture.js';
import { startCli } from './support/cli.js';
import { successStatus } from './support/documented.js';
import { startMockServer } from '../src/mock/server.js';
import { operationsOf, requestExamples } from '../src/spec/walk.js';
import {
  mockServers,
  parityFetch,
  call,
  checkExample,
  defaultFixture,
  directoryOf,
  documented,
  expectGraphError,
  expectNoContent,
  freshId,
  freshSession,
  holds,
  json,
  referenceOperations,
  refBody,
  relation,
  rulesOf,
  spec,
  type Json,
} from './support/e2e.js';

const USERS = 'addUserSponsor';
const BLUEPRINT = 'addAgentIdentityBlueprintSponsor';
const INTERNAL = 'addConnectedOrganizationInternalSponsor';
const CREATE = operationsOf(spec).find(({ op }) => (op['x-rules'] as Json)?.creates !== undefined)!.operationId;

// The sample objects, found in the default fixture by what they are (not by id).
const f = defaultFixture;
const groupTypesOk = (g: Json) => (g.groupTypes ?? []).some((t: string) => t === 'Unified' || t === 'DynamicMembership');
const member = f.users.find((u: Json) => u.userType === 'Member');
const sponsoredGuest = f.users.find((u: Json) => (u.sponsors ?? []).length > 0);
const agentUser = f.agentUsers[0];
const validGroup = f.groups.find((g: Json) => groupTypesOk(g) && g.isAssignableToRole !== true);
const securityGroup = f.groups.find((g: Json) => !groupTypesOk(g) && g.isAssignableToRole !== true);
const roleAssignableGroup = f.groups.find((g: Json) => g.isAssignableToRole === true);
const servicePrincipal = f.servicePrincipals[0];
const plainApplication = f.applications.find((a: Json) => a.agentIdentityBlueprint !== true);
const emptyBlueprint = f.applications.find((a: Json) => a.agentIdentityBlueprint === true && (a.sponsors ?? []).length === 0);
const connectedOrganization = f.connectedOrganizations[0];

// The blueprint's two limits, read from its x-rules.
const sponsorLimit = checkExample(BLUEPRINT, (c) => c.maxCount !== undefined && c.when === undefined);
const groupLimit = checkExample(BLUEPRINT, (c) => c.maxCount !== undefined && c.when?.type === 'group');
const fullBlueprint = f.applications.find(
  (a: Json) =>
    a.agentIdentityBlueprint === true &&
    (a.sponsors ?? []).length === groupLimit.check.maxCount &&
    a.sponsors.every((id: string) => f.groups.some((g: Json) => g.id === id)),
);

/** A target of each reference operation (twins in another version included) that the default fixture holds, by the target's entity set. */
const targetIn: Record<string, string> = { users: sponsoredGuest.id, applications: emptyBlueprint.id, connectedOrganizations: connectedOrganization.id };
const existingTarget: Record<string, string> = Object.fromEntries(referenceOperations.map((id) => [id, targetIn[rulesOf(id).target.entitySet as string]!]));

const uniqueExample = (operationId: string) => checkExample(operationId, (c) => c.unique === true);
const notFound = (operationId: string, id: string) => {
  const example = documented(operationId, rulesOf(operationId).target.notFound);
  // Graph's text names the missing object: the example's quoted id is that of the example.
  return { ...example, message: example.message.replace(/'[^']*'/, `'${id}'`) };
};
const typeNotSupported = (operationId: string) => checkExample(operationId, (c) => c.deny?.type !== undefined && c.deny.isAssignableToRole === undefined);

const mocks = mockServers({ mock: {}, strict: { directory: 'strict' } });

it('finds every sample object it needs in fixtures/default.yaml', () => {
  for (const sample of [
    member,
    sponsoredGuest,
    agentUser,
    validGroup,
    securityGroup,
    roleAssignableGroup,
    servicePrincipal,
    plainApplication,
    emptyBlueprint,
    fullBlueprint,
    connectedOrganization,
  ])
    expect(sample?.id).toMatch(/\S/);
  expect(referenceOperations).toEqual(expect.arrayContaining([BLUEPRINT, INTERNAL, USERS]));
  for (const operationId of referenceOperations) expect(existingTarget[operationId], operationId).toMatch(/\S/);
});

describe('the duplicate reference (x-rules unique), on each sponsor operation', () => {
  it.each(referenceOperations)('%s: a second add of the same sponsor is 400 naming the operation’s own property', async (operationId) => {
    const session = freshSession('dup');
    const target = freshId();
    const body = refBody(operationId, 'users', freshId());
    expectNoContent(await call(mocks.mock, operationId, { id: target, body, session }));
    const second = await call(mocks.mock, operationId, { id: target, body, session });
    const expected = uniqueExample(operationId);
    expectGraphError(second, expected);
    expect(json(second).error.message).toContain(`'${rulesOf(operationId).reference.property}'`);
  });

  it("the default fixture's own relation is a duplicate too (the sponsored guest's sponsor added again)", async () => {
    const reply = await call(mocks.mock, USERS, {
      id: sponsoredGuest.id,
      body: refBody(USERS, 'users', sponsoredGuest.sponsors[0]),
      session: freshSession('dup-fixture'),
    });
    expectGraphError(reply, uniqueExample(USERS));
  });

  it('ids compare without regard to case (Entra GUIDs): the same add with upper-case ids is the duplicate', async () => {
    const session = freshSession('dup-case');
    const target = freshId();
    const sponsor = freshId();
    expectNoContent(await call(mocks.mock, USERS, { id: target, body: refBody(USERS, 'users', sponsor), session }));
    const second = await call(mocks.mock, USERS, { id: target.toUpperCase(), body: refBody(USERS, 'users', sponsor.toUpperCase()), session });
    expectGraphError(second, uniqueExample(USERS));
    expect(relation(await directoryOf(mocks.mock, session), target, 'sponsors')).toEqual([sponsor]);
  });
});

describe('the blueprint’s limits (seed 004)', () => {
  it(`the ${sponsorLimit.check.maxCount + 1}st sponsor is 400 ${sponsorLimit.check.example}`, async () => {
    const session = freshSession('limit');
    for (let i = 0; i < sponsorLimit.check.maxCount; i++) {
      expectNoContent(await call(mocks.mock, BLUEPRINT, { id: emptyBlueprint.id, body: refBody(BLUEPRINT, 'users', freshId()), session }));
    }
    const over = await call(mocks.mock, BLUEPRINT, { id: emptyBlueprint.id, body: refBody(BLUEPRINT, 'users', freshId()), session });
    expectGraphError(over, sponsorLimit);
    expect(relation(await directoryOf(mocks.mock, session), emptyBlueprint.id, 'sponsors')).toHaveLength(sponsorLimit.check.maxCount);
  });

  it(`a group past the ${groupLimit.check.maxCount} group sponsors is 400 ${groupLimit.check.example}; a user still passes`, async () => {
    const session = freshSession('groups');
    const sixth = await call(mocks.mock, BLUEPRINT, { id: fullBlueprint.id, body: refBody(BLUEPRINT, 'groups', freshId()), session });
    expectGraphError(sixth, groupLimit);
    expectNoContent(await call(mocks.mock, BLUEPRINT, { id: fullBlueprint.id, body: refBody(BLUEPRINT, 'users', member.id), session }));
  });

  it.each([
    ['a service principal given as directoryObjects/{id}', () => servicePrincipal.id, 'directoryObjects'],
    ['an application given as directoryObjects/{id}', () => plainApplication.id, 'directoryObjects'],
    ['an agent user given as users/{id}', () => agentUser.id, 'users'],
    ['an agent user given as directoryObjects/{id}', () => agentUser.id, 'directoryObjects'],
  ])('%s is 400 sponsorTypeNotSupported', async (_label, id, entitySet) => {
    const reply = await call(mocks.mock, BLUEPRINT, { id: emptyBlueprint.id, body: refBody(BLUEPRINT, entitySet, id()), session: freshSession('type') });
    expectGraphError(reply, typeNotSupported(BLUEPRINT));
  });

  it('a security group (neither Unified nor DynamicMembership) is 400 groupTypeNotSupported', async () => {
    const reply = await call(mocks.mock, BLUEPRINT, {
      id: emptyBlueprint.id,
      body: refBody(BLUEPRINT, 'groups', securityGroup.id),
      session: freshSession('sec'),
    });
    expectGraphError(
      reply,
      checkExample(BLUEPRINT, (c) => c.require?.groupTypes !== undefined),
    );
  });

  it('a role-assignable group is 400 roleAssignableGroupNotSupported', async () => {
    const reply = await call(mocks.mock, BLUEPRINT, {
      id: emptyBlueprint.id,
      body: refBody(BLUEPRINT, 'groups', roleAssignableGroup.id),
      session: freshSession('role'),
    });
    expectGraphError(
      reply,
      checkExample(BLUEPRINT, (c) => c.deny?.isAssignableToRole === true),
    );
  });

  it('a Microsoft 365 group and a member user pass (204)', async () => {
    const session = freshSession('ok');
    expectNoContent(await call(mocks.mock, BLUEPRINT, { id: emptyBlueprint.id, body: refBody(BLUEPRINT, 'groups', validGroup.id), session }));
    expectNoContent(await call(mocks.mock, BLUEPRINT, { id: emptyBlueprint.id, body: refBody(BLUEPRINT, 'directoryObjects', member.id), session }));
    expect(relation(await directoryOf(mocks.mock, session), emptyBlueprint.id, 'sponsors')).toEqual([validGroup.id, member.id]);
  });
});

describe('users and internal sponsors take users and groups only', () => {
  it.each([USERS, INTERNAL])('%s: an agent user is 400 sponsorTypeNotSupported', async (operationId) => {
    const reply = await call(mocks.mock, operationId, {
      id: existingTarget[operationId],
      body: refBody(operationId, 'users', agentUser.id),
      session: freshSession('agent'),
    });
    expectGraphError(reply, typeNotSupported(operationId));
  });
});

describe('unknown ids: created on first use (open) or 404 (strict)', () => {
  it.each(referenceOperations)('%s, open: an unknown target and sponsor are created with the relation (204)', async (operationId) => {
    const session = freshSession('open');
    const [target, sponsor] = [freshId(), freshId()];
    expectNoContent(await call(mocks.mock, operationId, { id: target, body: refBody(operationId, 'users', sponsor), session }));
    const directory = await directoryOf(mocks.mock, session);
    expect(holds(directory, sponsor)).toBe(true);
    expect(relation(directory, target, rulesOf(operationId).reference.property)).toEqual([sponsor]);
  });

  it.each(referenceOperations)('%s, strict: an unknown target is 404 naming it, and nothing is created', async (operationId) => {
    const session = freshSession('strict-t');
    const target = freshId();
    const reply = await call(mocks.strict, operationId, { id: target, body: refBody(operationId, 'users', member.id), session });
    expectGraphError(reply, notFound(operationId, target));
    expect(holds(await directoryOf(mocks.strict, session), target)).toBe(false);
  });

  it.each(referenceOperations)('%s, strict: an unknown sponsor is 404 naming it, and nothing is created', async (operationId) => {
    const session = freshSession('strict-s');
    const sponsor = freshId();
    const reply = await call(mocks.strict, operationId, { id: existingTarget[operationId], body: refBody(operationId, 'users', sponsor), session });
    expectGraphError(reply, { ...documented(operationId, rulesOf(operationId).reference.notFound), message: notFound(operationId, sponsor).message });
    expect(holds(await directoryOf(mocks.strict, session), sponsor)).toBe(false);
  });

  it.each(referenceOperations)('%s, strict: objects the fixture holds pass (204)', async (operationId) => {
    expectNoContent(
      await call(mocks.strict, operationId, {
        id: existingTarget[operationId],
        body: refBody(operationId, 'groups', validGroup.id),
        session: freshSession('strict-ok'),
      }),
    );
  });

  it('strict: every documented add and create still succeeds (the spec’s examples are seeded)', async () => {
    for (const example of requestExamples(spec)) {
      // A session each: twins in two versions name the same objects.
      const session = freshSession('strict-doc');
      const res = await parityFetch(`${mocks.strict}${example.path}`, {
        method: example.method.toUpperCase(),
        headers: { authorization: 'Bearer x', 'content-type': 'application/json', 'x-mock-session': session },
        body: JSON.stringify(example.body),
      });
      expect(res.status, `${example.operationId} ${example.name}: ${await res.text()}`).toBe(successStatus(example.operationId));
    }
  });
});

describe('an object of another type under a typed path is not found (404), even in an open directory', () => {
  it("a group's id under /users/{id}", async () => {
    const reply = await call(mocks.mock, USERS, { id: validGroup.id, body: refBody(USERS, 'users', member.id), session: freshSession('wrong') });
    expectGraphError(reply, notFound(USERS, validGroup.id));
  });

  it('an application that is not a blueprint under the blueprint cast', async () => {
    const reply = await call(mocks.mock, BLUEPRINT, { id: plainApplication.id, body: refBody(BLUEPRINT, 'users', member.id), session: freshSession('wrong') });
    expectGraphError(reply, notFound(BLUEPRINT, plainApplication.id));
  });

  it("a group's id given as users/{id} in @odata.id", async () => {
    const reply = await call(mocks.mock, USERS, { id: sponsoredGuest.id, body: refBody(USERS, 'users', validGroup.id), session: freshSession('wrong') });
    expectGraphError(reply, { ...documented(USERS, rulesOf(USERS).reference.notFound), message: notFound(USERS, validGroup.id).message });
  });
});

describe('the create operation', () => {
  it('adds a connected organization that GET /_mock/directory lists, with a fresh id and without @odata.type', async () => {
    const session = freshSession('create');
    const example = requestExamples(spec).find((r) => r.operationId === CREATE)!;
    const displayName = `Contoso ${freshId()}`;
    const before = (await directoryOf(mocks.mock, session)).connectedOrganizations ?? [];
    expectNoContent(await call(mocks.mock, CREATE, { body: { ...(example.body as object), displayName }, session }));
    const after = (await directoryOf(mocks.mock, session)).connectedOrganizations ?? [];
    expect(after).toHaveLength(before.length + 1);
    const added = after.find((o: Json) => o.displayName === displayName);
    expect(added).toBeDefined();
    expect(before.map((o: Json) => o.id)).not.toContain(added.id);
    expect(added.state).toBe((example.body as Json).state);
    expect(added).not.toHaveProperty('@odata.type');
  });
});

describe('a rejected request changes nothing', () => {
  it('an unknown target with a refused sponsor (open directory): the target is not created', async () => {
    const session = freshSession('rejected');
    const before = await directoryOf(mocks.mock, session);
    const target = freshId();
    const reply = await call(mocks.mock, BLUEPRINT, { id: target, body: refBody(BLUEPRINT, 'directoryObjects', servicePrincipal.id), session });
    expectGraphError(reply, typeNotSupported(BLUEPRINT));
    expect(await directoryOf(mocks.mock, session)).toEqual(before);
  });

  it('a duplicate: the relation is not doubled', async () => {
    const session = freshSession('rejected-dup');
    const before = await directoryOf(mocks.mock, session);
    expectGraphError(
      await call(mocks.mock, USERS, { id: sponsoredGuest.id, body: refBody(USERS, 'users', sponsoredGuest.sponsors[0]), session }),
      uniqueExample(USERS),
    );
    expect(await directoryOf(mocks.mock, session)).toEqual(before);
  });

  it('an unknown sponsor in strict mode with an unknown target: neither is created', async () => {
    const session = freshSession('rejected-strict');
    const before = await directoryOf(mocks.strict, session);
    const reply = await call(mocks.strict, USERS, { id: freshId(), body: refBody(USERS, 'users', freshId()), session });
    expect(reply.status).toBe(404);
    expect(await directoryOf(mocks.strict, session)).toEqual(before);
  });
});

describe('Prefer still wins over the rules', () => {
  it('Prefer: code=204 on a duplicate answers 204 and changes nothing', async () => {
    const session = freshSession('prefer');
    const before = await directoryOf(mocks.mock, session);
    const reply = await call(mocks.mock, USERS, {
      id: sponsoredGuest.id,
      body: refBody(USERS, 'users', sponsoredGuest.sponsors[0]),
      session,
      headers: { prefer: 'code=204' },
    });
    expectNoContent(reply);
    expect(await directoryOf(mocks.mock, session)).toEqual(before);
  });

  it('Prefer: code=204 on a fresh pair answers 204 without adding the relation (a scripted answer leaves state alone)', async () => {
    const session = freshSession('prefer-fresh');
    const target = freshId();
    expectNoContent(await call(mocks.mock, USERS, { id: target, body: refBody(USERS, 'users', freshId()), session, headers: { prefer: 'code=204' } }));
    expect(holds(await directoryOf(mocks.mock, session), target)).toBe(false);
  });
});

describe('fixtures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mock-state-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const [guestId, sponsorId, groupId] = [freshId(), freshId(), freshId()];
  const good = {
    users: [
      { id: sponsorId, displayName: 'Sponsor', userType: 'Member' },
      { id: guestId, displayName: 'Guest', userType: 'Guest', sponsors: [sponsorId] },
    ],
    groups: [{ id: groupId, displayName: 'Team', groupTypes: ['Unified'] }],
  };
  const goodPath = join(dir, 'good.yaml');
  writeFileSync(goodPath, toYaml(good));
  const badPath = join(dir, 'bad.yaml');
  writeFileSync(badPath, toYaml({ ...good, groups: [{ ...good.groups[0], isAssignableToRole: 'yes' }] }));
  const badEntry = 'groups[0].isAssignableToRole';

  /** The CLI from source, as test/mock.cli.test.ts starts it, with no MOCK_FIXTURE from outside. */
  const cli = (env: Record<string, string>, args: string[]) =>
    startCli(args, { ...process.env, MOCK_FIXTURE: '', PORT: '0', HOST: '127.0.0.1', ...env }, children);

  it('startMockServer({ fixture }) serves that directory as written (no spec seeds), and its relations count', async () => {
    const own = await startMockServer({ port: 0, host: '127.0.0.1', fixture: goodPath });
    try {
      const session = freshSession('fixture');
      const directory = await directoryOf(own.url, session);
      expect(directory.users.map((u: Json) => u.id).sort()).toEqual([guestId, sponsorId].sort());
      expect(directory.groups.map((g: Json) => g.id)).toEqual([groupId]);
      expect(directory.applications ?? []).toEqual([]);
      expectGraphError(await call(own.url, USERS, { id: guestId, body: refBody(USERS, 'users', sponsorId), session }), uniqueExample(USERS));
      expectNoContent(await call(own.url, USERS, { id: guestId, body: refBody(USERS, 'groups', groupId), session }));
    } finally {
      await own.close();
    }
  });

  it('startMockServer({ fixture }) with a bad entry rejects with a FixtureError naming the file and the entry', async () => {
    const started = startMockServer({ port: 0, host: '127.0.0.1', fixture: badPath });
    await expect(started).rejects.toBeInstanceOf(FixtureError);
    await expect(started).rejects.toThrow(badPath);
    await expect(started).rejects.toThrow(badEntry);
  });

  it('startMockServer({ fixture }) with a relation to an id the fixture lacks rejects naming the entry', async () => {
    const dangling = join(dir, 'dangling.json');
    writeFileSync(dangling, JSON.stringify({ users: [{ id: guestId, sponsors: [freshId()] }] }));
    await expect(startMockServer({ port: 0, host: '127.0.0.1', fixture: dangling })).rejects.toThrow(/dangling\.json: users\[0\]\.sponsors\[0\]/);
  });

  it('startMockServer({ idSeed }): two mocks given the same seed and requests create the same ids', async () => {
    const create = 'createConnectedOrganization';
    const { body } = requestExamples(spec).find((r) => r.operationId === create)!;
    const mocks = await Promise.all(['same', 'same', 'other'].map((idSeed) => startMockServer({ port: 0, host: '127.0.0.1', idSeed })));
    try {
      const createdId = async (url: string) => {
        const reply = await call(url, create, { body });
        expect(reply.status).toBe(successStatus(create));
        return String(JSON.parse(reply.text).id);
      };
      const [first, again, other] = [await createdId(mocks[0]!.url), await createdId(mocks[1]!.url), await createdId(mocks[2]!.url)];
      expect(again).toBe(first);
      expect(other).not.toBe(first);
      expect(await createdId(mocks[0]!.url)).not.toBe(first);
    } finally {
      await Promise.all(mocks.map((mock) => mock.close()));
    }
  });

  // The CLI starts through tsx: slow on a loaded machine, hence the longer timeouts.
  it('the CLI with --fixture naming a bad file prints one line naming file and entry, and exits 1', { timeout: 60_000 }, async () => {
    const run = cli({}, ['--fixture', badPath]);
    expect(await run.exited).toBe(1);
    const { stdout, stderr } = run.output();
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^graph-sponsors-mock: [^\n]+\n$/);
    expect(stderr).toContain(badPath);
    expect(stderr).toContain(badEntry);
  });

  it('the CLI reads MOCK_FIXTURE', { timeout: 60_000 }, async () => {
    const run = cli({ MOCK_FIXTURE: goodPath }, []);
    const url = await run.listening;
    try {
      const directory = await directoryOf(url, freshSession('env'));
      expect(directory.users.map((u: Json) => u.id).sort()).toEqual([guestId, sponsorId].sort());
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });
});
