// `Prefer: code=…, example=…`: how a caller asks the mock for a documented answer other than success.
import { GraphFailure } from './graph-error.js';

export interface Preference {
  code?: number;
  example?: string;
}

/** Reads `code` and `example` from the Prefer header(s); other preferences (return=minimal, …) are ignored. */
export function parsePrefer(header: string | string[] | undefined): Preference {
  const result: Preference = {};
  for (const part of [header ?? []].flat().join(',').split(',')) {
    const [key, ...rest] = part.split('=');
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (key?.trim() === 'code' && /^\d{3}$/.test(value)) result.code = Number(value);
    if (key?.trim() === 'example' && value) result.example = value;
  }
  return result;
}

/**
 * The status Prism is to negotiate. Prism looks for `example=` in the success response only, so an example
 * alone is turned into its documented status; an unknown example, or one asked under another status, is a 400.
 * `examples` maps the operation's example names to their statuses (undefined when no operation matched);
 * `source` names where the preference came from (a queued answer is not a Prefer header).
 */
export function resolvePreference(
  prefer: Preference,
  examples: ReadonlyMap<string, number> | undefined,
  source = 'the Prefer header',
): Preference | GraphFailure {
  if (examples === undefined) return prefer;
  if (prefer.example === undefined) {
    // A status alone is its first named example: Prism would otherwise pick by its own order, which may be a
    // schema-level sample (odataError's verbatim 429) rather than the operation's example of that name.
    const first = [...examples].find(([, status]) => status === prefer.code)?.[0];
    return first === undefined ? prefer : { code: prefer.code, example: first };
  }
  const status = examples.get(prefer.example);
  if (status === undefined) {
    return new GraphFailure(400, 'BadRequest', `Unknown example '${prefer.example}' in ${source}; see the README for the list.`);
  }
  if (prefer.code !== undefined && prefer.code !== status) {
    return new GraphFailure(400, 'BadRequest', `Example '${prefer.example}' is documented for status ${status}, not ${prefer.code}.`);
  }
  return { code: status, example: prefer.example };
}
