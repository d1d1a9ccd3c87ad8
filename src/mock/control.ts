// The control API under /_mock/ (a prefix Graph never uses), described by openapi/mock-control.yaml: reset a
// session, read or replace its directory, read its journal, queue answers, list the sessions. Every route is
// session-aware through `x-mock-session`. Pure of sockets: the host reads the body (under its size limit) and
// writes the answer. Each route is one of the plain control calls (controls.ts) with its body read and its
// refusal turned into Graph's error.
import { jsonShape, mediaTypeOf, MAX_JSON_DEPTH } from './body.js';
import { MockControlError, type MockControls } from './controls.js';
import { GraphFailure, METHOD_NOT_ALLOWED_MESSAGE, failureAnswer, type Ids, type MockAnswer } from './graph-error.js';
import type { MockRequest } from './pipeline.js';
import { SESSION_HEADER, sessionName } from './sessions.js';

export const CONTROL_PREFIX = '/_mock/';

export interface ControlContext {
  controls: MockControls;
  /** The request's ids, for an error's innerError. */
  ids: Ids;
  /** The code of the spec's 415 example (unsupportedMediaType), for a body that is not JSON. */
  mediaTypeCode: string;
}

type Handler = (request: MockRequest, session: string, ctx: ControlContext) => MockAnswer | GraphFailure;

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

const reset: Handler = (_request, name, { controls }) => (controls.reset(name), noContent);

const readDirectory: Handler = (_request, name, { controls }) => json(200, controls.directory(name));

const replaceDirectory: Handler = (request, name, ctx) => {
  const body = readJson(request, ctx.mediaTypeCode);
  if (body instanceof GraphFailure) return body;
  try {
    ctx.controls.load(body.parsed, name);
  } catch (error) {
    if (error instanceof MockControlError) throw error;
    // The validator's message names the entry (`fixture PUT /_mock/directory: groups[2].isAssignableToRole must be boolean`).
    return new GraphFailure(400, 'BadRequest', error instanceof Error ? error.message : String(error));
  }
  return noContent;
};

const readJournal: Handler = (_request, name, { controls }) => json(200, { value: controls.requests(name) });

const queue: Handler = (request, name, ctx) => {
  const body = readJson(request, ctx.mediaTypeCode);
  if (body instanceof GraphFailure) return body;
  const parsed = body.parsed;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('answers' in parsed)) {
    return new GraphFailure(400, 'BadRequest', 'Invalid queue: the body must be an object {"answers": [...]}.');
  }
  ctx.controls.queue(parsed.answers, name);
  return noContent;
};

// Listing the sessions neither creates nor touches the caller's one.
const listSessions: Handler = (_request, _name, { controls }) => json(200, controls.sessions());

/** The control routes: path → method → handler. The 404's message and every Allow are read from here. */
const ROUTES: Record<string, Record<string, Handler>> = {
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
export function controlAnswer(request: MockRequest, pathname: string, ctx: ControlContext): MockAnswer {
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
  try {
    return answer(handler(request, name, ctx));
  } catch (error) {
    if (error instanceof MockControlError) return answer(error.failure);
    throw error;
  }
}

/** controlAnswer as the pipeline's other steps are called (a promise); nothing in it waits. */
export function handleControl(request: MockRequest, pathname: string, ctx: ControlContext): Promise<MockAnswer> {
  return Promise.resolve(controlAnswer(request, pathname, ctx));
}
