// What every request of the client goes through, the raw openapi-fetch client's included: path ids checked,
// a client-request-id, and the bearer token for the client's own origin only.
import { defaultPathSerializer, type Middleware, type PathSerializer } from 'openapi-fetch';
import { abortable } from './abort.js';
import { assertValidId } from './sponsors.js';
import { uuidV4 } from './uuid.js';

/** A token as the client may send it: a non-empty string, never `Bearer undefined`. */
export function checkToken(value: unknown, from: string): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${from} must be a non-empty string; got ${value === '' ? 'an empty string' : typeof value}`);
  return value;
}

/** openapi-fetch's serializer after the id checks: its encodeURIComponent throws a URIError on a lone surrogate. */
export const checkedPathSerializer: PathSerializer = (pathname, path) => {
  for (const [name, value] of Object.entries(path)) assertValidId(value, `path parameter ${name}`);
  return defaultPathSerializer(pathname, path);
};

/** Names of a path template's parameters, parsed once per template. */
const paramNamesCache = new Map<string, string[]>();
function pathParamNames(schemaPath: string): string[] {
  let names = paramNamesCache.get(schemaPath);
  if (!names) {
    names = [...schemaPath.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1]!);
    if (paramNamesCache.size < 256) paramNamesCache.set(schemaPath, names); // bounded: raw callers pass any path
  }
  return names;
}

// RFC 9110 token (a header name) and field value without control characters other than tab.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const badHeaderValue = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Headers the client sets itself: a caller's value would send the token elsewhere or a body as something else. */
const ownHeaders = new Set(['authorization', 'content-type']);

/** A call's extra headers, checked: valid names and values, none of the client's own. */
export function checkCallHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) throw new TypeError('headers must be an object of header names to strings');
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) throw new TypeError(`headers: ${JSON.stringify(name)} is not a header name`);
    if (ownHeaders.has(name.toLowerCase())) throw new TypeError(`headers: ${name} is set by the client and cannot be given per call`);
    if (typeof value !== 'string' || badHeaderValue.test(value))
      throw new TypeError(`headers: the value of ${name} must be a string without control characters`);
    checked[name.toLowerCase()] = value;
  }
  return checked;
}

export interface Credentials {
  token?: string | undefined;
  getToken?: (() => string | Promise<string>) | undefined;
}

export function requestMiddleware(origin: string, { token, getToken }: Credentials): Middleware {
  // A request's URL is serialised by Request, so it is on our origin exactly when it starts with origin + '/'
  // (a URL with userinfo does not, and gets no token); this spares a URL parse per request.
  const originPrefix = `${origin}/`;
  return {
    async onRequest({ request, schemaPath, params }) {
      // A missing id would go out as %7Bid%7D (the serializer only sees the ids given).
      const pathParams = (params as { path?: Record<string, unknown> }).path ?? {};
      for (const name of pathParamNames(schemaPath)) assertValidId(pathParams[name], `path parameter ${name}`);
      if (!request.headers.has('client-request-id')) request.headers.set('client-request-id', uuidV4());
      // The token goes to the client's own origin only (a per-request baseUrl may point elsewhere).
      if ((token !== undefined || getToken) && request.url.startsWith(originPrefix)) {
        // A getToken that never settles cannot hold a raw call past its signal (the client's own calls are
        // also raced against their signal and timeout in send()).
        const value = getToken
          ? checkToken(
              await abortable(
                Promise.resolve().then(() => getToken()),
                request.signal,
              ),
              'getToken()',
            )
          : token;
        request.headers.set('Authorization', `Bearer ${value}`);
      }
      return request;
    },
  };
}
