// Media types as Prism's helpers read them, so the static engine accepts and picks the same ones:
// - essence/boundary: whatwg-mimetype's parser (prism-http/dist/validator/validators/headers.js parseMIMEHeader);
// - parseContentType: the `content-type` package 1.0.5's parse (throws as it does);
// - wildcardMediaTypeMatch: prism-http/dist/validator/utils/wildcardMediaTypeMatch.js;
// - preferredMediaType: `accepts` 1.3.8 over `negotiator` 0.6.3 (mocker/negotiator/InternalHelpers.js
//   findBestHttpContentByMediaType asks it which content answers an Accept list).

const HTTP_WHITESPACE = /^[ \t\n\r]+|[ \t\n\r]+$/g;
const TRAILING_WHITESPACE = /[ \t\n\r]+$/;
const TOKEN = /^[-!#$%&'*+.^_`|~A-Za-z0-9]*$/;
const QUOTED_STRING_TOKEN = /^[\t\u0020-\u007E\u0080-\u00FF]*$/;
const asciiLowercase = (s: string) => s.replace(/[A-Z]/g, (l) => l.toLowerCase());

/** whatwg-mimetype's parse: [boundary parameter, essence]; throws as `new MIMEType(text)` does when invalid. */
export function parseMimeHeader(text: string): [boundary: string | undefined, essence: string] {
  const input = text.replace(HTTP_WHITESPACE, '');
  const fail = () => new Error(`Could not parse MIME type string "${text}"`);
  let position = input.indexOf('/');
  const type = position < 0 ? input : input.slice(0, position);
  if (type.length === 0 || !TOKEN.test(type) || position < 0) throw fail();
  position++;
  let end = input.indexOf(';', position);
  if (end < 0) end = input.length;
  const subtype = input.slice(position, end).replace(TRAILING_WHITESPACE, '');
  if (subtype.length === 0 || !TOKEN.test(subtype)) throw fail();
  position = end;
  const parameters = new Map<string, string>();
  while (position < input.length) {
    position++; // past ";"
    while (' \t\n\r'.includes(input[position] ?? 'x')) position++;
    let name = '';
    while (position < input.length && input[position] !== ';' && input[position] !== '=') name += input[position++];
    name = asciiLowercase(name);
    if (position < input.length) {
      if (input[position] === ';') continue;
      position++; // past "="
    }
    let value = '';
    if (input[position] === '"') {
      // collect an HTTP quoted string (extract-value flag set)
      position++;
      for (;;) {
        while (position < input.length && input[position] !== '"' && input[position] !== '\\') value += input[position++];
        if (position >= input.length) break;
        const quoteOrBackslash = input[position++];
        if (quoteOrBackslash !== '\\') break;
        if (position >= input.length) {
          value += '\\';
          break;
        }
        value += input[position++];
      }
      while (position < input.length && input[position] !== ';') position++;
    } else {
      while (position < input.length && input[position] !== ';') value += input[position++];
      value = value.replace(TRAILING_WHITESPACE, '');
      if (value === '') continue;
    }
    if (name.length > 0 && TOKEN.test(name) && QUOTED_STRING_TOKEN.test(value) && !parameters.has(name)) parameters.set(name, value);
  }
  return [parameters.get('boundary'), `${asciiLowercase(type)}/${asciiLowercase(subtype)}`];
}

const TYPE_REGEXP = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PARAM_REGEXP =
  // eslint-disable-next-line no-control-regex -- the package's own expression, control characters included
  /; *([!#$%&'*+.^_`|~0-9A-Za-z-]+) *= *("(?:[\u000b\u0020\u0021\u0023-\u005b\u005d-\u007e\u0080-\u00ff]|\\[\u000b\u0020-\u00ff])*"|[!#$%&'*+.^_`|~0-9A-Za-z-]+) */g;
// eslint-disable-next-line no-control-regex -- the package's own expression
const QESC_REGEXP = /\\([\u000b\u0020-\u00ff])/g;

/** content-type 1.0.5 parse(): the lower-cased type and the parameters; throws TypeError as it does. */
export function parseContentType(header: string): { type: string; parameters: Record<string, string> } {
  if (!header) throw new TypeError('argument string is required');
  if (typeof header !== 'string') throw new TypeError('argument string is required to be a string');
  let index = header.indexOf(';');
  const type = index !== -1 ? header.slice(0, index).trim() : header.trim();
  if (!TYPE_REGEXP.test(type)) throw new TypeError('invalid media type');
  const parameters: Record<string, string> = {};
  if (index !== -1) {
    PARAM_REGEXP.lastIndex = index;
    let match: RegExpExecArray | null;
    while ((match = PARAM_REGEXP.exec(header))) {
      if (match.index !== index) throw new TypeError('invalid parameter format');
      index += match[0].length;
      let value = match[2]!;
      if (value.charCodeAt(0) === 0x22) {
        value = value.slice(1, -1);
        if (value.includes('\\')) value = value.replace(QESC_REGEXP, '$1');
      }
      parameters[match[1]!.toLowerCase()] = value;
    }
    if (index !== header.length) throw new TypeError('invalid parameter format');
  }
  return { type: type.toLowerCase(), parameters };
}

const CONTENT_TYPE_REGEXP = /^(.+)\/(?:(.+)\+)?(.+)$/;

function typeAndSubtype(contentType: string): { type: string; subtype: string } | undefined {
  let type: string;
  try {
    type = parseContentType(contentType).type;
  } catch {
    return undefined;
  }
  const match = CONTENT_TYPE_REGEXP.exec(type.toLowerCase());
  // The optional group keeps the match four long: the subtype is always the last part (a +suffix is ignored).
  return match ? { type: match[1]!, subtype: match[3]! } : undefined;
}

/** wildcardMediaTypeMatch.js: whether `a` is `b`, `b` may be a wildcard (`*` type or subtype). */
export function wildcardMediaTypeMatch(a: string, b: string): boolean {
  const x = typeAndSubtype(a);
  const y = typeAndSubtype(b);
  if (!x || !y) return false;
  return (x.type === y.type || y.type === '*') && (x.subtype === y.subtype || y.subtype === '*');
}

// ---- negotiator 0.6.3 lib/mediaType.js, as accepts 1.3.8's type() uses it ----

interface Accepted {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
  i: number;
}

const SIMPLE_MEDIA_TYPE = /^\s*([^\s/;]+)\/([^;\s]+)\s*(?:;(.*))?$/;

function splitQuoted(text: string, separator: string): string[] {
  const parts = text.split(separator);
  let j = 0;
  for (let i = 1; i < parts.length; i++) {
    if ((parts[j]!.split('"').length - 1) % 2 === 0) parts[++j] = parts[i]!;
    else parts[j] += separator + parts[i]!;
  }
  return parts.slice(0, j + 1);
}

function splitKeyValuePair(text: string): [string, string | undefined] {
  const index = text.indexOf('=');
  return index === -1 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

function parseMediaType(text: string, i: number): Accepted | null {
  const match = SIMPLE_MEDIA_TYPE.exec(text);
  if (!match) return null;
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  let q = 1;
  if (match[3]) {
    const kvps = splitQuoted(match[3], ';').map((p) => splitKeyValuePair(p.trim()));
    for (const pair of kvps) {
      const key = pair[0].toLowerCase();
      const val = pair[1];
      const value = val && val[0] === '"' && val[val.length - 1] === '"' ? val.slice(1, -1) : (val as string);
      if (key === 'q') {
        q = parseFloat(value);
        break;
      }
      params[key] = value;
    }
  }
  return { type: match[1]!, subtype: match[2]!, params, q, i };
}

function parseAccept(accept: string): Accepted[] {
  const accepts = splitQuoted(accept, ',');
  const out: Accepted[] = [];
  accepts.forEach((text, i) => {
    const parsed = parseMediaType(text.trim(), i);
    if (parsed) out.push(parsed);
  });
  return out;
}

interface Priority {
  i: number;
  o: number;
  q: number;
  s: number;
}

function specify(type: string, spec: Accepted, index: number): Priority | null {
  const p = parseMediaType(type, 0);
  if (!p) return null;
  let s = 0;
  if (spec.type.toLowerCase() === p.type.toLowerCase()) s |= 4;
  else if (spec.type !== '*') return null;
  if (spec.subtype.toLowerCase() === p.subtype.toLowerCase()) s |= 2;
  else if (spec.subtype !== '*') return null;
  const keys = Object.keys(spec.params);
  if (keys.length > 0) {
    if (keys.every((k) => spec.params[k] === '*' || (spec.params[k] || '').toLowerCase() === (p.params[k] || '').toLowerCase())) s |= 1;
    else return null;
  }
  return { i: index, o: spec.i, q: spec.q, s };
}

function priorityOf(type: string, accepted: Accepted[], index: number): Priority {
  let priority: Priority = { o: -1, q: 0, s: 0, i: index };
  for (const spec of accepted) {
    const candidate = specify(type, spec, index);
    if (candidate && (priority.s - candidate.s || priority.q - candidate.q || priority.o - candidate.o) < 0) priority = candidate;
  }
  return priority;
}

/**
 * accepts(req).type(types) with `accept` as the request's Accept: the type of `types` the Accept list prefers
 * most, `false` when none is acceptable; with no types, the accepted types in order of preference.
 */
export function preferredMediaType(accept: string, types: string[]): string | false | string[] {
  const accepted = parseAccept(accept);
  if (types.length > 0 && !accept) return types[0]!;
  if (types.length === 0) {
    return accepted
      .filter((spec) => spec.q > 0)
      .sort(compareSpecs)
      .map((spec) => `${spec.type}/${spec.subtype}`);
  }
  const priorities = types.map((type, index) => priorityOf(type, accepted, index));
  const best = priorities
    .filter((p) => p.q > 0)
    .sort(compareSpecs)
    .map((p) => types[priorities.indexOf(p)]!);
  return best[0] ?? false;
}

function compareSpecs(a: { q: number; s?: number; o?: number; i: number }, b: { q: number; s?: number; o?: number; i: number }): number {
  return b.q - a.q || (b.s ?? 0) - (a.s ?? 0) || (a.o ?? 0) - (b.o ?? 0) || a.i - b.i || 0;
}
