// Where the handlers answer: one base URL (an origin, optionally with a path prefix), and which request URLs fall
// under it. The predicate is ours rather than an msw path pattern (`origin + '/*'`): msw matches patterns with
// path-to-regexp and decodeURIComponent, which throws on a malformed percent-encoding (`/%E0`), while the server
// answers such a target with Graph's 400. Reading the URL ourselves hands the pipeline every target, as it is.

/** A base URL, read: its origin (`https://graph.microsoft.com`) and the path the app puts before Graph's ('' or `/graph`). */
export interface BaseUrl {
  origin: string;
  prefix: string;
}

/**
 * Reads a base URL. Absolute `http(s)` URLs only, or a path (`/graph`) when `pageOrigin` is given (in a browser
 * the page's origin, as msw resolves a relative handler path against `location`); Node has no page, so there a
 * relative one is refused rather than matching nothing. Returns the reason as text when the value is refused.
 */
export function readBaseUrl(value: string, pageOrigin: string | undefined): BaseUrl | string {
  const relative = value.startsWith('/') && !value.startsWith('//');
  if (relative && pageOrigin === undefined)
    return 'a path needs a page to resolve against (a browser); in Node use an absolute URL such as http://127.0.0.1:4010';
  let url: URL;
  try {
    url = new URL(value, relative ? pageOrigin : undefined);
  } catch {
    return 'use an absolute http(s) URL such as https://graph.microsoft.com, or a path such as /graph in a browser';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `use an http or https URL, not ${url.protocol}`;
  if (url.username || url.password || url.search || url.hash || /[?#]/.test(value))
    return 'use an origin and an optional path, without credentials, query or fragment';
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
}

/**
 * The request target the server would have received for this URL under `base` (the path below the prefix and
 * the query, percent-encoding as the URL holds it), or undefined when the URL is not under it.
 */
export function targetUnder(url: URL, base: BaseUrl): string | undefined {
  if (url.origin !== base.origin) return undefined;
  const { pathname } = url;
  if (base.prefix !== '' && pathname !== base.prefix && !pathname.startsWith(`${base.prefix}/`)) return undefined;
  return `${pathname.slice(base.prefix.length) || '/'}${url.search}`;
}
