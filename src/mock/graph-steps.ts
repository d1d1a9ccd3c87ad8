// The steps that make the mock behave like Graph rather than echo its examples: the session a request belongs
// to, scripted answers (queue, chaos, delays), the bearer token's validity and permissions, and the directory
// rules. Each reads what the earlier steps of pipeline.ts found; a scripted answer (Prefer, queue, chaos)
// takes precedence over permissions and rules, as a tester asking for it expects.
import { MAX_DELAY_MS, parseDelay, transientStatuses } from './chaos.js';
import { GraphFailure, exampleAnswer, type ExampleOutput } from './graph-error.js';
import { unauthenticated } from './verdicts.js';
import type { Exchange, Step } from './pipeline.js';
import { authorize as checkPermissions } from './permissions.js';
import { applyRules } from './rules.js';
import { ruleAnswerBody } from './rule-answers.js';
import { SESSION_HEADER } from './sessions.js';
import { readBearer, readBearerCached, tokenFailure, type AuthFailure } from './token.js';
import { deref, responsesOf } from '../spec/walk.js';

const headerOf = (x: Exchange, name: string): string | undefined => {
  const value = x.request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** Whether the answer was chosen by the caller (Prefer, the session's queue, chaos): state is then left alone. */
export const scripted = (x: Exchange): boolean => x.prefer?.code !== undefined || x.prefer?.example !== undefined;

/** The session named by `x-mock-session` (created on first use), or the default one. */
export const session: Step = (x) => {
  const session = x.state.sessions.sessionFor(x.request.headers[SESSION_HEADER]);
  if (session instanceof GraphFailure) return session;
  x.session = session;
  return undefined;
};

/**
 * What the session's queue or chaos scripts for this request, and how long to wait before answering. A queued
 * entry is taken by the next request to a contract route, whatever else it carries; the request's own Prefer
 * still wins over it, and either wins over chaos.
 */
export const script: Step = (x) => {
  if (!x.route) return undefined;
  const queued = x.session?.queue.next();
  const own = parseDelay(x.request.headers.prefer);
  x.delayMs = Math.min(MAX_DELAY_MS, x.state.latencyMs + (own ?? 0) + (queued?.delayMs ?? 0));
  if (queued?.code !== undefined) x.scripted = { code: queued.code, example: queued.example };
  else if (x.state.chaosFor && x.session) {
    const code = x.state.chaosFor(x.session).pick(transientStatuses(x.contract.exampleStatus.get(x.route.operationId) ?? new Map()));
    if (code !== undefined) x.scripted = { code };
  }
  return undefined;
};

/** The path parameters of the matched route, decoded. */
function pathParams(x: Exchange): Record<string, string> {
  const match = x.route!.pattern.exec(x.target!.pathname);
  const params: Record<string, string> = {};
  x.route!.pathParams.forEach((name, i) => {
    const raw = match?.[i + 1] ?? '';
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      params[name] = raw;
    }
  });
  return params;
}

/**
 * `headers` with the operation's example `name`'s own headers in place of those of the same name (any case):
 * its `x-response-headers`, for an example whose answer differs from its response's documented headers (the
 * claims challenge of `insufficientClaims` is a WWW-Authenticate other than the plain one every 401 carries).
 */
export function withExampleHeaders<T>(x: Exchange, headers: Record<string, T>, name: string | undefined): Record<string, T | string> {
  const op = x.route && name !== undefined ? x.contract.operations.get(x.route.operationId) : undefined;
  let own: Record<string, string> | undefined;
  for (const [, response] of op ? responsesOf(x.contract.spec, op) : []) {
    const example = response.content?.['application/json']?.examples?.[name!];
    own ??= example && (deref(x.contract.spec, example)['x-response-headers'] as Record<string, string> | undefined);
  }
  if (!own) return headers;
  const replaced = new Set(Object.keys(own).map((key) => key.toLowerCase()));
  return { ...Object.fromEntries(Object.entries(headers).filter(([key]) => !replaced.has(key.toLowerCase()))), ...own };
}

/** A documented answer (Prism's) with the headers of the example Prefer or the queue picked, if it has its own. */
export const withOwnHeaders = (x: Exchange, output: ExampleOutput): ExampleOutput =>
  x.prefer?.example === undefined ? output : { ...output, headers: withExampleHeaders(x, output.headers ?? {}, x.prefer.example) };

/** A token check's failure as Graph's error: the spec's example of that name, its text unless the check has its own. */
function authAnswer(x: Exchange, failure: AuthFailure): GraphFailure {
  // An operation of another spec may lack the example: the spec's shared one of that status stands in.
  const documented =
    x.contract.documented(x.route!.operationId, failure.example) ??
    x.contract.error(failure.status === 401 ? 'invalidAuthenticationToken' : 'authorizationRequestDenied');
  return new GraphFailure(failure.status, documented.code, failure.message ?? documented.message, withExampleHeaders(x, failure.headers, failure.example));
}

/** 401 when Prism's security check failed (no bearer token at all), with the text and challenge Graph sends. */
export const authenticate: Step = (x) => {
  if (!x.route || !x.verdict || !unauthenticated(x.verdict)) return undefined;
  const failure = tokenFailure(readBearer(headerOf(x, 'authorization')), { auth: 'strict', now: Date.now() });
  return authAnswer(x, failure ?? { status: 401, example: 'invalidAuthenticationToken', headers: {} });
};

/** The bearer token's validity: expiry, audience, form (and, with `--auth strict`, that it is a JWT at all). */
export const token: Step = (x) => {
  if (!x.route || scripted(x)) return undefined;
  x.token = readBearerCached(headerOf(x, 'authorization'));
  const failure = tokenFailure(x.token, { auth: x.state.authMode, now: Date.now() });
  return failure ? authAnswer(x, failure) : undefined;
};

/**
 * The object the path names (its `x-rules.target`), as the permission check reads it: its type (an agent user
 * admits the agent-user roles) and, for the blueprint's owner rule, its owners (an owner needs no admin role),
 * a relation of the directory handed over as the property the check reads.
 */
function permissionTarget(x: Exchange, ownerProperty: string | undefined): { type: string; properties: Record<string, unknown> } | undefined {
  const target = x.contract.rules.get(x.route!.operationId)?.target;
  if (!target || !x.session) return undefined;
  const found = x.session.directory.find(target.entitySet, pathParams(x)[target.parameter] ?? '', target.cast);
  return found && { type: found.type, properties: ownerProperty ? { [ownerProperty]: x.session.directory.related(found.id, ownerProperty) } : {} };
}

/** A JWT's permissions (`scp` or `roles`) and admin roles (`wids`) against what the operation accepts. */
export const authorize: Step = (x) => {
  if (!x.route || scripted(x) || x.token?.kind !== 'jwt') return undefined;
  const permissions = x.contract.permissions.get(x.route.operationId);
  if (!permissions) return undefined;
  const target = permissions.ownerProperty || permissions.agentUserRoles.length > 0 ? permissionTarget(x, permissions.ownerProperty) : undefined;
  const failure = checkPermissions(permissions, x.token.claims, target);
  return failure ? authAnswer(x, failure) : undefined;
};

/** Objects a successful request may add at most (target and reference created on first use, the relation). */
const MAX_GROWTH = 3;

/**
 * The operation's `x-rules` against the session's directory; a request that passes them changes it. A list and
 * a create answer here, from the directory, with the documented success's status and headers (a create whose
 * documented success is a 204, the draft, keeps it, without a body).
 */
export const rules: Step = (x) => {
  if (!x.route || scripted(x) || !x.session) return undefined;
  const compiled = x.contract.rules.get(x.route.operationId);
  if (!compiled) return undefined;
  const body = x.body && 'parsed' in x.body ? x.body.parsed : undefined;
  const outcome = applyRules(compiled, x.session.directory, { pathParams: pathParams(x), body, strict: x.state.directoryMode === 'strict' });
  if (!outcome.ok) {
    const documented = x.contract.documented(x.route.operationId, outcome.example);
    if (!documented)
      return new GraphFailure(500, 'generalException', `Mock failure: the spec's x-rules name an example '${outcome.example}' the operation lacks.`);
    // Graph's not-found text names the missing object: the example's quoted id becomes the one asked for.
    const message = outcome.id === undefined ? documented.message : documented.message.replace(/'[^']*'/, `'${outcome.id}'`);
    return new GraphFailure(documented.status, documented.code, message);
  }
  // A list reads and a remove shrinks: only the others can meet the sessions' size budget.
  if (!compiled.lists && !compiled.removes && !x.state.sessions.canGrow(MAX_GROWTH)) return x.state.sessions.budgetFailure();
  const result = outcome.commit();
  const documented = x.fast ?? x.verdict?.output;
  const answerBody = documented && documented.statusCode !== 204 ? ruleAnswerBody(compiled, result) : undefined;
  return answerBody && documented ? exampleAnswer({ ...documented, body: answerBody }, x.ids) : undefined;
};
