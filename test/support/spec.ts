// Reads the bundled spec and walks it, so tests derive paths, schemas and examples from it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { inline as inlineRefs, operationsOf } from '../../src/spec/walk.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const bundledSpecPath = `${repoRoot}generated/openapi.json`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function loadSpec(): Json {
  return JSON.parse(readFileSync(bundledSpecPath, 'utf8'));
}

/** Inlines every local `$ref` (see src/spec/walk.ts), so a schema can be compiled on its own. */
export function inline(spec: Json, node: Json): Json {
  return inlineRefs(spec, node);
}

export function createAjv() {
  // strict: false because OpenAPI adds keywords (discriminator, externalDocs) that JSON Schema doesn't know.
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv;
}

export interface Operation {
  path: string;
  method: string;
  operationId: string;
  op: Json;
  pathItem: Json;
}

export function operations(spec: Json): Operation[] {
  return operationsOf(spec).map(({ template, method, operationId, op, pathItem }) => ({ path: template, method, operationId, op, pathItem }));
}

export interface NamedExample {
  where: string;
  name: string;
  value: Json;
  schema: Json;
}

/** Every named example in the spec with the schema it must satisfy (inlined). */
export function namedExamples(spec: Json): NamedExample[] {
  const found: NamedExample[] = [];
  const fromMediaTypes = (where: string, content: Json) => {
    for (const [mediaType, media] of Object.entries<Json>(content ?? {})) {
      for (const [name, example] of Object.entries<Json>(media.examples ?? {})) {
        const resolved = inline(spec, example);
        found.push({ where: `${where} ${mediaType}`, name, value: resolved.value, schema: inline(spec, media.schema) });
      }
    }
  };
  for (const { path, method, op, pathItem } of operations(spec)) {
    const at = `${method.toUpperCase()} ${path}`;
    const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => inline(spec, p));
    for (const param of params) {
      for (const [name, example] of Object.entries<Json>(param.examples ?? {})) {
        found.push({ where: `${at} parameter ${param.in}:${param.name}`, name, value: example.value, schema: param.schema });
      }
    }
    fromMediaTypes(`${at} request`, inline(spec, op.requestBody)?.content);
    for (const [status, response] of Object.entries<Json>(op.responses)) {
      const resolved = inline(spec, response);
      fromMediaTypes(`${at} ${status}`, resolved.content);
      const documented = resolved['x-documented-response-body'];
      if (documented) fromMediaTypes(`${at} ${status} x-documented-response-body`, { 'application/json': documented });
    }
  }
  return found;
}
