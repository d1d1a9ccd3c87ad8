// What the mock's end-to-end tests share: the spec and the default fixture as read from the repository (never
// copied by hand), requests to a running mock (a contract operation by operationId, or the control API), and the
// check of Graph's error shape with the ids it must carry.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/server.js';
import { documentedErrors, operationsOf, type DocumentedError, type OperationEntry } from '../../src/spec/walk.js';
import { loadSpec, repoRoot, type Json } from './spec.js';

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
  const res = await fetch(url, {
    method,
    headers: { ...headers, 'client-request-id': clientRequestId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, clientRequestId, elapsedMs: performance.now() - started };
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

/**
 * Mock servers for one test file, by name: each started on 127.0.0.1 with a free port before the file's tests
 * (with its options: a strict directory, strict auth) and closed after them, whatever happened. Returns their
 * base URLs, filled in once started.
 */
export function mockServers<Name extends string>(options: Record<Name, MockServerOptions>): Record<Name, string> {
  const urls = {} as Record<Name, string>;
  const servers: MockServer[] = [];
  beforeAll(async () => {
    await Promise.all(
      (Object.entries(options) as [Name, MockServerOptions][]).map(async ([name, settings]) => {
        const server = await startMockServer({ ...settings, port: 0, host: '127.0.0.1' });
        servers.push(server);
        urls[name] = server.url;
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  return urls;
}
