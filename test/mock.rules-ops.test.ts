// Issue 11's mock logic, without a socket: the list, remove and create rules and `reference.invalid` on a small
// inline spec written like the real one (so these tests do not depend on the real spec's rules), the bodies the
// directory answers with, the read URL forms, the type cast spellings, and the deprecation headers.
import { describe, expect, it } from 'vitest';
import { Directory } from '../src/mock/directory.js';
import { deprecationHeaders } from '../src/mock/graph-headers.js';
import { castType, parseReadUrl, serverHosts } from '../src/mock/read-url.js';
import { castSpellings } from '../src/mock/routes.js';
import { ruleAnswerBody } from '../src/mock/rule-answers.js';
import { applyRules, compileRules, type RuleOutcome, type RuleResult } from '../src/mock/rules.js';
import type { Spec } from '../src/spec/walk.js';

const G = 'https://graph.microsoft.com';
const servers = [{ url: G }, { url: 'https://graph.microsoft.us' }, { url: 'https://microsoftgraph.chinacloudapi.cn' }];
const HOSTS = serverHosts(servers);
const error = (code: string) => ({ value: { error: { code, message: `${code} text about 'placeholder'` } } });
const responses = (success: string, bad: string[] = []) => ({
  [success]: { description: 'Success' },
  '400': { description: 'Bad', content: { 'application/json': { examples: Object.fromEntries(bad.map((name) => [name, error(name)])) } } },
  '404': { description: 'Not found', content: { 'application/json': { examples: { resourceNotFound: error('Request_ResourceNotFound') } } } },
});
const param = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const userTarget = { parameter: 'id', entitySet: 'users', types: ['user', 'agentUser'], notFound: 'resourceNotFound' };
const orgSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', readOnly: true },
    displayName: { type: 'string' },
    createdBy: { type: 'string', readOnly: true },
    createdDateTime: { type: 'string', format: 'date-time', readOnly: true },
    modifiedDateTime: { type: 'string', format: 'date-time', readOnly: true },
  },
};

const fragment: Spec = {
  servers,
  paths: {
    '/v1.0/users/{id}/sponsors/$ref': {
      parameters: [param('id')],
      post: {
        operationId: 'add',
        'x-rules': {
          target: userTarget,
          reference: { property: 'sponsors', from: '@odata.id', notFound: 'resourceNotFound', invalid: 'invalidUrlFormat' },
          checks: [
            { deny: { type: ['servicePrincipal'] }, example: 'sponsorTypeNotSupported' },
            { unique: true, example: 'referenceAlreadyExists' },
          ],
        },
        responses: responses('204', ['invalidUrlFormat', 'sponsorTypeNotSupported', 'referenceAlreadyExists']),
      },
    },
    '/v1.0/users/{id}/sponsors': {
      parameters: [param('id')],
      get: { operationId: 'list', 'x-rules': { target: userTarget, lists: { property: 'sponsors' } }, responses: responses('200') },
    },
    '/v1.0/users/{id}/sponsors/{sponsorId}/$ref': {
      parameters: [param('id'), param('sponsorId')],
      delete: {
        operationId: 'remove',
        'x-rules': { target: userTarget, removes: { property: 'sponsors', parameter: 'sponsorId', notFound: 'resourceNotFound' } },
        responses: responses('204'),
      },
    },
    '/v1.0/identityGovernance/entitlementManagement/connectedOrganizations': {
      post: {
        operationId: 'create',
        'x-rules': { creates: { entitySet: 'connectedOrganizations', type: 'connectedOrganization' } },
        requestBody: { content: { 'application/json': { schema: orgSchema } } },
        responses: responses('201'),
      },
    },
  },
};
const rules = compileRules(fragment);
const rule = (operationId: string) => rules.get(operationId)!;

function run(operationId: string, d: Directory, pathParams: Record<string, string>, body?: unknown, strict = false): RuleOutcome {
  return applyRules(rule(operationId), d, { pathParams, body, strict, now: new Date('2026-11-26T19:00:00.000Z') });
}
function commit(outcome: RuleOutcome): RuleResult {
  if (!outcome.ok) throw new Error(`refused: ${outcome.example}`);
  return outcome.commit();
}
const add = (d: Directory, owner: string, url: string) => run('add', d, { id: owner }, { '@odata.id': url });
const listed = (d: Directory, owner: string, strict = false) => {
  const result = commit(run('list', d, { id: owner }, undefined, strict));
  return result.kind === 'list' ? result.objects.map((o) => o.id) : undefined;
};
const directory = () =>
  Directory.fromFixture({
    users: [{ id: 'guest' }, { id: 'alice', displayName: 'Alice' }, { id: 'bob' }],
    agentUsers: [{ id: 'agent' }],
    groups: [{ id: 'team', groupTypes: ['Unified'] }],
    servicePrincipals: [{ id: 'sp' }],
  });

describe('compileRules: lists, removes, creates and reference.invalid', () => {
  it('reads each from x-rules, with the status of the example it names and the service root of its path', () => {
    expect(rule('list')).toMatchObject({ lists: { property: 'sponsors' }, serviceRoot: `${G}/v1.0`, resourcePath: 'users/{id}/sponsors' });
    expect(rule('remove').removes).toEqual({ property: 'sponsors', parameter: 'sponsorId', example: 'resourceNotFound', status: 404 });
    expect(rule('add').reference).toMatchObject({ invalid: { example: 'invalidUrlFormat', status: 400 }, hosts: HOSTS });
    expect(rule('create').creates).toEqual({
      entitySet: 'connectedOrganizations',
      type: 'connectedOrganization',
      readOnly: ['id', 'createdBy', 'createdDateTime', 'modifiedDateTime'],
      stamped: ['createdDateTime', 'modifiedDateTime'],
    });
    expect(rule('create').resourcePath).toBe('identityGovernance/entitlementManagement/connectedOrganizations');
  });

  const broken = (xRules: unknown, path = '/v1.0/users/{id}/sponsors/{sponsorId}/$ref'): Spec => ({
    servers,
    paths: { [path]: { parameters: [param('id'), param('sponsorId')], delete: { operationId: 'bad', 'x-rules': xRules, responses: responses('204') } } },
  });
  it.each([
    ['a list without a target', { lists: { property: 'sponsors' } }, /lists needs a target/],
    ['a list of a relation the fixture schema lacks', { target: userTarget, lists: { property: 'owners' } }, /no relation of user/],
    [
      'a remove naming the target parameter',
      { target: userTarget, removes: { property: 'sponsors', parameter: 'id', notFound: 'resourceNotFound' } },
      /removes.parameter/,
    ],
    [
      'a remove of no path parameter',
      { target: userTarget, removes: { property: 'sponsors', parameter: 'x', notFound: 'resourceNotFound' } },
      /removes.parameter/,
    ],
    [
      'a remove whose notFound the operation lacks',
      { target: userTarget, removes: { property: 'sponsors', parameter: 'sponsorId', notFound: 'nope' } },
      /removes.notFound/,
    ],
    [
      'a list and a remove at once',
      { target: userTarget, lists: { property: 'sponsors' }, removes: { property: 'sponsors', parameter: 'sponsorId', notFound: 'resourceNotFound' } },
      /more than one/,
    ],
  ])('refuses %s, naming the operation', (_label, xRules, message) => {
    expect(() => compileRules(broken(xRules))).toThrow(message);
    expect(() => compileRules(broken(xRules))).toThrow(/^bad: /);
  });
});

describe('applyRules: list, remove, create', () => {
  it('an add shows in the list, in the order the relation was made; the list changes nothing', () => {
    const d = directory();
    expect(listed(d, 'guest')).toEqual([]);
    commit(add(d, 'guest', `${G}/v1.0/users/bob`));
    commit(add(d, 'guest', `${G}/v1.0/groups/team`));
    commit(add(d, 'guest', `${G}/v1.0/users/ALICE`));
    expect(listed(d, 'guest')).toEqual(['bob', 'team', 'alice']);
    expect(d.related('guest', 'sponsors')).toEqual(['bob', 'team', 'alice']);
  });

  it('a list of a target an open directory lacks is empty and creates nothing; a strict directory answers its notFound naming it', () => {
    const d = directory();
    const size = d.size;
    expect(listed(d, 'new-user')).toEqual([]);
    expect(d.size).toBe(size);
    expect(run('list', d, { id: 'new-user' }, undefined, true)).toEqual({ ok: false, status: 404, example: 'resourceNotFound', id: 'new-user' });
    // An object of another type under the path's set is not found either.
    expect(run('list', d, { id: 'team' })).toMatchObject({ ok: false, status: 404, id: 'team' });
  });

  it('remove takes the sponsor out (any letter case of its id); removing it again is the notFound naming the sponsor id', () => {
    const d = directory();
    commit(add(d, 'guest', `${G}/v1.0/users/bob`));
    commit(add(d, 'guest', `${G}/v1.0/users/alice`));
    const size = d.size;
    expect(commit(run('remove', d, { id: 'GUEST', sponsorId: 'BOB' }))).toEqual({ kind: 'none' });
    expect(listed(d, 'guest')).toEqual(['alice']);
    expect(d.size).toBe(size - 1);
    expect(d.get('bob')).toBeDefined(); // the sponsor itself stays in the directory
    expect(run('remove', d, { id: 'guest', sponsorId: 'bob' })).toEqual({ ok: false, status: 404, example: 'resourceNotFound', id: 'bob' });
    // Once removed it may be added again.
    commit(add(d, 'guest', `${G}/v1.0/users/bob`));
    expect(listed(d, 'guest')).toEqual(['alice', 'bob']);
  });

  it('remove on a target an open directory lacks names the sponsor; a strict directory names the target', () => {
    const d = directory();
    expect(run('remove', d, { id: 'nobody', sponsorId: 'bob' })).toMatchObject({ ok: false, status: 404, id: 'bob' });
    expect(run('remove', d, { id: 'nobody', sponsorId: 'bob' }, undefined, true)).toMatchObject({ ok: false, status: 404, id: 'nobody' });
    expect(d.get('nobody')).toBeUndefined();
  });

  it('create makes a new object with a fresh id, the body less read-only properties and annotations, stamped with the time', () => {
    const d = directory();
    const body = {
      '@odata.type': '#microsoft.graph.connectedOrganization',
      id: 'chosen',
      displayName: 'Fabrikam',
      createdBy: 'x',
      createdDateTime: '2000-01-01T00:00:00Z',
    };
    const result = commit(run('create', d, {}, body));
    if (result.kind !== 'created') throw new Error(result.kind);
    expect(result.object.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(result.object).toMatchObject({
      type: 'connectedOrganization',
      properties: { displayName: 'Fabrikam', createdDateTime: '2026-11-26T19:00:00.000Z', modifiedDateTime: '2026-11-26T19:00:00.000Z' },
    });
    expect(Object.keys(result.object.properties).sort()).toEqual(['createdDateTime', 'displayName', 'modifiedDateTime']);
    expect(d.find('connectedOrganizations', result.object.id)).toBe(result.object);
    expect(d.get('chosen')).toBeUndefined();
  });
});

describe('applyRules: reference.invalid', () => {
  it.each([
    ['another host', 'https://evil.example/v1.0/users/bob'],
    ['another port', `${G}:8443/v1.0/users/bob`],
    ['http', 'http://graph.microsoft.com/v1.0/users/bob'],
    ['a relative path', 'v1.0/users/bob'],
    ['a query', `${G}/v1.0/users/bob?x=1`],
  ])('%s is the invalid example (400), and changes nothing', (_label, url) => {
    const d = directory();
    expect(add(d, 'guest', url)).toEqual({ ok: false, status: 400, example: 'invalidUrlFormat' });
    expect(d.related('guest', 'sponsors')).toEqual([]);
  });

  it.each([
    ['a host in another letter case', 'https://Graph.Microsoft.COM/v1.0/users/bob'],
    ['the explicit default port', `${G}:443/v1.0/users/bob`],
    ['an absolute path', '/v1.0/users/bob'],
    ['another cloud and version', 'https://graph.microsoft.us/beta/users/bob'],
    ['directoryObjects', `${G}/v1.0/directoryObjects/bob`],
  ])('%s is read and added', (_label, url) => {
    const d = directory();
    commit(add(d, 'guest', url));
    expect(d.related('guest', 'sponsors')).toEqual(['bob']);
  });

  it('directoryObjects naming a service principal is refused by the type check, not the URL', () => {
    expect(add(directory(), 'guest', `${G}/v1.0/directoryObjects/sp`)).toMatchObject({ ok: false, example: 'sponsorTypeNotSupported' });
  });
});

describe('answer bodies (rule-answers.ts)', () => {
  it('a list is a directoryObjects collection, each object with its OData type (derived types included)', () => {
    const d = directory();
    commit(add(d, 'agent', `${G}/v1.0/users/alice`));
    commit(add(d, 'agent', `${G}/v1.0/groups/team`));
    expect(ruleAnswerBody(rule('list'), commit(run('list', d, { id: 'agent' })))).toEqual({
      '@odata.context': `${G}/v1.0/$metadata#directoryObjects`,
      value: [
        { '@odata.type': '#microsoft.graph.user', id: 'alice', displayName: 'Alice' },
        { '@odata.type': '#microsoft.graph.group', id: 'team', groupTypes: ['Unified'] },
      ],
    });
  });

  it("a create is the entity with Graph's $entity context, id first", () => {
    const result = commit(run('create', directory(), {}, { displayName: 'Fabrikam' }));
    const body = ruleAnswerBody(rule('create'), result)!;
    expect(Object.keys(body).slice(0, 2)).toEqual(['@odata.context', 'id']);
    expect(body).toMatchObject({
      '@odata.context': `${G}/v1.0/$metadata#identityGovernance/entitlementManagement/connectedOrganizations/$entity`,
      displayName: 'Fabrikam',
      createdDateTime: '2026-11-26T19:00:00.000Z',
    });
    expect(ruleAnswerBody(rule('add'), { kind: 'none' })).toBeUndefined();
  });
});

describe('read URL forms (parseReadUrl)', () => {
  it.each([
    ['https://graph.microsoft.com/v1.0/users/a', { version: 'v1.0', entitySet: 'users', key: 'a' }],
    ['HTTPS://GRAPH.MICROSOFT.COM/v1.0/users/a', { version: 'v1.0', entitySet: 'users', key: 'a' }],
    ['https://graph.microsoft.com:443/beta/groups/g', { version: 'beta', entitySet: 'groups', key: 'g' }],
    ['/v1.0/directoryObjects/d', { version: 'v1.0', entitySet: 'directoryObjects', key: 'd' }],
    ['https://microsoftgraph.chinacloudapi.cn/v1.0/users/a%40b.com', { version: 'v1.0', entitySet: 'users', key: 'a@b.com' }],
    ['/beta/directoryObjects/d/Graph.AgentIdentityBlueprint', { version: 'beta', entitySet: 'directoryObjects', key: 'd', cast: 'agentIdentityBlueprint' }],
  ])('reads %s', (value, expected) => {
    expect(parseReadUrl(value, HOSTS)).toEqual(expected);
  });

  it.each([
    'https://graph.microsoft.com:8443/v1.0/users/a',
    'https://graph.microsoft.com:/v1.0/users/a',
    'http://graph.microsoft.com/v1.0/users/a',
    'https://user@graph.microsoft.com/v1.0/users/a',
    'https://graph.microsoft.com.evil.example/v1.0/users/a',
    'https://dod-graph.microsoft.us/v1.0/users/a', // not among this test's servers
    '//graph.microsoft.com/v1.0/users/a',
    'users/a',
    'v1.0/users/a',
    '/v1.0/users/a?x',
    '/v1.0/users/a#x',
    '/v1.0/x/../users/a',
    '/v2.0/users/a',
    '/v1.0/widgets/a',
    '/v1.0/users/a/microsoft.graph.widget',
    'a',
    '',
  ])('cannot read %s', (value) => {
    expect(parseReadUrl(value, HOSTS)).toBeUndefined();
  });

  it('reads casts in both namespace spellings and any letter case; anything else is no cast', () => {
    expect(castType('microsoft.graph.user')).toBe('user');
    expect(castType('MICROSOFT.GRAPH.AGENTIDENTITYBLUEPRINT')).toBe('agentIdentityBlueprint');
    expect(castType('graph.group')).toBe('group');
    expect(castType('microsoft.user')).toBeUndefined();
    expect(castType('graph.widget')).toBeUndefined();
  });

  it('takes the hosts of the servers, lower case, skipping what is no URL', () => {
    expect(serverHosts([{ url: 'https://Graph.Microsoft.com/' }, { url: '{templated}' }, {}])).toEqual(['graph.microsoft.com']);
  });
});

describe('type cast spellings (castSpellings)', () => {
  const canonical = castSpellings(['/beta/applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors/$ref', '/v1.0/users/{id}/sponsors']);
  const path = (cast: string) => `/beta/applications/app-1/${cast}/sponsors/$ref`;
  it.each(['graph.agentIdentityBlueprint', 'Microsoft.Graph.AgentIdentityBlueprint', 'GRAPH.agentidentityblueprint', 'microsoft.graph.agentIdentityBlueprint'])(
    '%s is respelled as the template spells it',
    (cast) => {
      expect(canonical(path(cast))).toBe(path('microsoft.graph.agentIdentityBlueprint'));
    },
  );
  it('leaves other segments, other positions and unknown casts alone', () => {
    for (const unchanged of [
      path('graph.user'),
      path('microsoft.agentIdentityBlueprint'),
      '/v1.0/users/graph.agentIdentityBlueprint/sponsors',
      '/v1.0/users/x/sponsors',
    ])
      expect(canonical(unchanged)).toBe(unchanged);
  });
});

describe('deprecation headers (deprecationHeaders)', () => {
  const header = (example: string) => ({ schema: { type: 'string' }, example });
  const spec = (deprecated: boolean): Spec => ({
    paths: {
      '/beta/x': {
        post: {
          operationId: 'draft',
          deprecated,
          responses: {
            '204': {
              description: 'ok',
              headers: {
                Deprecation: header('@1700000000'),
                Sunset: header('Wed, 01 Jul 2026 00:00:00 GMT'),
                Link: header('<https://x>; rel="deprecation"'),
                'x-other': header('no'),
              },
            },
            '400': { description: 'bad' },
          },
        },
      },
    },
  });
  it("are the three of the deprecated operation's success response that it declares, with their examples", () => {
    expect(deprecationHeaders(spec(true))).toEqual(
      new Map([['draft', { deprecation: '@1700000000', sunset: 'Wed, 01 Jul 2026 00:00:00 GMT', link: '<https://x>; rel="deprecation"' }]]),
    );
    expect(deprecationHeaders(spec(false)).size).toBe(0);
  });
});
