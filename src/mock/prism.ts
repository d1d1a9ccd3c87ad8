// The Prism adapter: Prism routes, checks security, validates and negotiates the documented answer; this
// module configures it, asks it, and turns what it says into a Graph answer or failure. Prism's own HTTP
// server is not used: its errors are problem+json and its body parser reads 10 MB.
import { createInstance, getHttpOperationsFromSpec, type IHttpConfig, type IHttpRequest } from '@stoplight/prism-http';
import { DiagnosticSeverity, type IHttpOperation } from '@stoplight/types';
import type { Spec } from '../spec/walk.js';
import { isRefusal, type EngineRefusal, type EngineVerdict, type RequestEngine } from './engine.js';

/** What Prism made of a request (engine.ts). */
export type PrismVerdict = EngineVerdict;
/** Prism could not answer (engine.ts). */
export type PrismRefusal = EngineRefusal;
export { isRefusal };
// What the pipeline makes of a verdict, browser-safe in verdicts.ts (kept importable from here).
export { isBareId, refusalFailure, unauthenticated, violationFailure, type UrlFormatAnswers } from './verdicts.js';

/** The server's engine: Prism, with the operations it loaded (the fast path and the validators read them). */
export interface PrismAdapter extends RequestEngine {
  operations: IHttpOperation[];
}

const config: IHttpConfig = {
  mock: { dynamic: false },
  checkSecurity: true,
  validateRequest: true,
  validateResponse: false,
  errors: false,
  upstreamProxy: undefined,
  isProxy: false,
};

// Prism wants a pino logger; the mock logs nothing per request. (Prism types it with pino 6, which ships no
// types, so the stand-in is given as Prism's components type.)
const silentLogger: object = new Proxy({}, { get: (_t, key) => (key === 'child' ? () => silentLogger : () => undefined) });
const components = { logger: silentLogger } as Parameters<typeof createInstance>[1];

export async function createPrismAdapter(spec: Spec): Promise<PrismAdapter> {
  // A parsed object: Prism resolves only the bundle's local refs and fetches nothing.
  const operations = await getHttpOperationsFromSpec(structuredClone(spec));
  const prism = createInstance(config, components);
  return {
    operations,
    async ask(request, prefer, { validateRequest }) {
      const mock = { dynamic: false, code: prefer.code, exampleKey: prefer.example };
      const result = await prism.request(request as IHttpRequest, operations, { ...config, validateRequest, mock })();
      if (result._tag === 'Left') {
        // Prism's errors are ProblemJson: `name` ends with the type (…#NO_PATH_MATCHED_ERROR), `detail` says more.
        const error = result.left as Error & { detail?: string };
        return { refused: error.name.split('#').pop() ?? '', detail: error.detail ?? error.message };
      }
      const { output, validations } = result.right;
      const violations = validations.input
        .filter((v) => v.severity === DiagnosticSeverity.Error)
        .map((v) => ({ code: v.code ?? '', location: v.path ?? [], message: v.message }));
      return { output: output, violations };
    },
  };
}
