// The documented answer Prism picks: prism-http/dist/mocker/index.js (negotiateResponse, createInvalidInputResponse,
// assembleResponse) and mocker/negotiator/{NegotiatorHelpers,InternalHelpers}.js, static mode (examples, never
// faker). Headers and schema samples were computed by scripts/generate-mock.mjs as Prism computes them.
import type { ExampleOutput } from '../graph-error.js';
import { parseContentType, preferredMediaType } from './media-type.js';
import { ERROR, Problem, type Diagnostic, type StaticContent, type StaticExample, type StaticOperation, type StaticResponse } from './operation.js';

export interface MockConfig {
  code?: number;
  exampleKey?: string;
  /** From the request's Accept header, split on commas. */
  mediaTypes?: string[];
}

/** What negotiation settled on (NegotiatorHelpers' IHttpNegotiationResult). */
interface Negotiated {
  code: string;
  mediaType?: string;
  bodyExample?: StaticExample;
  /** The content's schema, when the body may come from it. */
  content?: StaticContent;
  headers: StaticResponse['headers'];
}

const NOT_FOUND = (detail: string) => new Problem('NOT_FOUND', 'The server cannot find the requested content', detail);

// ---- InternalHelpers.js ----

function findResponseByStatusCode(responses: readonly StaticResponse[], statusCode: number): StaticResponse | undefined {
  const exact = responses.find((r) => r.code.toLowerCase() === String(statusCode));
  if (exact) return exact;
  const range = responses.find((r) => r.code === `${String(statusCode).charAt(0)}XX`);
  return range && { ...range, code: statusCode.toString() };
}

function findDefaultResponse(responses: readonly StaticResponse[], statusCode = 200): StaticResponse | undefined {
  const found = responses.find((r) => r.code === 'default');
  return found && { ...found, code: statusCode.toString() };
}

const normalizeRange = (r: StaticResponse): StaticResponse => (/^\dXX$/.test(r.code) ? { ...r, code: `${r.code.charAt(0)}00` } : r);

function findLowest2XXResponse(responses: readonly StaticResponse[]): StaticResponse | undefined {
  const sorted = responses.filter((r) => /^2(\d\d|XX)$/.test(r.code)).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return sorted[0] && normalizeRange(sorted[0]);
}

const findExampleByKey = (content: StaticContent, key: string) => content.examples?.find((e) => e.key === key);
const hasExamples = (content: StaticContent) => !!content.examples && content.examples.length !== 0;

/** findBestHttpContentByMediaType: the content `accepts` prefers for the media types, retried without parameters. */
function findBestContent(contents: readonly StaticContent[], mediaTypes: readonly string[]): StaticContent | undefined {
  const best = preferredMediaType(
    mediaTypes.join(','),
    contents.map((c) => c.mediaType),
  );
  const found = best ? contents.find((c) => c.mediaType === best) : undefined;
  if (found) return found;
  const withoutParameters = mediaTypes
    .map((mt) => parseContentType(mt))
    .filter(({ parameters }) => Object.keys(parameters).some((k) => k !== 'q'))
    .map(({ type, parameters }) => formatContentType(type, 'q' in parameters ? { q: parameters.q } : {}));
  return withoutParameters.length > 0 ? findBestContent(contents, withoutParameters) : undefined;
}

/** content-type's format() for a type and (at most) its q parameter. */
function formatContentType(type: string, parameters: Record<string, string>): string {
  let text = type;
  for (const [key, value] of Object.entries(parameters)) {
    text += `; ${key}=${/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value) ? value : `"${value.replace(/([\\"])/g, '\\$1')}"`}`;
  }
  return text;
}

// ---- NegotiatorHelpers.js ----

function byContent(config: MockConfig, code: string, content: StaticContent): Omit<Negotiated, 'headers'> | Problem {
  const { mediaType } = content;
  if (config.exampleKey) {
    const bodyExample = findExampleByKey(content, config.exampleKey);
    if (!bodyExample) return NOT_FOUND(`Response for contentType: ${mediaType} and exampleKey: ${config.exampleKey} does not exist.`);
    return { code, mediaType, bodyExample, content };
  }
  const first = content.examples?.[0];
  return first ? { code, mediaType, bodyExample: first, content } : { code, mediaType, content };
}

function defaultMediaType(config: MockConfig, response: StaticResponse): Negotiated | Problem {
  const { code, headers } = response;
  const contents = response.contents;
  const content = contents && (contents.find((c) => c.mediaType === '*/*') ?? findBestContent(contents, ['application/json', '*/*']));
  if (!content) return { code, mediaType: 'text/plain', bodyExample: { key: 'default' }, headers };
  const result = byContent(config, code, content);
  return result instanceof Problem ? result : { headers, ...result };
}

function bySpecificResponse(op: StaticOperation, config: MockConfig, response: StaticResponse): Negotiated | Problem {
  const { code, headers } = response;
  if (op.method === 'head') return { code, headers };
  const mediaTypes = config.mediaTypes;
  if (!mediaTypes || mediaTypes.length === 0) return defaultMediaType(config, response);
  const content = response.contents && findBestContent(response.contents, mediaTypes);
  if (!content) {
    if (response.contents?.length) {
      // createEmptyResponse: a 204, or an Accept that takes anything, gets the answer without a body.
      if (code === '204' || mediaTypes.some((mt) => mt.includes('*/*'))) return { code, headers };
      return new Problem(
        'NOT_ACCEPTABLE',
        'The server cannot produce a representation for your accept header',
        `Unable to find content for ${mediaTypes.join(',')}`,
      );
    }
    return { code, headers };
  }
  const result = byContent(config, code, content);
  if (result instanceof Problem) return result;
  return { headers, ...result, mediaType: result.mediaType === '*/*' ? 'text/plain' : result.mediaType };
}

function forUnspecifiedCode(op: StaticOperation, config: MockConfig): Negotiated | Problem {
  const response = findLowest2XXResponse(op.responses) ?? findDefaultResponse(op.responses) ?? (op.responses[0] && normalizeRange(op.responses[0]));
  if (!response) return new Problem('NO_RESPONSE_RESPONSE_DEFINED', 'No response defined for the selected operation', '');
  return bySpecificResponse(op, config, response);
}

const describeError = (error: Error) => `${error.name}: ${error.message}`;

function forValidRequest(op: StaticOperation, config: MockConfig): Negotiated | Error {
  if (!config.code) return forUnspecifiedCode(op, config);
  const code = config.code;
  const response = findResponseByStatusCode(op.responses, code) ?? findDefaultResponse(op.responses, code);
  if (!response) return NOT_FOUND(`Requested status code ${code} is not defined in the document.`);
  const specific = bySpecificResponse(op, config, response);
  if (!(specific instanceof Error)) return specific;
  // RE.orElse: the operation's default answer instead; when that fails too, Prism's plain Error naming it twice.
  const fallback = forUnspecifiedCode(op, config);
  if (!(fallback instanceof Error)) return fallback;
  return new Error(`${describeError(fallback)}. We tried default response, but we got ${describeError(fallback)}`);
}

// ---- mocker/index.js: invalid requests ----

function expectedCodes(validations: readonly Diagnostic[]): number[] {
  if (validations.some((v) => v.code === 401)) return [401];
  if (validations.some((v) => v.code === 415)) return [415, 422, 400];
  return [422, 400];
}

function responseForViolations(validations: readonly Diagnostic[]): Problem {
  if (validations.some((v) => v.code === 401)) {
    return new Problem(
      'UNAUTHORIZED',
      'Invalid security scheme used',
      'Your request does not fullfil the security requirements and no HTTP unauthorized response was found in the spec, so Prism is generating this error for you.',
    );
  }
  const contentType = validations.find((v) => v.code === 415);
  if (contentType) return new Problem('INVALID_CONTENT_TYPE', 'Invalid content type', contentType.message);
  return new Problem(
    'UNPROCESSABLE_ENTITY',
    'Invalid request',
    'Your request is not valid and no HTTP validation response was found in the spec, so Prism is generating this error for you.',
  );
}

function forInvalidRequest(op: StaticOperation, validations: readonly Diagnostic[], config: MockConfig): Negotiated | Problem {
  const codes = expectedCodes(validations);
  const exampleKey = !!config.code && codes.includes(config.code) ? config.exampleKey : undefined;
  // findResponse: each expected status in turn, then `default` under the first.
  let response: StaticResponse | undefined;
  for (const code of codes) if ((response = findResponseByStatusCode(op.responses, code))) break;
  response ??= findDefaultResponse(op.responses, codes[0]);
  if (!response) return responseForViolations(validations);
  const headers = response.headers;
  const withExamples = response.contents?.find(hasExamples);
  if (!withExamples) {
    // buildResponseBySchema: the first content with a schema, else an empty answer.
    const withSchema = response.contents?.find((c) => c.schema);
    return withSchema ? { code: response.code, mediaType: withSchema.mediaType, content: withSchema, headers } : { code: response.code, headers };
  }
  const bodyExample = exampleKey === undefined ? withExamples.examples![0] : findExampleByKey(withExamples, exampleKey);
  if (!bodyExample) return NOT_FOUND(`Response for contentType: ${withExamples.mediaType} and exampleKey: ${exampleKey} does not exist.`);
  return { code: response.code, mediaType: withExamples.mediaType, headers, bodyExample };
}

// ---- mocker/index.js: the answer ----

/** The Prism answer for an operation, given the request's diagnostics: its output, or why there is none. */
export function negotiate(
  op: StaticOperation,
  validations: readonly Diagnostic[],
  config: MockConfig,
  valueOf: (example: StaticExample) => unknown,
): ExampleOutput | Error {
  const invalid = validations.some((v) => v.severity === ERROR);
  const result = invalid ? forInvalidRequest(op, validations, config) : forValidRequest(op, config);
  if (result instanceof Error) return result;
  const headers: Record<string, unknown> = { ...result.headers };
  if (result.mediaType) headers['Content-type'] = result.mediaType;
  if (op.deprecated) headers.deprecation = 'true';
  // computeBody: the example's value; else the schema's sample; else nothing.
  const example = result.bodyExample;
  const value = example && ('value' in example || 'ref' in example) ? valueOf(example) : undefined;
  const body = value !== undefined ? value : result.content?.schema ? result.content.sample : undefined;
  return { statusCode: parseInt(result.code), headers, body };
}
