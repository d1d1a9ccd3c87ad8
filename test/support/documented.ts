// Every documented request of the spec, those without a body included: the walker's requestExamples() gives the
// requests whose body has examples (the adds, the creates); a list or a remove has none, and its documented
// request is its path parameters' examples of one name. Also what makes a documented remove succeed: the
// relation it removes, put into a session's directory through the control API.
import { operations } from '../../generated/operations.js';
import { compileRules } from '../../src/mock/rules.js';
import { deref, operationsOf, parametersOf, requestExamples, type RequestExample, type Spec } from '../../src/spec/walk.js';
import { loadSpec, type Json } from './spec.js';

const spec = loadSpec() as Spec;
const rules = compileRules(spec);

/** The status the operation answers on success (generated/operations.ts). */
export const successStatus = (operationId: string): number => (operations as Record<string, { successStatus: number }>)[operationId]!.successStatus;

/** The documented requests of the spec: bodies' examples, and for an operation without a body its path parameters' examples. */
export function documentedRequests(of: Spec = spec): RequestExample[] {
  const found = requestExamples(of);
  for (const entry of operationsOf(of)) {
    if (entry.op.requestBody !== undefined) continue;
    const params = parametersOf(of, entry).filter((p) => p.in === 'path');
    const names = [...new Set(params.flatMap((p) => Object.keys(p.examples ?? {})))];
    for (const name of names.length > 0 ? names : ['documented']) {
      const pathParams: Record<string, string> = {};
      for (const param of params) {
        const example = param.examples?.[name] ?? Object.values(param.examples ?? {})[0];
        const value = example === undefined ? undefined : deref(of, example).value;
        if (value === undefined) throw new Error(`${entry.operationId}: path parameter ${param.name} has no example`);
        pathParams[param.name] = typeof value === 'string' ? value : JSON.stringify(value);
      }
      const path = entry.template.replace(/\{([^{}]+)\}/g, (_m, key: string) => encodeURIComponent(pathParams[key] ?? ''));
      found.push({ operationId: entry.operationId, name, method: entry.method, template: entry.template, path, pathParams, body: undefined });
    }
  }
  return found;
}

/** For a remove: the target, the relation and the related id its request names (else undefined). */
export function removedRelation(
  request: Pick<RequestExample, 'operationId' | 'pathParams'>,
): { target: string; property: string; related: string } | undefined {
  const compiled = rules.get(request.operationId);
  if (!compiled?.removes || !compiled.target) return undefined;
  return {
    target: request.pathParams[compiled.target.parameter]!,
    property: compiled.removes.property,
    related: request.pathParams[compiled.removes.parameter]!,
  };
}

/**
 * A session's directory (a fixture, as GET /_mock/directory gives it) with `related` added to the target's
 * relation: the related object is added as a user when the fixture lacks it (a sponsor's common kind).
 */
export function withRelation(fixture: Json, relation: { target: string; property: string; related: string }): Json {
  const copy: Json = structuredClone(fixture);
  const entries = Object.values<Json[]>(copy).flatMap((list) => (Array.isArray(list) ? list : []));
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const owner = entries.find((e) => same(e.id, relation.target));
  if (!owner) throw new Error(`the directory lacks the target ${relation.target}`);
  if (!entries.some((e) => same(e.id, relation.related))) (copy.users ??= []).push({ id: relation.related });
  owner[relation.property] = [...(owner[relation.property] ?? []), relation.related];
  return copy;
}
