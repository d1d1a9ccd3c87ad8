// The typed client: a thin layer over openapi-fetch's createClient<paths>(). Paths, versions, accepted
// sponsor kinds and cloud origins come from generated/ (derived from the spec), never hand-copied.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/types.js';
import { clouds, operations } from '../generated/operations.js';
import { abortable, callSignal, defaultTimeoutMs, timeoutOption } from './abort.js';
import { checkedPathSerializer, checkToken, requestMiddleware } from './middleware.js';
import { toGraphError, unexpectedSuccess } from './errors.js';
import { retryPolicy, withRetries, type RetryOptions } from './retry.js';
import {
  assertValidId,
  sponsorMethods,
  sponsorODataId,
  type Cloud,
  type ConnectedOrganizationBody,
  type OperationId,
  type Sponsor,
  type SponsorMethodName,
  type SponsorOperationId,
} from './sponsors.js';

export interface GraphClientOptions {
  /** Absolute http(s) URL requests go to (e.g. the mock's `http://127.0.0.1:4010`); default: the cloud's Graph origin. */
  baseUrl?: string;
  /** National cloud: its origin is the default baseUrl and always the origin of built `@odata.id` URLs. */
  cloud?: Cloud;
  /** Bearer token (a non-empty string) sent to baseUrl's origin only. */
  token?: string;
  /** Called before every request (retries included), so an expiring token can be refreshed; must give a non-empty string. */
  getToken?: () => string | Promise<string>;
  /** fetch implementation (tests inject one); default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Retry policy for 429, 503 and 504; `false` turns retries off. */
  retry?: false | RetryOptions;
  /** Time allowed for a whole call (token, attempts, retry waits), default 100 000 ms; `Infinity` for none. */
  timeoutMs?: number;
}

export interface CallOptions {
  /** Aborts the call (token, request, retry wait); the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Sent as `client-request-id` on every attempt; default: a fresh random UUID v4 per attempt. */
  clientRequestId?: string;
  /** This call's timeout, instead of the client's; rejects with a DOMException named 'TimeoutError'. */
  timeoutMs?: number;
}

/** The sponsor methods as the table in sponsors.ts builds them (test/types.test-d.ts checks GraphClient matches). */
export type SponsorMethods = {
  [M in SponsorMethodName]: (ownerId: string, sponsor: Sponsor<(typeof sponsorMethods)[M]['op']>, options?: CallOptions) => Promise<void>;
};

export interface GraphClient extends SponsorMethods {
  /** POST …/connectedOrganizations/{id}/internalSponsors/$ref */
  addInternalSponsor(connectedOrganizationId: string, sponsor: Sponsor<'addConnectedOrganizationInternalSponsor'>, options?: CallOptions): Promise<void>;
  /** POST /users/{id}/sponsors/$ref */
  addUserSponsor(userId: string, sponsor: Sponsor<'addUserSponsor'>, options?: CallOptions): Promise<void>;
  /** @deprecated The published Graph API creates a connected organization with POST …/connectedOrganizations (201). */
  addConnectedOrganization(body: ConnectedOrganizationBody, options?: CallOptions): Promise<void>;
  /** POST /applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors/$ref */
  addAgentIdentityBlueprintSponsor(applicationId: string, sponsor: Sponsor<'addAgentIdentityBlueprintSponsor'>, options?: CallOptions): Promise<void>;
  /** The typed openapi-fetch client (token, client-request-id and id checks apply; no retries, timeout or GraphError). */
  readonly raw: Client<paths, 'application/json'>;
  /** The URL requests go to. */
  readonly baseUrl: string;
  readonly cloud: Cloud;
}

/** baseUrl without its trailing slashes; a RangeError unless it is an absolute http(s) URL with no query, fragment or userinfo. */
export function checkBaseUrl(value: unknown): string {
  let url: URL | undefined;
  try {
    if (typeof value === 'string' && !/[?#]/.test(value)) url = new URL(value); // not URL.canParse: Safari 17+ only
  } catch {
    // not a URL: url stays undefined and the check below throws the RangeError
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password) {
    throw new RangeError(`baseUrl must be an absolute http(s) URL without query, fragment or credentials; got ${JSON.stringify(value)}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

type Post = (path: string, init: object) => Promise<{ response: Response; data?: unknown; error?: unknown }>;

export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
  const cloud: Cloud = options.cloud ?? 'global';
  if (!Object.hasOwn(clouds, cloud)) throw new RangeError(`unknown cloud ${JSON.stringify(cloud)}; one of ${Object.keys(clouds).join(', ')}`);
  const baseUrl = checkBaseUrl(options.baseUrl ?? clouds[cloud]);
  const policy = retryPolicy(options.retry);
  const timeoutMs = timeoutOption(options.timeoutMs, 'timeoutMs', defaultTimeoutMs);
  const { token, getToken } = options;
  if (token !== undefined) checkToken(token, 'token');
  if (getToken !== undefined && typeof getToken !== 'function') throw new TypeError('getToken must be a function');

  // Bound at call time so a fetch stubbed after creation (vi.stubGlobal) is used.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const raw = createClient<paths, 'application/json'>({
    baseUrl,
    fetch: fetchImpl,
    // A redirect to another origin must not carry the token, whatever the runtime does.
    redirect: 'error',
    pathSerializer: checkedPathSerializer,
  });
  raw.use(requestMiddleware(new URL(baseUrl).origin, { token, getToken }));
  const post = raw.POST as unknown as Post; // openapi-fetch's overloads want a literal path; the methods stay typed

  /** One call: the operation's request, retried per policy, under the call's signal and timeout. */
  async function send(op: OperationId, path: Record<string, string>, body: unknown, callOptions: CallOptions = {}): Promise<void> {
    const callTimeout = timeoutOption(callOptions.timeoutMs, 'timeoutMs', timeoutMs);
    const { signal, done } = callSignal(callOptions.signal, callTimeout);
    const header = callOptions.clientRequestId === undefined ? {} : { 'client-request-id': callOptions.clientRequestId };
    const { path: template, successStatus } = operations[op];
    // The signal goes to fetch's init, not into openapi-fetch's Request: fetch builds its own Request from both, and
    // every Request made with a signal follows it (in Node, tens of µs each), so this follows it once, not twice.
    const fetchWithSignal = (request: Request) => fetchImpl(request, { signal });
    const attempt = async () => {
      // Network errors and aborts reject here with the original error.
      const { response, data, error } = await post(template, { params: { path, header }, body, parseAs: 'text', fetch: fetchWithSignal });
      if (response.status === successStatus) return undefined;
      return response.ok ? unexpectedSuccess(response, successStatus, data) : toGraphError(response, error);
    };
    try {
      // abortable: the call ends at the abort or timeout even if an injected fetch ignores its signal.
      await abortable(withRetries(policy, signal, attempt, Date.now() + callTimeout), signal);
    } finally {
      done();
    }
  }

  const sponsorMethod =
    <Op extends SponsorOperationId>({ op, owner }: { op: Op; owner: string }) =>
    async (ownerId: string, sponsor: Sponsor<Op>, callOptions?: CallOptions): Promise<void> => {
      assertValidId(ownerId, owner);
      const [param] = operations[op].pathParams;
      return send(op, { [param]: ownerId }, { '@odata.id': sponsorODataId(cloud, op, sponsor) }, callOptions);
    };
  const methods = Object.fromEntries(Object.entries(sponsorMethods).map(([name, row]) => [name, sponsorMethod(row)]));

  return {
    ...(methods as SponsorMethods),
    addConnectedOrganization: async (body, callOptions) => send('addConnectedOrganization', {}, body, callOptions),
    raw,
    baseUrl,
    cloud,
  };
}
