// The directory rules (src/mock/rules.ts) on a small inline spec written like the real one (x-rules in the shape of
// the issue 10 design), so these tests do not depend on the real spec's rules: each check kind, strict and open
// directories, read URLs, type casts, the create operation, and that a rejected request changes nothing.
// No socket. The last block runs the real spec's documented requests against its default directory.
import { describe, expect, it } from 'vitest';
import { Directory } from '../src/mock/directory.js';
import { loadFixture, specSeeds, validateFixture, type Fixture } from '../src/mock/fixture.js';
import { parseReadUrl, serverHosts } from '../src/mock/read-url.js';
import { applyRules, compileRules, type OperationRules, type RuleOutcome } from '../src/mock/rules.js';
import { requestExamples, type Spec } from '../src/spec/walk.js';
import { loadSpec } from './support/spec.js';

const error = (code: string) => ({ value: { error: { code, message: `${code} text` } } });
const responses = (bad: string[]) => ({
  '204': { description: 'No Content' },
  '400': { description: 'Bad', content: { 'application/json': { examples: Object.fromEntries(bad.map((name) => [name, error(name)])) } } },
  '404': { description: 'Not found', content: { 'application/json': { examples: { resourceNotFound: error('Request_ResourceNotFound') } } } },
});
const idParam = (value: string) => [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, examples: { documented: { value } } }];
const refBody = (url: string) => ({ content: { 'application/json': { examples: { documented: { value: { '@odata.id': url } } } } } });
const G = 'https://graph.microsoft.com';
/** The Graph hosts of the real spec's servers. */
const HOSTS = serverHosts(loadSpec().servers);

/** Four operations like the real spec's, with x-rules as the design writes them. */
const fragment: Spec = {
  servers: [{ url: G }, { url: 'https://graph.microsoft.us' }],
  paths: {
    '/v1.0/users/{id}/sponsors/$ref': {
      parameters: idParam('seed-guest'),
      post: {
        operationId: 'addUserSponsor',
        'x-rules': {
          target: { parameter: 'id', entitySet: 'users', types: ['user', 'agentUser'], notFound: 'resourceNotFound' },
          reference: { property: 'sponsors', from: '@odata.id', notFound: 'resourceNotFound' },
          checks: [
            { deny: { type: ['servicePrincipal', 'agentUser', 'application', 'agentIdentityBlueprint'] }, example: 'sponsorTypeNotSupported' },
            { unique: true, example: 'referenceAlreadyExists' },
          ],
        },
        requestBody: refBody(`${G}/v1.0/users/seed-sponsor`),
        responses: responses(['referenceAlreadyExists', 'sponsorTypeNotSupported']),
      },
    },
    '/beta/applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors/$ref': {
      parameters: idParam('seed-blueprint'),
      post: {
        operationId: 'addAgentIdentityBlueprintSponsor',
        'x-rules': {
          target: {
            parameter: 'id',
            entitySet: 'applications',
            cast: 'agentIdentityBlueprint',
            types: ['agentIdentityBlueprint'],
            notFound: 'resourceNotFound',
          },
          reference: { property: 'sponsors', from: '@odata.id', notFound: 'resourceNotFound' },
          checks: [
            { deny: { type: ['servicePrincipal', 'agentUser'] }, example: 'sponsorTypeNotSupported' },
            { deny: { type: 'group', isAssignableToRole: true }, example: 'roleAssignableGroupNotSupported' },
            { require: { groupTypes: ['Unified', 'DynamicMembership'] }, when: { type: 'group' }, example: 'groupTypeNotSupported' },
            { unique: true, example: 'referenceAlreadyExists' },
            { maxCount: 100, example: 'sponsorLimitReached' },
            { maxCount: 5, when: { type: 'group' }, example: 'groupSponsorLimitReached' },
          ],
        },
        requestBody: refBody(`${G}/beta/directoryObjects/seed-directory-object`),
        responses: responses([
          'sponsorTypeNotSupported',
          'roleAssignableGroupNotSupported',
          'groupTypeNotSupported',
          'referenceAlreadyExists',
          'sponsorLimitReached',
          'groupSponsorLimitReached',
        ]),
      },
    },
    '/v1.0/identityGovernance/entitlementManagement/connectedOrganizations/{id}/internalSponsors/$ref': {
      parameters: idParam('seed-org'),
      post: {
        operationId: 'addConnectedOrganizationInternalSponsor',
        'x-rules': {
          target: { parameter: 'id', entitySet: 'connectedOrganizations', types: ['connectedOrganization'], notFound: 'resourceNotFound' },
          reference: { property: 'internalSponsors', from: '@odata.id', notFound: 'resourceNotFound' },
          checks: [{ unique: true, example: 'referenceAlreadyExists' }],
        },
        requestBody: refBody(`${G}/v1.0/groups/seed-group`),
        responses: responses(['referenceAlreadyExists']),
      },
    },
    '/beta/identityGovernance/entitlementManagement/connectedOrganizations/$ref': {
      post: {
        operationId: 'addConnectedOrganization',
        'x-rules': { creates: { entitySet: 'connectedOrganizations', type: 'connectedOrganization' } },
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  id: { type: 'string', readOnly: true },
                  createdBy: { $ref: '#/components/schemas/readOnlyString' },
                  displayName: { type: 'string' },
                },
              },
            },
          },
        },
        responses: responses([]),
      },
    },
  },
  components: { schemas: { readOnlyString: { type: 'string', readOnly: true } } },
};

const rules = compileRules(fragment);
const rulesOf = (operationId: string): OperationRules => rules.get(operationId)!;
const userSponsor = rulesOf('addUserSponsor');
const blueprintSponsor = rulesOf('addAgentIdentityBlueprintSponsor');
const internalSponsor = rulesOf('addConnectedOrganizationInternalSponsor');
const createOrg = rulesOf('addConnectedOrganization');

/** A strict, small directory: ids say what each object is. */
const base: Fixture = {
  users: [
    { id: 'member', userPrincipalName: 'Adele@contoso.com', userType: 'Member' },
    { id: 'guest', userPrincipalName: 'megan_fabrikam.com#EXT#@contoso.onmicrosoft.com', userType: 'Guest', sponsors: ['member'] },
  ],
  agentUsers: [{ id: 'agent' }],
  groups: [
    { id: 'm365', groupTypes: ['Unified'] },
    { id: 'dynamic', groupTypes: ['DynamicMembership'], membershipRule: '(user.userType -eq "Guest")' },
    { id: 'security', groupTypes: [] },
    { id: 'noTypes' },
    { id: 'roleAssignable', groupTypes: ['Unified'], isAssignableToRole: true },
  ],
  servicePrincipals: [{ id: 'sp' }],
  applications: [{ id: 'blueprint', agentIdentityBlueprint: true }, { id: 'plainApp' }],
  connectedOrganizations: [{ id: 'org' }],
};
const fresh = (fixture: Fixture = base) => Directory.fromFixture(validateFixture(fixture, 'test'));

const ref = (set: string, key: string, version = 'v1.0') => ({ '@odata.id': `${G}/${version}/${set}/${encodeURIComponent(key)}` });
function apply(r: OperationRules, directory: Directory, id: string | undefined, body: unknown, strict = true): RuleOutcome {
  return applyRules(r, directory, { pathParams: id === undefined ? {} : { id }, body, strict });
}
/** Applies and commits; returns the failure's example, or 'ok'. */
function run(r: OperationRules, directory: Directory, id: string, body: unknown, strict = true): string {
  const outcome = apply(r, directory, id, body, strict);
  if (!outcome.ok) return `${outcome.status} ${outcome.example}`;
  outcome.commit();
  return 'ok';
}

describe('compileRules', () => {
  it('takes each answer status from the response that holds its example, and read-only properties from the body schema', () => {
    expect(blueprintSponsor.target).toMatchObject({
      status: 404,
      example: 'resourceNotFound',
      entitySet: 'applications',
      cast: 'agentIdentityBlueprint',
      types: ['agentIdentityBlueprint'],
    });
    expect(blueprintSponsor.checks.map((c) => [c.kind, c.status, c.example])).toEqual([
      ['deny', 400, 'sponsorTypeNotSupported'],
      ['deny', 400, 'roleAssignableGroupNotSupported'],
      ['require', 400, 'groupTypeNotSupported'],
      ['unique', 400, 'referenceAlreadyExists'],
      ['maxCount', 400, 'sponsorLimitReached'],
      ['maxCount', 400, 'groupSponsorLimitReached'],
    ]);
    expect(createOrg.creates).toEqual({ entitySet: 'connectedOrganizations', type: 'connectedOrganization', readOnly: ['id', 'createdBy'], stamped: [] });
  });

  const broken = (xRules: unknown): Spec => {
    const copy = structuredClone(fragment);
    (copy.paths!['/v1.0/users/{id}/sponsors/$ref']!.post as Record<string, unknown>)['x-rules'] = xRules;
    return copy;
  };
  const target = { parameter: 'id', entitySet: 'users', types: ['user'], notFound: 'resourceNotFound' };
  const reference = { property: 'sponsors', from: '@odata.id', notFound: 'resourceNotFound' };
  it.each([
    [
      'an example the operation lacks',
      { target, reference, checks: [{ unique: true, example: 'sponsorLimitReached' }] },
      /checks\[0\]\.example names sponsorLimitReached/,
    ],
    ['an unknown type', { target, reference, checks: [{ deny: { type: 'robot' }, example: 'sponsorTypeNotSupported' }] }, /checks\[0\]\.deny\.type/],
    ['a type the entity set does not hold', { target: { ...target, types: ['group'] } }, /target\.types/],
    ['a relation the fixture schema lacks', { target, reference: { ...reference, property: 'members' } }, /members is no relation of user/],
    ['a cast that does not accept the types', { target: { ...target, cast: 'agentUser' } }, /target\.cast "agentUser"/],
    ['a parameter the path lacks', { target: { ...target, parameter: 'userId' } }, /target\.parameter userId/],
    ['a check of no known kind', { target, reference, checks: [{ maxCount: -1, example: 'sponsorTypeNotSupported' }] }, /none of deny/],
  ])('refuses %s, naming the operation', (_label, xRules, message) => {
    expect(() => compileRules(broken(xRules))).toThrow(message);
    expect(() => compileRules(broken(xRules))).toThrow(/^addUserSponsor: x-rules /);
  });
});

describe('applyRules: the checks', () => {
  it('deny: a service principal through directoryObjects, and an agent user, are not blueprint sponsors', () => {
    const d = fresh();
    expect(run(blueprintSponsor, d, 'blueprint', ref('directoryObjects', 'sp', 'beta'))).toBe('400 sponsorTypeNotSupported');
    expect(run(blueprintSponsor, d, 'blueprint', ref('users', 'agent', 'beta'))).toBe('400 sponsorTypeNotSupported');
    expect(run(blueprintSponsor, d, 'blueprint', ref('directoryObjects', 'agent', 'beta'))).toBe('400 sponsorTypeNotSupported');
    expect(run(userSponsor, d, 'guest', ref('directoryObjects', 'sp'))).toBe('400 sponsorTypeNotSupported');
  });

  it('deny on two properties: a role-assignable group is refused, a group that is not role-assignable passes', () => {
    const d = fresh();
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'roleAssignable', 'beta'))).toBe('400 roleAssignableGroupNotSupported');
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'm365', 'beta'))).toBe('ok');
  });

  it('require + when: a security group (or one without groupTypes) is refused; Microsoft 365, dynamic groups and users pass', () => {
    const d = fresh();
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'security', 'beta'))).toBe('400 groupTypeNotSupported');
    expect(run(blueprintSponsor, d, 'blueprint', ref('directoryObjects', 'noTypes', 'beta'))).toBe('400 groupTypeNotSupported');
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'm365', 'beta'))).toBe('ok');
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'dynamic', 'beta'))).toBe('ok');
    // A user lacks groupTypes, but `when` limits the rule to groups.
    expect(run(blueprintSponsor, d, 'blueprint', ref('users', 'member', 'beta'))).toBe('ok');
    expect(d.related('blueprint', 'sponsors')).toEqual(['m365', 'dynamic', 'member']);
  });

  it('unique: the same sponsor twice is referenceAlreadyExists, on every sponsor operation', () => {
    const d = fresh();
    expect(run(userSponsor, d, 'guest', ref('users', 'member'))).toBe('400 referenceAlreadyExists');
    expect(run(internalSponsor, d, 'org', ref('groups', 'm365'))).toBe('ok');
    expect(run(internalSponsor, d, 'org', ref('groups', 'm365'))).toBe('400 referenceAlreadyExists');
    expect(run(blueprintSponsor, d, 'blueprint', ref('directoryObjects', 'member', 'beta'))).toBe('ok');
    // Another URL form of the same object is still the same reference.
    expect(run(blueprintSponsor, d, 'blueprint', ref('users', 'member', 'beta'))).toBe('400 referenceAlreadyExists');
  });

  it('maxCount: the 101st sponsor is sponsorLimitReached', () => {
    const d = fresh();
    for (let i = 0; i < 100; i++) expect(run(blueprintSponsor, d, 'blueprint', ref('users', `user-${i}`, 'beta'), false)).toBe('ok');
    expect(d.related('blueprint', 'sponsors')).toHaveLength(100);
    expect(run(blueprintSponsor, d, 'blueprint', ref('users', 'user-100', 'beta'), false)).toBe('400 sponsorLimitReached');
    expect(run(blueprintSponsor, d, 'blueprint', ref('users', 'member', 'beta'))).toBe('400 sponsorLimitReached');
    expect(d.related('blueprint', 'sponsors')).toHaveLength(100);
  });

  it('maxCount + when: the 6th group is groupSponsorLimitReached, while a user still passes', () => {
    const d = fresh();
    for (let i = 0; i < 5; i++) expect(run(blueprintSponsor, d, 'blueprint', ref('groups', `group-${i}`, 'beta'), false)).toBe('ok');
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'm365', 'beta'))).toBe('400 groupSponsorLimitReached');
    expect(run(blueprintSponsor, d, 'blueprint', ref('users', 'member', 'beta'))).toBe('ok');
  });

  it('an agent user may have sponsors, and a security group may sponsor a user: only the blueprint limits group types', () => {
    const d = fresh();
    expect(run(userSponsor, d, 'agent', ref('users', 'member'))).toBe('ok');
    expect(run(userSponsor, d, 'guest', ref('groups', 'security'))).toBe('ok');
    expect(run(internalSponsor, d, 'org', ref('groups', 'roleAssignable'))).toBe('ok');
    expect(d.related('agent', 'sponsors')).toEqual(['member']);
  });

  it('checks apply in order: the first that fails answers', () => {
    const d = fresh();
    for (let i = 0; i < 5; i++) run(blueprintSponsor, d, 'blueprint', ref('groups', `group-${i}`, 'beta'), false);
    // Both the group-type rule and the group limit fail: the group-type rule comes first.
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'security', 'beta'))).toBe('400 groupTypeNotSupported');
    // Already a sponsor and at the group limit: unique comes first.
    expect(run(blueprintSponsor, d, 'blueprint', ref('groups', 'group-0', 'beta'))).toBe('400 referenceAlreadyExists');
  });
});

describe('applyRules: objects that are missing or of another type', () => {
  it('strict: a missing target, then a missing reference, is the notFound example with the missing key', () => {
    const d = fresh();
    expect(apply(userSponsor, d, 'nobody', ref('users', 'member'))).toEqual({ ok: false, status: 404, example: 'resourceNotFound', id: 'nobody' });
    expect(apply(userSponsor, d, 'guest', ref('users', 'ghost'))).toEqual({ ok: false, status: 404, example: 'resourceNotFound', id: 'ghost' });
    expect(apply(internalSponsor, d, 'org-x', ref('users', 'member'))).toMatchObject({ status: 404, id: 'org-x' });
  });

  it('open: both are created on first use, typed by their entity set, only when committed', () => {
    const d = fresh();
    const before = d.size;
    const outcome = apply(blueprintSponsor, d, 'new-blueprint', ref('groups', 'new-group', 'beta'), false);
    expect(outcome.ok).toBe(true);
    expect(d.size).toBe(before);
    if (outcome.ok) outcome.commit();
    expect(d.get('new-blueprint')).toMatchObject({ type: 'agentIdentityBlueprint' });
    // A created group is a Microsoft 365 group, so it passes the group-type rule.
    expect(d.get('new-group')).toMatchObject({ type: 'group', properties: { groupTypes: ['Unified'] } });
    expect(d.related('new-blueprint', 'sponsors')).toEqual(['new-group']);
    expect(d.size).toBe(before + 3);
    expect(run(userSponsor, d, 'new-user', ref('directoryObjects', 'new-object'), false)).toBe('ok');
    expect(d.get('new-object')).toMatchObject({ type: 'user' });
    expect(run(internalSponsor, d, 'new-org', ref('users', 'new-user'), false)).toBe('ok');
    expect(d.get('new-org')).toMatchObject({ type: 'connectedOrganization' });
  });

  it('a target of another type is not found, also in an open directory (a group under /users, a plain application under the blueprint cast)', () => {
    const d = fresh();
    for (const strict of [true, false]) {
      expect(apply(userSponsor, d, 'm365', ref('users', 'member'), strict)).toMatchObject({ status: 404, id: 'm365' });
      expect(apply(blueprintSponsor, d, 'plainApp', ref('users', 'member', 'beta'), strict)).toMatchObject({ status: 404, id: 'plainApp' });
      expect(apply(internalSponsor, d, 'member', ref('users', 'member'), strict)).toMatchObject({ status: 404, id: 'member' });
    }
    expect(d.get('m365')?.type).toBe('group');
  });

  it('a reference of another type than its URL names is not found (a group as users/{id}, a user cast to a group)', () => {
    const d = fresh();
    for (const strict of [true, false]) {
      expect(apply(userSponsor, d, 'guest', ref('users', 'm365'), strict)).toMatchObject({ status: 404, id: 'm365' });
      expect(apply(userSponsor, d, 'guest', { '@odata.id': `${G}/v1.0/directoryObjects/member/microsoft.graph.group` }, strict)).toMatchObject({ status: 404 });
    }
    expect(run(userSponsor, d, 'guest', { '@odata.id': `${G}/v1.0/directoryObjects/m365/microsoft.graph.group` })).toBe('ok');
  });

  it('one new id as target and as a reference of another type: the reference is not found, and nothing is created', () => {
    const d = fresh();
    const before = d.size;
    expect(apply(userSponsor, d, 'twin', ref('groups', 'TWIN'), false)).toMatchObject({ ok: false, status: 404, example: 'resourceNotFound', id: 'TWIN' });
    expect(d.size).toBe(before);
    // The same type under one id is one object: a new user sponsoring itself is created once.
    expect(run(userSponsor, d, 'self', ref('users', 'self'), false)).toBe('ok');
    expect(d.related('self', 'sponsors')).toEqual(['self']);
    expect(d.size).toBe(before + 2);
  });

  it.each([
    ['no body', undefined],
    ['no @odata.id', {}],
    ['not a string', { '@odata.id': 42 }],
    ['a bare id', { '@odata.id': 'member' }],
    ['http', { '@odata.id': `http://graph.microsoft.com/v1.0/users/member` }],
    ['a query', { '@odata.id': `${G}/v1.0/users/member?x=1` }],
    ['an unknown version', { '@odata.id': `${G}/v2.0/users/member` }],
    ['an unknown entity set', { '@odata.id': `${G}/v1.0/devices/member` }],
    ['too many segments', { '@odata.id': `${G}/v1.0/users/member/manager/x` }],
    ['an unknown cast', { '@odata.id': `${G}/v1.0/users/member/microsoft.graph.robot` }],
    ['a bad escape', { '@odata.id': `${G}/v1.0/users/%E0%A4%A` }],
  ])('an @odata.id it cannot read (%s) is the reference notFound, even in an open directory', (_label, body) => {
    const d = fresh();
    expect(apply(userSponsor, d, 'guest', body, false)).toMatchObject({ ok: false, status: 404, example: 'resourceNotFound' });
    expect(d.size).toBe(fresh().size);
  });

  it('a userPrincipalName target (#EXT#, any case) is the user it names; an unknown one is created with a fresh id', () => {
    const d = fresh();
    expect(run(userSponsor, d, 'MEGAN_fabrikam.com#EXT#@contoso.onmicrosoft.com', ref('users', 'member'))).toBe('400 referenceAlreadyExists');
    expect(run(userSponsor, d, 'megan_fabrikam.com#EXT#@contoso.onmicrosoft.com', ref('groups', 'm365'))).toBe('ok');
    expect(d.related('guest', 'sponsors')).toEqual(['member', 'm365']);
    // A UPN reference: users/{upn} (percent-encoded) is found too.
    expect(run(internalSponsor, d, 'org', ref('users', 'adele@CONTOSO.com'))).toBe('ok');
    expect(d.related('org', 'internalSponsors')).toEqual(['member']);
    expect(apply(userSponsor, d, 'new_x.com#EXT#@contoso.onmicrosoft.com', ref('users', 'member'))).toMatchObject({
      status: 404,
      id: 'new_x.com#EXT#@contoso.onmicrosoft.com',
    });
    expect(run(userSponsor, d, 'new_x.com#EXT#@contoso.onmicrosoft.com', ref('users', 'member'), false)).toBe('ok');
    const created = d.find('users', 'NEW_x.com#EXT#@contoso.onmicrosoft.com')!;
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.properties).toEqual({ userPrincipalName: 'new_x.com#EXT#@contoso.onmicrosoft.com' });
  });

  it('a rejected request changes nothing, in an open directory too', () => {
    const d = fresh();
    const before = JSON.stringify(d.toFixture());
    // The target would be created, but the sponsor is refused: neither the target nor anything else appears.
    expect(run(blueprintSponsor, d, 'unknown-blueprint', ref('directoryObjects', 'sp', 'beta'), false)).toBe('400 sponsorTypeNotSupported');
    expect(run(userSponsor, d, 'unknown-user', ref('users', 'm365'), false)).toBe('404 resourceNotFound');
    expect(JSON.stringify(d.toFixture())).toBe(before);
  });
});

describe('applyRules: the create operation', () => {
  it('inserts the body as a new object with a fresh id, without read-only properties or annotations', () => {
    const d = fresh();
    const body = { '@odata.type': '#microsoft.graph.connectedOrganization', id: 'chosen', createdBy: 'x', displayName: 'Fabrikam', state: 'proposed' };
    const first = apply(createOrg, d, undefined, body);
    const second = apply(createOrg, d, undefined, body);
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) {
      first.commit();
      second.commit();
    }
    const orgs = d.toFixture().connectedOrganizations!.filter((o) => o.displayName === 'Fabrikam');
    expect(orgs).toHaveLength(2);
    expect(orgs[0]!.id).not.toBe(orgs[1]!.id);
    expect(orgs[0]).toEqual({ id: orgs[0]!.id, displayName: 'Fabrikam', state: 'proposed' });
    expect(d.get('chosen')).toBeUndefined();
  });
});

describe('read URLs', () => {
  it('reads version, entity set (any case), percent-decoded key and a type cast', () => {
    expect(parseReadUrl(`${G}/beta/directoryObjects/abc`, HOSTS)).toEqual({ version: 'beta', entitySet: 'directoryObjects', key: 'abc' });
    expect(parseReadUrl(`https://graph.microsoft.us/v1.0/Users/a%23EXT%23%40b.com/microsoft.graph.user`, HOSTS)).toEqual({
      version: 'v1.0',
      entitySet: 'users',
      key: 'a#EXT#@b.com',
      cast: 'user',
    });
    expect(parseReadUrl(`${G}/v1.0/users/a%2Fb`, HOSTS)?.key).toBe('a/b');
  });
});

describe('spec seeds', () => {
  it('are the objects the examples name: path-parameter examples as the target type, read URLs as their entity set type', () => {
    const seeds = specSeeds(fragment);
    expect(seeds).toEqual({
      users: [{ id: 'seed-guest' }, { id: 'seed-sponsor' }, { id: 'seed-directory-object' }],
      groups: [{ id: 'seed-group', groupTypes: ['Unified'] }],
      applications: [{ id: 'seed-blueprint', agentIdentityBlueprint: true }],
      connectedOrganizations: [{ id: 'seed-org' }],
    });
    expect(() => validateFixture(seeds, 'seeds')).not.toThrow();
  });

  /** Each documented request of a spec, in a fresh strict directory of its default fixture: 204, i.e. ok. */
  function documentedRequestsPass(spec: Spec): number {
    const compiled = compileRules(spec);
    const fixture = loadFixture(undefined, spec);
    let checked = 0;
    for (const example of requestExamples(spec)) {
      const r = compiled.get(example.operationId);
      if (!r) continue;
      const outcome = applyRules(r, Directory.fromFixture(fixture), { pathParams: example.pathParams, body: example.body, strict: true });
      expect(outcome, `${example.operationId} ${example.name}`).toMatchObject({ ok: true });
      checked++;
    }
    return checked;
  }

  it('make every documented request of the fragment pass in a strict directory with the default fixture', () => {
    expect(documentedRequestsPass(fragment)).toBe(3);
  });

  it('make every documented request of the real spec that has x-rules pass in a strict directory', () => {
    const spec = loadSpec() as Spec;
    const withRules = requestExamples(spec).filter((e) => compileRules(spec).has(e.operationId)).length;
    expect(documentedRequestsPass(spec)).toBe(withRules);
  });
});
