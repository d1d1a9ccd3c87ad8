// The control API under /_mock/ (a prefix Graph never uses), described by openapi/mock-control.yaml: reset a
// session, read or replace its directory, read its journal, queue answers, list the sessions. Every route is
// session-aware through `x-mock-session`. Pure of sockets: the host reads the body (under its size limit) and
// writes the answer; the fixture's validation and the Directory come in through the context.
import { jsonShape, mediaTypeOf, MAX_JSON_DEPTH } from './body.js';
import { GraphFailure, METHOD_NOT_ALLOWED_MESSAGE, failureAnswer, type Ids, type MockAnswer } from './graph-error.js';
import type { MockRequest } from './pipeline.js';
import { SESSION_HEADER, sessionName, type SessionDirectory, type SessionStore } from './sessions.js';

export const CONTROL_PREFIX = '/_mock/';

export interface ControlContext<D extends SessionDirectory = SessionDirectory, F = unknown> {
  sessions: SessionStore<D>;
  /** The request's ids, for an error's innerError. */
  ids: Ids;
  /** Checks a parsed fixture; throws an Error whose message names the bad entry (fixture.ts). */
  validateFixture(value: unknown, source: string): F;
  fromFixture(fixture: F): D;
  /** The code of the spec's 415 example (unsupportedMediaType), for a body that is not JSON. */
  mediaTypeCode: string;
}

type Handler<D extends SessionDirectory, F> = (request: MockRequest, session: string, ctx: ControlContext<D, F>) => MockAnswer | GraphFailure;

const json = (status: number, value: unknown): MockAnswer => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
const noContent: MockAnswer = { status: 204, headers: {} };

/** Whether a path belongs to the control API (and not to the contract). */
export const isControlPath = (pathname: string): boolean => pathname === '/_mock' || pathname.startsWith(CONTROL_PREFIX);

/**
 * A JSON body, read as the contract's bodies are (JSON media type, UTF-8, bounded depth) but without the
 * contract's cap on the number of values: a fixture legitimately holds many, and the host's byte limit bounds it.
 */
function readJson(request: MockRequest, mediaTypeCode: string): { parsed: unknown } | GraphFailure {
  const bytes = request.body;
  if (!bytes || bytes.length === 0) return new GraphFailure(400, 'BadRequest', 'The request body is empty; send JSON.');
  const header = (name: string) => [request.headers[name] ?? []].flat().join(', ') || undefined;
  const media = mediaTypeOf(header('content-type'));
  const encoding = (header('content-encoding') ?? 'identity').toLowerCase();
  if (!(media.type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(media.type))) {
    return new GraphFailure(415, mediaTypeCode, `Content-Type '${media.type || '(none)'}' is not supported; send 'application/json'.`);
  }
  if (encoding !== 'identity' || (media.charset && !['utf-8', 'utf8'].includes(media.charset))) {
    return new GraphFailure(415, mediaTypeCode, `Content encoding '${encoding !== 'identity' ? encoding : media.charset}' is not supported; send UTF-8 JSON.`);
  }
  if (jsonShape(bytes, { depth: MAX_JSON_DEPTH, values: Number.POSITIVE_INFINITY }).tooDeep) {
    return new GraphFailure(400, 'BadRequest', `The request payload is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  try {
    return { parsed: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown };
  } catch {
    return new GraphFailure(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}

const reset: Handler<SessionDirectory, unknown> = (_request, name, ctx) => {
  const session = ctx.sessions.reset(name);
  return session instanceof GraphFailure ? session : noContent;
};

const readDirectory: Handler<SessionDirectory, unknown> = (_request, name, ctx) => {
  const session = ctx.sessions.session(name);
  return session instanceof GraphFailure ? session : json(200, session.directory.toFixture());
};

const replaceDirectory: Handler<SessionDirectory, unknown> = (request, name, ctx) => {
  const body = readJson(request, ctx.mediaTypeCode);
  if (body instanceof GraphFailure) return body;
  let directory: SessionDirectory;
  try {
    directory = ctx.fromFixture(ctx.validateFixture(body.parsed, 'PUT /_mock/directory'));
  } catch (error) {
    // The validator's message names the entry (`fixture PUT /_mock/directory: groups[2].isAssignableToRole must be boolean`).
    return new GraphFailure(400, 'BadRequest', error instanceof Error ? error.message : String(error));
  }
  const session = ctx.sessions.replace(name, directory);
  return session instanceof GraphFailure ? session : noContent;
};

const readJournal: Handler<SessionDirectory, unknown> = (_request, name, ctx) => {
  const session = ctx.sessions.session(name);
  return session instanceof GraphFailure ? session : json(200, { value: session.journal.list() });
};

const queue: Handler<SessionDirectory, unknown> = (request, name, ctx) => {
  const body = readJson(request, ctx.mediaTypeCode);
  if (body instanceof GraphFailure) return body;
  const parsed = body.parsed;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('answers' in parsed)) {
    return new GraphFailure(400, 'BadRequest', 'Invalid queue: the body must be an object {"answers": [...]}.');
  }
  const session = ctx.sessions.session(name);
  if (session instanceof GraphFailure) return session;
  return session.queue.enqueue(parsed.answers) ?? noContent;
};

// Listing the sessions neither creates nor touches the caller's one.
const listSessions: Handler<SessionDirectory, unknown> = (_request, _name, ctx) => json(200, ctx.sessions.report());

/** The control routes: path → method → handler. The 404's message and every Allow are read from here. */
const ROUTES: Record<string, Record<string, Handler<SessionDirectory, unknown>>> = {
  '/_mock/reset': { POST: reset },
  '/_mock/directory': { GET: readDirectory, PUT: replaceDirectory },
  '/_mock/requests': { GET: readJournal },
  '/_mock/queue': { POST: queue },
  '/_mock/sessions': { GET: listSessions },
};

/** Methods a control path accepts, for Allow (OPTIONS, which the host answers, included); empty for an unknown path. */
export function controlAllowedMethods(pathname: string): string[] {
  const methods = Object.hasOwn(ROUTES, pathname) ? Object.keys(ROUTES[pathname]!) : [];
  return methods.length > 0 ? [...methods, 'OPTIONS'] : [];
}

/**
 * Answers a request to the control API. An unknown path is a 404 with Graph's `UnknownError`, the code Graph's
 * front end gives a path nothing serves (Request_ResourceNotFound would tell an SDK that a directory object is
 * missing, which is not the case); a known path with another method is the 405 the contract routes give.
 */
export function controlAnswer<D extends SessionDirectory, F>(request: MockRequest, pathname: string, ctx: ControlContext<D, F>): MockAnswer {
  const answer = (result: MockAnswer | GraphFailure) => (result instanceof GraphFailure ? failureAnswer(result, ctx.ids) : result);
  const methods = Object.hasOwn(ROUTES, pathname) ? ROUTES[pathname]! : undefined;
  if (!methods) {
    const list = Object.entries(ROUTES).map(([path, byMethod]) => `${Object.keys(byMethod).join('|')} ${path}`);
    return answer(new GraphFailure(404, 'UnknownError', `No mock control route '${pathname.slice(0, 200)}'. The control API: ${list.join(', ')}.`));
  }
  const method = request.method.toUpperCase();
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) {
    return answer(
      new GraphFailure(405, 'Request_BadRequest', METHOD_NOT_ALLOWED_MESSAGE, {
        allow: controlAllowedMethods(pathname).join(', '),
      }),
    );
  }
  const name = sessionName(request.headers[SESSION_HEADER]);
  if (name instanceof GraphFailure) return answer(name);
  // The handlers use only what SessionDirectory declares, so the context with its own directory type fits them.
  return answer(handler(request, name, ctx));
}

/** controlAnswer as the pipeline's other steps are called (a promise); nothing in it waits. */
export function handleControl<D extends SessionDirectory, F>(request: MockRequest, pathname: string, ctx: ControlContext<D, F>): Promise<MockAnswer> {
  return Promise.resolve(controlAnswer(request, pathname, ctx));
}
