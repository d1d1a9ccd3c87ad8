// The client's options and what both clients (typed and raw) make of them: the cloud, the URL requests go to,
// its origin, the authorizer and the fetch to call.
import { clouds } from '../generated/operations.js';
import { mustBe, oneOf } from './check.js';
import { callbackAuthorizer, tokenAuthorizer, type Authorizer } from './auth.js';
import { credentialAuthorizer, graphScope, type TokenCredential } from './credential.js';
import type { RetryOptions } from './retry.js';
import type { Cloud } from './sponsors.js';

/** What an add does when Graph answers that the reference already exists (`referenceAlreadyExists`). */
export type IfExists = 'ok' | 'error';

/** The options of createGraphClient: `credential`, or `token`/`getToken`, or none of them (no Authorization). */
export type GraphClientOptions = ClientOptions &
  (
    | { credential?: undefined }
    | {
        /**
         * An Azure Identity credential (`new DefaultAzureCredential()`, or any object with its `getToken`), asked
         * for the cloud's Graph `.default` scope: one token reused until shortly before it expires, one request
         * at a time, a new one for a claims challenge. Not with `token` or `getToken`.
         */
        credential: TokenCredential;
        token?: undefined;
        getToken?: undefined;
      }
  );

interface ClientOptions {
  /** Absolute http(s) URL requests go to (e.g. the mock's `http://127.0.0.1:4010`); default: the cloud's Graph origin. */
  baseUrl?: string;
  /** National cloud: its origin is the default baseUrl and always the origin of built `@odata.id` URLs. */
  cloud?: Cloud;
  /** Bearer token (a non-empty string) sent to baseUrl's origin only. */
  token?: string;
  /** Called before every request (retries and pages included), so an expiring token can be refreshed; must give a non-empty string. */
  getToken?: () => string | Promise<string>;
  /** fetch implementation (tests inject one); default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Retry policy for 429, 503 and 504; `false` turns retries off. */
  retry?: false | RetryOptions;
  /** Time allowed for a whole call (token, attempts, retry waits, pages), default 100 000 ms; `Infinity` for none. */
  timeoutMs?: number;
  /**
   * What an add does when the reference already exists (Graph's 400 `referenceAlreadyExists`, also what a retried
   * add whose first attempt landed gets): `'ok'` resolves it, `'error'` (default) rejects with the GraphError.
   * An add call's own `ifExists` wins.
   */
  ifExists?: IfExists;
  /**
   * Sends `SdkVersion: graph-sponsors-contract/<version>` on every request, the telemetry header the Microsoft
   * Graph SDKs send (default false: nothing is sent).
   */
  sdkVersion?: boolean;
}

/**
 * baseUrl without its trailing slashes, and its origin; a RangeError unless it is an absolute http(s) URL with no
 * query, fragment or userinfo.
 */
function checkUrl(value: unknown): { baseUrl: string; origin: string } {
  let url: URL | undefined;
  try {
    if (typeof value === 'string' && !/[?#]/.test(value)) url = new URL(value); // not URL.canParse: Safari 17+ only
  } catch {
    // not a URL: url stays undefined and the check below throws the RangeError
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password) {
    throw mustBe('baseUrl', 'an absolute http(s) URL without query, fragment or credentials', value);
  }
  const { origin } = url;
  return { baseUrl: (origin + url.pathname).replace(/\/+$/, ''), origin };
}

/** baseUrl without its trailing slashes; a RangeError unless it is an absolute http(s) URL with no query, fragment or userinfo. */
export const checkBaseUrl = (value: unknown): string => checkUrl(value).baseUrl;

/** The options both clients share, checked: the cloud, the URL and origin requests go to, the authorizer, the fetch. */
export function clientSetup(options: GraphClientOptions) {
  const { token, getToken, credential } = options;
  const cloud: Cloud = options.cloud ?? 'global';
  const graph = oneOf('cloud', clouds, cloud);
  let auth: Authorizer | undefined;
  // Both given: getToken wins (as before 1.0.0); the token is still checked.
  if (token !== undefined) auth = tokenAuthorizer(token);
  if (getToken !== undefined) auth = callbackAuthorizer(getToken);
  if (credential !== undefined) {
    if (auth) throw new TypeError('give credential or token/getToken, not both');
    auth = credentialAuthorizer(credential, graphScope(cloud));
  }
  return {
    cloud,
    ...checkUrl(options.baseUrl ?? graph),
    auth,
    // Bound at call time so a fetch stubbed after creation (vi.stubGlobal) is used.
    fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init)),
  };
}
