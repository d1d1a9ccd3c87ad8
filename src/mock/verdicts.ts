// What the pipeline makes of the engine's verdict (engine.ts): Graph's answer to a refusal (no route, no method,
// nothing documented for Prefer), whether security failed, and Graph's 400 for input violations. Pure and
// browser-safe: it serves the server's Prism engine and the handlers' static one alike.
import type { EngineRefusal, EngineVerdict } from './engine.js';
import { GraphFailure, METHOD_NOT_ALLOWED_MESSAGE, type Violation } from './graph-error.js';
import type { Routes } from './routes.js';

/** Graph's answer when the engine found no route, method or documented response. */
export function refusalFailure(refusal: EngineRefusal, routes: Routes, pathname: string): GraphFailure {
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

/** Whether the engine found the request unauthenticated (its security check reports code 401, as Prism's does). */
export const unauthenticated = (verdict: EngineVerdict): boolean => verdict.violations.some((v) => v.code === 401);

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
