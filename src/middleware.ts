// The per-call headers a caller may add, checked before anything is sent.
import { isObject } from './check.js';

// RFC 9110 token (a header name) and field value without control characters other than tab.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const badHeaderValue = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Headers the client sets itself: a caller's value would send the token elsewhere or a body as something else. */
const ownHeaders = new Set(['authorization', 'content-type']);

/** A call's extra headers, checked: valid names and values, none of the client's own. */
export function checkCallHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (!isObject(headers)) throw new TypeError('headers must be an object of header names to strings');
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) throw new TypeError(`headers: ${JSON.stringify(name)} is not a header name`);
    if (ownHeaders.has(name.toLowerCase())) throw new TypeError(`headers: ${name} is set by the client`);
    if (typeof value !== 'string' || badHeaderValue.test(value))
      throw new TypeError(`headers: the value of ${name} must be a string without control characters`);
    checked[name.toLowerCase()] = value;
  }
  return checked;
}
