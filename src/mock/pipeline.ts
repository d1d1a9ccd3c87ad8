// One request through the mock, as an ordered list of steps (after Prism's own factory: route → security →
// validation → answer; the engine, engine.ts, does those four for the contract). Each step reads the exchange, may add to it, and either answers (a GraphFailure or a
// MockAnswer) or hands on (undefined). Transport-free: the host reads the bytes and writes the answer, so the
// same pipeline can serve other hosts. Browser-safe: the MSW handlers run it as the server does.
import { checkBody, type BodyCheck } from './body.js';
import type { Contract } from './contract.js';
import { findFastRoute, eligible } from './fast-path.js';
import { GraphFailure, exampleAnswer, failureAnswer, type ExampleOutput, type Ids, type MockAnswer, type Violation } from './graph-error.js';
import { parsePrefer, resolvePreference, type Preference } from './prefer.js';
import { isRefusal, type EngineRefusal, type EngineVerdict } from './engine.js';
import { refusalFailure, violationFailure } from './verdicts.js';
import { authenticate, authorize, rules, script, session, token, withOwnHeaders } from './graph-steps.js';
import type { ChaosPicker } from './chaos.js';
import { isControlPath } from './control.js';
import type { MockControls } from './controls.js';
import type { Session, SessionStore } from './sessions.js';
import type { Directory, Fixture } from './directory.js';
import type { AuthMode, DirectoryMode } from './settings.js';
import type { BearerToken } from './token.js';
import type { Route } from './routes.js';
import { readTarget, type Target } from './target.js';
import { answerBatch, exceptBatch } from './batch.js';

/** A request as the host hands it over: header names lower case (node:http's `req.headers`). */
export interface MockRequest {
  method: string;
  /** The request target as sent (path and query, or absolute form). */
  target: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body's bytes; empty or undefined when there is none. */
  body?: Uint8Array;
}

/** What lives across requests: the sessions (each with its directory, journal and queue) and the modes. */
export interface MockState {
  sessions: SessionStore<Directory>;
  directoryMode: DirectoryMode;
  authMode: AuthMode;
  /** Added to every answer of a contract route. */
  latencyMs: number;
  /** The chaos of a session (each has its own sequence), when `--chaos` is on. */
  chaosFor?: (session: Session<Directory>) => ChaosPicker;
  /** The control calls over the sessions (controls.ts). */
  controls: MockControls<Fixture>;
  /** Answers the control API under /_mock/ (control.ts). */
  control(request: MockRequest, pathname: string, ids: Ids): Promise<MockAnswer>;
  /** Waits before a delayed answer; default setTimeout (a host may bring its own, e.g. a fake clock). */
  wait?: (ms: number) => Promise<void>;
}

/** What the steps share about one request. Later steps read what earlier ones found. */
export interface Exchange {
  readonly request: MockRequest;
  readonly ids: Ids;
  readonly contract: Contract;
  readonly state: MockState;
  readonly stats: { fastPath: number; prism: number };
  /** Lower case. */
  method: string;
  target?: Target;
  /** The body's HTTP-level check; a failure is answered after routing and auth, as Graph orders them. */
  body?: BodyCheck;
  route?: Route;
  prefer?: Preference;
  /** The body's first schema violation, found before the engine so that an invalid body costs a bounded amount. */
  bodyViolation?: Violation;
  verdict?: EngineVerdict;
  session?: Session<Directory>;
  /** The answer the session's queue or chaos chose, applied as a Prefer would be (the request's own Prefer wins). */
  scripted?: Preference;
  /** How long to wait before answering (latency, `Prefer: delay=`, a queued delay), at most MAX_DELAY_MS. */
  delayMs?: number;
  /** The fast path's documented success, when the request passed its checks: the engine is then skipped. */
  fast?: ExampleOutput;
  token?: BearerToken;
}

export type StepResult = GraphFailure | MockAnswer | undefined;
export type Step = (exchange: Exchange) => StepResult | Promise<StepResult>;

const headerOf = (exchange: Exchange, name: string): string | undefined => {
  const value = exchange.request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** The request target, read strictly (target.ts), its type cast segments spelled as the spec's paths spell them. */
export const target: Step = (x) => {
  const read = readTarget(x.request.target, headerOf(x, 'host'));
  if (read instanceof GraphFailure) return read;
  read.pathname = x.contract.routes.canonical(read.pathname);
  x.target = read;
  x.route = x.contract.routes.find(x.method, read.pathname);
  return undefined;
};

/** The control API (reset, directory, journal, queue, sessions), outside Graph's pipeline. */
export const control: Step = (x) => (x.target && isControlPath(x.target.pathname) ? x.state.control(x.request, x.target.pathname, x.ids) : undefined);

/** Media type, encoding and JSON of a body that is there; the outcome waits (see Exchange.body). */
export const body: Step = (x) => {
  const bytes = x.request.body;
  if (bytes && bytes.length > 0) {
    const headers = { 'content-type': headerOf(x, 'content-type'), 'content-encoding': headerOf(x, 'content-encoding') };
    x.body = checkBody(bytes, headers, { unreadable: x.contract.error('unreadableJsonPayload'), mediaTypeCode: x.contract.error('unsupportedMediaType').code });
  }
  return undefined;
};

/**
 * The common valid request, checked from precompiled validators (fast-path.ts): the engine and the schema steps are
 * then skipped, and its documented answer is kept for `answer`. The token, permission and rule steps still run.
 */
export const fastPath: Step = (x) => {
  if (x.scripted || !x.target || !x.body || !('parsed' in x.body) || !eligible({ search: x.target.search, headers: x.request.headers })) return undefined;
  const fast = findFastRoute(x.contract.fastRoutes, x.method, x.target.pathname);
  if (!fast?.matches(x.target.pathname, x.request.headers, x.body.parsed)) return undefined;
  x.stats.fastPath++;
  x.fast = fast.output;
  return undefined;
};

/** `Prefer: code=…, example=…` (or what the queue or chaos scripted) resolved against the operation's documented examples. */
export const prefer: Step = (x) => {
  if (x.fast) return undefined;
  const examples = x.route ? x.contract.exampleStatus.get(x.route.operationId) : undefined;
  const own = parsePrefer(x.request.headers.prefer);
  const mine = own.code !== undefined || own.example !== undefined || !x.scripted;
  const resolved = resolvePreference(mine ? own : x.scripted!, examples, mine ? 'the Prefer header' : "the session's queued answer");
  if (resolved instanceof GraphFailure) return resolved;
  x.prefer = resolved;
  return undefined;
};

/** A bounded first look at the body against the operation's schema (validators.ts). */
export const bodySchema: Step = (x) => {
  if (x.fast || !x.route || !x.body || !('parsed' in x.body)) return undefined;
  x.bodyViolation = x.contract.validators.get(x.route.operationId)?.bodyViolation(x.body.parsed);
  return undefined;
};

/** The engine (Prism on the server): route, security, validation (unless the body is already known to be invalid) and negotiation. */
export const engine: Step = async (x) => {
  if (x.fast) return undefined;
  x.stats.prism++;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(x.request.headers)) if (typeof value === 'string') headers[name] = value;
  delete headers.prefer; // negotiation follows our own reading of Prefer
  // Every documented answer is JSON (errors, a list, a created object) and no 406 is documented, so the mock
  // answers JSON whatever Accept says (Graph is seen to ignore Accept: microsoft-graph-docs-contrib#859). Left in,
  // an Accept without JSON would let Prism refuse a list or negotiate a Prefer'd error away, and one it cannot
  // parse would make its negotiator throw.
  delete headers.accept;
  // A Content-Type without a body describes nothing; Prism would still parse it, and throw on one it cannot (a GET).
  if (!x.request.body || x.request.body.length === 0) delete headers['content-type'];
  const pathname = x.target!.pathname;
  const parsed = x.body && 'parsed' in x.body ? x.body.parsed : undefined;
  const verdict = await x.contract.engine.ask({ method: x.method, url: { path: pathname, query: x.target!.query }, headers, body: parsed }, x.prefer ?? {}, {
    validateRequest: x.bodyViolation === undefined,
  });
  if (isRefusal(verdict))
    return (await invalidWithoutBadRequest(x, verdict, headers, parsed)) ? undefined : refusalFailure(verdict, x.contract.routes, pathname);
  x.verdict = verdict;
  return undefined;
};

/**
 * Prism refuses a request that fails validation when the operation documents no 400 to answer with (a list, a
 * remove): the answer would come before the token checks. Graph checks the token first, so Prism is asked again
 * without validation (security is still checked) and the violation waits for the validation step, where it is
 * the 400 every operation's invalid request gets.
 */
async function invalidWithoutBadRequest(x: Exchange, refusal: EngineRefusal, headers: Record<string, string>, body: unknown): Promise<boolean> {
  if (refusal.refused !== 'UNPROCESSABLE_ENTITY' || x.prefer?.code !== undefined || x.prefer?.example !== undefined || !x.route) return false;
  const values: Record<string, string> = {};
  const match = x.route.pattern.exec(x.target!.pathname);
  x.route.pathParams.forEach((name, i) => (values[name.toLowerCase()] = match?.[i + 1] ?? ''));
  const violation = x.contract.validators.get(x.route.operationId)?.pathViolation(values) ?? { location: ['path'], message: refusal.detail };
  const again = await x.contract.engine.ask(
    { method: x.method, url: { path: x.target!.pathname, query: x.target!.query }, headers, body },
    {},
    { validateRequest: false },
  );
  if (isRefusal(again)) return false;
  x.verdict = { ...again, violations: [...again.violations, { ...violation, code: 400 }] };
  return true;
}

/** The body's HTTP-level failure, now that routing and auth have passed. */
export const bodyFailure: Step = (x) => (x.body && 'failure' in x.body ? x.body.failure : undefined);

/** Schema violations: the body's first one, or what the engine found in path, query and headers. */
export const validation: Step = (x) => {
  const found = x.bodyViolation ? [x.bodyViolation] : (x.verdict?.violations ?? []).filter((v) => v.code !== 401);
  const parsed = x.body && 'parsed' in x.body ? x.body.parsed : undefined;
  return violationFailure(found, parsed, { invalidUrlFormat: x.contract.error('invalidUrlFormat'), bareId: x.contract.error('bareIdInOdataId') });
};

/** A JSON batch (batch.ts): each request in it runs through these same steps. */
export const batch: Step = (x) => answerBatch(x, (inner) => runPipeline(inner));

/** The documented answer: the fast path's, or the one the engine negotiated. */
export const answer: Step = (x) => exampleAnswer(x.fast ?? withOwnHeaders(x, x.verdict!.output), x.ids);

/**
 * The steps in order, as Graph checks a request: the target and body are read; the session, and what its queue
 * or chaos scripts, are found; the engine (or the fast path) routes and validates; then the token (401), its
 * permissions (403), the body's and the schema's failures (415, 400), the directory's rules (404, 400) and,
 * last, the documented answer. A request reaches the directory only once it is well-formed, authenticated,
 * authorised and valid, so a rejected one changes nothing.
 */
export const steps: readonly Step[] = [
  target,
  control,
  body,
  session,
  exceptBatch(script),
  fastPath,
  prefer,
  bodySchema,
  engine,
  authenticate,
  token,
  authorize,
  bodyFailure,
  batch,
  validation,
  rules,
  answer,
];

/** Runs a request through the steps; the first that answers decides. The delay (latency, Prefer, queue) comes last. */
export async function runPipeline(
  exchange: Exchange,
  pipeline: readonly Step[] = steps,
  wait: (ms: number) => Promise<void> = exchange.state.wait ?? sleep,
): Promise<MockAnswer> {
  const answer = await decide(exchange, pipeline);
  if (exchange.delayMs) await wait(exchange.delayMs);
  return answer;
}

async function decide(exchange: Exchange, pipeline: readonly Step[]): Promise<MockAnswer> {
  for (const step of pipeline) {
    const result = await step(exchange);
    if (result) return deprecated(exchange, result instanceof GraphFailure ? failureAnswer(result, exchange.ids) : result);
  }
  throw new Error('the pipeline ended without an answer');
}

/** A deprecated operation's answer, whatever it is, carries its deprecation headers (graph-headers.ts). */
function deprecated(exchange: Exchange, answer: MockAnswer): MockAnswer {
  const headers = exchange.route && exchange.contract.deprecation.get(exchange.route.operationId);
  if (!headers) return answer;
  // The documented success already carries them, spelled as the spec does: one spelling each.
  const others = Object.entries(answer.headers).filter(([name]) => !(name.toLowerCase() in headers));
  return { ...answer, headers: { ...Object.fromEntries(others), ...headers } };
}

/** setTimeout's wait; in Node unref'd, so a delayed answer never keeps a process alive (a browser's timer is a number). */
export const sleep = (ms: number): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer: unknown = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });
