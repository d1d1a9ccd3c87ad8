// The one walker of the bundled spec (generated/openapi.json): the only code that follows a `$ref`.
// The mock, the CLI, scripts/generate.mjs, the tests and the fuzz all read the spec through it, so
// "what the spec documents" (operations, request examples, error scenarios, example → status) has one
// definition. Pure functions over a parsed spec; nothing here reads a file.

import type { Operation, Parameter, PathItem, Ref, RefOr, Response, Schema, Spec, MediaType } from './openapi.js';

export type { Json, Ref, RefOr, Example, Schema, MediaType, Parameter, Header, Response, RequestBody, Operation, PathItem, Spec } from './openapi.js';

/** The HTTP methods an OpenAPI path item may hold, in the order the walk visits them. */
export const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'options', 'head', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export function isRef(node: unknown): node is Ref {
  return typeof node === 'object' && node !== null && typeof (node as { $ref?: unknown }).$ref === 'string';
}

/**
 * The node a local reference (`#/a/b~1c`) points to. The fragment is percent-decoded first, then `~1` → `/`
 * and `~0` → `~` (RFC 6901 §3 and §6: in that order, so `~01` is `~1`). A reference outside the document
 * or to nothing throws: the bundle has neither, so one would be a bug to surface, not to skip.
 */
export function resolvePointer(spec: Spec, ref: string): unknown {
  if (ref !== '#' && !ref.startsWith('#/')) throw new Error(`not a local reference: ${ref}`);
  let node: unknown = spec;
  for (const raw of ref === '#' ? [] : ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) throw new Error(`unresolved ${ref}`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Follows references until a node that is not one (a chain of references that loops throws). */
export function deref<T>(spec: Spec, node: RefOr<T>): T;
export function deref<T>(spec: Spec, node: RefOr<T> | undefined): T | undefined;
export function deref<T>(spec: Spec, node: RefOr<T> | undefined): T | undefined {
  const seen = new Set<string>();
  let current: unknown = node;
  while (isRef(current)) {
    if (seen.has(current.$ref)) throw new Error(`reference cycle at ${current.$ref}`);
    seen.add(current.$ref);
    current = resolvePointer(spec, current.$ref);
  }
  return current as T | undefined;
}

/**
 * The node with every reference inside it replaced by its target, so a schema or an example can be used on
 * its own (compiled by Ajv, compared). A reference back into one being expanded (a recursive schema) is kept
 * as it is, so the result is always finite. Siblings of a `$ref` are dropped, as the bundle has none that matter.
 */
export function inline(spec: Spec, node: unknown, expanding: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(spec, item, expanding));
  if (typeof node !== 'object' || node === null) return node;
  if (isRef(node)) {
    if (expanding.has(node.$ref)) return { $ref: node.$ref };
    return inline(spec, resolvePointer(spec, node.$ref), new Set([...expanding, node.$ref]));
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(spec, value, expanding)]));
}

export interface OperationEntry {
  /** Path template from the spec, e.g. `/v1.0/users/{id}/sponsors/$ref`. */
  template: string;
  method: HttpMethod;
  operationId: string;
  op: Operation;
  pathItem: PathItem;
}

/** Every operation of the spec (those with an operationId) with its path template and path item. */
export function operationsOf(spec: Spec): OperationEntry[] {
  const found: OperationEntry[] = [];
  for (const [template, pathItem] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = pathItem[method] as Operation | undefined;
      if (op?.operationId) found.push({ template, method, operationId: op.operationId, op, pathItem });
    }
  }
  return found;
}

/** The parameters of an operation, the path item's first (as OpenAPI merges them), resolved. */
export function parametersOf(spec: Spec, entry: Pick<OperationEntry, 'op' | 'pathItem'>): Parameter[] {
  return [...(entry.pathItem.parameters ?? []), ...(entry.op.parameters ?? [])].map((p) => deref(spec, p));
}

/** An operation's responses by status code, resolved. */
export function responsesOf(spec: Spec, op: Operation): Array<[status: string, response: Response]> {
  return Object.entries(op.responses ?? {}).map(([status, response]) => [status, deref(spec, response)]);
}

/** The named examples of a media type, each resolved to its value. */
function exampleValues(spec: Spec, media: MediaType | undefined): Array<[name: string, value: unknown]> {
  return Object.entries(media?.examples ?? {}).map(([name, example]) => [name, deref(spec, example).value]);
}

/** The value of `components.examples[name]` (the mock raises some failures with the spec's own example). */
export function namedExample(spec: Spec, name: string): unknown {
  const example = spec.components?.examples?.[name];
  if (example === undefined) throw new Error(`spec has no example ${name}`);
  return deref(spec, example).value;
}

/** Every named JSON example of every operation's responses, with the status that holds it. */
function* responseExamples(spec: Spec): Generator<{ operationId: string; name: string; status: number; value: unknown }> {
  for (const { operationId, op } of operationsOf(spec)) {
    for (const [status, response] of responsesOf(spec, op)) {
      for (const [name, value] of exampleValues(spec, response.content?.['application/json'])) yield { operationId, name, status: Number(status), value };
    }
  }
}

/** Groups per operation what `pick` keeps of its response examples (every operation gets a map, maybe empty). */
function byOperation<T>(spec: Spec, pick: (example: { status: number; value: unknown }) => T | undefined): Map<string, Map<string, T>> {
  const result = new Map<string, Map<string, T>>(operationsOf(spec).map(({ operationId }) => [operationId, new Map<string, T>()]));
  for (const example of responseExamples(spec)) {
    const kept = pick(example);
    if (kept !== undefined) result.get(example.operationId)!.set(example.name, kept);
  }
  return result;
}

/** operationId → example name → the status whose response holds that example (how `Prefer: example=` picks a status). */
export function exampleStatus(spec: Spec): Map<string, Map<string, number>> {
  return byOperation(spec, ({ status }) => status);
}

/** A documented error of an operation: its status and the example's Graph error. */
export interface DocumentedError {
  status: number;
  code: string;
  message: string;
}

/** operationId → example name → the documented error (each operation's own: two operations may share a name). */
export function documentedErrors(spec: Spec): Map<string, Map<string, DocumentedError>> {
  return byOperation(spec, ({ status, value }) => {
    const error = (value as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    return typeof error?.code === 'string' && typeof error.message === 'string' ? { status, code: error.code, message: error.message } : undefined;
  });
}

export interface RequestExample {
  operationId: string;
  name: string;
  method: HttpMethod;
  /** Path template from the spec. */
  template: string;
  /** Concrete path: the template with the path parameters' examples of the same name (percent-encoded). */
  path: string;
  pathParams: Record<string, string>;
  body: unknown;
}

/** The documented requests: each request-body example with the path parameters' examples of the same name. */
export function requestExamples(spec: Spec): RequestExample[] {
  const result: RequestExample[] = [];
  for (const entry of operationsOf(spec)) {
    const params = parametersOf(spec, entry).filter((p) => p.in === 'path');
    const media = deref(spec, entry.op.requestBody)?.content?.['application/json'];
    for (const [name, body] of exampleValues(spec, media)) {
      const pathParams: Record<string, string> = {};
      for (const param of params) {
        const example = param.examples?.[name];
        const value = example === undefined ? undefined : deref(spec, example).value;
        if (value === undefined) throw new Error(`${entry.operationId}: path parameter ${param.name} has no example ${name}`);
        pathParams[param.name] = typeof value === 'string' ? value : JSON.stringify(value);
      }
      const path = entry.template.replace(/\{([^{}]+)\}/g, (_m, key: string) => encodeURIComponent(pathParams[key] ?? ''));
      result.push({ operationId: entry.operationId, name, method: entry.method, template: entry.template, path, pathParams, body });
    }
  }
  return result;
}

export interface ErrorScenario {
  operationId: string;
  status: number;
  example: string;
  code: string;
  message: string;
  /** The header that selects it. */
  prefer: string;
  /** The Retry-After the response documents (its schema example), if any. */
  retryAfter?: string;
  /** The example's whole error body. */
  body: unknown;
}

interface ErrorBody {
  error: { code: string; message: string };
}
function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** Every named error example (status ≥ 400) of every operation, with the Prefer header that selects it. */
export function errorScenarios(spec: Spec): ErrorScenario[] {
  const result: ErrorScenario[] = [];
  for (const { operationId, op } of operationsOf(spec)) {
    for (const [status, response] of responsesOf(spec, op)) {
      if (Number(status) < 400) continue;
      const retryHeader = Object.entries(response.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
      const retrySchema = deref(spec, retryHeader === undefined ? undefined : deref(spec, retryHeader).schema);
      const retryAfter = retrySchema?.examples?.[0] ?? retrySchema?.example;
      for (const [example, body] of exampleValues(spec, response.content?.['application/json'])) {
        if (!isErrorBody(body)) throw new Error(`${operationId} ${status} example ${example} is not an error body`);
        result.push({
          operationId,
          status: Number(status),
          example,
          code: body.error.code,
          message: body.error.message,
          prefer: `Prefer: code=${status}, example=${example}`,
          ...(retryAfter !== undefined ? { retryAfter: typeof retryAfter === 'string' ? retryAfter : JSON.stringify(retryAfter) } : {}),
          body,
        });
      }
    }
  }
  return result;
}

export interface OperationMeta {
  method: HttpMethod;
  path: string;
  version: string | undefined;
  deprecated: boolean;
  pathParams: string[];
  sponsorKinds?: Record<string, string>;
  successStatus: number;
  /** A JSON batch (`x-batch`): the most requests one may hold (its `requests` schema's maxItems). */
  batchLimit?: number;
}

/**
 * The run-time facts the client needs per operation (generated/operations.ts). Key order is the order the
 * generated file prints, so regenerating stays byte-identical.
 */
export function operationMetadata(spec: Spec): Record<string, OperationMeta> {
  const result: Record<string, OperationMeta> = {};
  for (const entry of operationsOf(spec)) {
    const { op } = entry;
    const schema = deref(spec, deref(spec, op.requestBody)?.content?.['application/json']?.schema);
    const sponsorKinds = schema?.['x-sponsor-kinds'] as Record<string, string> | undefined;
    result[entry.operationId] = {
      method: entry.method,
      path: entry.template,
      version: op['x-graph-version'] as string | undefined,
      deprecated: op.deprecated === true,
      pathParams: parametersOf(spec, entry)
        .filter((p) => p.in === 'path')
        .map((p) => p.name),
      ...(sponsorKinds ? { sponsorKinds } : {}),
      successStatus: Number(Object.keys(op.responses ?? {}).find((code) => code.startsWith('2'))),
      ...(op['x-batch'] === true ? { batchLimit: batchLimitOf(spec, op) } : {}),
    };
  }
  return result;
}

/** The most requests a JSON batch operation takes: `maxItems` of its body's `requests` (Infinity when none is set). */
export function batchLimitOf(spec: Spec, op: Operation): number {
  const schema = deref(spec, deref(spec, op.requestBody)?.content?.['application/json']?.schema);
  const requests = deref(spec, (schema?.properties as Record<string, RefOr<Schema>> | undefined)?.requests);
  return typeof requests?.maxItems === 'number' ? requests.maxItems : Infinity;
}

/** `x-cloud` name → server URL, from the spec's servers. */
export function cloudsOf(spec: Spec): Record<string, string> {
  return Object.fromEntries((spec.servers ?? []).map((s) => [String(s['x-cloud']), s.url]));
}

/** The lists of Microsoft Entra roles an `x-permissions.adminRoles` scenario may hold (the agent-user one: the
 * user sponsor pages' "Agent ID Administrator - For agent users"). Entitlement-management roles are not Entra roles. */
const ROLE_LISTS = ['leastPrivilegedRoles', 'leastPrivilegedRolesForAgentUsers'] as const;

/**
 * The Microsoft Entra roles the spec names: every role list (ROLE_LISTS) under an operation's
 * `x-permissions.adminRoles` (delegated and application), each name once, sorted. generate checks each against
 * the role table (openapi/entra-roles.yaml).
 */
export function adminRolesOf(spec: Spec): string[] {
  const roles = new Set<string>();
  for (const { op } of operationsOf(spec)) {
    const adminRoles = (op['x-permissions'] as { adminRoles?: Record<string, unknown> } | undefined)?.adminRoles ?? {};
    for (const scenario of Object.values(adminRoles)) {
      for (const list of ROLE_LISTS) {
        const named = (scenario as Partial<Record<(typeof ROLE_LISTS)[number], unknown>> | null)?.[list];
        if (Array.isArray(named)) for (const role of named) if (typeof role === 'string') roles.add(role);
      }
    }
  }
  return [...roles].sort();
}
