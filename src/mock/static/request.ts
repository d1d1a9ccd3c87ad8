// Request validation as Prism does it (prism-http/dist/validator/index.js validateInput): the body (required,
// media type, schema), then headers, query and path parameters, each read by its style (validator/deserializers)
// and checked by the standalone validator compiled from Prism's own schema for it. Diagnostics in Prism's order.
import type { EngineRequest } from '../engine.js';
import { parseMimeHeader, wildcardMediaTypeMatch } from './media-type.js';
import { ERROR, type Diagnostic, type StaticOperation, type StaticParam } from './operation.js';
import type { StandaloneValidate } from './validators.js';
import { convertAjvErrors } from './wording.js';
import { multipartFields } from './multipart.js';

export type ValidatorTable = Readonly<Record<string, StandaloneValidate | undefined>>;

/** caseless 0.12's get(): the first header whose name matches without regard to case. */
function caselessGet(headers: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}

/** utils.js validateAgainstSchema: the validator's errors in Prism's words (a validator that throws finds nothing). */
function validateAgainst(validate: StandaloneValidate | undefined, value: unknown, prefix: string): Diagnostic[] {
  if (!validate) return [];
  try {
    validate(value);
  } catch {
    return [];
  }
  return validate.errors?.length ? convertAjvErrors(validate.errors, prefix) : [];
}

// ---- parameters (validators/params.js and the deserializers) ----

function deserializeSimple(value: unknown, param: StaticParam): unknown {
  if (param.type === 'array') return value === '' ? [] : (value as string).split(',');
  if (param.type === 'object') {
    const items = (value as string).split(',');
    if (param.explode) {
      return items.reduce<Record<string, string | undefined>>((result, pair) => {
        const [k, v] = pair.split('=');
        return { ...result, [k!]: v };
      }, {});
    }
    return keyValueList(items);
  }
  return value;
}

/** style/utils.js createObjectFromKeyValList. */
function keyValueList(items: string[]): Record<string, string | undefined> {
  return items.reduce<Record<string, string | undefined>>((obj, item, i) => {
    if (i % 2 === 0) obj[item] = undefined;
    else obj[items[i - 1]!] = item;
    return obj;
  }, {});
}

function deserializeForm(name: string, parameters: Record<string, unknown>, param: StaticParam): unknown {
  const explode = param.explode || false;
  const values = parameters[name];
  if (!(param.type === 'object' && explode) && !values) return undefined;
  const last = (value: unknown) => (Array.isArray(value) ? (value[value.length - 1] as string) : (value as string));
  if (param.type === 'array') return explode ? (Array.isArray(values) ? values : [values]) : last(values).split(',');
  if (param.type === 'object') {
    if (!explode) return keyValueList(last(values).split(','));
    const properties = new Set(param.properties ?? []);
    return Object.keys(parameters).reduce((result, key) => (properties.has(key) ? { ...result, [key]: parameters[key] } : result), {});
  }
  return values;
}

type Style = 'simple' | 'form';

/**
 * validators/deserializers/index.js: the styles each kind of parameter may take. Those this engine reads are
 * simple and form (the spec's); a style Prism has no deserializer for reads as absent, as in Prism.
 */
const READ: Record<string, Record<string, Style | 'unread'>> = {
  header: { simple: 'simple' },
  query: {
    form: 'form',
    simple: 'form',
    unspecified: 'form',
    spaceDelimited: 'unread',
    pipeDelimited: 'unread',
    commaDelimited: 'unread',
    deepObject: 'unread',
  },
  path: { simple: 'simple', label: 'unread', matrix: 'unread' },
};

/** The parameters whose style Prism reads but this engine does not (createStaticEngine refuses such operations). */
export function unreadParameters(op: StaticOperation): string[] {
  const unread: string[] = [];
  for (const [kind, specs, fallback] of [
    ['header', op.request?.headers, 'simple'],
    ['query', op.request?.query, 'form'],
    ['path', op.request?.path, 'simple'],
  ] as const) {
    for (const spec of specs ?? []) if (READ[kind]![spec.style || fallback] === 'unread') unread.push(`${kind} ${spec.name} (${spec.style})`);
  }
  try {
    if (op.request?.path) pathParams('', op.path);
  } catch (error) {
    unread.push((error as Error).message);
  }
  return unread;
}

function validateParams(
  target: Record<string, unknown> | null,
  specs: readonly StaticParam[],
  validate: StandaloneValidate | undefined,
  prefix: 'header' | 'query' | 'path',
  defaultStyle: Style,
): Diagnostic[] {
  if (specs.length === 0) return [];
  // lodash mapKeys: the names lower-cased (a later spelling wins).
  const lowered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target ?? {})) lowered[key.toLowerCase()] = value;
  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    const name = spec.name.toLowerCase();
    const style = READ[prefix]![spec.style || defaultStyle];
    const value = style === 'form' ? deserializeForm(name, lowered, spec) : style === 'simple' ? deserializeSimple(lowered[name], spec) : undefined;
    // lodash pickBy: only truthy values are validated (an empty header is a missing one).
    if (value) values[name] = value;
    else delete values[name];
  }
  // Deprecated-parameter warnings are left out: Prism reports only errors to the pipeline.
  return validateAgainst(validate, values, prefix);
}

/** uri-template-lite 22.9's Template(template).match(path) for `{name}` variables: the raw values, decoded. */
export function pathParams(path: string, template: string): Record<string, string | string[]> | null {
  const names: string[] = [];
  const source = template.replace(
    /\{([#&+./;?]?)((?:[-\w%.]+(\*|:\d+)?(?:,|(?=})))+)\}|.[^{]*?/g,
    (whole, op: string | undefined, vals: string | undefined) => {
      if (!vals) return whole.replace(/[$-/?[-^{|}]/g, '\\$&');
      if (op || /[,*:]/.test(vals)) throw new Error(`the static engine reads simple path variables only, not {${op ?? ''}${vals}}`);
      names.push(vals);
      return '(.*?)';
    },
  );
  const match = new RegExp(`^${source}$`).exec(path);
  if (!match) return null;
  const out: Record<string, string | string[]> = {};
  names.forEach((name, i) => {
    const parts = (match[i + 1] || '').split(',').map(decodeURIComponent);
    out[name] = parts.length > 1 ? parts : parts[0]!;
  });
  return out;
}

// ---- the body (validator/index.js validateInputBody, validators/body.js) ----

function validateBody(op: StaticOperation, request: EngineRequest, validators: ValidatorTable): Diagnostic[] {
  const requestBody = op.request?.body;
  const body = request.body;
  if (requestBody && requestBody.required && !body) return [{ code: 'required', message: 'Body parameter is required', severity: ERROR }];
  const headers = (request.headers ?? {}) as Record<string, unknown>;
  const contentType = caselessGet(headers, 'content-type') as string | undefined;
  const [boundary, mediaType] = contentType ? parseMimeHeader(contentType) : [undefined, undefined];
  const contentLength = parseInt(caselessGet(headers, 'content-length') as string) || 0;
  if (contentLength !== 0) {
    const contents = requestBody?.contents;
    const supported =
      requestBody && (mediaType === undefined || !contents || contents.some((c) => !c.mediaType || wildcardMediaTypeMatch(mediaType, c.mediaType)));
    if (!supported) {
      const listed = requestBody?.contents ?? [];
      const message =
        listed.length > 0
          ? `Supported content types: ${listed.map((c) => c.mediaType).join(',')}`
          : 'No supported content types, but request included a non-empty body';
      return [{ message, code: 415, severity: ERROR }];
    }
  }
  if (body == null || !requestBody) return [];
  const specs = requestBody.contents ?? [];
  // body.js findContentByMediaTypeOrFirst: the content of the request's media type, else the first; with no
  // media type (or no content at all) the first, read as 'random'.
  let index = mediaType === undefined ? -1 : specs.findIndex((spec) => wildcardMediaTypeMatch(mediaType, spec.mediaType));
  if (index < 0 && mediaType !== undefined && specs.length > 0) index = 0;
  const read = index >= 0 ? mediaType! : 'random';
  if (index < 0) index = 0;
  const validate = validators[`${op.id} body ${index}`];
  // No schema, or none left once readOnly properties are stripped: Prism checks nothing (body.js validate).
  if (!specs[index]?.schema || !validate) return [];
  if (read !== 'application/x-www-form-urlencoded' && read !== 'multipart/form-data') return validateAgainst(validate, body, 'body');
  if (typeof body !== 'string') return [{ message: 'Target is not a string', code: '422', severity: ERROR }];
  const content = specs[index]!;
  // deserializeAndValidate reads the body by the content's media type, not the request's.
  let encoded: Record<string, string>;
  if (content.mediaType !== 'multipart/form-data') encoded = urlEncodedFields(body);
  else if (boundary) encoded = multipartFields(body, boundary);
  else {
    return [
      {
        message:
          'Boundary parameter for multipart/form-data is not defined or generated in the request header. Try removing manually defined content-type from your request header if it exists.',
        code: 415,
        severity: ERROR,
      },
    ];
  }
  return validateAgainst(validators[`${op.id} form ${index}`] ?? validate, formFields(encoded, content.mediaType, content.formProperties), 'body');
}

/** body.js splitUriParams: an url-encoded body split on & and =, not yet decoded. */
function urlEncodedFields(target: string): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const pair of target.split('&')) {
    const [key, ...rest] = pair.split('=');
    encoded[key!] = rest.join('=');
  }
  return encoded;
}

/**
 * body.js deserializeAndValidate without encodings: the fields decoded (with the content's media type, so `+`
 * stays), then only the schema's properties kept (all of the fields when it has none).
 */
function formFields(encoded: Record<string, string>, mediaType: string, properties: readonly string[] | undefined): Record<string, unknown> {
  const decoded: Record<string, string> = {};
  // type-is: the content's own media type, when url-encoded, reads `+` as a space.
  const plus = /^application\/x-www-form-urlencoded$/i.test(mediaType.split(';')[0]!.trim());
  for (const [k, value] of Object.entries(encoded)) {
    let v = value;
    try {
      if (plus) v = v.replaceAll('+', '%20');
      decoded[decodeURIComponent(k)] = decodeURIComponent(v);
    } catch {
      // As Prism's: a key that does not decode throws from here too.
      decoded[decodeURIComponent(k)] = v;
    }
  }
  if (!properties) return decoded;
  const fields: Record<string, unknown> = {};
  for (const property of properties) fields[property] = decoded[property];
  return fields;
}

/** validateInput: the body's diagnostics, then the headers', the query's and the path's. */
export function validateInput(op: StaticOperation, request: EngineRequest, validators: ValidatorTable): Diagnostic[] {
  const spec = op.request;
  if (!spec) return [];
  const found = validateBody(op, request, validators);
  if (spec.headers) found.push(...validateParams(request.headers ?? {}, spec.headers, validators[`${op.id} header`], 'header', 'simple'));
  if (spec.query) found.push(...validateParams(request.url.query ?? {}, spec.query, validators[`${op.id} query`], 'query', 'form'));
  if (spec.path) found.push(...validateParams(pathParams(request.url.path, op.path), spec.path, validators[`${op.id} path`], 'path', 'simple'));
  return found;
}
