// Fixtures of the mock's directory read from files (Node only): JSON or YAML, validated against
// fixtures/fixture.schema.json by ajv compiled at run time. The checks themselves, and the spec's seeds that
// complete the default fixture so every documented request answers 204 on a fresh start, are browser-safe in
// fixture-check.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import type { Spec } from '../spec/walk.js';
import { FixtureError, checkFixture, withSpecSeeds, type FixtureSchemaCheck } from './fixture-check.js';
import { fixtureSchema, type Fixture } from './objects.js';

export type { Fixture, FixtureObject } from './objects.js';
export { FixtureError, MAX_FIXTURE_SIZE, specSeeds } from './fixture-check.js';

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
/** The fixture schema's validator, compiled by ajv at run time (the MSW handlers bring a precompiled one). */
export function fixtureSchemaCheck(): FixtureSchemaCheck {
  // allErrors off: the first error is the one reported, and a large bad fixture costs one error, not thousands.
  return (validator ??= new Ajv2020.default({ allErrors: false, strict: true }).compile(fixtureSchema));
}

/** A parsed fixture → a valid Fixture, or a FixtureError naming `source` and the first bad entry. */
export function validateFixture(value: unknown, source: string): Fixture {
  return checkFixture(value, source, fixtureSchemaCheck());
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
  return withSpecSeeds(checkFixture(parseText(readFileSync(file, 'utf8'), file), file, undefined), spec, file);
}
