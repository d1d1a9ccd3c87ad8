// The Authorization seam: what every request of the client asks for its Authorization header, and what a 401
// may do about it. A token, a token callback and (src/credential.ts) an Azure Identity credential are each one.
import { abortable } from './abort.js';

export interface Authorizer {
  /** The Authorization header value for the next request (e.g. "Bearer x"), or undefined for none. */
  header(signal: AbortSignal): Promise<string | undefined>;
  /** Called with a 401 answer; resolves true when it got a new token for the answer's challenge, so the
   *  request is sent once more (at most once per call). Absent: 401 is final. */
  challenge?(response: Response, signal: AbortSignal): Promise<boolean>;
}

/** A token as the client may send it: a non-empty string, never `Bearer undefined`. */
export function checkToken(value: unknown, from: string): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${from} must be a non-empty string; got ${value === '' ? 'an empty string' : typeof value}`);
  return value;
}

/** The same bearer token on every request. */
export function tokenAuthorizer(token: string): Authorizer {
  const header = Promise.resolve(`Bearer ${checkToken(token, 'token')}`);
  return { header: () => header };
}

/**
 * `getToken()` before every request (retries and pages included), so an expiring token can be refreshed. One
 * that never settles cannot hold a call past its signal.
 */
export function callbackAuthorizer(getToken: () => string | Promise<string>): Authorizer {
  if (typeof getToken !== 'function') throw new TypeError('getToken must be a function');
  return {
    header: async (signal) =>
      `Bearer ${checkToken(
        await abortable(
          Promise.resolve().then(() => getToken()),
          signal,
        ),
        'getToken()',
      )}`,
  };
}
