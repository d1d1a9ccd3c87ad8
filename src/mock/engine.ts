// The seam between the pipeline and what answers for the contract itself: route, security, validation and the
// negotiation of a documented answer. The server fills it with Prism (prism.ts); a host without Node (the MSW
// handlers) fills it with a Prism-free engine over the same contract. The pipeline sees only this interface.
import type { ExampleOutput, Violation } from './graph-error.js';
import type { Preference } from './prefer.js';

/** A request as the engine reads it: Prism's IHttpRequest, with the path and query already read (target.ts). */
export interface EngineRequest {
  /** Lower case. */
  method: string;
  url: { path: string; query: Record<string, string | string[]> };
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The parsed JSON body, when there is one. */
  body?: unknown;
}

/** What the engine made of a request: its documented answer and the violations it found (security: code 401). */
export interface EngineVerdict {
  output: ExampleOutput;
  violations: Array<Violation & { code: string | number }>;
}

/** The engine could not answer: no route, no method, or no documented response for what Prefer asks. */
export interface EngineRefusal {
  /** Prism's ProblemJson type: NO_PATH_MATCHED_ERROR, NO_METHOD_MATCHED_ERROR, UNPROCESSABLE_ENTITY, … */
  refused: string;
  detail: string;
}

export interface RequestEngine {
  /** `validateRequest: false` when the body was already found invalid (validators.ts) or must not be checked. */
  ask(request: EngineRequest, prefer: Preference, options: { validateRequest: boolean }): Promise<EngineVerdict | EngineRefusal>;
}

export const isRefusal = (verdict: EngineVerdict | EngineRefusal): verdict is EngineRefusal => 'refused' in verdict;
