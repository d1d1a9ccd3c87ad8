// The token and permission checks of the mock without a socket: readBearer/tokenFailure (Graph's 401s),
// compilePermissions/authorize on the bundled spec (Graph's 403), and the token command's output and errors.
import { describe, expect, it } from 'vitest';
import { entraRoleTemplates } from '../generated/entra-roles.js';
import { authorize, compilePermissions, type OperationPermissions } from '../src/mock/permissions.js';
import { readBearer, tokenFailure, type BearerToken, type JwtClaims, readBearerCached } from '../src/mock/token.js';
import { runTokenCommand } from '../src/mock/token-cli.js';
import { namedExample } from '../src/spec/walk.js';
import { loadSpec } from './support/spec.js';

const spec = loadSpec();
const NOW = Date.parse('2026-11-26T12:00:00Z');
const nowSeconds = NOW / 1000;

// Role name → template id: the generated table (openapi/entra-roles.yaml), which names every role the spec's
// operations name.
const ROLES: Readonly<Record<keyof typeof entraRoleTemplates, string>> = entraRoleTemplates;
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8'; // Helpdesk Administrator: named by no operation

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>, header: unknown = { alg: 'none', typ: 'JWT' }) => `${b64(header)}.${b64(claims)}.`;
const bearer = (token: string) => readBearer(`Bearer ${token}`);
const fail = (token: BearerToken, auth: 'open' | 'strict' = 'open') => tokenFailure(token, { auth, now: NOW });
const messageOf = (example: string) => (namedExample(spec, example) as { error: { message: string } }).error.message;

describe('readBearer', () => {
  it.each([undefined, '', 'Bearer', 'Bearer   ', 'Basic dXNlcjpwYXNz', 'bearerx abc'])('%j holds no bearer token', (header) => {
    expect(readBearer(header)).toEqual({ kind: 'none' });
  });

  it('reads the scheme case-insensitively and trims the token', () => {
    expect(readBearer('bearer  abc ')).toEqual({ kind: 'opaque', value: 'abc' });
    expect(readBearer('BEARER a.b')).toEqual({ kind: 'opaque', value: 'a.b' });
  });

  it('decodes a JWT with or without a signature', () => {
    const claims = { aud: 'https://graph.microsoft.com', scp: 'User.ReadWrite.All', exp: nowSeconds + 60 };
    expect(bearer(jwt(claims))).toEqual({ kind: 'jwt', header: { alg: 'none', typ: 'JWT' }, claims });
    expect(bearer(`${jwt(claims)}c2lnbmF0dXJl`)).toMatchObject({ kind: 'jwt', claims });
  });

  it.each([
    ['a header that is not base64url', `e+J9.${b64({})}.`, 'header'],
    ['a header that is not JSON', `${b64('not json')}.${b64({})}.`, 'header'],
    ['a header that is a JSON array', `${b64([1])}.${b64({})}.`, 'header'],
    ['an empty header', `.${b64({})}.`, 'header'],
    ['a header of impossible length (4n+1)', `${b64('{} ')}A.${b64({})}.`, 'header'],
    ['a payload that is not JSON', `${b64({ alg: 'none' })}.${b64('{')}.`, 'payload'],
    ['a payload that is null', `${b64({ alg: 'none' })}.${b64(null)}.`, 'payload'],
    ['an exp that is a string', jwt({ exp: '1800000000' }), 'payload'],
    ['an nbf that is not finite', `${b64({ alg: 'none' })}.${b64('{"nbf":1e999}')}.`, 'payload'],
    ['three dots', `${jwt({})}.x`, 'segments'],
    ['a JWE-shaped token', 'a.b.c.d.e', 'segments'],
  ])('calls %s malformed', (_, token, reason) => {
    expect(bearer(token)).toEqual({ kind: 'malformed', reason });
  });

  it('refuses a token over 16 KiB without decoding it, and reads one of exactly 16 KiB', () => {
    const header = b64({ alg: 'none' });
    const fits = `${header}.${'A'.repeat(16 * 1024 - header.length - 2)}.`;
    expect(fits).toHaveLength(16 * 1024);
    expect(bearer(fits).kind).toBe('malformed'); // decoded: its payload is no JSON
    expect(bearer(fits)).not.toEqual({ kind: 'malformed', reason: 'oversize' });
    expect(bearer(`${fits}x`)).toEqual({ kind: 'malformed', reason: 'oversize' });
  });
});

describe('tokenFailure (401)', () => {
  const challenge = spec.components.headers['WWW-Authenticate'].schema.examples[0];

  it("carries the WWW-Authenticate challenge the spec documents as Graph's", () => {
    expect(challenge).toMatch(/^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize"/);
    expect(fail(readBearer(undefined))).toEqual({ status: 401, example: 'invalidAuthenticationToken', headers: { 'www-authenticate': challenge } });
  });

  it('refuses a missing token whatever the auth mode, with "Access token is empty."', () => {
    expect(fail(readBearer(undefined), 'open')?.example).toBe('invalidAuthenticationToken');
    expect(fail(readBearer(undefined), 'strict')?.example).toBe('invalidAuthenticationToken');
    expect(messageOf('invalidAuthenticationToken')).toBe('Access token is empty.');
  });

  it('accepts an opaque token when auth is open and refuses it with IdentityModel wording when strict', () => {
    expect(fail(bearer('not-a-jwt'), 'open')).toBeUndefined();
    expect(fail(bearer('not-a-jwt'), 'strict')?.example).toBe('tokenNoDots');
    expect(fail(bearer('one.dot'), 'strict')?.example).toBe('tokenOneDot');
    expect(messageOf('tokenNoDots')).toMatch(/^IDX14100: JWT is not well formed, there are no dots/);
    expect(messageOf('tokenOneDot')).toMatch(/^IDX14120: JWT is not well formed, there is only one dot/);
  });

  it.each([
    ['header', `${b64('x')}.${b64({})}.`, 'tokenHeaderNotDecodable', /^IDX14102: Unable to decode the header/],
    ['payload', `${b64({ alg: 'none' })}.${b64('x')}.`, 'tokenPayloadNotDecodable', /^IDX14101: Unable to decode the payload/],
    ['segments', 'a.b.c.d', 'tokenTooManyDots', /^IDX14121/],
    ['oversize', `${'a'.repeat(16 * 1024)}.b.c`, 'tokenTooLarge', /larger/],
  ])('refuses a malformed token (%s) in both modes', (_, token, example, message) => {
    expect(fail(bearer(token), 'open')?.example).toBe(example);
    expect(fail(bearer(token), 'strict')).toMatchObject({ status: 401, example });
    expect(messageOf(example)).toMatch(message);
  });

  it('refuses an expired token past the 5-minute clock skew only', () => {
    expect(fail(bearer(jwt({ exp: nowSeconds - 301 })))).toMatchObject({ status: 401, example: 'tokenExpired' });
    expect(fail(bearer(jwt({ exp: nowSeconds - 299 })))).toBeUndefined();
    expect(messageOf('tokenExpired')).toBe('Lifetime validation failed, the token is expired.');
  });

  it('refuses a token whose nbf is more than 5 minutes ahead', () => {
    expect(fail(bearer(jwt({ nbf: nowSeconds + 301, exp: nowSeconds + 3600 })))?.example).toBe('tokenNotYetValid');
    expect(fail(bearer(jwt({ nbf: nowSeconds + 299, exp: nowSeconds + 3600 })))).toBeUndefined();
  });

  it.each([
    'https://graph.microsoft.com',
    'https://graph.microsoft.com/',
    '00000003-0000-0000-c000-000000000000',
    ['api://other', 'https://graph.microsoft.com'],
  ])('accepts the audience %j', (aud) => expect(fail(bearer(jwt({ aud, exp: nowSeconds + 60 })))).toBeUndefined());

  it.each(['https://graph.windows.net', 'api://my-api', 'https://graph.microsoft.com//', 42, ['api://other']])('refuses the audience %j', (aud) => {
    expect(fail(bearer(jwt({ aud, exp: nowSeconds + 60 })))?.example).toBe('invalidAudience');
    expect(messageOf('invalidAudience')).toBe('Access token validation failure. Invalid audience.');
  });

  it('checks the lifetime before the audience, as IdentityModel does', () => {
    expect(fail(bearer(jwt({ aud: 'api://x', exp: nowSeconds - 3600 })))?.example).toBe('tokenExpired');
  });

  it('names only examples that every operation documents under 401', () => {
    const names = Object.keys(spec.components.responses.Unauthorized.content['application/json'].examples);
    for (const token of ['', 'x', 'x.y', 'a.b.c.d', `${b64('x')}.e30.`, `${b64({})}.x.`, jwt({ exp: 1 }), jwt({ nbf: 9e9 }), jwt({ aud: 'x' })]) {
      const failure = fail(bearer(token), 'strict');
      expect(names).toContain(failure?.example);
    }
  });
});

describe('compilePermissions', () => {
  const perms = compilePermissions(spec, ROLES);

  it('reads each operation from security and x-permissions, roles as template ids', () => {
    const accepted = ['User.ReadWrite.All', 'AgentIdUser.ReadWrite.All', 'AgentIdUser.ReadWrite.IdentityParentedBy', 'Directory.ReadWrite.All'];
    expect(perms.get('addUserSponsor')).toEqual({
      delegated: accepted,
      application: accepted,
      delegatedRoles: [ROLES['Directory Writers'], ROLES['User Administrator']],
      applicationRoles: [],
      agentUserRoles: [ROLES['Agent ID Administrator']],
    });
    expect(perms.get('addConnectedOrganizationInternalSponsor')).toMatchObject({
      delegatedRoles: [ROLES['Identity Governance Administrator']],
      applicationRoles: [ROLES['Identity Governance Administrator']],
    });
    expect(perms.get('addAgentIdentityBlueprintSponsor')).toMatchObject({ delegated: ['Application.ReadWrite.All'], ownerProperty: 'owners' });
    expect(perms.get('addConnectedOrganization')).toMatchObject({ delegatedRoles: [], applicationRoles: [] });
    expect(perms.get('addUserSponsor')?.ownerProperty).toBeUndefined();
  });

  it('fails on a role name the table lacks', () => {
    const { 'User Administrator': _, ...partial } = ROLES;
    expect(() => compilePermissions(spec, partial)).toThrow(/addUserSponsor: role "User Administrator"/);
  });
});

describe('authorize (403)', () => {
  const perms = compilePermissions(spec, ROLES);
  const op = (id: string) => perms.get(id)!;
  const denied = { status: 403, example: 'authorizationRequestDenied', headers: {} };
  const user = (claims: JwtClaims) => authorize(op('addUserSponsor'), { oid: 'aaaaaaaa-0000-4000-8000-000000000001', ...claims });

  it('answers with the spec\'s "Insufficient privileges to complete the operation."', () => {
    expect(messageOf('authorizationRequestDenied')).toBe('Insufficient privileges to complete the operation.');
  });

  it('passes a delegated token holding one accepted scope, in any case, and denies one without', () => {
    expect(user({ scp: 'User.Read User.ReadWrite.All' })).toBeUndefined();
    expect(user({ scp: 'directory.readwrite.all' })).toBeUndefined();
    expect(user({ scp: 'User.Read Mail.Read' })).toEqual(denied);
    expect(user({ scp: 'User.ReadWrite' })).toEqual(denied);
  });

  it('checks the admin role only when the delegated token carries wids', () => {
    expect(user({ scp: 'User.ReadWrite.All' })).toBeUndefined();
    expect(user({ scp: 'User.ReadWrite.All', wids: [ROLES['User Administrator']] })).toBeUndefined();
    expect(user({ scp: 'User.ReadWrite.All', wids: [HELPDESK, ROLES['Directory Writers']] })).toBeUndefined();
    expect(user({ scp: 'User.ReadWrite.All', wids: [HELPDESK] })).toEqual(denied);
    expect(user({ scp: 'User.ReadWrite.All', wids: [] })).toEqual(denied);
  });

  it('accepts the agent-user roles only when the path names an agent user', () => {
    const claims = { oid: 'aaaaaaaa-0000-4000-8000-000000000001', scp: 'User.ReadWrite.All', wids: [ROLES['Agent ID Administrator']] };
    expect(authorize(op('addUserSponsor'), claims, { type: 'agentUser', properties: {} })).toBeUndefined();
    expect(authorize(op('addUserSponsor'), claims, { type: 'user', properties: {} })).toEqual(denied);
    expect(authorize(op('addUserSponsor'), claims)).toEqual(denied);
  });

  it('lets Global Administrator stand for any admin role', () => {
    expect(user({ scp: 'User.ReadWrite.All', wids: [ROLES['Global Administrator']] })).toBeUndefined();
    expect(user({ scp: 'User.Read', wids: [ROLES['Global Administrator']] })).toEqual(denied); // the scope is still needed
  });

  it('passes an application token holding one accepted role and denies one without', () => {
    expect(user({ roles: ['Directory.ReadWrite.All'] })).toBeUndefined();
    expect(user({ roles: ['User.Read.All'] })).toEqual(denied);
    expect(user({})).toEqual(denied);
  });

  it('lets a blueprint owner through without an Agent ID role, and no other user', () => {
    const owner = 'aaaaaaaa-0000-4000-8000-00000000000a';
    const blueprint = { properties: { owners: [owner] } };
    const claims = { scp: 'Application.ReadWrite.All', wids: [HELPDESK] };
    expect(authorize(op('addAgentIdentityBlueprintSponsor'), { ...claims, oid: owner }, blueprint)).toBeUndefined();
    expect(authorize(op('addAgentIdentityBlueprintSponsor'), { ...claims, oid: owner.toUpperCase() }, blueprint)).toBeUndefined();
    expect(authorize(op('addAgentIdentityBlueprintSponsor'), { ...claims, oid: 'aaaaaaaa-0000-4000-8000-00000000000b' }, blueprint)).toEqual(denied);
    expect(authorize(op('addAgentIdentityBlueprintSponsor'), { ...claims, oid: owner })).toEqual(denied); // no target known
    expect(authorize(op('addAgentIdentityBlueprintSponsor'), { ...claims, wids: [ROLES['Agent ID Developer']] }, blueprint)).toBeUndefined();
  });

  it('applies the owner rule only where the operation has one', () => {
    const owner = 'aaaaaaaa-0000-4000-8000-00000000000a';
    expect(user({ scp: 'User.ReadWrite.All', wids: [HELPDESK], oid: owner })).toEqual(denied);
    expect(authorize(op('addUserSponsor'), { scp: 'User.ReadWrite.All', wids: [HELPDESK], oid: owner }, { properties: { owners: [owner] } })).toEqual(denied);
  });

  it('lets an internal-sponsors app through on the Identity Governance Administrator role instead of the permission', () => {
    const internal = op('addConnectedOrganizationInternalSponsor');
    expect(authorize(internal, { roles: ['EntitlementManagement.ReadWrite.All'] })).toBeUndefined();
    expect(authorize(internal, { wids: [ROLES['Identity Governance Administrator']] })).toBeUndefined();
    expect(authorize(internal, { roles: ['User.Read.All'], wids: [ROLES['Identity Governance Administrator']] })).toBeUndefined();
    expect(authorize(internal, { roles: ['User.Read.All'], wids: [ROLES['User Administrator']] })).toEqual(denied);
    // The role replaces the application permission only; users sponsors names no application role.
    expect(user({ wids: [ROLES['Identity Governance Administrator']] })).toEqual(denied);
  });

  it('checks nothing an operation does not name', () => {
    const open: OperationPermissions = { delegated: [], application: [], delegatedRoles: [], applicationRoles: [], agentUserRoles: [] };
    expect(authorize(open, {})).toBeUndefined();
    expect(authorize(open, { scp: 'User.Read', wids: [HELPDESK] })).toBeUndefined();
  });
});

describe('runTokenCommand', () => {
  const decode = (stdout: string) => {
    expect(stdout.endsWith('\n')).toBe(true);
    const token = bearer(stdout.trim());
    if (token.kind !== 'jwt') throw new Error(`not a JWT: ${JSON.stringify(token)}`);
    return token;
  };

  it('prints an unsigned JWT with Graph as audience, the STS issuer and an hour of lifetime', () => {
    const { stdout, stderr, code } = runTokenCommand(['--scp', 'User.ReadWrite.All  Directory.Read.All', '--tid', '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'], NOW);
    expect([stderr, code]).toEqual(['', 0]);
    const token = decode(stdout);
    expect(stdout.trim().endsWith('.')).toBe(true); // no signature
    expect(token.header).toEqual({ alg: 'none', typ: 'JWT' });
    expect(token.claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: 'https://sts.windows.net/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d/',
      tid: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      scp: 'User.ReadWrite.All Directory.Read.All',
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + 3600,
    });
    expect(token.claims.roles).toBeUndefined();
    expect(tokenFailure(token, { auth: 'strict', now: NOW })).toBeUndefined();
  });

  it('maps role names (any case) and keeps template ids in wids; sets roles, oid, upn, aud, expiry', () => {
    const { stdout, code } = runTokenCommand(
      [
        '--roles',
        'User.ReadWrite.All, Directory.ReadWrite.All',
        '--wids=user administrator,62E90394-69F5-4237-9190-012177145E10',
        '--oid',
        '00000000-0000-4000-8000-0000000000aa',
        '--upn',
        'admin@contoso.com',
        '--aud',
        'api://other',
        '--expires-in',
        '60',
      ],
      NOW,
      ROLES,
    );
    expect(code).toBe(0);
    const { claims } = decode(stdout);
    expect(claims).toMatchObject({
      roles: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
      wids: [ROLES['User Administrator'], ROLES['Global Administrator']],
      oid: '00000000-0000-4000-8000-0000000000aa',
      upn: 'admin@contoso.com',
      aud: 'api://other',
      exp: nowSeconds + 60,
    });
    expect(tokenFailure({ kind: 'jwt', header: {}, claims }, { auth: 'open', now: NOW })?.example).toBe('invalidAudience');
  });

  it('makes an expired token the mock refuses', () => {
    const { stdout, code } = runTokenCommand(['--expired', '--scp', 'User.ReadWrite.All'], NOW);
    expect(code).toBe(0);
    const token = decode(stdout);
    expect(token.claims.exp).toBe(nowSeconds - 3600);
    expect(tokenFailure(token, { auth: 'open', now: NOW })?.example).toBe('tokenExpired');
  });

  it('prints its usage with --help', () => {
    expect(runTokenCommand(['--help'], NOW)).toMatchObject({ code: 0, stderr: '' });
    expect(runTokenCommand(['--help'], NOW).stdout).toMatch(/--expires-in SECONDS/);
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['stray'], /unexpected argument "stray"/],
    [['--scp'], /--scp needs a value/],
    [['--scp', '--roles', 'A'], /--scp needs a value/],
    [['--scp', 'A', '--scp', 'B'], /--scp given twice/],
    [['--expired=yes'], /--expired takes no value/],
    [['--expired', '--expires-in', '60'], /not both/],
    [['--expires-in', '0'], /--expires-in must be whole seconds/],
    [['--expires-in', '1.5'], /--expires-in must be whole seconds/],
    [['--expires-in', '99999999999'], /--expires-in must be whole seconds/],
    [['--tid', 'contoso'], /--tid must be a GUID/],
    [['--oid', ''], /--oid needs a value|--oid must be a GUID/],
    [['--wids', 'Nonexistent Role'], /unknown role "Nonexistent Role"/],
  ])('refuses %j with one line and exit code 2', (argv, message) => {
    const result = runTokenCommand(argv, NOW, ROLES);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('without a role table, takes template ids only and says so', () => {
    expect(runTokenCommand(['--wids', 'User Administrator'], NOW).stderr).toMatch(/\(no role table\)/);
    expect(runTokenCommand(['--wids', ROLES['User Administrator']], NOW).code).toBe(0);
  });
});

describe('readBearerCached', () => {
  it('answers as readBearer does, for the same header again and past its bound of remembered headers', () => {
    const headers = Array.from(
      { length: 300 },
      (_, i) => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ n: i })).toString('base64url')}.`,
    );
    for (const round of [1, 2])
      for (const header of [...headers, 'Bearer opaque', 'Bearer a.b.c.d', undefined]) {
        expect(readBearerCached(header), `round ${round}`).toEqual(readBearer(header));
      }
  });
});
