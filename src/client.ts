// The typed client: a thin layer over openapi-fetch's createClient<paths>(). Paths, versions, accepted
// sponsor kinds and cloud origins come from generated/ (derived from the spec), never hand-copied; every
// method is built from its row of the table in sponsors.ts, and every request goes through one exchange().
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/types.js';
import { clouds, operations } from '../generated/operations.js';
import { abortable, callSignal, defaultTimeoutMs, timeoutOption } from './abort.js';
import { checkCallHeaders, checkedPathSerializer, checkToken, requestMiddleware } from './middleware.js';
import { invalidResponse, toGraphError, unexpectedSuccess } from './errors.js';
import { nextPageTarget, pagesOption, readPage } from './paging.js';
import { retryPolicy, withRetries, type RetryOptions } from './retry.js';
import {
  assertValidId,
  defaultVersion,
  sponsorMethods,
  sponsorODataId,
  type Cloud,
  type GraphVersion,
  type OperationId,
  type SponsorMethodName,
  type Sponsor,
  type SponsorOperationId,
} from './sponsors.js';
import type { ClientMethods } from './methods.js';

export type { CallOptions, ClientMethods, ListOptions, VersionOptions } from './methods.js';
import type { CallOptions, ListOptions, VersionOptions } from './methods.js';

export interface GraphClientOptions {
  /** Absolute http(s) URL requests go to (e.g. the mock's `http://127.0.0.1:4010`); default: the cloud's Graph origin. */
  baseUrl?: string;
  /** National cloud: its origin is the default baseUrl and always the origin of built `@odata.id` URLs. */
  cloud?: Cloud;
  /** Bearer token (a non-empty string) sent to baseUrl's origin only. */
  token?: string;
  /** Called before every request (retries and pages included), so an expiring token can be refreshed; must give a non-empty string. */
  getToken?: () => string | Promise<string>;
  /** fetch implementation (tests inject one); default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Retry policy for 429, 503 and 504; `false` turns retries off. */
  retry?: false | RetryOptions;
  /** Time allowed for a whole call (token, attempts, retry waits, pages), default 100 000 ms; `Infinity` for none. */
  timeoutMs?: number;
}

export interface GraphClient extends ClientMethods {
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

type Send = (method: string, path: string, init: object) => Promise<{ response: Response; data?: unknown; error?: unknown }>;
type Row = (typeof sponsorMethods)[SponsorMethodName];
/** One call's own signal, deadline and client-request-id header. */
interface Call {
  signal: AbortSignal;
  deadline: number;
  header: Record<string, string>;
}
/** The success answer of one request: its parsed JSON body (undefined when empty), the response and the URL asked. */
interface Answer {
  body: unknown;
  response: Response;
  url: string;
}

/** Names of a path template's parameters in path order (the owner's `{id}` first). */
const templateParams = (path: string) => [...path.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1]!);
const notJson = Symbol('not JSON');
function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return notJson;
  }
}

export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
  const cloud: Cloud = options.cloud ?? 'global';
  if (!Object.hasOwn(clouds, cloud)) throw new RangeError(`unknown cloud ${JSON.stringify(cloud)}; one of ${Object.keys(clouds).join(', ')}`);
  const baseUrl = checkBaseUrl(options.baseUrl ?? clouds[cloud]);
  const origin = new URL(baseUrl).origin;
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
  raw.use(requestMiddleware(origin, { token, getToken }));
  const send = raw.request as unknown as Send; // openapi-fetch's overloads want a literal path; the methods stay typed

  /** Runs one call under its signal and timeout (the call's options, else the client's). */
  async function within<T>(callOptions: CallOptions | undefined, work: (call: Call) => Promise<T>): Promise<T> {
    const callTimeout = timeoutOption(callOptions?.timeoutMs, 'timeoutMs', timeoutMs);
    const { signal, done } = callSignal(callOptions?.signal, callTimeout);
    const id = callOptions?.clientRequestId;
    const header = checkCallHeaders(callOptions?.headers);
    if (id !== undefined) header['client-request-id'] = id;
    const call = { signal, deadline: Date.now() + callTimeout, header };
    try {
      // abortable: the call ends at the abort or timeout even if an injected fetch ignores its signal.
      return await abortable(work(call), signal);
    } finally {
      done();
    }
  }

  /** One request, retried per policy: the answer with `successStatus`, else the last GraphError thrown. */
  async function exchange(call: Call, method: string, path: string, init: object, successStatus: number): Promise<Answer> {
    let answer: Answer | undefined;
    let url = '';
    // The signal goes to fetch's init, not into openapi-fetch's Request: fetch builds its own Request from both, and
    // every Request made with a signal follows it (in Node, tens of µs each), so this follows it once, not twice.
    const fetchWithSignal = (request: Request) => ((url = request.url), fetchImpl(request, { signal: call.signal }));
    const attempt = async () => {
      // Network errors and aborts reject here with the original error.
      const { response, data, error } = await send(method, path, {
        ...init,
        params: { ...(init as { params?: object }).params, header: call.header },
        parseAs: 'text',
        fetch: fetchWithSignal,
      });
      if (response.status !== successStatus) return response.ok ? unexpectedSuccess(response, successStatus, data) : toGraphError(response, error);
      const body = parseJson(data);
      if (body === notJson) return invalidResponse(response, `HTTP ${response.status} with a body that is not JSON`, data);
      answer = { body, response, url };
      return undefined;
    };
    await withRetries(policy, call.signal, attempt, call.deadline);
    return answer!;
  }

  /** The operation's request: `ids` fill its path parameters in path order, `body` (if any) is sent as JSON. */
  function request(call: Call, op: OperationId, ids: string[], body?: unknown): Promise<Answer> {
    const { method, path, successStatus } = operations[op];
    const params = { path: Object.fromEntries(templateParams(path).map((name, i) => [name, ids[i]])) };
    return exchange(call, method, path, body === undefined ? { params } : { params, body }, successStatus);
  }

  /** The row's operation for the call's `version` (default v1.0 where the row has one). */
  function operationOf(name: string, row: Row, version: unknown): OperationId {
    const chosen = (version === undefined ? defaultVersion(row) : version) as GraphVersion;
    const op = Object.hasOwn(row.ops, chosen) ? (row.ops as Partial<Record<GraphVersion, OperationId>>)[chosen] : undefined;
    if (op === undefined) throw new RangeError(`${name}: version must be one of ${Object.keys(row.ops).join(', ')}; got ${JSON.stringify(version)}`);
    return op;
  }

  const owner = (row: Row) => ('owner' in row ? row.owner : 'id');

  // One factory per kind of method; build() reads the kind from the operation's metadata.
  const add = (name: string, row: Row) => async (ownerId: string, sponsor: Sponsor<SponsorOperationId>, callOptions?: VersionOptions) => {
    const op = operationOf(name, row, callOptions?.version) as SponsorOperationId;
    assertValidId(ownerId, owner(row));
    const body = { '@odata.id': sponsorODataId(cloud, op, sponsor) };
    await within(callOptions, (call) => request(call, op, [ownerId], body));
  };

  const remove = (name: string, row: Row) => async (ownerId: string, sponsorId: string, callOptions?: VersionOptions) => {
    const op = operationOf(name, row, callOptions?.version);
    assertValidId(ownerId, owner(row));
    assertValidId(sponsorId, 'sponsorId');
    await within(callOptions, (call) => request(call, op, [ownerId, sponsorId]));
  };

  const create = (name: string, row: Row) => async (body: unknown, callOptions?: VersionOptions) => {
    const op = operationOf(name, row, callOptions?.version);
    return within(callOptions, async (call) => {
      const answer = await request(call, op, [], body);
      // 204 is No Content; any other success status answers the created object.
      const isObject = typeof answer.body === 'object' && answer.body !== null && !Array.isArray(answer.body);
      if (operations[op].successStatus !== 204 && !isObject) throw invalidResponse(answer.response, `${op}: the answer is not the created object`, answer.body);
      return answer.body;
    });
  };

  // Every page goes through exchange(): token, retries, timeout and GraphError as for the first one.
  const list = (name: string, row: Row) => async (ownerId: string, callOptions?: ListOptions) => {
    const op = operationOf(name, row, callOptions?.version);
    assertValidId(ownerId, owner(row));
    const maxPages = pagesOption(callOptions?.maxPages);
    return within(callOptions, async (call) => {
      const items: unknown[] = [];
      let answer = await request(call, op, [ownerId]);
      for (let pages = 1; ; pages++) {
        const page = readPage(answer.body);
        if (!page) throw invalidResponse(answer.response, `${op}: the answer is not a collection ({"value": [...]})`, answer.body);
        for (const item of page.value) items.push(item); // not push(...value): a huge page would overflow the stack
        if (page.nextLink === undefined) return items;
        const target = nextPageTarget(page.nextLink, answer.url, origin);
        if (target === undefined) {
          const why = `@odata.nextLink ${JSON.stringify(page.nextLink)} is not on ${origin}, the only origin the token goes to: not followed`;
          throw invalidResponse(answer.response, why, answer.body);
        }
        if (pages >= maxPages) throw new RangeError(`${name}: the collection has more than ${maxPages} pages (maxPages); not all were read`);
        answer = await exchange(call, 'get', target, { baseUrl: origin }, operations[op].successStatus);
      }
    });
  };

  const build = (name: string, row: Row) => {
    const meta: { method: string } = operations[operationOf(name, row, undefined)];
    if ('sponsorKinds' in meta) return add(name, row);
    if (meta.method === 'get') return list(name, row);
    if (meta.method === 'delete') return remove(name, row);
    return create(name, row);
  };
  const methods = Object.fromEntries(Object.entries(sponsorMethods).map(([name, row]) => [name, build(name, row)]));

  return { ...(methods as unknown as ClientMethods), raw, baseUrl, cloud };
}
