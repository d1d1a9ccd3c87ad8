// What the spec offers a mock user, read from the bundled spec: the documented requests (path example +
// body example under the same name) and every named error example with the Prefer header that selects it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface RequestExample {
  operationId: string;
  name: string;
  method: string;
  /** Path template from the spec. */
  template: string;
  /** Concrete path: the template with the path parameters' examples of the same name (percent-encoded). */
  path: string;
  pathParams: Record<string, string>;
  body: unknown;
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

/** Follows local `$ref`s until a node that is not a reference. */
export function deref(spec: Json, node: Json): Json {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((n: Json, key: string) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return current;
}

/** Every operation of the spec with its path template and path item. */
export function operationsOf(spec: Json): Array<{ template: string; method: string; op: Json; pathItem: Json }> {
  const found = [];
  for (const [template, pathItem] of Object.entries<Json>(spec.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
      if (pathItem[method]?.operationId) found.push({ template, method, op: pathItem[method], pathItem });
    }
  }
  return found;
}

export function requestExamples(spec: Json): RequestExample[] {
  const result: RequestExample[] = [];
  for (const { template, method, op, pathItem } of operationsOf(spec)) {
    const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => deref(spec, p)).filter((p: Json) => p.in === 'path');
    const examples = deref(spec, op.requestBody)?.content?.['application/json']?.examples ?? {};
    for (const [name, example] of Object.entries<Json>(examples)) {
      const pathParams: Record<string, string> = {};
      for (const param of params) {
        const value = deref(spec, param.examples?.[name])?.value;
        if (value === undefined) throw new Error(`${op.operationId}: path parameter ${param.name} has no example ${name}`);
        pathParams[param.name] = String(value);
      }
      const path = template.replace(/\{([^{}]+)\}/g, (_m, key: string) => encodeURIComponent(pathParams[key]!));
      result.push({ operationId: op.operationId, name, method, template, path, pathParams, body: deref(spec, example).value });
    }
  }
  return result;
}

export function errorScenarios(spec: Json): ErrorScenario[] {
  const result: ErrorScenario[] = [];
  for (const { op } of operationsOf(spec)) {
    for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
      if (Number(status) < 400) continue;
      const resolved = deref(spec, response);
      const retryHeader = Object.entries<Json>(resolved.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
      const retrySchema = deref(spec, retryHeader)?.schema;
      const retryAfter = retrySchema?.examples?.[0] ?? retrySchema?.example;
      for (const [example, node] of Object.entries<Json>(resolved.content?.['application/json']?.examples ?? {})) {
        const body = deref(spec, node).value;
        const { error } = body;
        result.push({
          operationId: op.operationId,
          status: Number(status),
          example,
          code: error.code,
          message: error.message,
          prefer: `Prefer: code=${status}, example=${example}`,
          ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}),
          body,
        });
      }
    }
  }
  return result;
}
