// What the pipeline asks of an operation's request validators, whoever compiled them: the server compiles them
// with ajv at run time (validators.ts, Prism's settings); a host without Node brings precompiled ones.
import type { Violation } from './graph-error.js';

export interface OperationValidators {
  operationId: string;
  /** Whether the body schema is JSON Schema draft-07 without `$ref`/`allOf`, so these checks equal Prism's. */
  exact: boolean;
  /** The body's first violation (Prism's location and wording), or undefined when valid or not validated. */
  bodyViolation(body: unknown): Violation | undefined;
  /** Whether path parameters (lower-cased names → raw values) and headers pass Prism's coercing checks. */
  pathOk(values: Record<string, string>): boolean;
  /** The path parameters' first violation (Prism's wording), for an operation that documents no 400 to put it in. */
  pathViolation(values: Record<string, string>): Violation | undefined;
  headersOk(values: Record<string, unknown>): boolean;
  headerNames: string[];
}
