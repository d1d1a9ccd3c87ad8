// Parity of two hosts of the mock (the server and the MSW handlers, or two servers): the same request goes to
// both and the answers must match in what a caller can rely on. Pure apart from reading Response bodies, so the
// comparison itself is unit-tested (test/msw.parity.test.ts) without a socket.
//
// What is compared (issue 13): the status; `request-id` present on both and `client-request-id` equal; the
// headers a caller acts on (Retry-After, Allow, WWW-Authenticate, content-type, the deprecation headers); the body,
// once each side's own ids and the clock are taken out of it. Everything else (Date, Connection, Content-Length,
// CORS) is the host's transport and is left alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { repoRoot } from './spec.js';

/** An answer as read off the wire or from a handler's Response. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** What the two answers are compared on, once normalised. */
export interface Compared {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/** A host to compare with: answers a fetch Request; undefined when nothing answers it (an unhandled request). */
export type Target = (request: Request) => Promise<Response | undefined>;

/** The headers compared by value (lower case). `request-id` and `client-request-id` are checked apart. */
export const COMPARED_HEADERS = ['retry-after', 'allow', 'www-authenticate', 'content-type', 'deprecation', 'sunset', 'link'] as const;

export async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, text: await response.text() };
}

// An ISO 8601 instant (journal times, lastUsed, created objects) or Graph's innerError date (no zone, no fraction).
const DATE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?/g;
/** Keys whose values are one side's own: another request's id (journal entries), a measured time. */
const OWN_VALUES: Record<string, string> = { requestId: '<request-id>', 'request-id': '<request-id>', durationMs: '<ms>' };

/** A string with this side's ids and any instant replaced by placeholders. */
function scrubText(text: string, own: Map<string, string>): string {
  let result = text;
  for (const [value, placeholder] of own) if (value) result = result.split(value).join(placeholder);
  return result.replace(DATE, '<date>');
}

function scrub(value: unknown, own: Map<string, string>): unknown {
  if (typeof value === 'string') return scrubText(value, own);
  if (Array.isArray(value)) return value.map((item) => scrub(item, own));
  if (value !== null && typeof value === 'object') {
    // A journal entry of a request without client-request-id holds the side's own request-id in both fields.
    const entry = value as Record<string, unknown>;
    const echoed = typeof entry.requestId === 'string' && entry.clientRequestId === entry.requestId;
    return Object.fromEntries(
      Object.entries(entry).map(([key, item]) => [
        key,
        (Object.hasOwn(OWN_VALUES, key) || (echoed && key === 'clientRequestId')) && item !== undefined
          ? (OWN_VALUES[key] ?? '<request-id>')
          : scrub(item, own),
      ]),
    );
  }
  return value;
}

/**
 * The answer as compared: its status, the compared headers, and the body (parsed when JSON) with the request-id
 * it carries, every other request's id and every date replaced by a placeholder. A client-request-id the mock
 * made up (the request had none, so Graph echoes its request-id) counts as the request-id.
 */
export function normalise(answer: Answer): Compared {
  const requestId = answer.headers.get('request-id') ?? '';
  const own = new Map([[requestId, '<request-id>']]);
  const headers: Record<string, string | undefined> = {};
  for (const name of COMPARED_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) headers[name] = scrubText(value, own);
  }
  headers['request-id'] = requestId === '' ? '(missing)' : '<present>';
  const clientRequestId = answer.headers.get('client-request-id');
  headers['client-request-id'] = clientRequestId === null ? '(missing)' : scrubText(clientRequestId, own);
  let body: unknown = answer.text;
  if (/^application\/(?:[\w.+-]*\+)?json/i.test(answer.headers.get('content-type') ?? '') && answer.text !== '') {
    try {
      body = JSON.parse(answer.text) as unknown;
    } catch {
      // A body that claims JSON and is not stays text: compared as it is.
    }
  }
  return { status: answer.status, headers, body: scrub(body, own) };
}

/** A request as the failure message names it: method, URL, session, and its body's first characters. */
export function describeRequest(request: { method: string; url: string; headers?: Headers | Record<string, string>; body?: string | undefined }): string {
  const headers = request.headers instanceof Headers ? request.headers : new Headers(request.headers ?? {});
  const session = headers.get('x-mock-session');
  const prefer = headers.get('prefer');
  const body = request.body === undefined ? '' : ` ${request.body.length > 300 ? `${request.body.slice(0, 300)}…` : request.body}`;
  return `${request.method} ${request.url}${session === null ? '' : ` (session ${session})`}${prefer === null ? '' : ` (Prefer: ${prefer})`}${body}`;
}

const show = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value)).slice(0, 400);

/**
 * Where two values differ, one line per differing leaf (`body.error.message: server "…", handlers "…"`), at most
 * `limit` lines: the readable diff of a mismatch.
 */
export function differences(expected: unknown, actual: unknown, names: [string, string] = ['server', 'handlers'], path = '', limit = 20): string[] {
  const lines: string[] = [];
  const walk = (a: unknown, b: unknown, at: string) => {
    if (lines.length >= limit) return;
    const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
    if (!bothObjects) {
      if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`${at || '(value)'}: ${names[0]} ${show(a)}, ${names[1]} ${show(b)}`);
      return;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], at === '' ? key : `${at}.${key}`);
  };
  walk(expected, actual, path);
  return lines;
}

/**
 * The value with every array's items in one canonical order (by their JSON): how answers are compared once the
 * requests of a session overlapped in time, whose order neither host defines (the journal, a relation's list).
 */
export function unordered(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .map(unordered)
      .map((item) => [JSON.stringify(item), item] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, item]) => item);
  }
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unordered(item)]));
  return value;
}

/** How two answers are compared: `anyOrder` when the order of concurrent requests may differ between the hosts. */
export interface CompareOptions {
  anyOrder?: boolean;
  otherName?: string;
}

/** Whether two answers agree (normalised, deep-equal). */
export function agree(server: Answer, other: Answer): boolean {
  return differences(normalise(server), normalise(other)).length === 0;
}

/** The mismatch of the other host's answer with the server's, as an Error naming the request and each difference; undefined when they agree. */
export function checkParity(server: Answer, other: Answer, request: string, options: CompareOptions = {}): Error | undefined {
  const shape = options.anyOrder ? (answer: Answer) => unordered(normalise(answer)) : normalise;
  const lines = differences(shape(server), shape(other), ['server', options.otherName ?? 'handlers']);
  return lines.length === 0 ? undefined : new Error(`parity: ${request}\n  ${lines.join('\n  ')}`);
}

/** Fails the running test when the other host's answer differs from the server's (or it gave none). */
export function expectParity(server: Answer, other: Answer | undefined, request: string, options: CompareOptions = {}): void {
  if (other === undefined) throw new Error(`parity: the ${options.otherName ?? 'handlers'} did not answer ${request} (the server answered ${server.status})`);
  const mismatch = checkParity(server, other, request, options);
  if (mismatch) throw mismatch;
}

// ---------- the control API as plain calls ----------

/** The plain control calls of the MSW handlers (MockControls, src/mock/controls.ts). */
export interface PlainControls {
  reset(session?: string): void;
  directory(session?: string): unknown;
  load(fixture: unknown, session?: string): void;
  requests(session?: string): unknown[];
  queue(answers: unknown, session?: string): void;
  sessions(): unknown;
}

/** A control call refused: the control API's status, code and message (MockControlError); a FixtureError is a 400. */
function refusal(error: unknown): Answer {
  const failure = error as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof failure.status === 'number' ? failure.status : 400;
  const code = typeof failure.code === 'string' ? failure.code : 'BadRequest';
  const body = { error: { code, message: String(failure.message) } };
  return { status, headers: new Headers({ 'content-type': 'application/json' }), text: JSON.stringify(body) };
}

const jsonAnswer = (status: number, value: unknown): Answer => ({
  status,
  headers: new Headers({ 'content-type': 'application/json' }),
  text: JSON.stringify(value),
});
const noContent = (): Answer => ({ status: 204, headers: new Headers(), text: '' });

/**
 * A control-API request (`/_mock/…`) made as the plain call it stands for, its result as the answer the HTTP
 * route would give. Undefined when the request has no plain-call equivalent: a path or method the API lacks, a
 * session header the calls cannot be given, a body that is not a JSON object (the route's own 400/415s).
 */
export function viaPlainControls(
  controls: PlainControls,
  method: string,
  pathname: string,
  session: string | undefined,
  body: string | undefined,
): Answer | undefined {
  if (session !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(session)) return undefined;
  let parsed: unknown;
  if (body !== undefined && body !== '') {
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }
  const run = (call: () => Answer): Answer => {
    try {
      return call();
    } catch (error) {
      return refusal(error);
    }
  };
  switch (`${method.toUpperCase()} ${pathname}`) {
    case 'POST /_mock/reset':
      return run(() => (controls.reset(session), noContent()));
    case 'GET /_mock/directory':
      return run(() => jsonAnswer(200, controls.directory(session)));
    case 'PUT /_mock/directory':
      if (parsed === undefined) return undefined;
      return run(() => (controls.load(parsed, session), noContent()));
    case 'GET /_mock/requests':
      return run(() => jsonAnswer(200, { value: controls.requests(session) }));
    case 'POST /_mock/queue':
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('answers' in parsed)) return undefined;
      return run(() => (controls.queue(parsed.answers, session), noContent()));
    case 'GET /_mock/sessions':
      return run(() => jsonAnswer(200, controls.sessions()));
    default:
      return undefined;
  }
}

/**
 * A control answer as compared: the status and the body (an error's code and message only: the plain calls have
 * no request ids, headers or innerError).
 */
export function controlPart(answer: Answer): { status: number; body: unknown } {
  const { status, body } = normalise(answer);
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return { status, body: error === undefined ? body : { error: { code: error.code, message: error.message } } };
}

/** The mismatch of a plain control call's result with the control API's answer; undefined when they agree. */
export function checkControlParity(server: Answer, other: Answer, request: string, options: CompareOptions = {}): Error | undefined {
  const shape = options.anyOrder ? (answer: Answer) => unordered(controlPart(answer)) : controlPart;
  const lines = differences(shape(server), shape(other), ['control API', 'plain call']);
  return lines.length === 0 ? undefined : new Error(`parity (control): ${request}\n  ${lines.join('\n  ')}`);
}

// ---------- counts ----------

/** Per test file: requests compared, and requests not compared by reason. */
export interface ParityCount {
  file: string;
  compared: number;
  notCompared: Record<string, number>;
}

export function newCount(file: string): ParityCount {
  return { file, compared: 0, notCompared: {} };
}

export function skipped(count: ParityCount, reason: string): void {
  count.notCompared[reason] = (count.notCompared[reason] ?? 0) + 1;
}

/** Writes the count to test/.artifacts/parity/<test file name>.json (gitignored), for the report. */
export function writeCount(count: ParityCount): void {
  const folder = `${repoRoot}test/.artifacts/parity/`;
  mkdirSync(folder, { recursive: true });
  writeFileSync(`${folder}${basename(count.file).replace(/\.ts$/, '')}.json`, `${JSON.stringify(count, null, 2)}\n`);
}
