// Compile-time contract of `credential`: Azure Identity's own classes fit the duck-typed TokenCredential, an
// object without getToken does not, and a credential never goes with token or getToken.
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential as AzureTokenCredential } from '@azure/identity';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createGraphClient,
  createRawClient,
  credentialAuthorizer,
  graphScope,
  type Authorizer,
  type GraphClientOptions,
  type RawClientOptions,
  type TokenCredential,
} from '../src/index.js';

const credential = new DefaultAzureCredential();

describe('credential', () => {
  it("takes Azure Identity's credentials and any object with their getToken", () => {
    createGraphClient({ credential });
    createGraphClient({ credential: new ManagedIdentityCredential(), cloud: 'usGovL4' });
    createGraphClient({ credential: { getToken: () => Promise.resolve({ token: 't', expiresOnTimestamp: 0 }) } });
    createGraphClient({ credential: { getToken: () => Promise.resolve(null) } });
    expectTypeOf<AzureTokenCredential>().toExtend<TokenCredential>();
    expectTypeOf(credentialAuthorizer(credential, graphScope('china'))).toEqualTypeOf<Authorizer>();
  });

  it('refuses an object without getToken, or whose getToken gives no token', () => {
    // @ts-expect-error no getToken
    createGraphClient({ credential: {} });
    // @ts-expect-error a token string is not a credential
    createGraphClient({ credential: 'token' });
    // @ts-expect-error getToken must resolve an AccessToken (or null), not a string
    createGraphClient({ credential: { getToken: () => Promise.resolve('token') } });
    // @ts-expect-error not a cloud
    graphScope('mars');
  });

  it('never goes with token or getToken', () => {
    // @ts-expect-error credential and token
    createGraphClient({ credential, token: 't' });
    // @ts-expect-error credential and getToken
    createGraphClient({ credential, getToken: () => 't' });
    createGraphClient({ credential, timeoutMs: 5000, token: undefined });
    // Options read alone still have their types.
    expectTypeOf<GraphClientOptions['token']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<GraphClientOptions['credential']>().toEqualTypeOf<TokenCredential | undefined>();
  });

  it('createRawClient takes a credential too (with token or getToken it throws at run time)', () => {
    createRawClient({ credential });
    createRawClient({ credential: new ManagedIdentityCredential(), cloud: 'china', baseUrl: 'http://127.0.0.1:4010' });
    // @ts-expect-error no getToken
    createRawClient({ credential: {} });
    expectTypeOf<RawClientOptions['credential']>().toEqualTypeOf<TokenCredential | undefined>();
    // @ts-expect-error the raw client has no retries
    createRawClient({ credential, retry: false });
    // @ts-expect-error a credential needs getToken
    createRawClient({ credential: { token: 't' } });
  });
});
