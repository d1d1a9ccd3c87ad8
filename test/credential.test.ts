// src/credential.ts without a socket: the claims challenge parser, the scope of each cloud, and the credential
// Authorizer against a fake credential whose every getToken is recorded and settled by the test (expiry, the
// refresh window, concurrency, a null token, abort, claims). The clock is a variable: nothing waits on time.
import { describe, expect, it } from 'vitest';
import { clouds } from '../generated/operations.js';
import { claimsFromChallenge, credentialAuthorizer, graphScope, type AccessToken, type GetTokenOptions, type TokenCredential } from '../src/credential.js';

/** Graph's challenge, as Microsoft's "Claims challenges" page shows it; the claims are base64 of CLAIMS. */
const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}';
const BASE64 = Buffer.from(CLAIMS).toString('base64');
const challenge = (claims = BASE64) =>
  `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${claims}"`;

describe('claimsFromChallenge', () => {
  it.each([
    ["Graph's CAE challenge", challenge(), CLAIMS],
    ['a quoted value with commas before it', `Bearer realm="a, b, c=d", error="insufficient_claims", claims="${BASE64}"`, CLAIMS],
    ['another scheme first', `Basic realm="x, y", Bearer error="insufficient_claims", claims="${BASE64}"`, CLAIMS],
    ['another scheme after', `Bearer error="insufficient_claims", claims="${BASE64}", PoP nonce="n"`, CLAIMS],
    ['two Bearer challenges, the second the CAE one', `Bearer realm="", Bearer error="insufficient_claims", claims="${BASE64}"`, CLAIMS],
    ['scheme and names in other cases, unquoted error, spaces around =', `bEaReR ERROR = insufficient_claims , Claims="${BASE64}"`, CLAIMS],
  ])('%s → the decoded claims', (_label, header, expected) => {
    expect(claimsFromChallenge(header)).toBe(expected);
  });

  it.each([
    ['no header', null],
    ['an empty header', ''],
    ["Graph's plain 401 challenge", 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="x"'],
    ['claims without error="insufficient_claims"', `Bearer realm="", claims="${BASE64}"`],
    ['another error', `Bearer error="invalid_token", claims="${BASE64}"`],
    ['error and claims in two challenges', `Bearer error="insufficient_claims", Bearer claims="${BASE64}"`],
    ['the CAE parameters under another scheme', `PoP error="insufficient_claims", claims="${BASE64}"`],
    ['parameters before any scheme', `error="insufficient_claims", claims="${BASE64}"`],
    ['claims that are not base64', challenge('not base64!')],
    ['claims of impossible length', challenge('abcde')],
    ['empty claims', challenge('')],
  ])('%s → undefined', (_label, header) => {
    expect(claimsFromChallenge(header)).toBeUndefined();
  });
});

describe('graphScope', () => {
  it.each(Object.entries(clouds))("%s → the .default scope of its Graph origin (the spec's servers)", (cloud, origin) => {
    expect(graphScope(cloud as keyof typeof clouds)).toBe(`${origin}/.default`);
    expect(new URL(graphScope(cloud as keyof typeof clouds)).pathname).toBe('/.default');
  });
});

interface Request {
  scopes: string | string[];
  options: GetTokenOptions | undefined;
  resolve(token: AccessToken | null): void;
  reject(error: unknown): void;
}

/** A credential whose getToken calls wait for the test to settle them. */
function fakeCredential() {
  const requests: Request[] = [];
  const credential: TokenCredential = {
    getToken(scopes, options) {
      return new Promise((resolve, reject) => requests.push({ scopes, options, resolve, reject }));
    },
  };
  return { credential, requests };
}

const SCOPE = 'https://graph.microsoft.com/.default';
const MINUTE = 60_000;
const tick = () => new Promise((resolve) => setImmediate(resolve));
const signal = () => new AbortController().signal;
const unauthorized = (header?: string) => new Response(null, { status: 401, headers: header === undefined ? {} : { 'www-authenticate': header } });

/** An authorizer over a fake credential, with a clock the test moves. */
function setup() {
  const fake = fakeCredential();
  const clock = { now: 1_000_000_000_000 };
  const authorizer = credentialAuthorizer(fake.credential, SCOPE, () => clock.now);
  return { ...fake, clock, authorizer };
}

describe('credentialAuthorizer', () => {
  it('asks the credential for the scope with enableCae and the call signal, and sends its token as Bearer', async () => {
    const { authorizer, requests, clock } = setup();
    const call = signal();
    const header = authorizer.header(call);
    await tick();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.scopes).toBe(SCOPE);
    expect(requests[0]!.options).toMatchObject({ enableCae: true, abortSignal: call });
    expect(requests[0]!.options!.claims).toBeUndefined();
    requests[0]!.resolve({ token: 'one', expiresOnTimestamp: clock.now + 60 * MINUTE });
    expect(await header).toBe('Bearer one');
  });

  it('reuses the token until the refresh window, refreshes in the background inside it, and waits for a new one 1 s before expiry', async () => {
    const { authorizer, requests, clock } = setup();
    const expires = clock.now + 60 * MINUTE;
    const first = authorizer.header(signal());
    await tick();
    requests[0]!.resolve({ token: 'one', expiresOnTimestamp: expires });
    await first;

    clock.now = expires - 2 * MINUTE - 1; // outside the 2-minute window
    expect(await authorizer.header(signal())).toBe('Bearer one');
    expect(requests).toHaveLength(1);

    clock.now = expires - 2 * MINUTE + 1; // inside it: the cached token, and one refresh started
    expect(await authorizer.header(signal())).toBe('Bearer one');
    expect(await authorizer.header(signal())).toBe('Bearer one');
    expect(requests).toHaveLength(2);
    requests[1]!.resolve({ token: 'two', expiresOnTimestamp: expires + 60 * MINUTE });
    await tick();
    expect(await authorizer.header(signal())).toBe('Bearer two');

    clock.now = expires + 60 * MINUTE - 999; // within 1 s of expiry: the call waits for a new token
    const waiting = authorizer.header(signal());
    await tick();
    expect(requests).toHaveLength(3);
    requests[2]!.resolve({ token: 'three', expiresOnTimestamp: clock.now + 60 * MINUTE });
    expect(await waiting).toBe('Bearer three');
  });

  it('refreshes once past refreshAfterTimestamp, long before expiry', async () => {
    const { authorizer, requests, clock } = setup();
    const first = authorizer.header(signal());
    await tick();
    requests[0]!.resolve({ token: 'one', expiresOnTimestamp: clock.now + 24 * 60 * MINUTE, refreshAfterTimestamp: clock.now + 12 * 60 * MINUTE });
    await first;
    clock.now += 12 * 60 * MINUTE - 1;
    await authorizer.header(signal());
    expect(requests).toHaveLength(1);
    clock.now += 2;
    expect(await authorizer.header(signal())).toBe('Bearer one');
    expect(requests).toHaveLength(2);
  });

  it('a failed background refresh keeps the token in use and the next call tries again', async () => {
    const { authorizer, requests, clock } = setup();
    const first = authorizer.header(signal());
    await tick();
    requests[0]!.resolve({ token: 'one', expiresOnTimestamp: clock.now + MINUTE });
    await first;
    expect(await authorizer.header(signal())).toBe('Bearer one');
    requests[1]!.reject(new Error('identity endpoint down'));
    await tick();
    expect(await authorizer.header(signal())).toBe('Bearer one');
    expect(requests).toHaveLength(3);
  });

  it('concurrent calls share one getToken', async () => {
    const { authorizer, requests, clock } = setup();
    const headers = Promise.all(Array.from({ length: 10 }, () => authorizer.header(signal())));
    await tick();
    expect(requests).toHaveLength(1);
    requests[0]!.resolve({ token: 'shared', expiresOnTimestamp: clock.now + 60 * MINUTE });
    expect(new Set(await headers)).toEqual(new Set(['Bearer shared']));
  });

  it.each([
    ['null', null],
    ['an empty token', { token: '', expiresOnTimestamp: 2e12 }],
    ['no token property', { expiresOnTimestamp: 2e12 } as AccessToken],
  ])('getToken resolving %s rejects every waiting call with a TypeError, and the next call asks again', async (_label, result) => {
    const { authorizer, requests, clock } = setup();
    const calls = [authorizer.header(signal()), authorizer.header(signal())];
    await tick();
    requests[0]!.resolve(result);
    for (const call of calls) await expect(call).rejects.toThrow(new TypeError('credential.getToken() gave no token'));
    const again = authorizer.header(signal());
    await tick();
    expect(requests).toHaveLength(2);
    requests[1]!.resolve({ token: 'ok', expiresOnTimestamp: clock.now + 60 * MINUTE });
    expect(await again).toBe('Bearer ok');
  });

  it("a getToken failure rejects with the credential's own error", async () => {
    const { authorizer, requests } = setup();
    const call = authorizer.header(signal());
    await tick();
    const failure = new Error('CredentialUnavailableError');
    requests[0]!.reject(failure);
    await expect(call).rejects.toBe(failure);
  });

  it('a call whose signal aborts leaves at once with its reason; a call sharing the acquisition asks again under its own signal', async () => {
    const { authorizer, requests, clock } = setup();
    const first = new AbortController();
    const second = signal();
    const aborted = authorizer.header(first.signal);
    const other = authorizer.header(second);
    await tick();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.options!.abortSignal).toBe(first.signal);
    const reason = new DOMException('stop', 'AbortError');
    first.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    requests[0]!.reject(reason); // a credential honouring abortSignal
    await tick();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.options!.abortSignal).toBe(second);
    requests[1]!.resolve({ token: 'two', expiresOnTimestamp: clock.now + 60 * MINUTE });
    expect(await other).toBe('Bearer two');
  });

  it('an already aborted call rejects with its reason and asks the credential nothing', async () => {
    const { authorizer, requests } = setup();
    const controller = new AbortController();
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(authorizer.header(controller.signal)).rejects.toBe(reason);
    await expect(authorizer.challenge!(unauthorized(challenge()), controller.signal)).rejects.toBe(reason);
    expect(requests).toHaveLength(0);
  });

  it('a claims challenge gets one new token for those claims, replaces the cached one and resolves true', async () => {
    const { authorizer, requests, clock } = setup();
    const first = authorizer.header(signal());
    await tick();
    requests[0]!.resolve({ token: 'old', expiresOnTimestamp: clock.now + 60 * MINUTE });
    await first;

    const call = signal();
    const retried = authorizer.challenge!(unauthorized(challenge()), call);
    // Calls that start meanwhile wait for the token with the claims instead of sending the rejected one.
    const meanwhile = authorizer.header(signal());
    await tick();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.scopes).toBe(SCOPE);
    expect(requests[1]!.options).toMatchObject({ claims: CLAIMS, enableCae: true, abortSignal: call });
    requests[1]!.resolve({ token: 'new', expiresOnTimestamp: clock.now + 60 * MINUTE });
    expect(await retried).toBe(true);
    expect(await meanwhile).toBe('Bearer new');
    expect(await authorizer.header(signal())).toBe('Bearer new');
    expect(requests).toHaveLength(2);
  });

  it('concurrent challenges with the same claims share one getToken; a pending acquisition without claims is not reused', async () => {
    const { authorizer, requests, clock } = setup();
    const plain = authorizer.header(signal());
    const challenged = [authorizer.challenge!(unauthorized(challenge()), signal()), authorizer.challenge!(unauthorized(challenge()), signal())];
    await tick();
    expect(requests.map((r) => r.options?.claims)).toEqual([undefined, CLAIMS]);
    requests[1]!.resolve({ token: 'with-claims', expiresOnTimestamp: clock.now + 60 * MINUTE });
    requests[0]!.resolve({ token: 'without', expiresOnTimestamp: clock.now + 60 * MINUTE });
    expect(await Promise.all(challenged)).toEqual([true, true]);
    expect(await plain).toBe('Bearer without');
    // The superseded acquisition does not overwrite the token got for the claims.
    expect(await authorizer.header(signal())).toBe('Bearer with-claims');
  });

  it.each([
    ['no WWW-Authenticate', undefined],
    ["Graph's plain challenge", 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="x"'],
    ['claims that are not base64', challenge('%%%')],
  ])('any other 401 (%s) resolves false and asks the credential nothing', async (_label, header) => {
    const { authorizer, requests } = setup();
    expect(await authorizer.challenge!(unauthorized(header), signal())).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('a challenge whose getToken resolves null rejects with the TypeError', async () => {
    const { authorizer, requests } = setup();
    const retried = authorizer.challenge!(unauthorized(challenge()), signal());
    await tick();
    requests[0]!.resolve(null);
    await expect(retried).rejects.toThrow(TypeError);
  });

  it.each([
    ['undefined', undefined],
    ['a string', 'token'],
    ['an object without getToken', {}],
    ['getToken that is not a function', { getToken: 'x' }],
  ])('a credential that is %s is a TypeError', (_label, value) => {
    expect(() => credentialAuthorizer(value as unknown as TokenCredential, SCOPE)).toThrow(new TypeError('credential.getToken must be a function'));
  });
});
