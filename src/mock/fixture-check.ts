// The fixture checks that need no file and no compiler (issue 10; browser-safe, so the MSW handlers check a
// fixture as the server does): the size bound, the schema (fixtures/fixture.schema.json, run by a validator the
// host brings: runtime ajv on the server, precompiled in the handlers) with errors that name the source and the
// entry, what a schema cannot say (unique ids and userPrincipalNames, relations to objects the fixture holds),
// and the objects the spec's examples name (specSeeds), which complete the default fixture.
import { operationsOf, parametersOf, deref, requestExamples, type Spec } from '../spec/walk.js';
import { Directory, stableId } from './directory.js';
import { COLLECTIONS, RELATIONS, type EntitySet, type Fixture, type FixtureObject, type ObjectType } from './objects.js';
import { compileRules } from './rules.js';
import { parseReadUrl } from './read-url.js';

/** At most this many objects plus relation entries in one fixture (each session holds a copy). */
export const MAX_FIXTURE_SIZE = 100_000;

export class FixtureError extends Error {
  override name = 'FixtureError';
}

/** One error of a JSON Schema validator, as ajv reports it (compiled at run time or standalone). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The fixture schema's validator, as ajv makes one: true when valid, else `errors` says why. */
export interface FixtureSchemaCheck {
  (value: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** `/groups/2/isAssignableToRole` → `groups[2].isAssignableToRole`. */
function entryPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$@][\w$.@-]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

function describe(error: SchemaError): string {
  const at = entryPath(error.instancePath) || 'the fixture';
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (error.keyword === 'additionalProperties')
    return `${at} has an unknown collection '${params.additionalProperty}' (expected one of ${COLLECTIONS.join(', ')})`;
  if (error.keyword === 'type') return `${at} must be ${[error.params.type as string | string[]].flat().join(' or ')}`;
  if (error.keyword === 'enum') return `${at} must be one of ${params.allowedValues?.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${at} ${error.message ?? 'is invalid'}`;
}

/** Objects plus relation entries, counted on the raw value before the schema runs (so a huge one fails fast). */
function sizeOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let size = 0;
  for (const collection of COLLECTIONS) {
    const entries = (value as Record<string, unknown>)[collection];
    if (!Array.isArray(entries)) continue;
    size += entries.length;
    for (const entry of entries as unknown[]) {
      for (const relation of RELATIONS[collection]) {
        const ids = (entry as Record<string, unknown> | null)?.[relation];
        if (Array.isArray(ids)) size += ids.length;
      }
    }
  }
  return size;
}

/**
 * A parsed fixture → a valid Fixture, or a FixtureError naming `source` and the first bad entry: the size first
 * (so a huge one fails fast), then the schema (when `schema` is given: the shipped default is checked by its
 * test instead), then what a schema cannot say.
 */
export function checkFixture(value: unknown, source: string, schema: FixtureSchemaCheck | undefined): Fixture {
  const fail = (why: string): never => {
    throw new FixtureError(`fixture ${source}: ${why}`);
  };
  const size = sizeOf(value);
  if (size > MAX_FIXTURE_SIZE) fail(`holds ${size} objects and relation entries, more than ${MAX_FIXTURE_SIZE}`);
  if (schema && !schema(value)) fail(schema.errors?.[0] ? describe(schema.errors[0]) : 'does not fit fixtures/fixture.schema.json');
  const fixture = value as Fixture;
  const ids = new Map<string, string>();
  const upns = new Map<string, string>();
  for (const collection of COLLECTIONS) {
    (fixture[collection] ?? []).forEach((entry, i) => {
      const at = `${collection}[${i}]`;
      // Ids compare without regard to case, as Entra's GUIDs do (directory.ts).
      const seen = ids.get(entry.id.toLowerCase());
      if (seen) fail(`${at}.id '${entry.id}' is already the id of ${seen}`);
      ids.set(entry.id.toLowerCase(), at);
      const upn = entry.userPrincipalName;
      if (typeof upn === 'string') {
        const other = upns.get(upn.toLowerCase());
        if (other) fail(`${at}.userPrincipalName '${upn}' is already that of ${other} (userPrincipalNames are case-insensitive)`);
        upns.set(upn.toLowerCase(), at);
      }
    });
  }
  for (const collection of COLLECTIONS) {
    (fixture[collection] ?? []).forEach((entry, i) => {
      for (const relation of RELATIONS[collection]) {
        ((entry[relation] as string[] | undefined) ?? []).forEach((id, j) => {
          if (!ids.has(id.toLowerCase())) fail(`${collection}[${i}].${relation}[${j}] '${id}' names no object of the fixture`);
        });
      }
    });
  }
  return fixture;
}

/**
 * The objects the spec's examples name: each example of the path parameter an operation's `x-rules.target`
 * reads (an object of the target's first type), and each read URL in a request example's `x-rules.reference.from`
 * property (an object of its entity set's type, or its cast). Derived from the spec, never copied by hand. No
 * relation is seeded: the documented adds and removes name the same pairs, and an add must succeed on a fresh start.
 */
export function specSeeds(spec: Spec): Fixture {
  const directory = Directory.empty(() => stableId);
  const add = (entitySet: EntitySet, key: string, cast: ObjectType | undefined) => {
    if (!directory.find(entitySet, key) && !directory.get(key)) directory.create(entitySet, key, cast);
  };
  const rules = compileRules(spec);
  for (const entry of operationsOf(spec)) {
    const target = rules.get(entry.operationId)?.target;
    if (!target) continue;
    const param = parametersOf(spec, entry).find((p) => p.in === 'path' && p.name === target.parameter);
    const type = target.cast && target.types.includes(target.cast) ? target.cast : target.types[0];
    for (const example of Object.values(param?.examples ?? {})) {
      const value = deref(spec, example).value;
      if (typeof value === 'string') add(target.entitySet, value, type);
    }
  }
  for (const example of requestExamples(spec)) {
    const reference = rules.get(example.operationId)?.reference;
    if (reference === undefined || typeof example.body !== 'object' || example.body === null) continue;
    const url = parseReadUrl((example.body as Record<string, unknown>)[reference.from], reference.hosts);
    if (url) add(url.entitySet, url.key, url.cast);
  }
  return directory.toFixture();
}

/** `extra`'s objects whose id `base` lacks, added to `base`'s collections. */
export function merge(base: Fixture, extra: Fixture): Fixture {
  const ids = new Set(COLLECTIONS.flatMap((c) => (base[c] ?? []).map((entry) => entry.id.toLowerCase())));
  const merged: Fixture = { ...base };
  for (const collection of COLLECTIONS) {
    const added = (extra[collection] ?? []).filter((entry: FixtureObject) => !ids.has(entry.id.toLowerCase()));
    if (added.length > 0) merged[collection] = [...(base[collection] ?? []), ...added];
  }
  return merged;
}

/** The shipped default fixture (already checked) with the objects the spec's examples name added. */
export function withSpecSeeds(fixture: Fixture, spec: Spec, source: string): Fixture {
  return checkFixture(merge(fixture, specSeeds(spec)), `${source} with the spec's seeds`, undefined);
}
