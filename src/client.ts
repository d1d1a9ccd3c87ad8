// The typed client. Paths, versions, accepted sponsor kinds and cloud origins come from generated/ (derived from
// the spec), never hand-copied; every method is built from its row of the table in sponsors.ts, and every
// request goes through one exchange() (src/send.ts), which calls fetch itself.
import { batchOperations, routes, sdkVersion } from '../generated/operations.js';
import { defaultTimeoutMs, timeoutOption, withSignal } from './abort.js';
import { isObject, oneOf, option } from './check.js';
import { checkCallHeaders } from './middleware.js';
import { GraphError, invalidResponse } from './errors.js';
import { clientSetup, type GraphClientOptions, type IfExists } from './options.js';
import { nextPageTarget, pagesOption, readPage } from './paging.js';
import { retryPolicy } from './retry.js';
import { exchange, fillPath, type Answer, type Call, type Core } from './send.js';
import {
  assertValidId,
  sponsorMethods,
  sponsorODataId,
  versionOf,
  type Cloud,
  type GraphVersion,
  type OperationId,
  type SponsorMethodName,
  type Sponsor,
  type SponsorOperationId,
} from './sponsors.js';
import type { AddOptions, CallOptions, ClientMethods, ListOptions, VersionOptions } from './methods.js';
import { addRequests, bulk, type BulkMethods } from './batch.js';

export type { AddOptions, CallOptions, ClientMethods, ListOptions, VersionOptions } from './methods.js';
export { checkBaseUrl, type GraphClientOptions, type IfExists } from './options.js';

export interface GraphClient extends ClientMethods, BulkMethods {
  /** The URL requests go to. */
  readonly baseUrl: string;
  readonly cloud: Cloud;
}

type Row = (typeof sponsorMethods)[SponsorMethodName];

/** `ifExists` as given, `fallback` when absent; a RangeError otherwise. */
const ifExistsOption = (value: unknown, fallback: IfExists): IfExists =>
  option('ifExists', value, fallback, value === 'ok' || value === 'error', "'ok' or 'error'");

export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
  const { cloud, baseUrl, origin, auth, fetch } = clientSetup(options);
  const policy = retryPolicy(options.retry);
  const core: Core = { own: `${origin}/`, fetch, auth, policy };
  const timeoutMs = timeoutOption(options.timeoutMs, defaultTimeoutMs);
  const ifExists = ifExistsOption(options.ifExists, 'error');
  // Telemetry as the Graph JS SDK sends it: TelemetryHandler.SDK_VERSION_HEADER = "SdkVersion", value
  // `${PRODUCT_NAME}/${PACKAGE_VERSION}` (@microsoft/microsoft-graph-client 3.0.7, src/middleware/TelemetryHandler.ts).
  const telemetry: Record<string, string> = options.sdkVersion === true ? { sdkversion: sdkVersion } : {};

  /** Runs one call under its signal and timeout (the call's options, else the client's). */
  function within<T>(callOptions: CallOptions | undefined, work: (call: Call) => Promise<T>): Promise<T> {
    const callTimeout = timeoutOption(callOptions?.timeoutMs, timeoutMs);
    const header = { ...telemetry, ...checkCallHeaders(callOptions?.headers) };
    const id = callOptions?.clientRequestId;
    if (id !== undefined) header['client-request-id'] = id;
    return withSignal(callOptions?.signal, callTimeout, (signal) => work({ signal, deadline: Date.now() + callTimeout, header }));
  }

  /** The operation's request: `ids` fill its path parameters in path order (unless `url` is given), `body` (if any) is sent as JSON. */
  const request = async (call: Call, op: OperationId, ids: string[], body?: unknown, url = baseUrl + fillPath(routes[op].path, ids)): Promise<Answer> =>
    exchange(core, call, routes[op].method, url, JSON.stringify(body), routes[op].successStatus);

  /** The row's operation for the call's `version`; when it names none, the row's first (v1.0 where the row has it). */
  function operationOf(name: string, row: Row, version: unknown): OperationId {
    return oneOf(`${name}: version`, row.ops as Record<string, OperationId>, version === undefined ? Object.keys(row.ops)[0] : version);
  }

  /** The operation of a call with an owner id, the id checked (under the row's label for it). */
  const owned = (name: string, row: Row, ownerId: string, version: unknown) => {
    const op = operationOf(name, row, version);
    assertValidId(ownerId, (row as { owner?: string }).owner ?? 'id');
    return op;
  };

  const exists = (error: unknown) => error instanceof GraphError && error.is('referenceAlreadyExists');

  // One factory per kind of method; the loop below reads the kind from the operation's metadata.
  const add = (name: string, row: Row) => async (ownerId: string, sponsor: Sponsor<SponsorOperationId>, callOptions?: AddOptions) => {
    const op = owned(name, row, ownerId, callOptions?.version) as SponsorOperationId;
    const body = { '@odata.id': sponsorODataId(cloud, op, sponsor) };
    const ok = ifExistsOption(callOptions?.ifExists, ifExists) === 'ok';
    await within(callOptions, (call) =>
      request(call, op, [ownerId], body).catch((error: unknown) => {
        if (!(ok && exists(error))) throw error;
      }),
    );
  };

  const remove = (name: string, row: Row) => async (ownerId: string, sponsorId: string, callOptions?: VersionOptions) => {
    const op = owned(name, row, ownerId, callOptions?.version);
    assertValidId(sponsorId, 'sponsorId');
    await within(callOptions, (call) => request(call, op, [ownerId, sponsorId]));
  };

  const create = (name: string, row: Row) => async (body: unknown, callOptions?: VersionOptions) => {
    const op = operationOf(name, row, callOptions?.version);
    return within(callOptions, async (call) => {
      const answer = await request(call, op, [], body);
      // 204 is No Content; any other success status answers the created object.
      if (routes[op].successStatus !== 204 && !isObject(answer.body)) throw invalidResponse(answer.response, `${op}: the answer is not an object`, answer.body);
      return answer.body;
    });
  };

  // Every page goes through exchange(): token, retries, timeout and GraphError as for the first one.
  const list = (name: string, row: Row) => async (ownerId: string, callOptions?: ListOptions) => {
    const op = owned(name, row, ownerId, callOptions?.version);
    const maxPages = pagesOption(callOptions?.maxPages);
    return within(callOptions, async (call) => {
      const items: unknown[] = [];
      let answer = await request(call, op, [ownerId]);
      for (let pages = 1; ; pages++) {
        const page = readPage(answer.body);
        if (!page) throw invalidResponse(answer.response, `${op}: the answer is not a collection`, answer.body);
        for (const item of page.value) items.push(item); // not push(...value): a huge page would overflow the stack
        if (page.nextLink === undefined) return items;
        const target = nextPageTarget(page.nextLink, answer.url, origin);
        // The token goes to the client's origin only.
        if (target === undefined) throw invalidResponse(answer.response, `@odata.nextLink ${JSON.stringify(page.nextLink)} is not on ${origin}`, answer.body);
        if (pages >= maxPages) throw new RangeError(`${name}: the collection has more than ${maxPages} pages (maxPages); not all were read`);
        answer = await request(call, op, [], undefined, origin + target);
      }
    });
  };

  // The bulk twin of an add (src/batch.ts): its batches are requests of its version's batch operation like any other
  // (token, retries of the whole batch, timeout, signal); the requests in them that are throttled are sent again alone.
  const bulkAdd = (name: string, row: Row) => async (ownerId: string, sponsors: Array<Sponsor<SponsorOperationId>>, callOptions?: VersionOptions) => {
    const op = owned(name, row, ownerId, callOptions?.version) as SponsorOperationId;
    const build = (at: number[]) => addRequests(cloud, op, ownerId, sponsors, at);
    build([...sponsors.keys()]); // every sponsor checked before anything is sent
    const batch = batchOperations[versionOf(routes[op].path) as GraphVersion];
    return within(callOptions, (call) =>
      bulk(sponsors, routes[batch].batchLimit, build, async (body) => (await request(call, batch, [], body)).body, exists, {
        ...call,
        policy,
      }),
    );
  };

  const methods: Record<string, unknown> = {};
  for (const [name, row] of Object.entries(sponsorMethods)) {
    const meta = routes[operationOf(name, row, undefined)];
    if ('sponsorKinds' in meta) {
      methods[name] = add(name, row);
      methods[`${name}s`] = bulkAdd(`${name}s`, row);
    } else methods[name] = (meta.method === 'get' ? list : meta.method === 'delete' ? remove : create)(name, row);
  }
  return Object.assign(methods as unknown as ClientMethods & BulkMethods, { baseUrl, cloud });
}
