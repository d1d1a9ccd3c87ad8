// The directory rules an operation declares in the spec (`x-rules`, issue 10), compiled once and applied to a
// request against a directory. Nothing here is written per operation: which object the path names, which
// relation the `$ref` adds to, and which checks answer with which of the operation's examples all come from the
// spec. applyRules() is pure: it evaluates everything first and changes the directory only in commit(), so a
// rejected request changes nothing.
import { deref, exampleStatus, operationsOf, parametersOf, type Schema, type Spec } from '../spec/walk.js';
import { Directory, firstUse } from './directory.js';
import {
  COLLECTION_OF,
  CREATED_IN,
  RELATIONS,
  TYPES_IN,
  castAccepts,
  isEntitySet,
  isObjectType,
  type DirectoryObject,
  type EntitySet,
  type ObjectType,
} from './objects.js';
import { parseReadUrl } from './read-url.js';

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
  /** The relation on the target this `$ref` adds to, and the body property holding the object's read URL. */
  reference?: Answer & { property: string; from: string };
  checks: readonly Check[];
  /** A create operation: the body becomes a new object; `readOnly` body properties are dropped. */
  creates?: { entitySet: EntitySet; type: ObjectType; readOnly: readonly string[] };
}

export interface RuleRequest {
  /** Path parameters by name, percent-decoded. */
  pathParams: Record<string, string>;
  body: unknown;
  /** Strict directory: a missing object is a 404 instead of being created on first use. */
  strict: boolean;
}
export type RuleOutcome = { ok: true; commit(): void } | { ok: false; status: number; example: string; id?: string };

// compile

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Compiles every operation's `x-rules`, by operationId. Throws, naming the operation, on a rule it cannot apply. */
export function compileRules(spec: Spec): Map<string, OperationRules> {
  const statuses = exampleStatus(spec);
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
    const rules: OperationRules = { operationId, checks: [] };
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
      if (!rules.target) fail('reference needs a target');
      if (typeof r.property !== 'string' || typeof r.from !== 'string') fail('reference needs property and from');
      const property = r.property as string;
      // The relation must be one the fixture schema knows for every target type, or toFixture() could not write it.
      for (const type of rules.target!.types)
        if (!RELATIONS[COLLECTION_OF[type]].includes(property))
          fail(`reference.property ${property} is no relation of ${type} in fixtures/fixture.schema.json`);
      rules.reference = { property, from: r.from as string, ...answer(r.notFound, 'reference.notFound') };
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
      const readOnly = Object.entries(schema?.properties ?? {})
        .filter(([, property]) => deref<Schema>(spec, property as Schema).readOnly === true)
        .map(([name]) => name);
      rules.creates = { entitySet: c.entitySet as EntitySet, type: c.type as ObjectType, readOnly };
    }
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

// apply

/** The object as the checks read it: one that exists, or the one an open directory would create. */
interface Subject {
  type: ObjectType;
  properties: Record<string, unknown>;
}

/**
 * Whether `object` matches: every listed property does. A scalar property equals one of the values; an array
 * property (groupTypes) shares one with them; a property the object lacks (or null) matches nothing.
 */
export function matches(object: Subject, match: Match): boolean {
  return Object.entries(match).every(([property, values]) => {
    const actual = property === 'type' ? object.type : object.properties[property];
    if (actual === undefined || actual === null) return false;
    return Array.isArray(actual) ? actual.some((item) => values.includes(item)) : values.includes(actual);
  });
}

type Resolved = { found: DirectoryObject } | { missing: { entitySet: EntitySet; key: string; cast: ObjectType } } | { notFound: string };

/**
 * The object `key` names in `entitySet` among `types`. An object of another type under that key (a group's id
 * under /users, an application that is no blueprint under the blueprint cast) is not found, as in Graph, whose
 * typed segments only resolve objects of their type. A key that names nothing is created on first use in an
 * open directory (as `createAs`), not found in a strict one.
 */
function resolve(directory: Directory, entitySet: EntitySet, key: string, types: readonly ObjectType[], createAs: ObjectType, strict: boolean): Resolved {
  const found = directory.find(entitySet, key);
  if (found) return types.includes(found.type) ? { found } : { notFound: key };
  if (strict || directory.get(key) !== undefined) return { notFound: key };
  return { missing: { entitySet, key, cast: createAs } };
}

const materialise = (directory: Directory, r: Exclude<Resolved, { notFound: string }>): DirectoryObject =>
  'found' in r
    ? r.found
    : (directory.find(r.missing.entitySet, r.missing.key, r.missing.cast) ?? directory.create(r.missing.entitySet, r.missing.key, r.missing.cast));

const subjectOf = (r: Exclude<Resolved, { notFound: string }>): Subject & { id?: string } =>
  'found' in r ? r.found : { ...firstUse(r.missing.entitySet, r.missing.key, r.missing.cast), id: r.missing.key };

export function applyRules(rules: OperationRules, directory: Directory, request: RuleRequest): RuleOutcome {
  if (rules.creates) {
    const { type, readOnly } = rules.creates;
    const body = isObject(request.body) ? request.body : {};
    // Read-only properties are set by the service and instance annotations (@odata.type) are not properties.
    const properties = Object.fromEntries(Object.entries(body).filter(([name]) => !readOnly.includes(name) && !name.startsWith('@odata.')));
    return { ok: true, commit: () => void directory.insert(type, properties) };
  }
  if (!rules.target) return { ok: true, commit: () => undefined };
  const { target, reference } = rules;
  const key = request.pathParams[target.parameter] ?? '';
  // An open directory creates the target as its first accepted type (the cast's, when the cast is one of them).
  const createAs = target.cast && target.types.includes(target.cast) ? target.cast : target.types[0]!;
  const owner = resolve(directory, target.entitySet, key, target.types, createAs, request.strict);
  if ('notFound' in owner) return { ok: false, status: target.status, example: target.example, id: owner.notFound };
  if (!reference) return { ok: true, commit: () => void materialise(directory, owner) };

  const value = isObject(request.body) ? request.body[reference.from] : undefined;
  const url = parseReadUrl(value);
  const types = url ? TYPES_IN[url.entitySet].filter((type) => !url.cast || castAccepts(url.cast, type)) : [];
  if (!url || types.length === 0)
    return { ok: false, status: reference.status, example: reference.example, id: url?.key ?? (typeof value === 'string' ? value : '') };
  // The set's types (those the cast accepts); an open directory creates the cast's type, else the set's own.
  const added = resolve(directory, url.entitySet, url.key, types, url.cast ?? CREATED_IN[url.entitySet], request.strict);
  if ('notFound' in added) return { ok: false, status: reference.status, example: reference.example, id: added.notFound };
  // Both created on first use under one id but as two types (`/users/X` given `groups/X`): one id names one
  // object, which the path makes the target's type, so the reference is not found, as it is once X exists.
  if (
    'missing' in owner &&
    'missing' in added &&
    owner.missing.key.toLowerCase() === added.missing.key.toLowerCase() &&
    owner.missing.cast !== added.missing.cast
  ) {
    return { ok: false, status: reference.status, example: reference.example, id: added.missing.key };
  }

  const ownerId = 'found' in owner ? owner.found.id : undefined;
  const subject = subjectOf(added);
  for (const check of rules.checks) {
    if (check.when && !matches(subject, check.when)) continue;
    const failed =
      check.kind === 'deny'
        ? matches(subject, check.match)
        : check.kind === 'require'
          ? !matches(subject, check.match)
          : check.kind === 'unique'
            ? ownerId !== undefined && subject.id !== undefined && directory.holds(ownerId, reference.property, subject.id)
            : ownerId !== undefined &&
              directory.count(ownerId, reference.property, (o) => !check.when || (o !== undefined && matches(o, check.when)), check.max) >= check.max;
    if (failed) return { ok: false, status: check.status, example: check.example };
  }
  return {
    ok: true,
    commit: () => {
      const to = materialise(directory, owner);
      directory.relate(to.id, reference.property, materialise(directory, added).id);
    },
  };
}
