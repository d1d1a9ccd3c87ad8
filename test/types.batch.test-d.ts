// Compile-time contract of the bulk adds: one plural method per add of the table, its sponsors typed by the
// operation's x-sponsor-kinds, its results by the sponsors given, its version by the add's versions.
import { describe, expectTypeOf, it } from 'vitest';
import { createGraphClient, type BulkAddResult, type BulkMethods, type GraphError, type Sponsor } from '../src/index.js';
import type { AddMethodName, BatchOperationId } from '../src/batch.js';

const graph = createGraphClient({ token: 't' });
const user = { kind: 'user' as const, id: 'u1' };

describe('bulk adds', () => {
  it('has exactly one plural method per add of the table', () => {
    expectTypeOf<AddMethodName>().toEqualTypeOf<'addInternalSponsor' | 'addUserSponsor' | 'addAgentIdentityBlueprintSponsor'>();
    expectTypeOf<keyof BulkMethods>().toEqualTypeOf<'addInternalSponsors' | 'addUserSponsors' | 'addAgentIdentityBlueprintSponsors'>();
    // @ts-expect-error a list has no bulk twin
    void graph.listUserSponsorss;
  });

  it('derives the batch operations from the spec (x-batch), one per version', () => {
    expectTypeOf<BatchOperationId>().toEqualTypeOf<'batch' | 'batchBeta'>();
  });

  it("resolves one result per sponsor, typed by the operation's sponsor kinds", () => {
    expectTypeOf(graph.addUserSponsors('owner', [user])).resolves.toEqualTypeOf<Array<BulkAddResult<Sponsor<'addUserSponsor'>>>>();
    expectTypeOf<BulkAddResult<Sponsor<'addUserSponsor'>>['status']>().toEqualTypeOf<'added' | 'exists' | 'failed'>();
    expectTypeOf<BulkAddResult<Sponsor<'addUserSponsor'>>['error']>().toEqualTypeOf<GraphError | undefined>();
    expectTypeOf(graph.addAgentIdentityBlueprintSponsors('app', [user], { version: 'beta' })).resolves.toEqualTypeOf<
      Array<BulkAddResult<Sponsor<'addAgentIdentityBlueprintSponsor'>>>
    >();
  });

  it("refuses a sponsor kind the operation doesn't accept, a version the add lacks, and a lone sponsor", () => {
    // @ts-expect-error a service principal is not a sponsor kind of the user sponsors
    void graph.addUserSponsors('owner', [{ kind: 'servicePrincipal', id: 'x' }]);
    // @ts-expect-error nor of the blueprint's
    void graph.addAgentIdentityBlueprintSponsors('app', [user, { kind: 'application', id: 'x' }]);
    // @ts-expect-error the adds have v1.0 and beta only
    void graph.addInternalSponsors('org', [user], { version: 'v2.0' });
    // @ts-expect-error the sponsors are a list
    void graph.addUserSponsors('owner', user);
    // @ts-expect-error the owner id is a string
    void graph.addUserSponsors(42, [user]);
  });
});
