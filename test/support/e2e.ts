// What the mock's end-to-end tests share: the spec and the default fixture as read from the repository (never
// copied by hand), requests to a running mock (a contract operation by operationId, or the control API), and the
// check of Graph's error shape with the ids it must carry.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { getResponse } from 'msw';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/server.js';
import { createGraphHandlers, type Fixture } from '../../src/msw/index.js';
import { documentedErrors, operationsOf, type DocumentedError, type OperationEntry } from '../../src/spec/walk.js';
import { loadSpec, repoRoot, type Json } from './spec.js';
import {
  answerOf,
  checkControlParity,
  checkParity,
  describeRequest,
  newCount,
  skipped,
  viaPlainControls,
  writeCount,
  type Answer,
  type PlainControls,
  type Target,
} from './parity.js';

export type { Json } from './spec.js';

export const spec: Json = loadSpec();
/** fixtures/default.yaml as written (the mock adds the spec's seeds on top of it). */
export const defaultFixture: Json = parseYaml(readFileSync(`${repoRoot}fixtures/default.yaml`, 'utf8'));

const entries = new Map<string, OperationEntry>(operationsOf(spec).map((entry) => [entry.operationId, entry]));
const errors = documentedErrors(spec);

export function operation(operationId: string): OperationEntry {
  const entry = entries.get(operationId);
  if (!entry) throw new Error(`the spec has no operation ${operationId}`);
  return entry;
}

/** The operation's `x-rules`, as the spec writes them. */
export const rulesOf = (operationId: string): Json => operation(operationId).op['x-rules'];

/** The operations whose rules add a reference (the sponsor operations). */
export const referenceOperations: string[] = [...entries.keys()].filter((id) => rulesOf(id)?.reference !== undefined);

/** The example a rule names, as the operation documents it (status, code, message). */
export function documented(operationId: string, example: string): DocumentedError {
  const found = errors.get(operationId)?.get(example);
  if (!found) throw new Error(`${operationId} documents no error example ${example}`);
  return found;
}

/** The example a check of the operation's x-rules names (the first check that `pick` selects). */
export function checkExample(operationId: string, pick: (check: Json) => boolean): DocumentedError & { check: Json } {
  const check = (rulesOf(operationId).checks as Json[]).find(pick);
  if (!check) throw new Error(`${operationId} has no such check`);
  return { ...documented(operationId, check.example), check };
}

/** `v1.0` or `beta`: the first segment of the operation's path. */
export const versionOf = (operationId: string): string => operation(operationId).template.split('/')[1]!;

/** The operation's path with its parameters filled in (percent-encoded): one id for all, or each by name. */
export const pathOf = (operationId: string, id?: string | Record<string, string>): string =>
  operation(operationId).template.replace(/\{([^{}]+)\}/g, (_m, name: string) => {
    const value = typeof id === 'string' ? id : id?.[name];
    if (value === undefined) throw new Error(`${operationId} needs a value for {${name}}`);
    return encodeURIComponent(value);
  });

/** The body a `$ref` operation takes: the read URL of `key` in `entitySet`, under the property its rules read. */
export function refBody(operationId: string, entitySet: string, key: string): Record<string, string> {
  const from = rulesOf(operationId).reference.from as string;
  return { [from]: `https://graph.microsoft.com/${versionOf(operationId)}/${entitySet}/${encodeURIComponent(key)}` };
}

/** A session name no other test uses (x-mock-session: 1–64 of [A-Za-z0-9._-]). */
export const freshSession = (label: string): string => `${label.slice(0, 24)}-${randomUUID()}`;
export const freshId = (): string => randomUUID();

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The client-request-id the request carried. */
  clientRequestId: string;
  elapsedMs: number;
}

export const json = (reply: Reply): Json => JSON.parse(reply.text);

export interface CallOptions {
  /** The path parameters: one id for all, or each by name. */
  id?: string | Record<string, string>;
  body?: unknown;
  /** The bearer token; null: no Authorization header. Default: an opaque token (accepted by `--auth open`). */
  token?: string | null;
  session?: string;
  headers?: Record<string, string>;
}

async function send(url: string, method: string, headers: Record<string, string>, body: unknown): Promise<Reply> {
  const clientRequestId = headers['client-request-id'] ?? randomUUID();
  const started = performance.now();
  const server = await tee(url, {
    method,
    headers: { ...headers, 'client-request-id': clientRequestId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { ...server, clientRequestId, elapsedMs: server.elapsedMs ?? performance.now() - started };
}

/** One request to a contract operation. */
export function call(base: string, operationId: string, options: CallOptions = {}): Promise<Reply> {
  const { id, body, token = 'opaque-e2e-token', session, headers = {} } = options;
  const all: Record<string, string> = { ...headers };
  if (token !== null) all.authorization = `Bearer ${token}`;
  if (session !== undefined) all['x-mock-session'] = session;
  return send(`${base}${pathOf(operationId, id)}`, operation(operationId).method.toUpperCase(), all, body);
}

/** One request to the control API (`/_mock/…`). */
export function control(
  base: string,
  method: string,
  path: string,
  options: { session?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.session !== undefined) headers['x-mock-session'] = options.session;
  return send(`${base}${path}`, method, headers, options.body);
}

/** The session's directory (GET /_mock/directory), as a fixture. */
export async function directoryOf(base: string, session: string): Promise<Json> {
  const reply = await control(base, 'GET', '/_mock/directory', { session });
  expect(reply.status, reply.text).toBe(200);
  return json(reply);
}

/** The ids an object's relation holds in a directory read with directoryOf (empty when absent). */
export function relation(directory: Json, id: string, property: string): string[] {
  for (const entries of Object.values<Json[]>(directory)) {
    const found = entries?.find((entry: Json) => entry.id === id);
    if (found) return found[property] ?? [];
  }
  throw new Error(`the directory holds no object ${id}`);
}

/** Whether a directory read with directoryOf holds an object with this id. */
export const holds = (directory: Json, id: string): boolean => Object.values<Json[]>(directory).some((entries) => entries?.some((e: Json) => e.id === id));

const GRAPH_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/**
 * The answer is Graph's error: this status, code and message, JSON, with request-id and client-request-id
 * headers, and an innerError naming the same ids and a date in Graph's format.
 */
export function expectGraphError(reply: Reply, expected: { status: number; code: string; message: string }): void {
  expect(reply.status, reply.text).toBe(expected.status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const requestId = reply.headers.get('request-id');
  expect(requestId).toMatch(/\S/);
  expect(reply.headers.get('client-request-id')).toBe(reply.clientRequestId);
  const body = json(reply);
  expect(body.error.code).toBe(expected.code);
  expect(body.error.message).toBe(expected.message);
  expect(body.error.innerError['request-id']).toBe(requestId);
  expect(body.error.innerError['client-request-id']).toBe(reply.clientRequestId);
  expect(body.error.innerError.date).toMatch(GRAPH_DATE);
}

/** A success without a body (204), with the ids as headers. */
export function expectNoContent(reply: Reply): void {
  expect(reply.status, reply.text).toBe(204);
  expect(reply.text).toBe('');
  expect(reply.headers.get('request-id')).toMatch(/\S/);
  expect(reply.headers.get('client-request-id')).toBe(reply.clientRequestId);
}

// ---------- the tee: what a server started here is sent also goes to its twin, and the answers must agree ----------

/** The other host of a server's requests: MSW handlers made with the server's options (startTwin). */
interface Twin {
  name: string;
  /** Answers a contract request (and a control request when there are no plain controls); undefined: unhandled. */
  answer: Target;
  controls?: PlainControls;
  close(): Promise<void>;
  /** Requests in flight together (see overlapTracker); `unordered(undefined)`: any session's. */
  overlap: { start(session: string): () => void; unordered(session: string | undefined): boolean };
}

/** The twins, by their server's origin. */
const twins = new Map<string, Twin>();
const count = newCount('');
/** The mismatches found during the running test (each an Error with its diff); afterEach fails the test on them. */
const mismatches: Error[] = [];

afterEach(() => {
  count.file ||= relative(repoRoot, expect.getState().testPath ?? '');
  const found = mismatches.splice(0);
  if (found.length === 0) return;
  throw new Error([`${found.length} request(s) answered differently by the server and its twin:`, ...found.map((error) => error.message)].join('\n\n'));
});
afterAll(() => {
  if (count.compared + Object.keys(count.notCompared).length > 0) writeCount(count);
});

/** What this file's tee has compared so far, and what it could not (by reason). */
export const parityCount = (): { compared: number; notCompared: Record<string, number> } => ({
  compared: count.compared,
  notCompared: { ...count.notCompared },
});

/** The idSeed of a teed server and its twin, unless the test gives one. */
const PARITY_SEED = 'parity';

/** Server options a twin cannot take (a spec of its own, host limits that change answers): such a server is not teed. */
const UNTEEABLE = ['specPath', 'headersTimeoutMs', 'requestTimeoutMs', 'maxConnections'] as const;

/** Whether the options let a twin answer like the server (see UNTEEABLE). */
export const teeable = (options: MockServerOptions): boolean => UNTEEABLE.every((name) => options[name] === undefined);

/**
 * The twin of a server at `url` started with these options: MSW handlers under the server's URL, made with the
 * same options (a fixture file read into the object the handlers take), asked through msw's getResponse: no
 * interception, nothing global patched. The control API maps to their plain calls.
 */
function startTwin(url: string, options: MockServerOptions): Twin {
  const { directory, auth, latencyMs, chaos, maxBodyBytes, idSeed, fixture } = options;
  const graph = createGraphHandlers({
    baseUrl: url,
    ...definedOnly({ directory, auth, latencyMs, chaos, maxBodyBytes, idSeed }),
    ...(fixture === undefined ? {} : { fixture: parseYaml(readFileSync(fixture, 'utf8')) as Fixture }),
  });
  return {
    name: 'handlers',
    answer: (request) => getResponse(graph.handlers, request),
    controls: graph,
    close: () => Promise.resolve(),
    overlap: overlapTracker(),
  };
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;

interface Outgoing {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  signal?: AbortSignal;
}

const textOf = (body: string | Uint8Array<ArrayBuffer> | undefined): string | undefined => (body instanceof Uint8Array ? new TextDecoder().decode(body) : body);

/** The twin's answer to the request, or why it has none to compare. */
async function twinAnswer(twin: Twin, url: string, init: Outgoing): Promise<{ answer: Answer; plainCall: boolean } | { notCompared: string }> {
  const { pathname } = new URL(url);
  if (twin.controls && (pathname === '/_mock' || pathname.startsWith('/_mock/'))) {
    const session = Object.entries(init.headers).find(([name]) => name.toLowerCase() === 'x-mock-session')?.[1];
    const answer = viaPlainControls(twin.controls, init.method, pathname, session, textOf(init.body));
    // What no plain call expresses (the control API's own 404, 405, 415, a bad session header) goes to the
    // handlers' HTTP control routes, which answer it as the server's do.
    if (answer) return { answer, plainCall: true };
  }
  const { signal: _signal, ...unsignalled } = init;
  const response = await twin.answer(new Request(url, unsignalled));
  return response === undefined ? { notCompared: 'unhandled by the twin' } : { answer: await answerOf(response), plainCall: false };
}

/**
 * Sends the request to the server and, when it has a twin, to the twin at the same time; compares the answers
 * (a mismatch fails the running test in afterEach, with its diff) and returns the server's.
 */
async function tee(url: string, init: Outgoing): Promise<Answer & { elapsedMs: number }> {
  const started = performance.now();
  const fromServer = fetch(url, init).then(async (response) => ({ ...(await answerOf(response)), elapsedMs: performance.now() - started }));
  const twin = twins.get(new URL(url).origin);
  if (!twin) return fromServer;
  const session = Object.entries(init.headers).find(([name]) => name.toLowerCase() === 'x-mock-session')?.[1] ?? 'default';
  const done = twin.overlap.start(session);
  const fromTwin = twinAnswer(twin, url, init).catch((error: unknown) => new Error(`the ${twin.name} threw: ${String(error)}`));
  const [server, other] = await Promise.all([fromServer, fromTwin]).finally(done);
  const request = describeRequest({ ...init, url, body: textOf(init.body) });
  if (other instanceof Error) mismatches.push(new Error(`parity: ${request}: ${other.message}`));
  else if ('notCompared' in other) skipped(count, other.notCompared);
  else {
    const { pathname } = new URL(url);
    const options = { otherName: twin.name, anyOrder: twin.overlap.unordered(pathname === '/_mock/sessions' ? undefined : session) };
    const mismatch = other.plainCall ? checkControlParity(server, other.answer, request, options) : checkParity(server, other.answer, request, options);
    if (mismatch) mismatches.push(mismatch);
    count.compared++;
  }
  return server;
}

/**
 * Which sessions had requests in flight at the same time. The server takes concurrent requests in the order they
 * arrive on its sockets, the handlers in the order their promises settle: neither order is the contract's, so
 * what such a session answers later (its journal, a relation's list) is compared with arrays in any order.
 */
function overlapTracker(): Twin['overlap'] {
  const inFlight = new Map<string, number>();
  const overlapped = new Set<string>();
  return {
    start(session) {
      const now = inFlight.get(session) ?? 0;
      if (now > 0) overlapped.add(session);
      inFlight.set(session, now + 1);
      return () => void inFlight.set(session, (inFlight.get(session) ?? 1) - 1);
    },
    unordered: (session) => (session === undefined ? overlapped.size > 0 : overlapped.has(session)),
  };
}

/** Statuses whose Response has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * fetch, teed as send() is: for a typed client (`createGraphClient({ baseUrl, fetch: parityFetch })`) or a test's
 * own request to a server started here. Anything else goes to fetch unchanged.
 */
export async function parityFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  if (!twins.has(new URL(request.url).origin)) return fetch(request);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => void (headers[name] = value));
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  const answer = await tee(request.url, { method: request.method, headers, signal: request.signal, ...(body === undefined ? {} : { body }) });
  return new Response(NULL_BODY.has(answer.status) ? null : answer.text, { status: answer.status, headers: answer.headers });
}

/**
 * Mock servers for one test file, by name: each started on 127.0.0.1 with a free port before the file's tests
 * (with its options: a strict directory, strict auth) and closed after them, whatever happened. Returns their
 * base URLs, filled in once started. Each server whose options a twin can take gets one (see `tee`): every
 * request send/call/control make to it is answered by both and compared.
 */
export function mockServers<Name extends string>(options: Record<Name, MockServerOptions>): Record<Name, string> {
  const urls = {} as Record<Name, string>;
  const started: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    await Promise.all(
      (Object.entries(options) as [Name, MockServerOptions][]).map(async ([name, settings]) => {
        const server = await startParityServer(settings, started);
        urls[name] = server.url;
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(started.map((each) => each.close()));
  });
  return urls;
}

/**
 * startMockServer on 127.0.0.1, port 0, with a twin when the options allow one; close() stops both. `started`
 * collects what to close when the caller closes in bulk (mockServers).
 */
export async function startParityServer(options: MockServerOptions, started: Array<{ close(): Promise<void> }> = []): Promise<MockServer> {
  if (!teeable(options)) {
    const alone = await startMockServer({ ...options, port: 0, host: '127.0.0.1' });
    started.push(alone);
    return alone;
  }
  // Both make the ids of the objects they create from one seed, so that the same requests create the same ids.
  const seeded = { ...options, idSeed: options.idSeed ?? PARITY_SEED };
  const server = await startMockServer({ ...seeded, port: 0, host: '127.0.0.1' });
  started.push(server);
  let twin: Twin;
  try {
    twin = startTwin(server.url, seeded);
  } catch (error) {
    // Options the server took and the handlers refuse are a finding: reported, with the server closed.
    await server.close();
    throw error;
  }
  const origin = new URL(server.url).origin;
  twins.set(origin, twin);
  const close = server.close.bind(server);
  let closing: Promise<void> | undefined;
  const closeBoth = () => {
    twins.delete(origin);
    return (closing ??= Promise.all([close(), twin.close()]).then(() => undefined));
  };
  started.splice(started.indexOf(server), 1, { close: closeBoth });
  return Object.assign(server, { close: closeBoth });
}
