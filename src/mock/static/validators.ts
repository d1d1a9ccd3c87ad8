// The pipeline's validators (src/mock/validators.ts OperationValidators) built from the standalone code in
// generated/mock-validators.ts instead of compiling with ajv at run time. Same answers: the generated functions
// are compiled from the same schemas with Prism's settings (with allErrors, whose first error is the one ajv
// stops at without it; test/mock.engine.test.ts compares the two).
import type { OperationValidators } from '../validators.js';
import type { Violation } from '../graph-error.js';
import type { StaticOperation } from './operation.js';
import { convertAjvErrors, type AjvError } from './wording.js';

/** An ajv standalone validation function. */
export interface StandaloneValidate {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

function firstViolation(validate: StandaloneValidate, value: unknown, prefix: 'body' | 'path'): Violation | undefined {
  if (validate(value)) return undefined;
  const [first] = convertAjvErrors(validate.errors ?? [], prefix);
  return first && { location: first.path ?? [], message: first.message };
}

const pass: StandaloneValidate = () => true;

/** Each operation's validators, keyed by operationId, as compileValidators() gives them. */
export function staticValidators(
  operations: readonly StaticOperation[],
  table: Readonly<Record<string, StandaloneValidate | undefined>>,
  exactOperations: readonly string[],
): Map<string, OperationValidators> {
  const exact = new Set(exactOperations);
  const result = new Map<string, OperationValidators>();
  for (const op of operations) {
    const jsonIndex = (op.request?.body?.contents ?? []).findIndex((c) => c.mediaType === 'application/json');
    const body = exact.has(op.id) && jsonIndex >= 0 ? table[`${op.id} body ${jsonIndex}`] : undefined;
    // An operation without parameters of a kind validates against an empty object schema: anything passes.
    const path = table[`${op.id} path`] ?? pass;
    const headers = table[`${op.id} header`] ?? pass;
    result.set(op.id, {
      operationId: op.id,
      exact: exact.has(op.id),
      bodyViolation: (value) => (body ? firstViolation(body, value, 'body') : undefined),
      pathOk: (values) => path(values),
      pathViolation: (values) => firstViolation(path, values, 'path'),
      headersOk: (values) => headers(values),
      headerNames: (op.request?.headers ?? []).map((p) => p.name.toLowerCase()),
    });
  }
  return result;
}
