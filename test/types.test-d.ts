// Compile-time contract: wrong paths, bodies, sponsor kinds and enum values must not compile.
import { describe, expectTypeOf, it } from 'vitest';
import { createGraphClient, type ConnectedOrganizationBody, type SponsorKind } from '../src/index.js';

const graph = createGraphClient({ token: 't' });
const userRef = { '@odata.id': 'https://graph.microsoft.com/v1.0/users/u1' };
const organization: ConnectedOrganizationBody = {
  displayName: 'Contoso',
  description: 'Partner',
  identitySources: [{ '@odata.type': '#microsoft.graph.domainIdentitySource', domainName: 'contoso.com' }],
  state: 'proposed',
};

describe('sponsor kinds come from the spec', () => {
  it('derives each operation\'s accepted kinds', () => {
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
