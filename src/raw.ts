// The typed openapi-fetch client over the same contract, for callers who want openapi-fetch's { data, error,
// response } instead of the typed methods. Apart so a bundler drops openapi-fetch from apps that never call it.
// Every request gets what the typed client's get: path ids checked, a client-request-id, and the bearer token for
// the client's own origin only. No retries, timeout or GraphError.
import createClient, { defaultPathSerializer, type Client, type Middleware, type PathSerializer } from 'openapi-fetch';
import type { paths } from '../generated/types.js';
import { abortable } from './abort.js';
import type { Authorizer } from './auth.js';
import { clientSetup, type GraphClientOptions } from './options.js';
import { assertValidId } from './sponsors.js';
import { uuidV4 } from './uuid.js';

/**
 * The options createRawClient takes: the typed client's origin, auth (`credential`, or `token`/`getToken`) and fetch
 * ones. Picked from the union as a whole, so it stays one object type callers can spread into: a `credential` with
 * `token` or `getToken` compiles here and is refused at run time (TypeError), as createGraphClient refuses it.
 */
export type RawClientOptions = Pick<GraphClientOptions, 'baseUrl' | 'cloud' | 'token' | 'getToken' | 'credential' | 'fetch'>;

export type RawClient = Client<paths, 'application/json'>;

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

/** Id checks, client-request-id, and the Authorization header for URLs on `origin` only. */
export function requestMiddleware(origin: string, auth: Authorizer | undefined): Middleware {
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
      if (auth && request.url.startsWith(originPrefix)) {
        // An authorizer that never settles cannot hold a raw call past its signal.
        const value = await abortable(auth.header(request.signal), request.signal);
        if (value !== undefined) request.headers.set('Authorization', value);
      }
      return request;
    },
  };
}

/** The typed openapi-fetch client for the contract's paths (`graph.raw` before 1.0.0). */
export function createRawClient(options: RawClientOptions = {}): RawClient {
  // The one-object type lets `credential` and `token` meet; clientSetup refuses that at run time.
  const { baseUrl, origin, auth, fetch } = clientSetup(options as GraphClientOptions);
  const raw = createClient<paths, 'application/json'>({
    baseUrl,
    fetch,
    // A redirect to another origin must not carry the token, whatever the runtime does.
    redirect: 'error',
    pathSerializer: checkedPathSerializer,
  });
  raw.use(requestMiddleware(origin, auth));
  return raw;
}
