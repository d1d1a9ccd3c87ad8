// HTTP-level checks of a request body: media type, charset and content encoding, UTF-8, JSON, its depth and size.
// Pure: the host reads the bytes (with the size limit); the outcome is applied after routing and auth, as Graph
// orders them, so a failure here is returned, not answered.
import { GraphFailure } from './graph-error.js';

export const MAX_JSON_DEPTH = 64;
/**
 * Values a body may hold (array items and object members). A sponsor reference has one, a connected
 * organization a few dozen; a hostile megabyte of `{},{},…` has 350,000, and parsed they cost ~30 times the
 * body in memory. Counted on the bytes before parsing, so what a rejected body costs stays its own size (issue 9).
 */
export const MAX_JSON_VALUES = 10_000;

export type BodyCheck = { parsed: unknown } | { failure: GraphFailure };

/** `Content-Type` split into its lower-cased type and charset parameter. */
export function mediaTypeOf(header: string | undefined): { type: string; charset?: string } {
  if (header !== undefined && !header.includes(';')) return { type: header.trim().toLowerCase() }; // no parameters: nothing to split
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((p) => p.trim().split('='))
    .find(([k]) => k?.toLowerCase() === 'charset')?.[1]
    ?.replace(/"/g, '')
    .toLowerCase();
  return { type: type.trim().toLowerCase(), ...(charset ? { charset } : {}) };
}

/**
 * How deep a JSON text nests and how many values its arrays and objects hold, read from the bytes without
 * parsing (structural characters are ASCII, so UTF-8 needs no decoding here). Stops as soon as a limit is passed.
 */
export function jsonShape(bytes: Uint8Array, limits = { depth: MAX_JSON_DEPTH, values: MAX_JSON_VALUES }): { tooDeep: boolean; tooMany: boolean } {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > limits.depth) return { tooDeep: true, tooMany: false };
      values++; // the first member or item, if any; each comma adds one more
    } else if (byte === 0x7d || byte === 0x5d) depth--;
    else if (byte === 0x2c) values++;
    if (values > limits.values) return { tooDeep: false, tooMany: true };
  }
  return { tooDeep: false, tooMany: false };
}

// One decoder for every body: decode() without `stream` starts afresh on each call (WHATWG Encoding §7.2.2),
// so sharing it is safe, and a request no longer pays for constructing one.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const isJsonType = (type: string) => type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(type);

/** The spec's answers to a body Graph cannot read: its 400 example and the code of its 415 example. */
export interface BodyAnswers {
  /** `unreadableJsonPayload`: Graph's 400 to a body that is not JSON, has no `Content-Type` or is compressed. */
  unreadable: { code: string; message: string };
  /** `unsupportedMediaType`'s code: an explicit non-JSON `Content-Type`, or a charset other than UTF-8. */
  mediaTypeCode: string;
}

/**
 * Checks a non-empty body. Graph answers its 400 "Unable to read JSON request payload…" to a compressed body
 * (msgraph-sdk-design middleware/CompressionHandler.md: "return a 400 response code instead of 415"), to a body
 * without `Content-Type` (microsoft-graph-docs-contrib#6337) and to one that is not JSON; an explicit non-JSON
 * type or charset stays the 415 (no captured directory answer says otherwise; see the example's source).
 */
export function checkBody(bytes: Uint8Array, headers: { 'content-type'?: string; 'content-encoding'?: string }, answers: BodyAnswers): BodyCheck {
  const unreadable = () => ({ failure: new GraphFailure(400, answers.unreadable.code, answers.unreadable.message) });
  const media = mediaTypeOf(headers['content-type']);
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (media.type === '' || (encoding !== 'identity' && encoding !== '')) return unreadable();
  if (!isJsonType(media.type)) {
    return { failure: new GraphFailure(415, answers.mediaTypeCode, `Content-Type '${media.type}' is not supported; send 'application/json'.`) };
  }
  if (media.charset && !['utf-8', 'utf8'].includes(media.charset)) {
    return { failure: new GraphFailure(415, answers.mediaTypeCode, `Charset '${media.charset}' is not supported; send UTF-8 JSON.`) };
  }
  const shape = jsonShape(bytes);
  if (shape.tooDeep) return { failure: new GraphFailure(400, 'BadRequest', `The request payload is nested deeper than ${MAX_JSON_DEPTH} levels.`) };
  if (shape.tooMany) return { failure: new GraphFailure(400, 'BadRequest', `The request payload holds more than ${MAX_JSON_VALUES} values.`) };
  try {
    return { parsed: JSON.parse(utf8.decode(bytes)) as unknown };
  } catch {
    return unreadable();
  }
}
