// The directory rules an operation declares in the spec (`x-rules`, issues 10 and 11), compiled once: which
// object the path names, which relation a `$ref` adds to, lists or removes from, what a create makes, and which
// checks answer with which of the operation's examples all come from the spec, never from code written per
// operation. rules-apply.ts applies them to a request against a directory.
import { deref, exampleStatus, operationsOf, parametersOf, type Schema, type Spec } from '../spec/walk.js';
import { COLLECTION_OF, RELATIONS, TYPES_IN, castAccepts, isEntitySet, isObjectType, type EntitySet, type ObjectType } from './objects.js';
import { serverHosts } from './read-url.js';

export { applyRules, matches } from './rules-apply.js';
export type { RuleRequest, RuleOutcome, RuleResult } from './rules-apply.js';

/** Property → accepted values (a scalar in the spec becomes a list of one). `type` is the ObjectType. */
export type Match = Readonly<Record<string, readonly unknown[]>>;

interface Answer {
  /** The operation's example that answers, and its status (the response that holds it). */
  example: string;
  status: number;
}
export type Check = Answer & { when?: Match } & (
    { kind: 'deny'; match: Match } | { kind: 'require'; match: Match } | { kind: 'unique' } | { kind: 'maxCount'; max: number }
  );

export interface OperationRules {
  operationId: string;
  /** The object the path parameter names; another type there, or none, answers `notFound`. */
  target?: Answer & { parameter: string; entitySet: EntitySet; types: readonly ObjectType[]; cast?: ObjectType };
  /**
   * The relation on the target this `$ref` adds to, and the body property holding the object's read URL; the
   * answer is `notFound` for an object that is not there, `invalid` (when declared) for a URL that cannot be read.
   */
  reference?: Answer & { property: string; from: string; invalid?: Answer; hosts: readonly string[] };
  checks: readonly Check[];
  /** A list: the target's related objects of `property`, in the order the relation was made. */
  lists?: { property: string };
  /** A remove: the object the path parameter `parameter` names leaves the relation; absent from it, `notFound`. */
  removes?: Answer & { property: string; parameter: string };
  /**
   * A create operation: the body becomes a new object; `readOnly` body properties are dropped and those of them
   * typed `date-time` (createdDateTime, modifiedDateTime) are set to the time of the request.
   */
  creates?: { entitySet: EntitySet; type: ObjectType; readOnly: readonly string[]; stamped: readonly string[] };
  /** `https://{first server}/{version}`: the root an answer's `@odata.context` names. */
  serviceRoot: string;
  /** The path template after its version (`identityGovernance/…/connectedOrganizations`), for a created entity's context. */
  resourcePath: string;
}

// compile

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Compiles every operation's `x-rules`, by operationId. Throws, naming the operation, on a rule it cannot apply. */
export function compileRules(spec: Spec): Map<string, OperationRules> {
  const statuses = exampleStatus(spec);
  const hosts = serverHosts(spec.servers);
  const firstServer = (spec.servers?.[0]?.url ?? '').replace(/\/$/, '');
  const compiled = new Map<string, OperationRules>();
  for (const entry of operationsOf(spec)) {
    const raw = entry.op['x-rules'];
    if (raw === undefined) continue;
    const { operationId } = entry;
    const fail = (why: string): never => {
      throw new Error(`${operationId}: x-rules ${why}`);
    };
    if (!isObject(raw)) return fail('is not an object');
    const answer = (example: unknown, where: string): Answer => {
      const status = typeof example === 'string' ? statuses.get(operationId)?.get(example) : undefined;
      if (status === undefined || (status !== 400 && status !== 404))
        return fail(`${where} names ${String(example)}, not an example of its 400 or 404 responses`);
      return { example: example as string, status };
    };
    const [, version = '', ...rest] = entry.template.split('/');
    const rules: OperationRules = { operationId, checks: [], serviceRoot: `${firstServer}/${version}`, resourcePath: rest.join('/') };
    const relationOf = (property: unknown, where: string): string => {
      if (!rules.target) fail(`${where} needs a target`);
      if (typeof property !== 'string') fail(`${where}.property is not a string`);
      // The relation must be one the fixture schema knows for every target type, or toFixture() could not write it.
      for (const type of rules.target!.types)
        if (!RELATIONS[COLLECTION_OF[type]].includes(property as string))
          fail(`${where}.property ${String(property)} is no relation of ${type} in fixtures/fixture.schema.json`);
      return property as string;
    };
    if (raw.target !== undefined) {
      const t = isObject(raw.target) ? raw.target : fail('target is not an object');
      const types = (Array.isArray(t.types) ? t.types : [t.types]) as unknown[];
      if (!isEntitySet(t.entitySet)) fail(`target.entitySet ${String(t.entitySet)} is not an entity set`);
      const entitySet = t.entitySet as EntitySet;
      if (types.length === 0 || !types.every((type) => isObjectType(type) && TYPES_IN[entitySet].includes(type)))
        fail(`target.types must be types ${entitySet} holds`);
      const params = parametersOf(spec, entry).filter((p) => p.in === 'path');
      if (typeof t.parameter !== 'string' || !params.some((p) => p.name === t.parameter))
        fail(`target.parameter ${String(t.parameter)} is not a path parameter`);
      // `cast`: the path's type cast segment (…/microsoft.graph.agentIdentityBlueprint/…); it must accept every type.
      if (t.cast !== undefined && (!isObjectType(t.cast) || !types.every((type) => castAccepts(t.cast as ObjectType, type as ObjectType))))
        fail(`target.cast ${JSON.stringify(t.cast)} must be a type that accepts target.types`);
      const cast = t.cast as ObjectType | undefined;
      rules.target = {
        parameter: t.parameter as string,
        entitySet,
        types: types as ObjectType[],
        ...(cast ? { cast } : {}),
        ...answer(t.notFound, 'target.notFound'),
      };
    }
    if (raw.reference !== undefined) {
      const r = isObject(raw.reference) ? raw.reference : fail('reference is not an object');
      const property = relationOf(r.property, 'reference');
      if (typeof r.from !== 'string') fail('reference needs from');
      const invalid = r.invalid === undefined ? {} : { invalid: answer(r.invalid, 'reference.invalid') };
      rules.reference = { property, from: r.from as string, ...answer(r.notFound, 'reference.notFound'), ...invalid, hosts };
    }
    if (raw.lists !== undefined) {
      const l = isObject(raw.lists) ? raw.lists : fail('lists is not an object');
      rules.lists = { property: relationOf(l.property, 'lists') };
    }
    if (raw.removes !== undefined) {
      const r = isObject(raw.removes) ? raw.removes : fail('removes is not an object');
      const property = relationOf(r.property, 'removes');
      const params = parametersOf(spec, entry).filter((p) => p.in === 'path');
      if (typeof r.parameter !== 'string' || r.parameter === rules.target!.parameter || !params.some((p) => p.name === r.parameter))
        fail(`removes.parameter ${String(r.parameter)} is not a path parameter other than the target's`);
      rules.removes = { property, parameter: r.parameter as string, ...answer(r.notFound, 'removes.notFound') };
    }
    if (raw.checks !== undefined) {
      if (!Array.isArray(raw.checks)) fail('checks is not a list');
      if (!rules.reference) fail('checks need a reference');
      rules.checks = (raw.checks as unknown[]).map((c, i) => compileCheck(c, `checks[${i}]`, answer, fail));
    }
    if (raw.creates !== undefined) {
      const c = isObject(raw.creates) ? raw.creates : fail('creates is not an object');
      if (!isEntitySet(c.entitySet) || !isObjectType(c.type) || !TYPES_IN[c.entitySet].includes(c.type)) fail('creates needs an entitySet and a type it holds');
      const schema = deref(spec, deref(spec, entry.op.requestBody)?.content?.['application/json']?.schema);
      const readOnly = Object.entries(schema?.properties ?? {}).filter(([, property]) => deref<Schema>(spec, property as Schema).readOnly === true);
      const stamped = readOnly.filter(([, property]) => deref<Schema>(spec, property as Schema).format === 'date-time').map(([name]) => name);
      rules.creates = { entitySet: c.entitySet as EntitySet, type: c.type as ObjectType, readOnly: readOnly.map(([name]) => name), stamped };
    }
    if ([rules.reference, rules.lists, rules.removes, rules.creates].filter(Boolean).length > 1)
      fail('declares more than one of reference, lists, removes, creates');
    compiled.set(operationId, rules);
  }
  return compiled;
}

function compileMatch(raw: unknown, where: string, fail: (why: string) => never): Match {
  if (!isObject(raw) || Object.keys(raw).length === 0) return fail(`${where} is not a match (property → value or values)`);
  const match: Record<string, readonly unknown[]> = {};
  for (const [property, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    if (property === 'type' && !values.every(isObjectType)) fail(`${where}.type names an unknown type`);
    match[property] = values;
  }
  return match;
}

function compileCheck(raw: unknown, where: string, answer: (example: unknown, where: string) => Answer, fail: (why: string) => never): Check {
  if (!isObject(raw)) return fail(`${where} is not an object`);
  const base = { ...answer(raw.example, `${where}.example`), ...(raw.when !== undefined ? { when: compileMatch(raw.when, `${where}.when`, fail) } : {}) };
  if (raw.deny !== undefined) return { kind: 'deny', match: compileMatch(raw.deny, `${where}.deny`, fail), ...base };
  if (raw.require !== undefined) return { kind: 'require', match: compileMatch(raw.require, `${where}.require`, fail), ...base };
  if (raw.unique === true) return { kind: 'unique', ...base };
  if (Number.isInteger(raw.maxCount) && (raw.maxCount as number) >= 0) return { kind: 'maxCount', max: raw.maxCount as number, ...base };
  return fail(`${where} is none of deny, require, unique: true, maxCount: N`);
}
