// Prism's wording of ajv's errors: prism-http/dist/validator/validators/utils.js convertAjvErrors, word for word,
// so a violation the static engine finds reads as the one Prism finds (location, code, message).
import { ERROR, type Diagnostic } from './operation.js';

/** The part of ajv's ErrorObject that Prism reads. */
export interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Input validation only (Prism's ValidationContext.Input): "Request …". */
export function convertAjvErrors(errors: readonly AjvError[], prefix: string, severity = ERROR): Diagnostic[] {
  return errors.map((error) => {
    const allowedParameters = 'allowedValues' in error.params ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : '';
    const detectedAdditionalProperties = 'additionalProperty' in error.params ? `; found '${String(error.params.additionalProperty)}'` : '';
    const unevaluatedProperty = 'unevaluatedProperty' in error.params ? `: '${String(error.params.unevaluatedProperty)}'` : '';
    const errorPath = error.instancePath.split('/').filter((segment) => segment !== '');
    const path = prefix ? [prefix, ...errorPath] : errorPath;
    const errorPathType = errorPath.length > 0 ? (prefix == 'body' ? 'property ' : 'parameter ') : '';
    const errorSourceDescription = `Request ${prefix ? `${prefix} ` : ''}${errorPathType}${errorPath.join('.').trim()}${errorPath.length > 0 ? ' ' : ''}`;
    return {
      path,
      code: error.keyword || '',
      message: `${errorSourceDescription}${error.message || ''}${allowedParameters}${detectedAdditionalProperties}${unevaluatedProperty}`,
      severity,
    };
  });
}
