// Compile-time contract: wrong paths, bodies, sponsor kinds and enum values must not compile.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createGraphClient,
  createRawClient,
  GraphError,
  type Authorizer,
  type CallOptions,
  type GraphErrorName,
  type ClientMethods,
  type ConnectedOrganization,
  type ConnectedOrganizationBody,
  type DirectoryObject,
  type GraphClient,
  type GraphClientOptions,
  type OperationTypes,
  type SponsorKind,
  type SponsorOperationId,
  type components,
} from '../src/index.js';
import type { BatchOperationId } from '../src/batch.js';
import type { OperationId, SponsorMethodName, sponsorMethods } from '../src/sponsors.js';

const graph = createGraphClient({ token: 't' });
const raw = createRawClient({ token: 't' });
const userRef = { '@odata.id': 'https://graph.microsoft.com/v1.0/users/u1' };
const organization: ConnectedOrganizationBody = {
  displayName: 'Contoso',
  description: 'Partner',
  identitySources: [{ '@odata.type': '#microsoft.graph.domainIdentitySource', domainName: 'contoso.com' }],
  state: 'proposed',
};

describe('sponsor kinds come from the spec', () => {
  it("derives each operation's accepted kinds: directoryObject on every add, both versions", () => {
    expectTypeOf<SponsorKind<'addUserSponsor'>>().toEqualTypeOf<'user' | 'group' | 'directoryObject'>();
    expectTypeOf<SponsorKind<'addUserSponsorBeta'>>().toEqualTypeOf<'user' | 'group' | 'directoryObject'>();
    expectTypeOf<SponsorKind<'addConnectedOrganizationInternalSponsor'>>().toEqualTypeOf<'user' | 'group' | 'directoryObject'>();
    expectTypeOf<SponsorKind<'addConnectedOrganizationInternalSponsorBeta'>>().toEqualTypeOf<'user' | 'group' | 'directoryObject'>();
    expectTypeOf<SponsorKind<'addAgentIdentityBlueprintSponsor'>>().toEqualTypeOf<'directoryObject' | 'user' | 'group'>();
    expectTypeOf<SponsorKind<'addAgentIdentityBlueprintSponsorV1'>>().toEqualTypeOf<'directoryObject' | 'user' | 'group'>();
  });

  it('has exactly the sponsor operations of section 1 of the design', () => {
    expectTypeOf<SponsorOperationId>().toEqualTypeOf<
      | 'addConnectedOrganizationInternalSponsor'
      | 'addConnectedOrganizationInternalSponsorBeta'
      | 'addUserSponsor'
      | 'addUserSponsorBeta'
      | 'addAgentIdentityBlueprintSponsor'
      | 'addAgentIdentityBlueprintSponsorV1'
    >();
  });

  it('accepts the documented kinds and resolves void', () => {
    expectTypeOf(graph.addUserSponsor('u1', { kind: 'user', id: 's1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addUserSponsor('u1', { kind: 'group', id: 'g1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addInternalSponsor('c1', { kind: 'group', id: 'g1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addAgentIdentityBlueprintSponsor('a1', { kind: 'directoryObject', id: 'd1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addUserSponsor('u1', { kind: 'directoryObject', id: 'd1' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addInternalSponsor('c1', { kind: 'directoryObject', id: 'd1' }, { version: 'beta' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.addConnectedOrganization(organization)).toEqualTypeOf<Promise<void>>();
  });

  it('rejects kinds an operation does not accept', () => {
    // @ts-expect-error not a sponsor kind of addUserSponsor
    void graph.addUserSponsor('u1', { kind: 'servicePrincipal', id: 'sp1' });
    // @ts-expect-error not a sponsor kind of the beta twin either
    void graph.addInternalSponsor('c1', { kind: 'application', id: 'a1' }, { version: 'beta' });
    // @ts-expect-error not a sponsor kind at all
    void graph.addAgentIdentityBlueprintSponsor('a1', { kind: 'servicePrincipal', id: 'sp1' });
    // @ts-expect-error the sponsor needs an id
    void graph.addUserSponsor('u1', { kind: 'user' });
  });
});

describe('createRawClient is the typed openapi-fetch client', () => {
  it('compiles a correct call', () => {
    void raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } }, body: userRef });
    void raw.POST('/beta/identityGovernance/entitlementManagement/connectedOrganizations/$ref', { body: organization });
  });

  it('compiles the new GET and DELETE operations', () => {
    void raw.GET('/v1.0/users/{id}/sponsors', { params: { path: { id: 'u1' } } });
    void raw.DELETE('/v1.0/users/{id}/sponsors/{sponsorId}/$ref', { params: { path: { id: 'u1', sponsorId: 's1' } } });
  });

  it('rejects a wrong path or method', () => {
    // @ts-expect-error the list path has no $ref and takes no body
    void raw.POST('/v1.0/users/{id}/sponsors', { params: { path: { id: 'u1' } }, body: userRef });
    // @ts-expect-error a $ref collection is not read with GET in this contract
    void raw.GET('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } } });
    // @ts-expect-error DELETE needs the sponsor id
    void raw.DELETE('/v1.0/users/{id}/sponsors/{sponsorId}/$ref', { params: { path: { id: 'u1' } } });
  });

  it('rejects a body without @odata.id', () => {
    // @ts-expect-error @odata.id is required
    void raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } }, body: {} });
    // @ts-expect-error a bare id is not the reference body
    void raw.POST('/v1.0/users/{id}/sponsors/$ref', { params: { path: { id: 'u1' } }, body: { id: 's1' } });
  });

  it('rejects a missing path id', () => {
    // @ts-expect-error params.path.id is required
    void raw.POST('/v1.0/users/{id}/sponsors/$ref', { body: userRef });
  });
});

describe('connectedOrganization body', () => {
  it('rejects a wrong state value', () => {
    // @ts-expect-error state is configured | proposed | unknownFutureValue
    void graph.addConnectedOrganization({ ...organization, state: 'active' });
    // @ts-expect-error the documented placeholder "String" is not a state
    void raw.POST('/beta/identityGovernance/entitlementManagement/connectedOrganizations/$ref', { body: { ...organization, state: 'String' } });
  });

  it('rejects an unknown identity source type', () => {
    // @ts-expect-error identitySources is discriminated by @odata.type
    void graph.addConnectedOrganization({ ...organization, identitySources: [{ '@odata.type': '#microsoft.graph.user' }] });
  });
});

describe('the methods come from one table', () => {
  it('has a row for every operation of the spec but the JSON batch (the bulk adds send it), no more, no less', () => {
    type Called = { [M in SponsorMethodName]: (typeof sponsorMethods)[M]['ops'][keyof (typeof sponsorMethods)[M]['ops']] }[SponsorMethodName];
    expectTypeOf<Called>().toEqualTypeOf<Exclude<OperationId, BatchOperationId>>();
  });

  it("gives each method what its row's operation takes", () => {
    expectTypeOf<Pick<GraphClient, SponsorMethodName>>().toEqualTypeOf<ClientMethods>();
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

describe('versions', () => {
  it('adds and createConnectedOrganization take v1.0 or beta', () => {
    void graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { version: 'v1.0' });
    void graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { version: 'beta', timeoutMs: 5_000 });
    void graph.addAgentIdentityBlueprintSponsor('a1', { kind: 'group', id: 'g1' }, { version: 'beta' });
    void graph.createConnectedOrganization(organization, { version: 'beta' });
    // @ts-expect-error no such Graph version
    void graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { version: 'v2.0' });
    // @ts-expect-error the deprecated draft is beta only
    void graph.addConnectedOrganization(organization, { version: 'v1.0' });
  });

  it('list and remove are v1.0 only in this release', () => {
    void graph.listUserSponsors('u1', { version: 'v1.0' });
    // @ts-expect-error no beta list operation yet
    void graph.listUserSponsors('u1', { version: 'beta' });
    // @ts-expect-error no beta remove operation yet
    void graph.removeUserSponsor('u1', 's1', { version: 'beta' });
  });
});

describe('list, remove and create', () => {
  it('list resolves the directory objects of every page', () => {
    expectTypeOf(graph.listUserSponsors('u1')).toEqualTypeOf<Promise<DirectoryObject[]>>();
    expectTypeOf(graph.listInternalSponsors('c1', { maxPages: 3 })).toEqualTypeOf<Promise<DirectoryObject[]>>();
    expectTypeOf(graph.listAgentIdentityBlueprintSponsors('a1')).toEqualTypeOf<Promise<DirectoryObject[]>>();
    expectTypeOf<DirectoryObject>().toEqualTypeOf<components['schemas']['directoryObject']>();
    expectTypeOf<Pick<DirectoryObject, '@odata.type' | 'id'>>().toEqualTypeOf<{ '@odata.type': string; readonly id: string }>();
    // @ts-expect-error maxPages is a number
    void graph.listUserSponsors('u1', { maxPages: '3' });
    // @ts-expect-error list takes the owner id only
    void graph.listUserSponsors('u1', 's1');
  });

  it('remove takes the owner id and the sponsor id and resolves void', () => {
    expectTypeOf(graph.removeUserSponsor('u1', 's1')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.removeInternalSponsor('c1', 's1', { timeoutMs: 1_000 })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(graph.removeAgentIdentityBlueprintSponsor('a1', 's1')).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error the sponsor id is a string, not a sponsor
    void graph.removeUserSponsor('u1', { kind: 'user', id: 's1' });
    // @ts-expect-error the sponsor id is required
    void graph.removeUserSponsor('u1');
  });

  it('createConnectedOrganization resolves the 201 connectedOrganization', () => {
    expectTypeOf(graph.createConnectedOrganization(organization)).toEqualTypeOf<Promise<ConnectedOrganization>>();
    expectTypeOf<ConnectedOrganization>().toEqualTypeOf<OperationTypes['createConnectedOrganization']['responses'][201]['content']['application/json']>();
    expectTypeOf<Parameters<GraphClient['createConnectedOrganization']>[0]>().toEqualTypeOf<
      OperationTypes['createConnectedOrganization']['requestBody']['content']['application/json']
    >();
    // @ts-expect-error state is configured | proposed | unknownFutureValue
    void graph.createConnectedOrganization({ ...organization, state: 'active' });
  });
});

describe('options', () => {
  it('takes per-call headers as header names to strings, on every kind of method', () => {
    expectTypeOf<CallOptions['headers']>().toEqualTypeOf<Record<string, string> | undefined>();
    void graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { headers: { Prefer: 'code=400' } });
    void graph.listUserSponsors('u1', { headers: { ConsistencyLevel: 'eventual' } });
    // @ts-expect-error a header value is a string
    void graph.removeUserSponsor('u1', 's1', { headers: { Prefer: 400 } });
  });

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

describe('error names, ifExists and sdkVersion', () => {
  const error = new GraphError({ status: 400, code: 'Request_BadRequest', message: 'm' });

  it("takes the spec's error example names in GraphError#is, and nothing else", () => {
    expectTypeOf<'referenceAlreadyExists'>().toExtend<GraphErrorName>();
    expectTypeOf<'tooManyRequests'>().toExtend<GraphErrorName>();
    expectTypeOf(error.is('referenceAlreadyExists')).toEqualTypeOf<boolean>();
    // @ts-expect-error not a documented error example name
    void error.is('referenceAlreadyExist');
    // @ts-expect-error names are the examples' keys, not Graph codes
    void error.is('Request_BadRequest');
    // @ts-expect-error a name is a string
    void error.is(400);
  });

  it("takes ifExists 'ok' | 'error' on the client and on add calls only", () => {
    void createGraphClient({ ifExists: 'ok' });
    void graph.addUserSponsor('u1', { kind: 'user', id: 's1' }, { ifExists: 'ok' });
    void graph.addInternalSponsor('c1', { kind: 'group', id: 'g1' }, { ifExists: 'error', version: 'beta' });
    // @ts-expect-error ifExists is 'ok' or 'error'
    void createGraphClient({ ifExists: 'maybe' });
    // @ts-expect-error ifExists is 'ok' or 'error'
    void graph.addAgentIdentityBlueprintSponsor('a1', { kind: 'user', id: 's1' }, { ifExists: 'maybe' });
    // @ts-expect-error a list does not add
    void graph.listUserSponsors('u1', { ifExists: 'ok' });
    // @ts-expect-error a remove does not add
    void graph.removeUserSponsor('u1', 's1', { ifExists: 'ok' });
    // @ts-expect-error a create makes a new object
    void graph.createConnectedOrganization(organization, { ifExists: 'ok' });
  });

  it('takes sdkVersion as a boolean', () => {
    void createGraphClient({ sdkVersion: true });
    // @ts-expect-error sdkVersion turns the header on; the value is the package's
    void createGraphClient({ sdkVersion: 'my-app/1.0' });
  });

  it('types the Authorizer seam as the design gives it', () => {
    expectTypeOf<Authorizer['header']>().toEqualTypeOf<(signal: AbortSignal) => Promise<string | undefined>>();
    expectTypeOf<Authorizer['challenge']>().toEqualTypeOf<((response: Response, signal: AbortSignal) => Promise<boolean>) | undefined>();
  });
});
