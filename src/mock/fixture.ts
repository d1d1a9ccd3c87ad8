// Fixtures of the mock's directory (issue 10): read (JSON or YAML), validated against fixtures/fixture.schema.json
// with errors that name the source and the entry, checked for what a schema cannot say (unique ids and
// userPrincipalNames, relations to objects the fixture holds, a bounded size), and completed with the objects the
// spec's examples name (specSeeds) so every documented request answers 204 on a fresh start.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { operationsOf, parametersOf, deref, requestExamples, type Spec } from '../spec/walk.js';
import { Directory, stableId } from './directory.js';
import { COLLECTIONS, RELATIONS, fixtureSchema, type EntitySet, type Fixture, type FixtureObject, type ObjectType } from './objects.js';
import { compileRules } from './rules.js';
import { parseReadUrl } from './read-url.js';

export type { Fixture, FixtureObject } from './objects.js';

/** At most this many objects plus relation entries in one fixture (each session holds a copy). */
export const MAX_FIXTURE_SIZE = 100_000;

export class FixtureError extends Error {
  override name = 'FixtureError';
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The shipped default fixture. Like the bundled spec (server.ts defaultSpecPath), it sits two levels above the
 * module: src/mock (tsx) and the bundle dist/mock/server.js both find <package root>/fixtures/default.yaml.
 */
export function defaultFixturePath(): string {
  const candidate = join(here, '../../fixtures/default.yaml');
  if (!existsSync(candidate)) throw new Error(`default fixture not found at ${candidate}`);
  return resolve(candidate);
}

// Compiled on first use: start-up with the default fixture does not pay for it (see loadFixture); compiling
// took 0.1-0.3 s on the shared development machine.
let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  // allErrors off: the first error is the one reported, and a large bad fixture costs one error, not thousands.
  return (validator ??= new Ajv2020.default({ allErrors: false, strict: true }).compile(fixtureSchema));
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

function describe(error: ErrorObject): string {
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

/** A parsed fixture → a valid Fixture, or a FixtureError naming `source` and the first bad entry. */
export function validateFixture(value: unknown, source: string): Fixture {
  return checkFixture(value, source, true);
}

/** validateFixture(), with the schema check left out for the shipped default (its test validates it). */
function checkFixture(value: unknown, source: string, schema: boolean): Fixture {
  const fail = (why: string): never => {
    throw new FixtureError(`fixture ${source}: ${why}`);
  };
  const size = sizeOf(value);
  if (size > MAX_FIXTURE_SIZE) fail(`holds ${size} objects and relation entries, more than ${MAX_FIXTURE_SIZE}`);
  const validate = schema ? schemaValidator() : undefined;
  if (validate && !validate(value)) fail(describe(validate.errors![0]!));
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

/** JSON or YAML text → a valid Fixture (FixtureError naming `source` when it is neither or is invalid). */
export function parseFixture(text: string, source: string): Fixture {
  return validateFixture(parseText(text, source), source);
}

function parseText(text: string, source: string): unknown {
  let value: unknown;
  try {
    // JSON first (fast for large generated fixtures); YAML, a superset, for everything else.
    value = JSON.parse(text);
  } catch {
    try {
      value = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
    } catch (error) {
      throw new FixtureError(`fixture ${source}: neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  // An empty file is an empty directory.
  return value ?? {};
}

/**
 * The objects the spec's examples name: each example of the path parameter an operation's `x-rules.target`
 * reads (an object of the target's first type), and each read URL in a request example's `x-rules.reference.from`
 * property (an object of its entity set's type, or its cast). Derived from the spec, never copied by hand. No
 * relation is seeded: the documented adds and removes name the same pairs, and an add must succeed on a fresh start.
 */
export function specSeeds(spec: Spec): Fixture {
  const directory = Directory.empty(stableId);
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
function merge(base: Fixture, extra: Fixture): Fixture {
  const ids = new Set(COLLECTIONS.flatMap((c) => (base[c] ?? []).map((entry) => entry.id.toLowerCase())));
  const merged: Fixture = { ...base };
  for (const collection of COLLECTIONS) {
    const added = (extra[collection] ?? []).filter((entry: FixtureObject) => !ids.has(entry.id.toLowerCase()));
    if (added.length > 0) merged[collection] = [...(base[collection] ?? []), ...added];
  }
  return merged;
}

/**
 * The fixture the mock starts from: the file at `path` as it is, or (undefined) the shipped default plus the
 * spec's seeds. A file given by the user is taken as written, so a strict directory holds exactly what it lists.
 */
export function loadFixture(path: string | undefined, spec: Spec): Fixture {
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new FixtureError(`fixture ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return parseFixture(text, path);
  }
  const file = defaultFixturePath();
  const fixture = checkFixture(parseText(readFileSync(file, 'utf8'), file), file, false);
  return checkFixture(merge(fixture, specSeeds(spec)), `${file} with the spec's seeds`, false);
}
