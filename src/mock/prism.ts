// The Prism adapter: Prism routes, checks security, validates and negotiates the documented answer; this
// module configures it, asks it, and turns what it says into a Graph answer or failure. Prism's own HTTP
// server is not used: its errors are problem+json and its body parser reads 10 MB.
import { createInstance, getHttpOperationsFromSpec, type IHttpConfig, type IHttpRequest } from '@stoplight/prism-http';
import { DiagnosticSeverity, type IHttpOperation } from '@stoplight/types';
import type { Spec } from '../spec/walk.js';
import { isRefusal, type EngineRefusal, type EngineVerdict, type RequestEngine } from './engine.js';
import { GraphFailure, METHOD_NOT_ALLOWED_MESSAGE, type Violation } from './graph-error.js';
import type { Routes } from './routes.js';

/** What Prism made of a request (engine.ts). */
export type PrismVerdict = EngineVerdict;
/** Prism could not answer (engine.ts). */
export type PrismRefusal = EngineRefusal;
export { isRefusal };

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

/** Graph's answer when Prism found no route, method or documented response. */
export function refusalFailure(refusal: PrismRefusal, routes: Routes, pathname: string): GraphFailure {
  switch (refusal.refused) {
    case 'NO_METHOD_MATCHED_ERROR':
      return new GraphFailure(405, 'Request_BadRequest', METHOD_NOT_ALLOWED_MESSAGE, {
        allow: routes.allowedMethods(pathname).join(', '),
      });
    case 'NO_PATH_MATCHED_ERROR':
    case 'NO_RESOURCE_PROVIDED_ERROR': {
      // Graph names an unknown version (`Invalid version: v2.0`) and any other unknown segment, both 400 BadRequest.
      const segment = routes.unknownSegment(pathname);
      const isVersion = pathname.split('/')[1] === segment && segment !== '';
      return new GraphFailure(400, 'BadRequest', isVersion ? `Invalid version: ${segment}` : `Resource not found for the segment '${segment}'.`);
    }
    case 'NOT_FOUND':
    case 'NOT_ACCEPTABLE':
    case 'UNPROCESSABLE_ENTITY':
    case 'NO_RESPONSE_DEFINED':
      // Negotiation failed: the Prefer header asks for a status or example the operation does not document.
      return new GraphFailure(400, 'BadRequest', `The Prefer header asks for a response this operation does not document: ${refusal.detail}`);
    default:
      return new GraphFailure(500, 'generalException', `Mock failure: ${refusal.detail}`);
  }
}

/** Whether Prism found the request unauthenticated (its security check reports code 401). */
export const unauthenticated = (verdict: PrismVerdict): boolean => verdict.violations.some((v) => v.code === 401);

/** The spec's answers to a bad `@odata.id`: a bare id (`bareIdInOdataId`), anything else (`invalidUrlFormat`). */
export interface UrlFormatAnswers {
  invalidUrlFormat: { code: string; message: string };
  bareId: { code: string; message: string };
}

/** An `@odata.id` that is an id alone: no scheme and no `/` (what msgraph-sdk-dotnet#1846 sent). */
export const isBareId = (value: unknown): boolean => typeof value === 'string' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && !value.includes('/');

/**
 * Input violations other than security, as Graph's 400: a bad `@odata.id` is the spec's `bareIdInOdataId` when
 * it is a bare id (Graph's `BadRequest`, msgraph-sdk-dotnet#1846), else its `invalidUrlFormat`.
 */
export function violationFailure(violations: readonly Violation[], body: unknown, answers: UrlFormatAnswers): GraphFailure | undefined {
  if (violations.length === 0) return undefined;
  if (violations.some((v) => v.location.includes('@odata.id'))) {
    const sent = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['@odata.id'] : undefined;
    const { code, message } = isBareId(sent) ? answers.bareId : answers.invalidUrlFormat;
    return new GraphFailure(400, code, message, {}, violations);
  }
  const inBody = violations.every((v) => !['path', 'query', 'header'].includes(String(v.location[0])));
  const named = violations
    .slice(0, 5)
    .map((v) => v.message)
    .join('; ');
  return new GraphFailure(400, 'BadRequest', `${inBody ? 'Invalid request body' : 'Invalid request'}: ${named}.`, {}, violations);
}
