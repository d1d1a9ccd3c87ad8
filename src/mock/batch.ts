// JSON batching (`POST /{version}/$batch`, learn.microsoft.com/graph/json-batching) in the mock. A batch Graph
// cannot read is refused as a whole with the spec's named 400; otherwise each request in it runs through the same
// pipeline as a request sent alone (a fresh Exchange: its method, `/{version}` + its url, its headers with the
// batch's Authorization and session, its body as JSON bytes), so state, rules, permissions, `Prefer` and the
// session's queue apply alike. Decisions (sources in the spec's $batch operation and examples):
// - sequential, in the order given: Graph's order is unspecified ("the most efficient order"), only dependsOn fixes
//   one, and a dependsOn must name an earlier request, so the order given satisfies every dependency;
// - a request whose dependency did not succeed answers 424 (Failed Dependency) without running;
// - the individual answers carry the batch's request-id and client-request-id, as the page's example shows;
// - an individual answer keeps its own headers (Content-Type, Cache-Control, Location, Retry-After…), not those
//   of the HTTP exchange (ids, Strict-Transport-Security, x-ms-ags-diagnostic), which the batch's answer carries;
// - a $batch inside a batch is refused (400); the body size limit of the host bounds the rest.
import { batchLimitOf, deref, type Operation, type Spec } from '../spec/walk.js';
import { GraphFailure, exampleAnswer, graphErrorBody, type Ids, type MockAnswer } from './graph-error.js';
import { scripted } from './graph-steps.js';
import { journalEntry } from './journal.js';
import type { Exchange, MockRequest, Step, StepResult } from './pipeline.js';
import { SESSION_HEADER } from './sessions.js';

/** One request of a batch, read and checked. */
export interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Absent when the request has no body. */
  body?: unknown;
  dependsOn: string[];
}

/** The answer to one request, as `responses` lists it. */
export interface BatchResponseItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Why a batch is refused: the name of its 400 example, and the request id its message names. */
export interface BatchRefusal {
  example: 'invalidBatchPayload' | 'batchRequestLimitExceeded' | 'batchRequestIdNotUnique' | 'batchInvalidDependency';
  id?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
/** A URL with a scheme: the batching page wants it relative to the version. */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Reads a batch body: its requests, or why Graph refuses it. The count is checked before the items, so a huge
 * array costs one comparison; ids compare without case (the page: "Not case-sensitive").
 */
export function readBatch(body: unknown, limit: number): BatchItem[] | BatchRefusal {
  const requests = isRecord(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) return { example: 'invalidBatchPayload' };
  if (requests.length > limit) return { example: 'batchRequestLimitExceeded' };
  const items: BatchItem[] = [];
  const seen = new Set<string>();
  for (const request of requests) {
    if (!isRecord(request)) return { example: 'invalidBatchPayload' };
    const { id, method, url, headers = {}, dependsOn = [] } = request;
    if (typeof id !== 'string' || id === '' || typeof method !== 'string' || typeof url !== 'string' || url === '' || ABSOLUTE.test(url))
      return { example: 'invalidBatchPayload' };
    if (!isRecord(headers) || !isStrings(Object.values(headers)) || !isStrings(dependsOn)) return { example: 'invalidBatchPayload' };
    if (seen.has(id.toLowerCase())) return { example: 'batchRequestIdNotUnique', id };
    // A dependency must be an earlier request (microsoftgraph/msgraph-sdk-dotnet-core#891).
    if (dependsOn.some((d) => !seen.has(d.toLowerCase()))) return { example: 'batchInvalidDependency', id };
    seen.add(id.toLowerCase());
    items.push({ id, method, url, headers: headers as Record<string, string>, dependsOn, ...('body' in request ? { body: request.body } : {}) });
  }
  return items;
}

/** The message of a refusal: the example's, with the request id it names in place of the example's own. */
export const withRequestId = (message: string, id: string | undefined): string =>
  id === undefined ? message : message.replace(/\bId \S+?(?=\.?(?:\s|$))/, () => `Id ${id}`);

const encoder = new TextEncoder();

/**
 * The request as if sent alone: `/{version}` + its url (a leading `/` may be left out, as the page's own example
 * does), its headers (names lower case, as node:http gives them) with the batch's Authorization, Host and session.
 */
export function innerRequest(item: BatchItem, version: string, outer: MockRequest): MockRequest {
  const headers: MockRequest['headers'] = {};
  for (const [name, value] of Object.entries(item.headers)) headers[name.toLowerCase()] = value;
  for (const name of ['authorization', 'host', SESSION_HEADER]) {
    if (outer.headers[name] === undefined) delete headers[name];
    else headers[name] = outer.headers[name];
  }
  const path = item.url.startsWith('/') ? item.url : `/${item.url}`;
  return {
    method: item.method.toUpperCase(),
    target: `/${version}${path}`,
    headers,
    ...('body' in item ? { body: encoder.encode(JSON.stringify(item.body)) } : {}),
  };
}

/** Headers of the HTTP exchange, which the batch's own answer carries: an individual answer does not repeat them. */
const EXCHANGE_HEADERS = new Set(['request-id', 'client-request-id', 'strict-transport-security', 'x-ms-ags-diagnostic', 'content-length', 'connection']);

/** An individual answer as `responses` lists it: status, the headers it keeps, its body (none for a 204). */
export function innerResponse(id: string, answer: MockAnswer): BatchResponseItem {
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !EXCHANGE_HEADERS.has(name.toLowerCase())));
  let body: unknown = answer.body;
  try {
    if (answer.body !== undefined) body = JSON.parse(answer.body);
  } catch {
    // not JSON: kept as the text it is
  }
  return { id, status: answer.status, ...(Object.keys(headers).length > 0 ? { headers } : {}), ...(body === undefined ? {} : { body }) };
}

/** Whether the operation is a JSON batch (the spec marks it `x-batch: true`). */
export const isBatchOperation = (op: Operation | undefined): boolean => op?.['x-batch'] === true;

/**
 * The 424 of a request whose dependency failed: the code and message of the documented 424 among the operation's
 * success examples, naming the dependency.
 */
export function failedDependency(spec: Spec, op: Operation, id: string, dependency: string, ids: Ids): BatchResponseItem {
  const examples = deref(spec, deref(spec, op.responses?.['200'])?.content?.['application/json'])?.examples ?? {};
  const documented = Object.values(examples)
    .flatMap((example) => (deref(spec, example).value as { responses?: BatchResponseItem[] } | undefined)?.responses ?? [])
    .find((item) => item.status === 424)?.body as { error: { code: string; message: string } } | undefined;
  // The spec is the one source of the text: a spec without the 424 is a broken contract, not a case to guess for.
  if (!documented) throw new Error(`${op.operationId}: no 200 example documents the 424 of a failed dependency`);
  const message = documented.error.message.replace(/'[^']*'/, () => `'${dependency}'`);
  return { id, status: 424, headers: { 'content-type': 'application/json' }, body: graphErrorBody(new GraphFailure(424, documented.error.code, message), ids) };
}

/** Exchanges of requests inside a batch: a $batch among them is refused rather than nested. */
const inner = new WeakSet<Exchange>();

/** A step unless the request is a batch (named as the step): the queue's entries and chaos go to the requests in it. */
export function exceptBatch(step: Step): Step {
  const unlessBatch: Step = (x) => (x.route && isBatchOperation(x.contract.operations.get(x.route.operationId)) ? undefined : step(x));
  return Object.defineProperty(unlessBatch, 'name', { value: step.name });
}

/** The batch's refusal as Graph's 400, from the operation's named example. */
function refuse(x: Exchange, refusal: BatchRefusal): GraphFailure {
  const documented = x.contract.documented(x.route!.operationId, refusal.example) ?? { status: 400, ...x.contract.error(refusal.example) };
  return new GraphFailure(documented.status, documented.code, withRequestId(documented.message, refusal.id));
}

/**
 * The batch step (after the token and the body's HTTP checks, before validation): answers a batch, unless a
 * Prefer or a scripted answer picks its documented example. `run` is the pipeline, given by pipeline.ts.
 */
export async function answerBatch(x: Exchange, run: (exchange: Exchange) => Promise<MockAnswer>): Promise<StepResult> {
  const op = x.route && x.contract.operations.get(x.route.operationId);
  if (!op || !isBatchOperation(op) || scripted(x)) return undefined;
  if (inner.has(x)) return refuse(x, { example: 'invalidBatchPayload' });
  const read = readBatch(x.body && 'parsed' in x.body ? x.body.parsed : undefined, batchLimitOf(x.contract.spec, op));
  if (!Array.isArray(read)) return refuse(x, read);
  // What the checks above let through but the schema does not (an unknown method, an extra property).
  const schemaViolation = x.bodyViolation ?? x.verdict?.violations.find((v) => v.code !== 401 && v.location[0] === 'body');
  if (schemaViolation) return refuse(x, { example: 'invalidBatchPayload' });
  const version = x.route!.template.split('/')[1]!;
  const statuses = new Map<string, number>();
  const responses: BatchResponseItem[] = [];
  for (const item of read) {
    const failed = item.dependsOn.find((d) => !((statuses.get(d.toLowerCase()) ?? 0) >= 200 && (statuses.get(d.toLowerCase()) ?? 0) < 300));
    let response: BatchResponseItem;
    if (failed !== undefined) response = failedDependency(x.contract.spec, op, item.id, failed, x.ids);
    else {
      const started = performance.now();
      const exchange: Exchange = {
        request: innerRequest(item, version, x.request),
        ids: x.ids,
        contract: x.contract,
        state: x.state,
        stats: x.stats,
        method: item.method.toLowerCase(),
      };
      inner.add(exchange);
      const answer = await run(exchange);
      journal(exchange, answer, performance.now() - started);
      response = innerResponse(item.id, answer);
    }
    statuses.set(item.id.toLowerCase(), response.status);
    responses.push(response);
  }
  return exampleAnswer({ ...(x.fast ?? x.verdict!.output), statusCode: 200, body: { responses } }, x.ids);
}

/** Each request of a batch goes into its session's journal as a request of its own (before the batch's entry). */
function journal(x: Exchange, answer: MockAnswer, durationMs: number): void {
  x.session?.journal.record(journalEntry(x, answer, durationMs, x.session.name));
}
