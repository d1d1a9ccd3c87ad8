// The compiled `x-rules` (rules.ts) applied to one request against a directory. Pure: everything is evaluated
// first and the directory changes only in commit(), so a rejected request changes nothing; commit() returns what
// the answer reports (the related objects of a list, the object a create made).
import { Directory, firstUse } from './directory.js';
import { CREATED_IN, TYPES_IN, castAccepts, type DirectoryObject, type EntitySet, type ObjectType } from './objects.js';
import { parseReadUrl } from './read-url.js';
import type { Match, OperationRules } from './rules.js';

export interface RuleRequest {
  /** Path parameters by name, percent-decoded. */
  pathParams: Record<string, string>;
  body: unknown;
  /** Strict directory: a missing object is a 404 instead of being created on first use. */
  strict: boolean;
  /** The time of the request (a create stamps its date-time properties with it); now when absent. */
  now?: Date;
}
/** What a committed request reports: nothing (an add, a remove), the related objects (a list), the new object (a create). */
export type RuleResult = { kind: 'none' } | { kind: 'list'; objects: readonly DirectoryObject[] } | { kind: 'created'; object: DirectoryObject };
export type RuleOutcome = { ok: true; commit(): RuleResult } | { ok: false; status: number; example: string; id?: string };

const NONE: RuleResult = { kind: 'none' };
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** Applies an operation's rules to a request: the answer it fails with, or the change (and report) to commit. */
export function applyRules(rules: OperationRules, directory: Directory, request: RuleRequest): RuleOutcome {
  if (rules.creates) return applyCreate(rules.creates, directory, request);
  if (!rules.target) return { ok: true, commit: () => NONE };
  const { target } = rules;
  const key = request.pathParams[target.parameter] ?? '';
  // An open directory creates the target as its first accepted type (the cast's, when the cast is one of them).
  const createAs = target.cast && target.types.includes(target.cast) ? target.cast : target.types[0]!;
  const owner = resolve(directory, target.entitySet, key, target.types, createAs, request.strict);
  if ('notFound' in owner) return { ok: false, status: target.status, example: target.example, id: owner.notFound };
  if (rules.lists) {
    // A list changes nothing: a target an open directory lacks has no related objects yet, and is not created.
    const { property } = rules.lists;
    const objects = 'found' in owner ? directory.related(owner.found.id, property).flatMap((id) => directory.get(id) ?? []) : [];
    return { ok: true, commit: () => ({ kind: 'list', objects }) };
  }
  if (rules.removes) {
    const { property, parameter } = rules.removes;
    const related = request.pathParams[parameter] ?? '';
    // Graph's 404 names the object the relation lacks (the sponsor's id), also when the target is new.
    if (!('found' in owner) || !directory.holds(owner.found.id, property, related))
      return { ok: false, status: rules.removes.status, example: rules.removes.example, id: related };
    const ownerId = owner.found.id;
    return { ok: true, commit: () => (directory.unrelate(ownerId, property, related), NONE) };
  }
  if (!rules.reference) return { ok: true, commit: () => (materialise(directory, owner), NONE) };
  return applyReference(rules, rules.reference, owner, directory, request);
}

/** A create: the body, less read-only properties and annotations, becomes a new object with a fresh id. */
function applyCreate(creates: NonNullable<OperationRules['creates']>, directory: Directory, request: RuleRequest): RuleOutcome {
  const { type, readOnly, stamped } = creates;
  const body = isObject(request.body) ? request.body : {};
  // Read-only properties are set by the service and instance annotations (@odata.type) are not properties.
  const properties = Object.fromEntries(Object.entries(body).filter(([name]) => !readOnly.includes(name) && !name.startsWith('@odata.')));
  const now = (request.now ?? new Date()).toISOString();
  for (const name of stamped) properties[name] = now;
  return { ok: true, commit: () => ({ kind: 'created', object: directory.insert(type, properties) }) };
}

/** An add: the object `@odata.id` reads is resolved, checked, and related to the target. */
function applyReference(
  rules: OperationRules,
  reference: NonNullable<OperationRules['reference']>,
  owner: Exclude<Resolved, { notFound: string }>,
  directory: Directory,
  request: RuleRequest,
): RuleOutcome {
  const value = isObject(request.body) ? request.body[reference.from] : undefined;
  const url = parseReadUrl(value, reference.hosts);
  // A URL that cannot be read (another host, a relative path…) is the operation's `invalid` answer when it has one.
  if (!url && reference.invalid) return { ok: false, status: reference.invalid.status, example: reference.invalid.example };
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
      return NONE;
    },
  };
}
