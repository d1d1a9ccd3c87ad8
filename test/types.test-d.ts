// Compile-time contract: wrong paths, bodies, sponsor kinds and enum values must not compile.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createGraphClient,
  type CallOptions,
  type ConnectedOrganizationBody,
  type GraphClient,
  type GraphClientOptions,
  type SponsorKind,
  type SponsorOperationId,
} from '../src/index.js';
import type { SponsorMethods } from '../src/client.js';
import type { SponsorMethodName, sponsorMethods } from '../src/sponsors.js';

const graph = createGraphClient({ token: 't' });
const userRef = { '@odata.id': 'https://graph.microsoft.com/v1.0/users/u1' };
const organization: ConnectedOrganizationBody = {
  displayName: 'Contoso',
  description: 'Partner',
  identitySources: [{ '@odata.type': '#microsoft.graph.domainIdentitySource', domainName: 'contoso.com' }],
  state: 'proposed',
};

describe('sponsor kinds come from the spec', () => {
  it("derives each operation's accepted kinds", () => {
    expectTypeOf<SponsorKind<'addUserSponsor'>>().toEqualTypeOf<'user' | 'group'>();
    expectTypeOf<SponsorKind<'addConnectedOrganizationInternalSponsor'>>().toEqualTypeOf<'user' | 'group'>();
    expectTypeOf<SponsorKind<'addAgentIdentityBlueprintSponsor'>>().toEqualTypeOf<'directoryObject' | 'user' | 'group'>();
  });

  it('accepts the documented kinds and resolves void', () => {
    expectTypeOf(graph.addUserSponsor('u1', { kind: 'user', id: 's1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addUserSponsor('u1', { kind: 'group', id: 'g1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addInternalSponsor('c1', { kind: 'group', id: 'g1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addAgentIdentityBlueprintSponsor('a1', { kind: 'directoryObject', id: 'd1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addConnectedOrganization(organization)).toEqualTypeOf<Promise<void>>();
  });

  it('rejects kinds an operation does not accept', () => {
    // @ts-expect-error addUserSponsor accepts users and groups only
    void graph.addUserSponsor('u1', { kind: 'directoryObject', id: 'd1' });
    // @ts-expect-error addInternalSponsor accepts users and groups only
    void graph.addInternalSponsor('c1', { kind: 'directoryObject', id: 'd1' });
    // @ts-expect-error not a sponsor kind at all
    void graph.addAgentIdentityBlueprintSponsor('a1', { kind: 'servicePrincipal', id: 'sp1' });
    // @ts-expect-error the sponsor needs an id
    void graph.addUserSponsor('u1', { kind: 'user' });
  });
});

describe('graph.raw is the typed openapi-fetch client', () => {
  it('compiles a correct call', () => {
    void graph.raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } }, body: userRef });
    void graph.raw.POST('/beta/identityGovernance/entitlementManagement/connectedOrganizations/$ref', { body: organization });
  });

  it('rejects a wrong path', () => {
    // @ts-expect-error no such path in the spec
    void graph.raw.POST('/v1.0/users/{id}/sponsors', { params: { path: { id: 'u1' } }, body: userRef });
    // @ts-expect-error the operations are POST only
    void graph.raw.GET('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } } });
  });

  it('rejects a body without @odata.id', () => {
    // @ts-expect-error @odata.id is required
    void graph.raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } }, body: {} });
    // @ts-expect-error a bare id is not the reference body
    void graph.raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } }, body: { id: 's1' } });
  });

  it('rejects a missing path id', () => {
    // @ts-expect-error params.path.id is required
    void graph.raw.POST('/v1.0/users/{id}/sponsors/$ref', { body: userRef });
  });
});

describe('connectedOrganization body', () => {
  it('rejects a wrong state value', () => {
    // @ts-expect-error state is configured | proposed | unknownFutureValue
    void graph.addConnectedOrganization({ ...organization, state: 'active' });
    // @ts-expect-error the documented placeholder "String" is not a state
    void graph.raw.POST('/beta/identityGovernance/entitlementManagement/connectedOrganizations/$ref', { body: { ...organization, state: 'String' } });
  });

  it('rejects an unknown identity source type', () => {
    // @ts-expect-error identitySources is discriminated by @odata.type
    void graph.addConnectedOrganization({ ...organization, identitySources: [{ '@odata.type': '#microsoft.graph.user' }] });
  });
});

describe('the sponsor methods come from one table', () => {
  it('has one row per sponsor operation of the spec, no more, no less', () => {
    expectTypeOf<(typeof sponsorMethods)[SponsorMethodName]['op']>().toEqualTypeOf<SponsorOperationId>();
  });

  it("gives each documented method the sponsor kinds of its row's operation", () => {
    expectTypeOf<Pick<GraphClient, SponsorMethodName>>().toEqualTypeOf<SponsorMethods>();
    expectTypeOf<Parameters<GraphClient['addInternalSponsor']>[1]['kind']>().toEqualTypeOf<SponsorKind<'addConnectedOrganizationInternalSponsor'>>();
    expectTypeOf<Parameters<GraphClient['addAgentIdentityBlueprintSponsor']>[1]['kind']>().toEqualTypeOf<'directoryObject' | 'user' | 'group'>();
  });

  it('takes the owner id as a string and options last', () => {
    // @ts-expect-error the owner id is a string
    void graph.addUserSponsor(42, { kind: 'user', id: 's1' });
    // @ts-expect-error the sponsor id is a string
    void graph.addInternalSponsor('c1', { kind: 'user', id: 7 });
    // @ts-expect-error addConnectedOrganization takes a body, not an owner id and a sponsor
    void graph.addConnectedOrganization('c1', { kind: 'user', id: 's1' });
  });
});

describe('options', () => {
  it('accepts timeoutMs client-wide and per call, and explicit undefined in retry fields', () => {
    expectTypeOf<CallOptions['timeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<GraphClientOptions['timeoutMs']>().toEqualTypeOf<number | undefined>();
    void createGraphClient({ timeoutMs: 30_000, retry: { maxAttempts: undefined, baseDelayMs: 100 } });
    void graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { timeoutMs: 5_000, signal: AbortSignal.timeout(1), clientRequestId: 'c' });
  });

  it('rejects option values of the wrong type', () => {
    // @ts-expect-error timeoutMs is a number of milliseconds
    void createGraphClient({ timeoutMs: '30s' });
    // @ts-expect-error retry is false or an options object
    void createGraphClient({ retry: true });
    // @ts-expect-error getToken returns the token (or a promise of it)
    void createGraphClient({ getToken: () => 42 });
    // @ts-expect-error per-call timeoutMs is a number too
    void graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { timeoutMs: null });
  });
});
