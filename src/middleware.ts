// The per-call headers a caller may add, checked before anything is sent.
import { isObject } from './check.js';

/** Headers the client sets itself: a caller's value would send the token elsewhere or a body as something else. */
const ownHeaders = ['authorization', 'content-type'];

/**
 * A call's extra headers, checked before a token is asked for: names and values by the platform's own Headers
 * (the RFC 9110 checks fetch would make: a name that is no token, a value with CR, LF or NUL), keyed in lower
 * case as fetch sends them; none of the client's own.
 */
export function checkCallHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (!isObject(headers)) throw new TypeError('headers must be an object of header names to strings');
  for (const [name, value] of Object.entries(headers)) if (typeof value != 'string') throw new TypeError(`headers: the value of ${name} must be a string`);
  const checked = Object.fromEntries(new Headers(headers as Record<string, string>));
  for (const name of ownHeaders) if (name in checked) throw new TypeError(`headers: ${name} is set by the client`);
  return checked;
}
