// Request validators compiled once per operation with Prism's own ajv settings, formats and schema
// normalisation (prism-http/dist/validator/validators/utils.js), for two jobs:
// - the fast path, which must accept exactly what Prism accepts (test/mock.fast-path.test.ts proves it);
// - a bounded first look at the body: Prism validates with `allErrors`, so a 1 MiB body breaking the schema
//   100,000 times costs it 100,000 violations in memory (issue 9). These stop at the first error instead.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as dateTime from '@stoplight/prism-http/dist/validator/validators/dateTime.js';
import { convertAjvErrors } from '@stoplight/prism-http/dist/validator/validators/utils.js';
import { stripReadOnlyProperties } from '@stoplight/prism-http/dist/utils/filterRequiredProperties.js';
import { ValidationContext } from '@stoplight/prism-http/dist/validator/validators/types.js';
import type { IHttpOperation } from '@stoplight/types';
import type { Violation } from './graph-error.js';
import type { OperationValidators } from './operation-validators.js';

export type { OperationValidators } from './operation-validators.js';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

function prismAjv(options: { coerceTypes: boolean; allErrors: boolean }) {
  const ajv = new Ajv.default({ allowUnionTypes: true, allowMatchingProperties: true, strict: false, logger: false, ...options });
  addFormats.default(ajv);
  ajv.addFormat('date-time', dateTime.fmtDef(dateTime.date_time, dateTime.compareDateTime));
  return ajv;
}

/** A JSON Schema as Prism hands it over (draft-07 objects from @stoplight/types). */
type Schema = { $schema?: string } & Record<string, unknown>;

const paramSchema = (params: ReadonlyArray<{ name: string; required?: boolean; schema?: unknown }> | undefined) => ({
  type: 'object',
  properties: Object.fromEntries((params ?? []).map((p) => [p.name.toLowerCase(), p.schema ?? {}])),
  required: (params ?? []).filter((p) => p.required).map((p) => p.name.toLowerCase()),
});

/** A value computed on first call, then kept. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

function toViolation(validate: ValidateFunction, prefix: 'body' | 'path' = 'body'): Violation | undefined {
  const errors = validate.errors as [ErrorObject, ...ErrorObject[]] | null | undefined;
  if (!errors?.length) return undefined;
  const [first] = convertAjvErrors(errors, 0, ValidationContext.Input, prefix);
  return { location: first.path ?? [], message: first.message };
}

/** Compiles the validators of each operation Prism loaded from the spec. */
export function compileValidators(operations: IHttpOperation[]): Map<string, OperationValidators> {
  const firstError = prismAjv({ coerceTypes: false, allErrors: false });
  const coerce = prismAjv({ coerceTypes: true, allErrors: false });
  const result = new Map<string, OperationValidators>();
  for (const op of operations) {
    const request = op.request ?? {};
    const json = (request.body?.contents ?? []).find((c) => c.mediaType === 'application/json');
    const schemas = [json?.schema, ...(request.path ?? []).map((p) => p.schema), ...(request.headers ?? []).map((p) => p.schema)];
    const exact = schemas.every((s) => s && DRAFT_07.test(String((s as Schema).$schema)) && !/"(\$ref|allOf)"/.test(JSON.stringify(s)));
    // Prism validates the body against the schema without its readOnly properties, or not at all when none is left.
    const stripped = json?.schema ? stripReadOnlyProperties(json.schema as Schema) : undefined;
    // Compiled on first use: ajv's compilation is most of what loading costs, and a mock answers its first
    // request sooner when it compiles only the operations that request needs.
    const bodyValidator = once(() => (exact && stripped?._tag === 'Some' ? firstError.compile(stripped.value) : undefined));
    const pathValidator = once(() => coerce.compile(paramSchema(request.path)));
    const headerValidator = once(() => coerce.compile(paramSchema(request.headers)));
    const operationId = op.iid ?? op.id;
    result.set(operationId, {
      operationId,
      exact,
      bodyViolation(body) {
        const validate = bodyValidator();
        return validate && !validate(body) ? toViolation(validate) : undefined;
      },
      pathOk: (values) => pathValidator()(values),
      pathViolation(values) {
        const validate = pathValidator();
        return validate(values) ? undefined : toViolation(validate, 'path');
      },
      headersOk: (values) => headerValidator()(values),
      headerNames: (request.headers ?? []).map((p) => p.name.toLowerCase()),
    });
  }
  return result;
}
