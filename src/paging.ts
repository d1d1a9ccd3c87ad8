// Collections Graph answers a page at a time: what a page must hold, and which `@odata.nextLink` the client
// follows. Pure: the client turns a refusal into a GraphError carrying the response's ids.
import { isObject, option } from './check.js';

/**
 * Pages one list call reads at most unless the call says otherwise: a bound, so a server that keeps answering
 * a next link (or the same one) cannot hold a call forever. Far beyond a real sponsor list: the contract's
 * limits allow 100 sponsors, and Graph's directory collections answer up to 100 objects a page by default
 * (GET /users: default 100, at most 999), so even one object a page stays within it.
 */
export const defaultMaxPages = 100;

export interface Page {
  value: unknown[];
  /** The `@odata.nextLink` as sent, absent on the last page. */
  nextLink: string | undefined;
}

/** The items and next link of a collection page (`{"value": [...], "@odata.nextLink"?}`); undefined when it is not one. */
export function readPage(body: unknown): Page | undefined {
  if (!isObject(body)) return undefined;
  const { value, '@odata.nextLink': nextLink } = body as { value?: unknown; '@odata.nextLink'?: unknown };
  if (!Array.isArray(value) || (nextLink !== undefined && typeof nextLink !== 'string')) return undefined;
  return { value, nextLink };
}

/**
 * The path and query to request for `nextLink` (resolved against the page's URL, as OData allows a relative
 * one), or undefined when it is not on `origin` (the client's own, the only one its token goes to) or carries
 * credentials. `{` and `}` are escaped so the client's path-template checks cannot read a query as a template.
 */
export function nextPageTarget(nextLink: string, pageUrl: string, origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(nextLink, pageUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== origin || url.username || url.password) return undefined;
  return `${url.pathname}${url.search}`.replace(/[{}]/g, encodeURIComponent);
}

/** `maxPages` as given, the default when absent; a RangeError naming the option otherwise. */
export const pagesOption = (value: unknown): number =>
  option('maxPages', value, defaultMaxPages, Number.isInteger(value) && (value as number) >= 1, 'an integer from 1');
