#!/usr/bin/env node
// Writes everything derived from the spec, for each api listed in openapi/redocly.yaml with x-openapi-ts:
// the bundled spec (YAML and JSON), the openapi-typescript types, and operations.ts (the
// operation and cloud metadata the client needs at run time, so src/ copies nothing by hand), and
// entra-roles.ts (the Microsoft Entra role name → template id table of openapi/entra-roles.yaml; the run fails
// when the spec names a role the table lacks). `--out-dir DIR` writes to DIR instead of the configured folder (the
// freshness test uses it); `--roles FILE` reads the role table from FILE (the test of the failure uses it).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { parse } from 'yaml';
import { bin, redoclyEnv, root, step } from './lib.mjs';

// The spec walker is TypeScript (src/ is the only place that follows a $ref); tsx loads it for this run
// only, so `node scripts/generate.mjs` keeps working without a build (npm run generate, watch mode, tests).
const { adminRolesOf, cloudsOf, errorScenarios, operationMetadata } = await tsImport('../src/spec/walk.ts', import.meta.url);
const { errorSignature } = await tsImport('../src/signature.ts', import.meta.url);

const configPath = join(root, 'openapi/redocly.yaml');
const config = parse(readFileSync(configPath, 'utf8'));
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? resolve(process.argv[i + 1]) : undefined;
};
const outDirOverride = option('--out-dir');
// Output is kept quiet (Redocly prints banners) and shown only when a step fails.
const run = (cmd, args) => step(bin(cmd), args, { env: redoclyEnv });
const rolesPath = option('--roles') ?? join(root, 'openapi/entra-roles.yaml');
const roleTable = readRoleTable(rolesPath);
let rolesOutDir;

for (const [name, api] of Object.entries(config.apis)) {
  // An api without x-openapi-ts is linted only (the mock's control API): nothing is generated from it.
  if (!api['x-openapi-ts']) continue;
  const configured = resolve(dirname(configPath), api.output);
  const yamlOut = outDirOverride ? join(outDirOverride, basename(configured)) : configured;
  const outDir = dirname(yamlOut);
  const jsonOut = yamlOut.replace(/\.ya?ml$/, '.json');
  const typesConfigured = resolve(dirname(configPath), api['x-openapi-ts'].output);
  const typesOut = join(outDir, basename(typesConfigured));
  mkdirSync(outDir, { recursive: true });

  // Bundle the root by path: with the api's name Redocly ignores --output and writes the configured file.
  const specRoot = resolve(dirname(configPath), api.root);
  run('redocly', ['bundle', specRoot, '--config', configPath, '--output', yamlOut]);
  run('redocly', ['bundle', specRoot, '--config', configPath, '--output', jsonOut, '--ext', 'json']);
  const spec = JSON.parse(readFileSync(jsonOut, 'utf8'));
  checkRoles(adminRolesOf(spec), name);
  run('openapi-typescript', [yamlOut, '--output', typesOut, '--root-types', '--root-types-no-schema-prefix']);

  writeFileSync(join(outDir, 'operations.ts'), operationsModule(spec, relative(root, configPath)));
  rolesOutDir ??= outDir;
  console.log(`generated ${name}: ${[yamlOut, jsonOut, typesOut, join(outDir, 'operations.ts')].map((p) => relative(root, p)).join(', ')}`);
}

// One table for every api, written beside the first api's generated files.
if (rolesOutDir) {
  writeFileSync(join(rolesOutDir, 'entra-roles.ts'), rolesModule(roleTable, relative(root, rolesPath)));
  console.log(`generated ${relative(root, join(rolesOutDir, 'entra-roles.ts'))}`);
}
// The Prism-free mock's data (generate-mock.mjs), from the bundled spec just written beside it.
if (rolesOutDir) await (await import('./generate-mock.mjs')).generateMock(join(rolesOutDir, 'openapi.json'), rolesOutDir);

/** Fails the run, before anything of the api is typed, when its spec names a role the table lacks. */
function checkRoles(named, api) {
  const missing = named.filter((role) => !Object.hasOwn(roleTable, role));
  if (missing.length === 0) return;
  console.error(
    `generate ${api}: the spec names Microsoft Entra role(s) that ${relative(root, rolesPath)} lacks: ${missing.join(', ')}.\n` +
      'Add each with its role template id from https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference.',
  );
  process.exit(1);
}

/** openapi/entra-roles.yaml as name → template id, after checking each entry's shape. */
function readRoleTable(path) {
  const file = relative(root, path);
  const { roles } = parse(readFileSync(path, 'utf8')) ?? {};
  if (typeof roles !== 'object' || roles === null) throw new Error(`${file}: no \`roles\` map`);
  const table = {};
  for (const [name, entry] of Object.entries(roles)) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(entry?.templateId ?? '')) {
      throw new Error(`${file}: roles.${name}.templateId must be a lower-case GUID`);
    }
    if (!/^https:\/\//.test(entry.source ?? '')) throw new Error(`${file}: roles.${name}.source must be an https URL`);
    table[name] = entry.templateId;
  }
  return table;
}

function rolesModule(table, source) {
  const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `// Generated by scripts/generate.mjs from ${source}: do not edit.
// Microsoft Entra built-in role name → role template id (the ids a token's \`wids\` claim carries).

export const entraRoleTemplates = ${JSON.stringify(sorted, null, 2)} as const;
`;
}

/**
 * Every named error example of every operation: name → its distinct { status, code, message } (a name several
 * responses use, e.g. referenceAlreadyExists for 'sponsors' and 'internalSponsors', has several), in spec order.
 */
function errorExamplesOf(spec) {
  const table = {};
  for (const { example, status, code, message } of errorScenarios(spec)) {
    const entries = (table[example] ??= []);
    if (!entries.some((e) => e.status === status && e.code === code && e.message === message)) entries.push({ status, code, message });
  }
  return table;
}

/**
 * The signature of every name with each of its examples, space-separated. The run fails when two names have an
 * example GraphError#is could not tell apart (the same status, code and message once its wildcards are set aside).
 */
function signaturesOf(examples) {
  const owner = new Map();
  const signatures = new Set();
  for (const [name, entries] of Object.entries(examples)) {
    for (const { status, code, message } of entries) {
      const anonymous = errorSignature('', status, code, message);
      if (owner.has(anonymous) && owner.get(anonymous) !== name) throw new Error(`error examples ${owner.get(anonymous)} and ${name} cannot be told apart`);
      owner.set(anonymous, name);
      signatures.add(errorSignature(name, status, code, message));
    }
  }
  return [...signatures].join(' ');
}

/**
 * The part of `operations` the client reads at run time, so an app bundle carries no more: method, path, success
 * status, an add's sponsor kinds (each distinct set written once, its kinds sorted by name) and a batch's limit. The
 * version is not written: it is the path's first segment (checked here), which the client reads. `operations` stays
 * whole for the types and for callers; a bundler drops it from apps that only use the client.
 */
function routesOf(operations) {
  // Kinds sorted by name, so two schemas listing the same kinds in another order share one set.
  const sorted = (kinds) => JSON.stringify(Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1))));
  const kindSets = [...new Set(Object.values(operations).flatMap((o) => (o.sponsorKinds ? [sorted(o.sponsorKinds)] : [])))];
  const sets = kindSets.map((json, i) => `const sponsorKinds${i} = ${json} as const;\n`).join('');
  const rows = Object.entries(operations).map(([id, { method, path, version, successStatus, sponsorKinds, batchLimit }]) => {
    if (!path.startsWith(`/${version}/`)) throw new Error(`operation ${id}: its path ${path} does not start with its version ${version}`);
    const fields = [`method: ${JSON.stringify(method)}`, `path: ${JSON.stringify(path)}`];
    fields.push(`successStatus: ${successStatus}`);
    if (sponsorKinds) fields.push(`sponsorKinds: sponsorKinds${kindSets.indexOf(sorted(sponsorKinds))}`);
    if (batchLimit !== undefined) fields.push(`batchLimit: ${batchLimit}`);
    return `  ${id}: { ${fields.join(', ')} },\n`;
  });
  return `${sets}/** What the client reads of each operation at run time (\`operations\` less what only types and tools need; the version is the path's first segment). */
export const routes = {
${rows.join('')}} as const;

/** The batch operation (\`$batch\`) of each Graph version: a bulk add goes through the one of its version. */
export const batchOperations = ${JSON.stringify(batchOperationsOf(operations))} as const;
`;
}

/** Graph version → its one batch operation (the one with a \`batchLimit\`); the run fails when a version has none or two. */
function batchOperationsOf(operations) {
  const table = {};
  for (const [id, { version, batchLimit }] of Object.entries(operations)) {
    if (batchLimit === undefined) continue;
    if (table[version]) throw new Error(`Graph version ${version} has two batch operations: ${table[version]} and ${id}`);
    table[version] = id;
  }
  for (const [id, { version }] of Object.entries(operations)) {
    if (!table[version]) throw new Error(`operation ${id}: its Graph version ${version} has no batch operation`);
  }
  return table;
}

function operationsModule(spec, source) {
  const clouds = cloudsOf(spec);
  const operations = operationMetadata(spec);
  const examples = errorExamplesOf(spec);
  const signatures = signaturesOf(examples);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return `// Generated by scripts/generate.mjs from ${source} (and package.json's name and version): do not edit.
// The run-time facts the client needs (paths, versions, accepted sponsor kinds, clouds, named errors).

export const clouds = ${JSON.stringify(clouds, null, 2)} as const;

export const operations = ${JSON.stringify(operations, null, 2)} as const;

${routesOf(operations)}

/** The spec's named error examples: name → the { status, code, message } of each response that documents it. */
export const errorExamples = ${JSON.stringify(examples, null, 2)} as const;

/** The name of a documented error example, as GraphError#is takes it. */
export type GraphErrorName = keyof typeof errorExamples;

/** The errorSignature() of each name with each of its examples, space-separated: what GraphError#is looks for. */
export const errorSignatures = ${JSON.stringify(signatures)};

/** The SdkVersion telemetry value: this package's name and version. */
export const sdkVersion = ${JSON.stringify(`${pkg.name}/${pkg.version}`)};
`;
}
