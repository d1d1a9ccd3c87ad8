// The mock's engine without Prism: routes, checks security, validates and negotiates the documented answer
// exactly as Prism's createInstance does (prism-core/dist/factory.js: route → security + input validation →
// mock), from the operations and standalone validators scripts/generate-mock.mjs derived from Prism itself.
// Browser-safe: no Node built-in, no ajv compiler, no lodash or fp-ts. test/mock.engine.test.ts asks it and the
// Prism adapter (prism.ts) the same requests and expects the same verdicts.
import type { Spec } from '../spec/walk.js';
import { resolvePointer } from '../spec/walk.js';
import type { EngineRefusal, EngineVerdict, RequestEngine } from './engine.js';
import { negotiate, type MockConfig } from './static/negotiate.js';
import { Problem, ERROR, type Diagnostic, type StaticExample, type StaticOperation } from './static/operation.js';
import { unreadParameters, validateInput, type ValidatorTable } from './static/request.js';
import { route } from './static/router.js';
import { validateSecurity } from './static/security.js';

export type { StaticOperation } from './static/operation.js';

export interface StaticEngineData {
  /** The trimmed spec the operations' example pointers point into (generated/mock-contract.ts mockSpec). */
  spec: Spec;
  /** The operations as Prism derives them (generated/mock-contract.ts engineOperations). */
  operations: readonly StaticOperation[];
  /** The request validators by "<operationId> body <i>|header|query|path" (generated/mock-validators.ts). */
  validators: ValidatorTable;
}

/** Prism's refusal as the adapter reports it (prism.ts): the error type after `#`, and its detail. */
function refusal(error: Error): EngineRefusal {
  return error instanceof Problem ? { refused: error.type, detail: error.detail } : { refused: error.name.split('#').pop() ?? '', detail: error.message };
}

const headerValue = (headers: Record<string, unknown>, name: string): unknown => {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
};

/** A RequestEngine that answers as createPrismAdapter(spec) does, without Prism. */
export function createStaticEngine({ spec, operations, validators }: StaticEngineData): RequestEngine {
  const unread = operations.flatMap((op) => unreadParameters(op).map((what) => `${op.id}: ${what}`));
  if (unread.length > 0) throw new Error(`the static engine cannot read these parameters as Prism does: ${unread.join('; ')}`);
  const values = new Map<string, unknown>();
  const valueOf = (example: StaticExample): unknown => {
    if (example.ref === undefined) return example.value;
    if (!values.has(example.ref)) values.set(example.ref, resolvePointer(spec, example.ref));
    return values.get(example.ref);
  };
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- the interface is async (Prism's is)
    async ask(request, prefer, { validateRequest }): Promise<EngineVerdict | EngineRefusal> {
      const op = route(operations, request.method, request.url.path);
      if (op instanceof Error) return refusal(op);
      // factory.js inputValidation: security's one diagnostic, then the input's, all kept for negotiation.
      const validations: Diagnostic[] = [];
      const security = validateSecurity(op, request);
      if (security) validations.push(security);
      if (validateRequest) validations.push(...validateInput(op, request, validators));
      const config: MockConfig = { code: prefer.code, exampleKey: prefer.example };
      const accept = headerValue(request.headers ?? {}, 'accept');
      if (typeof accept === 'string' && accept) config.mediaTypes = accept.split(',');
      const output = negotiate(op, validations, config, valueOf);
      if (output instanceof Error) return refusal(output);
      const violations = validations.filter((v) => v.severity === ERROR).map((v) => ({ code: v.code ?? '', location: v.path ?? [], message: v.message }));
      return { output, violations };
    },
  };
}
