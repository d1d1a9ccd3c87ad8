// The data the Prism-free mock engine (src/mock/static-engine.ts) runs on, written by npm run generate:
//   generated/mock-contract.ts   the bundled spec trimmed of what no mock step reads (prose, documentation-only
//                                extensions), the default fixture as JSON, and `engineOperations`: the operations
//                                as Prism itself derives them (getHttpOperationsFromSpec of the trimmed spec),
//                                kept to what routing, security, validation and negotiation read; example values
//                                are JSON pointers into the trimmed spec, response headers their mocked values;
//   generated/mock-validators.ts ajv standalone code, compiled with Prism's ajv settings
//                                (prism-http/dist/validator/validators/utils.js) from the schemas Prism validates
//                                against: each operation's body (readOnly stripped, allOf merged: body.js) and its
//                                header, query and path parameters (params.js), plus the fixture schema's validator
//                                (Ajv2020 as src/mock/fixture.ts compiles it).
// Nothing of Prism or ajv's compiler is needed at run time: the code imports src/mock/static/ajv-runtime.ts only.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import { parse } from 'yaml';
import { root } from './lib.mjs';

const require = createRequire(import.meta.url);
const { getHttpOperationsFromSpec } = require('@stoplight/prism-http');
const dateTime = require('@stoplight/prism-http/dist/validator/validators/dateTime.js');
const { stripReadOnlyProperties } = require('@stoplight/prism-http/dist/utils/filterRequiredProperties.js');
const mergeAllOf = require('@stoplight/json-schema-merge-allof');
const sampler = require('@stoplight/json-schema-sampler');
// Prism's own ajv-formats (2.1.1, nested under prism-http), not the project's.
const addFormats = createRequire(require.resolve('@stoplight/prism-http'))('ajv-formats');

/** Documentation-only extensions (no module of src/ reads them; the spec's tests read the full bundle). */
const DOC_EXTENSIONS = new Set([
  'x-source-pages',
  'x-national-clouds',
  'x-departures',
  'x-documented-response-body',
  'x-beyond-seeds',
  'x-odata-id-forms',
  'x-schema-source',
  'x-graph-samples',
  'x-header-source',
  'x-message-source',
  'x-limit-source',
]);
/** Where a key names data, not an OpenAPI field: copied as is. */
const DATA_KEYS = new Set(['value', 'example', 'examples', 'default', 'enum', 'const']);
const PROSE = new Set(['description', 'summary']);

/** The spec without prose, externalDocs, tags and documentation extensions; data and kept extensions verbatim. */
export function trimSpec(spec) {
  const trim = (node, parentKey) => {
    if (Array.isArray(node)) return node.map((item) => trim(item));
    if (typeof node !== 'object' || node === null) return node;
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      // Under `properties` (and the like) the keys are names, and a property may be called `description`.
      const named = parentKey === 'properties' || parentKey === 'patternProperties' || parentKey === '$defs';
      if (!named && PROSE.has(key) && typeof value === 'string') continue;
      if (!named && (key === 'externalDocs' || DOC_EXTENSIONS.has(key))) continue;
      if (!named && key === 'tags' && Array.isArray(value)) continue;
      // An OpenAPI `examples` map (name → Example object) is walked so its prose goes too; a schema's `examples`
      // list is data.
      const data = DATA_KEYS.has(key) && !(key === 'examples' && !Array.isArray(value));
      out[key] = !named && (data || key.startsWith('x-')) ? value : trim(value, named ? undefined : key === 'examples' ? 'properties' : key);
    }
    return out;
  };
  const trimmed = trim(spec);
  trimmed.info = { title: spec.info?.title, version: spec.info?.version };
  return trimmed;
}

// ---- the operations as the engine reads them -------------------------------------------------------------

const escapePointer = (key) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const resolve = (spec, pointer) =>
  pointer
    .slice(2)
    .split('/')
    .reduce((node, raw) => node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
const deepEqual = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A pointer to where the spec holds `value`: the example of that key under the media type (following $refs). */
function examplePointer(spec, mediaPointer, key, value) {
  const media = resolve(spec, mediaPointer);
  let pointer = `${mediaPointer}/examples/${escapePointer(key)}`;
  let node = media?.examples?.[key];
  for (let hops = 0; node && typeof node.$ref === 'string' && hops < 10; hops++) {
    pointer = node.$ref;
    node = resolve(spec, pointer);
  }
  if (node && 'value' in node && deepEqual(node.value, value)) return `${pointer}/value`;
  if (key === 'default' && media && 'example' in media && deepEqual(media.example, value)) return `${mediaPointer}/example`;
  return undefined;
}

/** The spec's pointer to a response of an operation (following a $ref to components/responses). */
function responsePointer(spec, op, code) {
  const opPointer = `#/paths/${escapePointer(op.path)}/${op.method}`;
  let pointer = `${opPointer}/responses/${escapePointer(code)}`;
  let node = resolve(spec, pointer);
  for (let hops = 0; node && typeof node.$ref === 'string' && hops < 10; hops++) {
    pointer = node.$ref;
    node = resolve(spec, pointer);
  }
  return pointer;
}

/** Prism's static sample of a schema (mocker/generator/JSONSchema.js generateStatic). */
const sample = (schema, op) => sampler.sample(schema, { ticks: 2500 }, op);

/** A response header's mocked value, as prism-http/dist/mocker/index.js computeMockedHeaders makes it. */
function mockedHeader(header, op) {
  if (!header.schema) return null;
  if (header.examples && header.examples.length > 0) {
    const example = header.examples[0];
    if (example && 'value' in example) return example.value;
    throw new Error(`${op.iid}: header ${header.name}'s first example has no value (Prism would fail on it)`);
  }
  const value = sample(header.schema, op);
  return typeof value === 'number' || typeof value === 'string' ? value : null;
}

/** fp-ts Record.sequence walks keys in sorted order: the mocked headers come out in that order. */
const sortedKeys = (record) => Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function engineParam(param) {
  const schema = param.schema;
  return {
    name: param.name,
    ...(param.style !== undefined && { style: param.style }),
    ...(param.explode !== undefined && { explode: param.explode }),
    ...(param.deprecated && { deprecated: true }),
    ...(schema && typeof schema === 'object' && schema.type !== undefined && { type: schema.type }),
    ...(schema && typeof schema === 'object' && schema.properties && { properties: Object.keys(schema.properties) }),
  };
}

function engineResponse(spec, op, response) {
  const headers = {};
  for (const header of response.headers ?? []) headers[header.name] = mockedHeader(header, op);
  const base = responsePointer(spec, op, response.code);
  const out = { code: response.code, headers: Object.fromEntries(sortedKeys(headers).map((name) => [name, headers[name]])) };
  if (response.contents) {
    out.contents = response.contents.map((content) => {
      const mediaPointer = `${base}/content/${escapePointer(content.mediaType)}`;
      const entry = { mediaType: content.mediaType };
      if (content.examples) {
        entry.examples = content.examples.map((example) => {
          if (!('value' in example)) return { key: example.key };
          const pointer = examplePointer(spec, mediaPointer, example.key, example.value);
          return pointer ? { key: example.key, ref: pointer } : { key: example.key, value: example.value };
        });
      }
      if (content.schema) {
        entry.schema = true;
        // Only an answer without an example's value is generated from the schema (mocker/index.js computeBody).
        if (!content.examples?.length || content.examples.some((e) => !('value' in e) || e.value === undefined)) entry.sample = sample(content.schema, op);
      }
      return entry;
    });
  }
  return out;
}

function engineSecurity(op) {
  return (op.security ?? []).map((alternative) =>
    alternative.map((scheme) => ({
      type: scheme.type,
      ...(scheme.scheme !== undefined && { scheme: scheme.scheme }),
      ...(scheme.in !== undefined && { in: scheme.in }),
      ...(scheme.name !== undefined && { name: scheme.name }),
    })),
  );
}

/** A request body's content: its media type and, for a form body, the properties body.js reads from it. */
function engineBodyContent(content) {
  if ((content.encodings ?? []).length > 0) throw new Error(`generate-mock: ${content.mediaType} has encodings, which the static engine does not read`);
  if (!content.schema) return { mediaType: content.mediaType };
  const stripped = stripReadOnlyProperties(withoutAllOf(content.schema));
  const properties = stripped._tag === 'Some' && stripped.value.properties ? Object.keys(stripped.value.properties) : undefined;
  return { mediaType: content.mediaType, schema: true, ...(properties && { formProperties: properties }) };
}

function engineOperation(spec, op) {
  const request = op.request;
  const out = { id: op.iid ?? op.id, method: op.method, path: op.path };
  if (op.deprecated) out.deprecated = true;
  if (op.security !== undefined) out.security = engineSecurity(op);
  if (request) {
    out.request = {};
    if (request.body) {
      out.request.body = {
        ...(request.body.required && { required: true }),
        ...(request.body.contents && { contents: request.body.contents.map(engineBodyContent) }),
      };
    }
    for (const kind of ['headers', 'query', 'path']) if (request[kind]) out.request[kind] = request[kind].map(engineParam);
  }
  out.responses = op.responses.map((response) => engineResponse(spec, op, response));
  return out;
}

// ---- the validators ---------------------------------------------------------------------------------------

/** body.js withoutAllOf: merges allOf, or leaves the schema as it was when it cannot. */
function withoutAllOf(schema) {
  try {
    return mergeAllOf(schema, { deep: true, ignoreAdditionalProperties: true });
  } catch {
    return schema;
  }
}

/** params.js createJsonSchemaFromParams. */
function paramsSchema(params) {
  const properties = {};
  for (const p of params) if (p.schema) properties[p.name.toLocaleLowerCase()] = p.schema;
  return { type: 'object', properties, required: params.filter((p) => p.required).map((p) => p.name.toLowerCase()) };
}

/** An ajv instance with Prism's settings (utils.js baseAjvOptions + formats + its date-time), writing standalone code. */
function prismAjv(coerceTypes) {
  const ajv = new Ajv.default({
    allErrors: true,
    allowUnionTypes: true,
    allowMatchingProperties: true,
    strict: false,
    logger: false,
    coerceTypes,
    code: { source: true, esm: true, formats: _`formats` },
  });
  addFormats.default(ajv);
  ajv.addFormat('date-time', dateTime.fmtDef(dateTime.date_time, dateTime.compareDateTime));
  // ajv-formats sets code.formats only when unset: ours points every format function at ajv-runtime.ts.
  ajv.opts.code.formats = _`formats`;
  return ajv;
}

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const isDefaultDraft = (schema) => !/^https?:\/\/json-schema.org\/draft\/(2019-09|2020-12)\/schema#?$/.test(String(schema.$schema));

/** Keywords that never change what ajv (strict: false) accepts or reports: annotations and extensions. */
const ANNOTATION = (key) => key === 'examples' || key === 'example' || key === 'title' || key === 'description' || key.startsWith('x-');
/** Keys under which a schema holds data or names, not keywords: left as they are. */
const NOT_KEYWORDS = new Set(['enum', 'const', 'default']);
const NAMED = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** The schema without annotations, so the generated code carries no copy of them. */
function withoutAnnotations(schema) {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATION(key)) continue;
    if (NOT_KEYWORDS.has(key)) out[key] = value;
    else if (NAMED.has(key) && value && typeof value === 'object')
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, withoutAnnotations(sub)]));
    else out[key] = withoutAnnotations(value);
  }
  return out;
}

/** Each schema Prism validates a request with, by the key the engine asks for. */
function requestSchemas(operations) {
  const schemas = [];
  for (const op of operations) {
    const id = op.iid ?? op.id;
    const request = op.request ?? {};
    (request.body?.contents ?? []).forEach((content, i) => {
      if (!content.schema) return;
      const stripped = stripReadOnlyProperties(withoutAllOf(content.schema));
      if (stripped._tag !== 'Some') return;
      schemas.push({ key: `${id} body ${i}`, schema: stripped.value, coerce: false });
      // A form body (body.js deserializeAndValidate) is validated with coercion: a separate function only when
      // coercion can change the outcome, i.e. a top-level property takes a number, a boolean or null.
      const properties = Object.values(stripped.value.properties ?? {});
      if (properties.some((p) => /"(number|integer|boolean|null)"/.test(JSON.stringify(p))))
        schemas.push({ key: `${id} form ${i}`, schema: stripped.value, coerce: true });
    });
    for (const [kind, prefix] of [
      ['headers', 'header'],
      ['query', 'query'],
      ['path', 'path'],
    ]) {
      if (request[kind]?.length) schemas.push({ key: `${id} ${prefix}`, schema: paramsSchema(request[kind]), coerce: true });
    }
    // validators.ts's `exact`: the body's first violation is Prism's when the schemas are plain draft-07.
    const json = (request.body?.contents ?? []).find((c) => c.mediaType === 'application/json');
    const checked = [json?.schema, ...(request.path ?? []).map((p) => p.schema), ...(request.headers ?? []).map((p) => p.schema)];
    const exact = checked.every((s) => s && DRAFT_07.test(String(s.$schema)) && !/"(\$ref|allOf)"/.test(JSON.stringify(s)));
    if (exact) schemas.push({ key: `${id} exact`, exact: true });
  }
  return schemas;
}

/** Standalone code with its `require(...)` of ajv's runtime replaced by ajv-runtime.ts's exports. */
function standalone(ajv, refs) {
  let code = standaloneCode(ajv, refs);
  const runtime = {
    'require("ajv/dist/runtime/ucs2length").default': 'ucs2length',
    'require("ajv/dist/runtime/equal").default': 'equal',
  };
  for (const [from, to] of Object.entries(runtime)) code = code.split(from).join(to);
  const left = code.match(/require\([^)]*\)/);
  if (left) throw new Error(`generate-mock: standalone code requires ${left[0]}, which ajv-runtime.ts does not provide`);
  return code.replace(/^"use strict";/, '');
}

function validatorsModule(operations, fixtureSchema) {
  const schemas = requestSchemas(operations);
  const coerce = prismAjv(true);
  const noCoerce = prismAjv(false);
  const refs = { coerce: {}, noCoerce: {} };
  const names = [];
  const exact = [];
  // Operations share most schemas, which differ only in the ids http-spec gives them (x-stoplight, no keyword
  // of ajv's): one function per distinct schema.
  const compiled = new Map();
  for (const entry of schemas) {
    if (entry.exact) {
      exact.push(entry.key.replace(/ exact$/, ''));
      continue;
    }
    if (!isDefaultDraft(entry.schema)) throw new Error(`generate-mock: ${entry.key} is not draft-07; Prism would use another ajv`);
    const ajv = entry.coerce ? coerce : noCoerce;
    entry.schema = withoutAnnotations(entry.schema);
    const identity = `${entry.coerce} ${JSON.stringify(entry.schema)}`;
    if (compiled.has(identity)) {
      names.push([entry.key, compiled.get(identity)]);
      continue;
    }
    const name = `v${compiled.size}`;
    try {
      ajv.addSchema(entry.schema, name);
      ajv.getSchema(name);
    } catch (error) {
      // Prism's validateAgainstSchema treats a schema it cannot compile as no check at all (O.tryCatch).
      ajv.removeSchema(name);
      console.warn(`generate-mock: ${entry.key} does not compile (${error.message}); Prism skips it, so does the engine`);
      continue;
    }
    const part = entry.coerce ? 'coerce' : 'noCoerce';
    refs[part][name] = name;
    compiled.set(identity, `${part}.${name}`);
    names.push([entry.key, `${part}.${name}`]);
  }
  const fixtureAjv = new Ajv2020.default({ allErrors: false, strict: true, code: { source: true, esm: true } });
  fixtureAjv.addSchema(fixtureSchema, 'fixture');
  const parts = [
    ['coerce', standalone(coerce, refs.coerce)],
    ['noCoerce', standalone(noCoerce, refs.noCoerce)],
    ['fixture', standalone(fixtureAjv, { fixture: 'fixture' })],
  ];
  // Each part is an ES module of its own whose names would clash with the others': each part's names get its
  // prefix, and stay top-level so the bundler drops what no validator uses.
  const blocks = parts.map(([part, code]) =>
    code
      .replace(/\b(validate|schema|func|pattern|formats|wrapper|root)(\d+)\b/g, `${part}_$1$2`)
      .replace(/export const (\w+) = (\w+);/g, `const ${part}_$1 = $2;`),
  );
  const table = names.map(([key, name]) => `  ${JSON.stringify(key)}: ${name.replace('.', '_')},`);
  return `// @ts-nocheck -- generated by scripts/generate-mock.mjs (ajv standalone code): do not edit.
/* eslint-disable */
// The request validators Prism compiles (its ajv settings, formats and schema normalisation) for each
// operation, keyed "<operation> body <content index>", "<operation> header|query|path"; \`exact\` lists the
// operations whose body check alone equals Prism's (src/mock/validators.ts); \`fixture\` validates a fixture.
import { equal, formats, ucs2length } from '../src/mock/static/ajv-runtime.js';
import type { StandaloneValidate } from '../src/mock/static/validators.js';

${blocks.join('\n\n')}

export const requestValidators: Record<string, StandaloneValidate> = {
${table.join('\n')}
};

export const exactOperations: string[] = ${JSON.stringify(exact)};

export const fixtureValidator: StandaloneValidate = fixture_fixture;
`;
}

/**
 * A value as JavaScript source in which every object or array that occurs more than once (the responses most
 * operations share, their header lists) is written once as a const: [declarations, expression].
 */
export function hoisted(value, prefix) {
  const counts = new Map();
  const count = (node) => {
    if (typeof node !== 'object' || node === null) return;
    const json = JSON.stringify(node);
    counts.set(json, (counts.get(json) ?? 0) + 1);
    for (const child of Object.values(node)) count(child);
  };
  count(value);
  const names = new Map();
  const declarations = [];
  const emit = (node) => {
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const json = JSON.stringify(node);
    if (names.has(json)) return names.get(json);
    const literal = Array.isArray(node)
      ? `[${node.map(emit).join(',')}]`
      : `{${Object.entries(node)
          .map(([k, v]) => `${JSON.stringify(k)}:${emit(v)}`)
          .join(',')}}`;
    if ((counts.get(json) ?? 0) < 2 || json.length < 40) return literal;
    const name = `${prefix}${names.size}`;
    names.set(json, name);
    declarations.push(`const ${name} = ${literal};`);
    return name;
  };
  const expression = emit(value);
  return [declarations.join('\n'), expression];
}

// ---- the module ----------------------------------------------------------------------------------------------

/** Writes generated/mock-contract.ts and generated/mock-validators.ts into `outDir` from the bundled spec. */
export async function generateMock(specPath, outDir) {
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  const trimmed = trimSpec(spec);
  const operations = await getHttpOperationsFromSpec(structuredClone(trimmed));
  const engine = operations.map((op) => engineOperation(trimmed, op));
  const fixture = parse(readFileSync(join(root, 'fixtures/default.yaml'), 'utf8'));
  const fixtureSchema = JSON.parse(readFileSync(join(root, 'fixtures/fixture.schema.json'), 'utf8'));
  const [shared, engineExpression] = hoisted(engine, 'shared');
  const contract = `// Generated by scripts/generate-mock.mjs from the bundled spec and fixtures/default.yaml: do not edit.
// What the Prism-free mock (the MSW handlers) knows of the contract: the spec without prose or documentation-only
// extensions, the default fixture, and the operations as Prism derives them, kept to what the engine reads.
import type { Spec } from '../src/spec/walk.js';
import type { Fixture } from '../src/mock/objects.js';
import type { StaticOperation } from '../src/mock/static/operation.js';

export const mockSpec: Spec = ${JSON.stringify(trimmed)};

export const defaultFixture: Fixture = ${JSON.stringify(fixture)};

${shared}

export const engineOperations: StaticOperation[] = ${engineExpression};
`;
  writeFileSync(join(outDir, 'mock-contract.ts'), contract);
  writeFileSync(join(outDir, 'mock-validators.ts'), validatorsModule(operations, fixtureSchema));
  const written = [join(outDir, 'mock-contract.ts'), join(outDir, 'mock-validators.ts')];
  console.log(`generated ${written.map((p) => relative(root, p)).join(', ')}`);
  return written;
}
