// HTTP-level checks of a request body: media type, charset and content encoding, UTF-8, JSON and its depth.
// Pure: the host reads the bytes (with the size limit); the outcome is applied after routing and auth, as Graph
// orders them, so a failure here is returned, not answered.
import { GraphFailure } from './graph-error.js';

export const MAX_JSON_DEPTH = 64;

export type BodyCheck = { parsed: unknown } | { failure: GraphFailure };

/** `Content-Type` split into its lower-cased type and charset parameter. */
export function mediaTypeOf(header: string | undefined): { type: string; charset?: string } {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((p) => p.trim().split('='))
    .find(([k]) => k?.toLowerCase() === 'charset')?.[1]
    ?.replace(/"/g, '')
    .toLowerCase();
  return { type: type.trim().toLowerCase(), ...(charset ? { charset } : {}) };
}

/** Whether a JSON value nests deeper than `limit`; iterative, so a hostile body cannot overflow the stack. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

const isJsonType = (type: string) => type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(type);

/**
 * Checks a non-empty body. The 415 codes come from the spec's own example (`unsupportedMediaType`), passed in
 * as `mediaTypeCode`, so the mock answers what the contract documents.
 */
export function checkBody(bytes: Uint8Array, headers: { 'content-type'?: string; 'content-encoding'?: string }, mediaTypeCode: string): BodyCheck {
  const media = mediaTypeOf(headers['content-type']);
  const encoding = (headers['content-encoding'] ?? 'identity').toLowerCase();
  if (!isJsonType(media.type)) {
    return { failure: new GraphFailure(415, mediaTypeCode, `Content-Type '${media.type || '(none)'}' is not supported; send 'application/json'.`) };
  }
  if (encoding !== 'identity' || (media.charset && !['utf-8', 'utf8'].includes(media.charset))) {
    const what = encoding !== 'identity' ? encoding : media.charset;
    return { failure: new GraphFailure(415, mediaTypeCode, `Content encoding '${what}' is not supported; send UTF-8 JSON.`) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return {
      failure: new GraphFailure(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'),
    };
  }
  if (depthExceeds(parsed, MAX_JSON_DEPTH)) {
    return { failure: new GraphFailure(400, 'BadRequest', `The request payload is nested deeper than ${MAX_JSON_DEPTH} levels.`) };
  }
  return { parsed };
}
