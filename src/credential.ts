// An Azure Identity credential (DefaultAzureCredential, ManagedIdentityCredential, …) as the client's Authorizer:
// duck-typed, so @azure/identity stays out of the runtime dependencies. What it does is what Microsoft's own
// pipeline does with a credential (@azure/core-rest-pipeline 1.24.0, policies/bearerTokenAuthenticationPolicy.js
// and util/tokenCycler.js; Kiota's AzureIdentityAccessTokenProvider in @microsoft/kiota-authentication-azure):
// one token reused across calls, one acquisition in flight, and one new token for a CAE claims challenge.
import { clouds } from '../generated/operations.js';
import { abortable } from './abort.js';
import type { Authorizer } from './auth.js';
import type { Cloud } from './sponsors.js';

/** @azure/core-auth's AccessToken, the part read here (times in ms since the epoch). */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
  /** When the credential advises a refresh (MSAL's refresh_in), before expiry. */
  refreshAfterTimestamp?: number;
}

/** @azure/core-auth's GetTokenOptions, the part passed here. */
export interface GetTokenOptions {
  abortSignal?: AbortSignal;
  /** Decoded claims of a challenge (JSON text). */
  claims?: string;
  enableCae?: boolean;
}

/** @azure/core-auth's TokenCredential: what every @azure/identity credential class is. */
export interface TokenCredential {
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
}

/** The `.default` scope of the cloud's Graph origin (the spec's servers), e.g. `https://graph.microsoft.com/.default`. */
export const graphScope = (cloud: Cloud): string => `${clouds[cloud]}/.default`;

/**
 * The decoded `claims` of the first `Bearer` challenge with `error="insufficient_claims"` in a WWW-Authenticate
 * value (several challenges, quoted values with commas, any case of scheme and names: RFC 9110 §11.6.1), or
 * undefined when there is none or it is not base64. As core-rest-pipeline's getCaeChallengeClaims: both
 * parameters are needed, and claims `atob` refuses are no challenge (it then answers the 401 as it is).
 */
export function claimsFromChallenge(header: string | null | undefined): string | undefined {
  // The first entry takes parameters before any scheme, which belong to no challenge.
  const challenges: Array<Record<string, string>> = [{}];
  // A quoted value ends at the next quote, as in core-rest-pipeline's parseChallenges: Graph's parameters (a URL,
  // a GUID, base64) hold no escaped quote.
  for (const [, name, value] of (header ?? '').matchAll(/([^\s=,]+)(?:\s*=\s*("[^"]*"|[^\s,"]*))?/g)) {
    const key = name!.toLowerCase();
    // A name without `=` starts a challenge (its scheme, kept under ''); one with `=` is a parameter of the last.
    if (value === undefined) challenges.push({ '': key });
    else challenges.at(-1)![key] = value.replace(/"/g, '');
  }
  try {
    return atob(challenges.find((c) => c[''] === 'bearer' && c.error === 'insufficient_claims')!.claims!) || undefined;
  } catch {
    return undefined;
  }
}

// core-rest-pipeline's DEFAULT_CYCLER_OPTIONS: a token is refreshed in the background from 2 min before it
// expires (or once past refreshAfterTimestamp) and waited for from 1 s before.
const REFRESH_WINDOW_MS = 120_000;
const FORCED_WINDOW_MS = 1_000;

/** An acquisition in flight: its token, the signal it runs under, the claims it asks for. */
interface Flight {
  p: Promise<AccessToken>;
  s: AbortSignal;
  c: string | undefined;
}

/**
 * The Authorizer of a credential for one scope. `enableCae: true` on every getToken, as core-rest-pipeline's
 * defaultAuthorizeRequest and Kiota (isCaeEnabled defaults to true) do: it declares the `cp1` capability, so
 * Entra issues CAE tokens and Graph answers a revoked or insufficient one with a claims challenge.
 */
export function credentialAuthorizer(credential: TokenCredential, scope: string, now: () => number = Date.now): Authorizer {
  if (typeof credential?.getToken != 'function') throw new TypeError('credential.getToken must be a function');
  let cached: AccessToken | undefined;
  let flight: Flight | undefined;

  /** The acquisition in flight (shared), or a new one; a claims challenge shares only one for the same claims. */
  const start = (s: AbortSignal, c?: string): Flight => {
    if (!flight || (c && c !== flight.c)) {
      // The challenged token is dropped at once, so calls that start meanwhile wait for the new one (tokenCycler too).
      if (c) cached = undefined;
      const f: Flight = (flight = {
        s,
        c,
        p: credential
          .getToken(scope, { abortSignal: s, enableCae: true, claims: c })
          .then((token) => {
            if (!token?.token) throw new TypeError('credential.getToken() gave no token');
            if (flight === f) cached = token;
            return token;
          })
          .finally(() => {
            if (flight === f) flight = undefined;
          }),
      });
    }
    return flight;
  };

  /** A token for this call. An acquisition runs under the signal of the call that started it: a call whose own
   *  signal is fine starts its own when that call was aborted. An aborted call starts none. */
  const token = async (signal: AbortSignal, claims?: string): Promise<string> => {
    for (;;) {
      signal.throwIfAborted();
      const { p, s } = start(signal, claims);
      try {
        return (await abortable(p, signal)).token;
      } catch (error) {
        if (!s.aborted) throw error;
      }
    }
  };

  return {
    async header(signal) {
      const known = cached;
      const time = now();
      const usable = known && time < known.expiresOnTimestamp - FORCED_WINDOW_MS;
      // A failed background refresh leaves the token in use; the next call tries again.
      if (usable && time > Math.min(known.refreshAfterTimestamp ?? Infinity, known.expiresOnTimestamp - REFRESH_WINDOW_MS))
        start(signal).p.catch(() => undefined);
      return `Bearer ${usable ? known.token : await token(signal)}`;
    },
    async challenge(response, signal) {
      const claims = claimsFromChallenge(response.headers.get('www-authenticate'));
      return claims !== undefined && !!(await token(signal, claims));
    },
  };
}
