// The fast path (issue 5: throughput). Prism's request pipeline (fp-ts, per-request uri-template compilation,
// negotiation) costs most of the mock's CPU per request. For the common valid request only, the same checks
// Prism makes run from validators compiled once (validators.ts), and the answer is the one Prism itself gave
// for the operation's documented example when the spec was loaded. Anything else (Prefer, query, Accept,
// encoded ids, other content types, any failure) goes through the whole pipeline.
// test/mock.fast-path.test.ts proves both paths answer alike.
import type { ExampleOutput } from './graph-error.js';
import type { Route } from './routes.js';
import type { OperationValidators } from './validators.js';

export interface FastRoute {
  route: Route;
  /** Prism's documented success answer for a valid request. */
  output: ExampleOutput;
  matches(pathname: string, headers: Record<string, string | string[] | undefined>, body: unknown): boolean;
}

/** The request shape the fast path serves: no Prefer, no query, plain JSON, Accept absent or anything. */
export interface FastCandidate {
  search: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Ids served by the fast path: unreserved characters only, so the raw segment is the decoded value. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
const BEARER = /^Bearer\s.+$/; // Prism's oauth2/bearer check (validators/security/handlers/bearer.js)

/** Whether a request may take the fast path at all, from what it carries (the route is checked next). */
export function eligible({ search, headers }: FastCandidate): boolean {
  return (
    search === '' &&
    headers.prefer === undefined &&
    (headers.accept === undefined || headers.accept === '*/*') &&
    headers['content-type'] === 'application/json'
  );
}

/**
 * A fast route for an operation whose checks the validators replicate exactly and whose security is bearer
 * only; `output` is Prism's 2xx answer to the documented example request.
 */
export function fastRoute(route: Route, validators: OperationValidators, bearerOnly: boolean, output: ExampleOutput): FastRoute | undefined {
  if (!validators.exact || !bearerOnly || output.statusCode < 200 || output.statusCode > 299) return undefined;
  return {
    route,
    output,
    matches(pathname, headers, body) {
      const match = route.pattern.exec(pathname);
      if (!match) return false;
      const values: Record<string, string> = {};
      for (let i = 0; i < route.pathParams.length; i++) {
        const raw = match[i + 1]!;
        if (!PLAIN_SEGMENT.test(raw)) return false;
        values[route.pathParams[i]!.toLowerCase()] = raw;
      }
      const authorization = headers.authorization;
      if (typeof authorization !== 'string' || !BEARER.test(authorization)) return false;
      const headerValues: Record<string, unknown> = {};
      for (const name of validators.headerNames) {
        const value = headers[name];
        if (value === undefined) continue;
        if (typeof value !== 'string') return false;
        headerValues[name] = value;
      }
      return validators.pathOk(values) && validators.headersOk(headerValues) && validators.bodyViolation(body) === undefined;
    },
  };
}

/** The fast route serving this path and method, when exactly one template matches the path. */
export function findFastRoute(routes: readonly FastRoute[], method: string, pathname: string): FastRoute | undefined {
  let found: FastRoute | undefined;
  let candidates = 0;
  for (const fast of routes) {
    if (!fast.route.pattern.test(pathname)) continue;
    candidates++;
    if (fast.route.method === method) found = fast;
  }
  return candidates === 1 ? found : undefined;
}
