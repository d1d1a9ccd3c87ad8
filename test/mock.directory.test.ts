// The mock's directory (src/mock/directory.ts) and its fixtures (src/mock/fixture.ts, fixtures/): lookups,
// clones, the fixture round trip, the shipped default, and each fixture error's message. No socket.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Directory } from '../src/mock/directory.js';
import { FixtureError, MAX_FIXTURE_SIZE, defaultFixturePath, loadFixture, parseFixture, validateFixture, type Fixture } from '../src/mock/fixture.js';
import { RELATIONS } from '../src/mock/objects.js';
import { loadSpec, repoRoot } from './support/spec.js';

const spec = loadSpec();
const defaultText = readFileSync(join(repoRoot, 'fixtures/default.yaml'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'mock-directory-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const small: Fixture = {
  users: [
    { id: 'u1', displayName: 'Adele', userPrincipalName: 'AdeleV@contoso.com', userType: 'Member' },
    { id: 'u2', userPrincipalName: 'guest_fabrikam.com#EXT#@contoso.onmicrosoft.com', userType: 'Guest', sponsors: ['u1', 'g1'] },
  ],
  agentUsers: [{ id: 'a1' }],
  groups: [{ id: 'g1', groupTypes: ['Unified'] }],
  applications: [{ id: 'b1', agentIdentityBlueprint: true, owners: ['u1'] }, { id: 'app1' }],
  connectedOrganizations: [{ id: 'o1', internalSponsors: ['u1'] }],
};

describe('Directory', () => {
  const d = Directory.fromFixture(validateFixture(small, 'small'));

  it('finds an object by id among the types its entity set holds, and a user by userPrincipalName in any case', () => {
    expect(d.find('users', 'u1')?.properties.displayName).toBe('Adele');
    expect(d.find('users', 'a1')?.type).toBe('agentUser');
    expect(d.find('users', 'g1')).toBeUndefined();
    expect(d.find('directoryObjects', 'g1')?.type).toBe('group');
    expect(d.find('directoryObjects', 'o1')).toBeUndefined();
    expect(d.find('connectedOrganizations', 'o1')?.type).toBe('connectedOrganization');
    expect(d.find('users', 'GUEST_fabrikam.com#ext#@CONTOSO.onmicrosoft.com')?.id).toBe('u2');
    expect(d.find('groups', 'AdeleV@contoso.com')).toBeUndefined();
  });

  it('applies a type cast: a blueprint is an application, an agent user a user', () => {
    expect(d.find('applications', 'b1', 'agentIdentityBlueprint')?.id).toBe('b1');
    expect(d.find('applications', 'app1', 'agentIdentityBlueprint')).toBeUndefined();
    expect(d.find('applications', 'b1', 'application')?.id).toBe('b1');
    expect(d.find('users', 'a1', 'user')?.id).toBe('a1');
    expect(d.find('users', 'u1', 'agentUser')).toBeUndefined();
  });

  it('keeps relations in order, once each, and counts objects plus relation entries', () => {
    expect(d.related('u2', 'sponsors')).toEqual(['u1', 'g1']);
    expect(d.related('u1', 'sponsors')).toEqual([]);
    expect(d.holds('u2', 'sponsors', 'g1')).toBe(true);
    expect(d.size).toBe(7 + 4);
    const copy = d.clone();
    copy.relate('u2', 'sponsors', 'u1');
    expect(copy.size).toBe(d.size);
    copy.relate('u2', 'sponsors', 'a1');
    expect(copy.related('u2', 'sponsors')).toEqual(['u1', 'g1', 'a1']);
    expect(copy.size).toBe(d.size + 1);
  });

  it('clones independently: relations, objects and lookups added to one do not appear in the other', () => {
    const a = d.clone();
    const b = d.clone();
    a.relate('b1', 'sponsors', 'u1');
    a.create('users', 'new@contoso.com');
    a.insert('connectedOrganization', { displayName: 'New' });
    expect(a.related('b1', 'sponsors')).toEqual(['u1']);
    expect(b.related('b1', 'sponsors')).toEqual([]);
    expect(d.related('b1', 'sponsors')).toEqual([]);
    expect(a.find('users', 'NEW@contoso.com')).toBeDefined();
    expect(b.find('users', 'new@contoso.com')).toBeUndefined();
    expect(b.size).toBe(d.size);
    expect(a.size).toBe(d.size + 3);
  });

  it('freezes objects, so one session cannot change another through a shared object', () => {
    const object = d.clone().get('g1')!;
    expect(() => ((object.properties.groupTypes as string[])[0] = 'x')).toThrow(TypeError);
    expect(() => (object.properties.displayName = 'x')).toThrow(TypeError);
  });

  it('creates on first use by entity set: a UPN key gets a fresh id, a group is a Microsoft 365 group', () => {
    const e = Directory.fromFixture({});
    expect(e.create('groups', 'g')).toEqual({ id: 'g', type: 'group', properties: { groupTypes: ['Unified'] } });
    expect(e.create('applications', 'b', 'agentIdentityBlueprint').type).toBe('agentIdentityBlueprint');
    expect(e.create('applications', 'a').type).toBe('application');
    expect(e.create('directoryObjects', 'x').type).toBe('user');
    expect(e.create('servicePrincipals', 's').type).toBe('servicePrincipal');
    const byUpn = e.create('users', 'x@y.com');
    expect(byUpn.id).not.toBe('x@y.com');
    expect(e.find('users', 'X@Y.com')).toBe(byUpn);
  });

  it('round-trips through a fixture: fromFixture(toFixture()) equals the directory', () => {
    const fixture = d.toFixture();
    expect(fixture).toEqual(small);
    expect(Directory.fromFixture(validateFixture(fixture, 'round trip')).toFixture()).toEqual(fixture);
    const grown = d.clone();
    grown.relate('b1', 'sponsors', 'g1');
    grown.insert('connectedOrganization', { displayName: 'New', state: 'proposed' });
    const again = Directory.fromFixture(validateFixture(JSON.parse(JSON.stringify(grown.toFixture())), 'grown'));
    expect(again.toFixture()).toEqual(grown.toFixture());
    expect(again.size).toBe(grown.size);
  });
});

describe('the default fixture', () => {
  it('is valid against fixtures/fixture.schema.json (start-up skips the schema for it) and is found by defaultFixturePath', () => {
    expect(defaultFixturePath()).toBe(join(repoRoot, 'fixtures/default.yaml'));
    expect(() => parseFixture(defaultText, 'fixtures/default.yaml')).not.toThrow();
  });

  it('holds an object for each rule: guest with #EXT#, member, agent user, group kinds, service principal, blueprints, plain application, connected organization', () => {
    const d = Directory.fromFixture(parseFixture(defaultText, 'default'));
    const all = d.toFixture();
    expect(all.users!.some((u) => String(u.userPrincipalName).includes('#EXT#') && u.userType === 'Guest' && (u.sponsors as string[]).length > 0)).toBe(true);
    expect(all.users!.some((u) => u.userType === 'Member')).toBe(true);
    expect(all.agentUsers!.length).toBeGreaterThan(0);
    const groups = all.groups!;
    expect(groups.some((g) => (g.groupTypes as string[]).includes('Unified') && g.isAssignableToRole !== true)).toBe(true);
    expect(groups.some((g) => (g.groupTypes as string[]).includes('DynamicMembership') && typeof g.membershipRule === 'string')).toBe(true);
    expect(groups.some((g) => (g.groupTypes as string[]).length === 0)).toBe(true);
    expect(groups.some((g) => g.isAssignableToRole === true)).toBe(true);
    expect(all.servicePrincipals!.length).toBeGreaterThan(0);
    const blueprints = all.applications!.filter((a) => a.agentIdentityBlueprint === true);
    expect(blueprints.some((b) => (b.owners as string[]).length > 0)).toBe(true);
    expect(blueprints.some((b) => (b.sponsors as string[] | undefined)?.filter((id) => d.get(id)?.type === 'group').length === 5)).toBe(true);
    expect(all.applications!.some((a) => a.agentIdentityBlueprint === undefined)).toBe(true);
    expect(all.connectedOrganizations!.length).toBeGreaterThan(0);
  });

  it('is loaded with the spec seeds when no file is given; a file given is taken as written', () => {
    const loaded = loadFixture(undefined, spec);
    const defaults = parseFixture(defaultText, 'default');
    for (const collection of Object.keys(defaults) as Array<keyof Fixture>) {
      expect(loaded[collection]!.slice(0, defaults[collection]!.length)).toEqual(defaults[collection]);
    }
    const file = join(tmp, 'given.json');
    writeFileSync(file, JSON.stringify(small));
    expect(loadFixture(file, spec)).toEqual(small);
  });

  it('a clone of the loaded default equals it (sessions start from clones)', () => {
    const d = Directory.fromFixture(loadFixture(undefined, spec));
    expect(d.clone().toFixture()).toEqual(d.toFixture());
  });
});

describe('fixture errors name the source and the entry', () => {
  const yaml = (value: unknown) => stringify(value);
  const message = (text: string, source = 'fixtures/x.yaml'): string => {
    try {
      parseFixture(text, source);
    } catch (error) {
      expect(error).toBeInstanceOf(FixtureError);
      return (error as Error).message;
    }
    return 'no error';
  };
  const groups = [{ id: 'g0' }, { id: 'g1' }];

  it.each([
    [
      'a property of the wrong type',
      { groups: [...groups, { id: 'g2', isAssignableToRole: 'yes' }] },
      'fixture fixtures/x.yaml: groups[2].isAssignableToRole must be boolean or null',
    ],
    ['a missing id', { users: [{ displayName: 'x' }] }, "fixture fixtures/x.yaml: users[0] must have required property 'id'"],
    ['an id with a slash', { users: [{ id: 'a/b' }] }, 'fixture fixtures/x.yaml: users[0].id must match pattern'],
    ['an unknown collection', { devices: [] }, "fixture fixtures/x.yaml: the fixture has an unknown collection 'devices' (expected one of users, agentUsers"],
    ['a value outside an enum', { users: [{ id: 'u', userType: 'Robot' }] }, 'fixture fixtures/x.yaml: users[0].userType must be one of "Member", "Guest"'],
    ['a relation that is not a list', { users: [{ id: 'u', sponsors: 'x' }] }, 'fixture fixtures/x.yaml: users[0].sponsors must be array'],
    ['a duplicate id', { users: [{ id: 'x' }], groups: [{ id: 'g' }, { id: 'x' }] }, "fixture fixtures/x.yaml: groups[1].id 'x' is already the id of users[0]"],
    [
      'a duplicate userPrincipalName',
      { users: [{ id: 'a', userPrincipalName: 'A@b.com' }], agentUsers: [{ id: 'b', userPrincipalName: 'a@B.com' }] },
      "fixture fixtures/x.yaml: agentUsers[0].userPrincipalName 'a@B.com' is already that of users[0] (userPrincipalNames are case-insensitive)",
    ],
    [
      'a relation to an id the fixture lacks',
      { users: [{ id: 'u', sponsors: ['nobody'] }] },
      "fixture fixtures/x.yaml: users[0].sponsors[0] 'nobody' names no object of the fixture",
    ],
  ])('%s', (_label, value, expected) => {
    expect(message(yaml(value))).toContain(expected);
    expect(message(JSON.stringify(value), 'PUT /_mock/directory')).toContain(expected.replace('fixtures/x.yaml', 'PUT /_mock/directory'));
  });

  it('a size over the bound (objects plus relation entries), checked before the schema', () => {
    const at = (users: number, sponsors: number) => ({
      users: Array.from({ length: users }, (_, i) => ({
        id: `u${i}`,
        ...(i === 0 ? { sponsors: Array.from({ length: sponsors }, (_, j) => `u${j + 1}`) } : {}),
      })),
    });
    expect(message(JSON.stringify(at(MAX_FIXTURE_SIZE - 10, 10)))).toBe('no error');
    expect(message(JSON.stringify(at(MAX_FIXTURE_SIZE - 10, 11)))).toBe(
      `fixture fixtures/x.yaml: holds ${MAX_FIXTURE_SIZE + 1} objects and relation entries, more than ${MAX_FIXTURE_SIZE}`,
    );
    // Over the bound with entries the schema would refuse: the size is reported, the schema never runs.
    expect(message(JSON.stringify({ users: Array.from({ length: MAX_FIXTURE_SIZE + 1 }, () => 7) }))).toContain('more than');
  });

  it('text that is neither JSON nor YAML, and YAML with a duplicate key', () => {
    expect(message('users: [ {id: a')).toMatch(/^fixture fixtures\/x\.yaml: neither JSON nor YAML: /);
    expect(message('users: []\nusers: []\n')).toMatch(/^fixture fixtures\/x\.yaml: neither JSON nor YAML: .*unique/i);
    expect(message('[1, 2]')).toBe('fixture fixtures/x.yaml: the fixture must be object');
  });

  it('validateFixture checks a value already parsed (PUT /_mock/directory), and an empty file is an empty directory', () => {
    expect(() => validateFixture({ groups: [{ id: 1 }] }, 'request body')).toThrow('fixture request body: groups[0].id must be string');
    expect(parseFixture('', 'empty.yaml')).toEqual({});
    expect(RELATIONS.users).toEqual(['sponsors']);
  });

  it('a file that cannot be read', () => {
    const missing = join(tmp, 'missing.yaml');
    expect(() => loadFixture(missing, spec)).toThrow(`fixture ${missing}: cannot be read (ENOENT)`);
  });
});

describe('ids without regard to case (Entra compares GUIDs so)', () => {
  it('finds, relates and checks an object whatever case its id is given in, keeping the id as first given', () => {
    const directory = Directory.fromFixture({ users: [{ id: 'aaaaaaaa-0000-4000-8000-00000000000a' }, { id: 'bbbbbbbb-0000-4000-8000-00000000000b' }] });
    expect(directory.find('users', 'AAAAAAAA-0000-4000-8000-00000000000A')?.id).toBe('aaaaaaaa-0000-4000-8000-00000000000a');
    directory.relate('AAAAAAAA-0000-4000-8000-00000000000A', 'sponsors', 'BBBBBBBB-0000-4000-8000-00000000000B');
    expect(directory.holds('aaaaaaaa-0000-4000-8000-00000000000a', 'sponsors', 'bbbbbbbb-0000-4000-8000-00000000000b')).toBe(true);
    directory.relate('aaaaaaaa-0000-4000-8000-00000000000a', 'sponsors', 'bbbbbbbb-0000-4000-8000-00000000000b');
    expect(directory.related('aaaaaaaa-0000-4000-8000-00000000000a', 'sponsors')).toEqual(['bbbbbbbb-0000-4000-8000-00000000000b']);
    expect(directory.size).toBe(3);
  });

  it('refuses a fixture whose ids differ only in case', () => {
    expect(() =>
      validateFixture({ users: [{ id: 'aaaaaaaa-0000-4000-8000-00000000000a' }, { id: 'AAAAAAAA-0000-4000-8000-00000000000A' }] }, 'f.json'),
    ).toThrow(/users\[1\]\.id .* is already the id of users\[0\]/);
  });
});
