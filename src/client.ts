// The typed client: a thin layer over openapi-fetch's createClient<paths>(). Paths, versions, accepted
// sponsor kinds and cloud origins come from generated/ (derived from the spec), never hand-copied.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths, operations as OperationTypes } from '../generated/types.js';
import { clouds, operations } from '../generated/operations.js';
import { GraphError, InvalidIdError, isGraphErrorBody } from './errors.js';
import { backoffMs, defaultRetry, parseRetryAfter, retryableStatuses, sleep, type RetryOptions } from './retry.js';

export type Cloud = keyof typeof clouds;
type Operations = typeof operations;
export type OperationId = keyof Operations;

/** Operations whose body is a sponsor reference (`@odata.id`). */
export type SponsorOperationId = {
  [K in OperationId]: Operations[K] extends { sponsorKinds: object } ? K : never;
}[OperationId];

/** The sponsor kinds an operation accepts, read from the spec's `x-sponsor-kinds`. */
export type SponsorKind<Op extends SponsorOperationId> = keyof Operations[Op]['sponsorKinds'] & string;

export interface Sponsor<Op extends SponsorOperationId> {
  kind: SponsorKind<Op>;
  /** Object id of the user, group or directoryObject; percent-encoded into the `@odata.id` URL. */
  id: string;
}

export type ConnectedOrganizationBody =
  OperationTypes['addConnectedOrganization']['requestBody']['content']['application/json'];

export interface GraphClientOptions {
  /** Origin the requests go to (e.g. the mock's `http://127.0.0.1:4010`); default: the cloud's Graph origin. */
  baseUrl?: string;
  /** National cloud: its origin is the default baseUrl and always the origin of built `@odata.id` URLs. */
  cloud?: Cloud;
  /** Bearer token sent to baseUrl's origin only. */
  token?: string;
  /** Called before every request (retries included), so an expiring token can be refreshed. */
  getToken?: () => string | Promise<string>;
  /** fetch implementation (tests inject one); default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Retry policy for 429, 503 and 504; `false` turns retries off. */
  retry?: false | RetryOptions;
}

export interface CallOptions {
  /** Aborts the request and any pending retry wait; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Sent as `client-request-id` on every attempt; default: a fresh crypto.randomUUID() per attempt. */
  clientRequestId?: string;
}

export interface GraphClient {
  /** POST …/connectedOrganizations/{id}/internalSponsors/$ref */
  addInternalSponsor(
    connectedOrganizationId: string,
    sponsor: Sponsor<'addConnectedOrganizationInternalSponsor'>,
    options?: CallOptions,
  ): Promise<void>;
  /** POST /users/{id}/sponsors/$ref */
  addUserSponsor(userId: string, sponsor: Sponsor<'addUserSponsor'>, options?: CallOptions): Promise<void>;
  /** @deprecated The published Graph API creates a connected organization with POST …/connectedOrganizations (201). */
  addConnectedOrganization(body: ConnectedOrganizationBody, options?: CallOptions): Promise<void>;
  /** POST /applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors/$ref */
  addAgentIdentityBlueprintSponsor(
    applicationId: string,
    sponsor: Sponsor<'addAgentIdentityBlueprintSponsor'>,
    options?: CallOptions,
  ): Promise<void>;
  /** The typed openapi-fetch client (token, client-request-id and id checks apply; no retries, no GraphError). */
  readonly raw: Client<paths, 'application/json'>;
  /** The origin requests go to. */
  readonly baseUrl: string;
  readonly cloud: Cloud;
}

/** Refuses ids that would send a wrong URL: `.`/`..` collapse the path, empty leaves `{id}` in it. */
export function assertValidId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidIdError(`${what} must be a string, got ${typeof value}`);
  if (value === '' || value === '.' || value === '..') {
    throw new InvalidIdError(`${what} must not be empty, "." or ".." (got ${JSON.stringify(value)})`);
  }
}

/** `@odata.id` read URL of a sponsor: cloud origin / operation version / entity set / encoded id. */
export function sponsorODataId<Op extends SponsorOperationId>(cloud: Cloud, operationId: Op, sponsor: Sponsor<Op>): string {
  const meta = operations[operationId];
  const kinds = meta.sponsorKinds as Record<string, string>;
  if (!Object.hasOwn(kinds, sponsor?.kind)) {
    throw new RangeError(`${operationId} accepts sponsor kinds ${Object.keys(kinds).join(', ')}; got ${JSON.stringify(sponsor?.kind)}`);
  }
  assertValidId(sponsor.id, 'sponsor id');
  return `${clouds[cloud]}/${meta.version}/${kinds[sponsor.kind]}/${encodeURIComponent(sponsor.id)}`;
}

function originOf(url: string): string {
  return new URL(url).origin;
}

/** Names of a path template's parameters, parsed once per template. */
const paramNamesCache = new Map<string, string[]>();
function pathParamNames(schemaPath: string): string[] {
  let names = paramNamesCache.get(schemaPath);
  if (!names) {
    names = [...schemaPath.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1]!);
    // Bounded: raw callers could pass arbitrary paths.
    if (paramNamesCache.size < 256) paramNamesCache.set(schemaPath, names);
  }
  return names;
}

export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
  const cloud: Cloud = options.cloud ?? 'global';
  if (!Object.hasOwn(clouds, cloud)) throw new RangeError(`unknown cloud ${JSON.stringify(cloud)}; one of ${Object.keys(clouds).join(', ')}`);
  const baseUrl = (options.baseUrl ?? clouds[cloud]).replace(/\/+$/, '');
  const origin = originOf(baseUrl);
  const retry = options.retry === false ? false : { ...defaultRetry, ...options.retry };
  const { token, getToken } = options;

  // Bound at call time so a fetch stubbed after creation (vi.stubGlobal) is used.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // redirect 'error': a redirect to another origin must not carry the token, whatever the runtime does.
  const raw = createClient<paths, 'application/json'>({ baseUrl, fetch: fetchImpl, redirect: 'error' });

  // A request's URL is serialised by Request, so it is on our origin exactly when it starts with origin + '/'
  // (a URL with userinfo does not, and gets no token); this spares a URL parse per request.
  const originPrefix = `${origin}/`;
  const middleware: Middleware = {
    async onRequest({ request, schemaPath, params }) {
      // openapi-fetch sends `.`/`..` as is (the URL collapses onto another resource) and a missing id as %7Bid%7D.
      const pathParams = (params as { path?: Record<string, unknown> }).path ?? {};
      for (const name of pathParamNames(schemaPath)) assertValidId(pathParams[name], `path parameter ${name}`);
      if (!request.headers.has('client-request-id')) request.headers.set('client-request-id', crypto.randomUUID());
      // The token goes to the client's own origin only (a per-request baseUrl may point elsewhere).
      if ((token !== undefined || getToken) && request.url.startsWith(originPrefix)) {
        const value = getToken ? await getToken() : token;
        request.headers.set('Authorization', `Bearer ${value}`);
      }
      return request;
    },
  };
  raw.use(middleware);

  async function call(operationId: OperationId, send: (headers: Record<string, string>) => Promise<{ response: Response; data?: unknown; error?: unknown }>, callOptions: CallOptions = {}): Promise<void> {
    const { signal, clientRequestId } = callOptions;
    const successStatus: number = operations[operationId].successStatus;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const headers: Record<string, string> = clientRequestId === undefined ? {} : { 'client-request-id': clientRequestId };
      // Network errors and aborts reject here with the original error.
      const { response, data, error } = await send(headers);
      if (response.status === successStatus) return;
      const failure = response.ok ? unexpectedSuccess(response, successStatus, data) : toGraphError(response, error);
      if (!retry || !retryableStatuses.has(response.status) || attempt >= retry.maxAttempts) throw failure;
      const waitMs = failure.retryAfter !== undefined ? failure.retryAfter * 1000 : backoffMs(attempt, retry.baseDelayMs);
      if (waited + waitMs > retry.maxTotalWaitMs) throw failure;
      await sleep(waitMs, signal);
      waited += waitMs;
    }
  }

  return {
    raw,
    baseUrl,
    cloud,
    addInternalSponsor(connectedOrganizationId, sponsor, callOptions) {
      return run(() => {
        const op = 'addConnectedOrganizationInternalSponsor';
        assertValidId(connectedOrganizationId, 'connectedOrganizationId');
        const body = { '@odata.id': sponsorODataId(cloud, op, sponsor) };
        return call(op, (headers) => raw.POST(operations[op].path, { params: { path: { id: connectedOrganizationId }, header: headers }, body, parseAs: 'text', signal: callOptions?.signal }), callOptions);
      });
    },
    addUserSponsor(userId, sponsor, callOptions) {
      return run(() => {
        const op = 'addUserSponsor';
        assertValidId(userId, 'userId');
        const body = { '@odata.id': sponsorODataId(cloud, op, sponsor) };
        return call(op, (headers) => raw.POST(operations[op].path, { params: { path: { id: userId }, header: headers }, body, parseAs: 'text', signal: callOptions?.signal }), callOptions);
      });
    },
    addConnectedOrganization(body, callOptions) {
      return run(() => {
        const op = 'addConnectedOrganization';
        return call(op, (headers) => raw.POST(operations[op].path, { params: { header: headers }, body, parseAs: 'text', signal: callOptions?.signal }), callOptions);
      });
    },
    addAgentIdentityBlueprintSponsor(applicationId, sponsor, callOptions) {
      return run(() => {
        const op = 'addAgentIdentityBlueprintSponsor';
        assertValidId(applicationId, 'applicationId');
        const body = { '@odata.id': sponsorODataId(cloud, op, sponsor) };
        return call(op, (headers) => raw.POST(operations[op].path, { params: { path: { id: applicationId }, header: headers }, body, parseAs: 'text', signal: callOptions?.signal }), callOptions);
      });
    },
  };
}

/** Turns a synchronous throw (a refused id) into a rejection, so callers handle one kind of failure. */
function run(fn: () => Promise<void>): Promise<void> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A 2xx other than the operation's success status breaks the contract: reject rather than guess. */
function unexpectedSuccess(response: Response, successStatus: number, data: unknown): GraphError {
  return new GraphError({
    status: response.status,
    code: 'InvalidResponse',
    message: `HTTP ${response.status} where the contract answers ${successStatus}`,
    requestId: response.headers.get('request-id') ?? undefined,
    clientRequestId: response.headers.get('client-request-id') ?? undefined,
    body: data === '' ? undefined : data,
  });
}

/** Builds the GraphError from Graph's error body and headers; a clear one when the body isn't Graph's. */
export function toGraphError(response: Response, payload: unknown): GraphError {
  const { status, headers } = response;
  const retryAfter = parseRetryAfter(headers.get('Retry-After'));
  const fromHeaders = {
    requestId: headers.get('request-id') ?? undefined,
    clientRequestId: headers.get('client-request-id') ?? undefined,
  };
  // openapi-fetch gives the parsed JSON, the raw text when it isn't JSON, "" or undefined when empty.
  if (isGraphErrorBody(payload)) {
    const inner = payload.error.innerError ?? {};
    return new GraphError({
      status,
      code: payload.error.code,
      message: payload.error.message,
      requestId: fromHeaders.requestId ?? inner['request-id'],
      clientRequestId: fromHeaders.clientRequestId ?? inner['client-request-id'],
      date: inner.date,
      retryAfter,
      body: payload,
    });
  }
  const empty = payload === undefined || payload === '';
  const notJson = empty || typeof payload === 'string';
  return new GraphError({
    status,
    code: notJson ? 'nonJsonErrorBody' : 'InvalidResponse',
    message: empty
      ? `HTTP ${status} with an empty body`
      : notJson
        ? `HTTP ${status} with a body that is not JSON`
        : `HTTP ${status} with a JSON body that is not a Graph error`,
    ...fromHeaders,
    retryAfter,
    body: empty ? undefined : payload,
  });
}
