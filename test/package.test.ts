// The publishable package: `npm run build`, publint and arethetypeswrong, then `npm pack` installed into a
// fresh project that type-checks a consumer (and a consumer that must not compile), starts the installed
// mock through its bin and calls it with the installed client.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, operations, repoRoot, type Json } from './support/spec.js';

const spec = loadSpec();
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
const tmp = mkdtempSync(join(tmpdir(), 'package-test-'));
const consumer = join(tmp, 'consumer');
const staged = join(tmp, 'package');
let tarball: string;
let packed: { size: number; files: { path: string }[] };

// Spec-derived inputs for the consumer files: the user-sponsor path and its named request example.
const userSponsor = operations(spec).find((o) => o.operationId === 'addUserSponsor')!;
const pathExamples: Json = userSponsor.pathItem.parameters.find((p: Json) => p.in === 'path').examples;
const bodyExamples: Json = userSponsor.op.requestBody.content['application/json'].examples;
const exampleName = Object.keys(bodyExamples).find((name) => pathExamples[name] && /\/users\//.test(bodyExamples[name].value['@odata.id']))!;
const userId: string = pathExamples[exampleName].value;
const sponsorId = (bodyExamples[exampleName].value['@odata.id'] as string).split('/').pop()!;

const run = (cmd: string, args: string[], cwd: string) => spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

beforeAll(() => {
  // A private copy of the package (its manifest, the files npm always ships, a fresh build), so a concurrent
  // `npm test` or a developer's dist/ can't change what is packed.
  mkdirSync(staged);
  for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) copyFileSync(join(repoRoot, file), join(staged, file));
  const build = run(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--out-dir', join(staged, 'dist'), '--no-docs'], repoRoot);
  expect(build.status, build.stderr).toBe(0);
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], staged);
  expect(pack.status, pack.stderr).toBe(0);
  [packed] = JSON.parse(pack.stdout) as [typeof packed & { filename: string }];
  tarball = join(tmp, (packed as unknown as { filename: string }).filename);

  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // From the npm cache when it can; no lockfile, no install scripts: only the tarball and its dependencies.
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], consumer);
  expect(install.status, install.stderr).toBe(0);
  // The consumer type-checks with this repository's TypeScript instead of downloading one.
  symlinkSync(join(repoRoot, 'node_modules/typescript'), join(consumer, 'node_modules/typescript'), 'dir');
}, 240_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run build and the packed tarball', () => {
  it('passes publint (strict) and arethetypeswrong (ESM-only, spec files excluded)', () => {
    const publint = run(bin('publint'), ['--strict', staged], repoRoot);
    expect(`${publint.stdout}${publint.stderr}`).toContain('All good!');
    expect(publint.status).toBe(0);
    const attw = run(bin('attw'), [tarball, '--profile', 'esm-only', '--exclude-entrypoints', './openapi.yaml', './openapi.json', './package.json', '--format', 'json'], repoRoot);
    // The esm-only profile ignores CommonJS and node10 resolution; every other problem counts.
    const problems = (JSON.parse(attw.stdout).analysis.problems ?? []).filter((p: Json) => !['node10', 'node16-cjs'].includes(p.resolutionKind));
    expect(problems).toEqual([]);
    expect(attw.status).toBe(0);
  }, 120_000);

  it('ships the compiled client with a .d.ts for every module, the mock, the bundled spec, and nothing else', () => {
    const files = packed.files.map((f) => f.path).sort();
    const js = files.filter((f) => f.endsWith('.js') && f.startsWith('dist/src/'));
    expect(js).toContain('dist/src/index.js');
    for (const file of js) expect(files).toContain(file.replace(/\.js$/, '.d.ts'));
    expect(files).toEqual(expect.arrayContaining(['dist/mock/cli.js', 'dist/generated/openapi.yaml', 'dist/generated/openapi.json', 'dist/generated/types.d.ts', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']));
    expect(files.filter((f) => !/^(dist\/(src|generated|mock)\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f))).toEqual([]);
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    // The shipped spec is the committed bundle.
    expect(readFileSync(join(staged, 'dist/generated/openapi.json'), 'utf8')).toBe(readFileSync(join(repoRoot, 'generated/openapi.json'), 'utf8'));
  });
});

describe('installed into a fresh project', () => {
  // skipLibCheck off for the good consumer: the shipped .d.ts files must compile too (tsc takes seconds here).
  const tsconfig = (file: string, skipLibCheck = false) => {
    const config = {
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, resolveJsonModule: true, skipLibCheck, types: [] },
      files: [file],
    };
    writeFileSync(join(consumer, `tsconfig.${file}.json`), JSON.stringify(config));
    return run(process.execPath, [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${file}.json`, '--pretty', 'false'], consumer);
  };

  it('type-checks a consumer of the client, the types and the spec files', () => {
    writeFileSync(
      join(consumer, 'good.ts'),
      `import { createGraphClient, GraphError, type GraphClient } from 'graph-sponsors-contract';
import type { paths, components } from 'graph-sponsors-contract/types';
import spec from 'graph-sponsors-contract/openapi.json' with { type: 'json' };

const graph: GraphClient = createGraphClient({ baseUrl: 'http://127.0.0.1:4010', token: 'token' });
type Body = paths[${JSON.stringify(userSponsor.path)}]['post']['requestBody']['content']['application/json'];
const body: Body = ${JSON.stringify(bodyExamples[exampleName].value)};
export async function main(): Promise<number> {
  const done: void = await graph.addUserSponsor(${JSON.stringify(userId)}, { kind: 'group', id: ${JSON.stringify(sponsorId)} });
  const { response } = await graph.raw.POST(${JSON.stringify(userSponsor.path)}, { params: { path: { id: ${JSON.stringify(userId)} } }, body });
  return done ?? response.status;
}
export function describe(error: unknown): string {
  const body: components['schemas']['odataError'] | undefined = error instanceof GraphError ? (error.body as components['schemas']['odataError']) : undefined;
  return error instanceof GraphError ? \`\${error.status} \${error.code} \${body?.error.message}\` : String(error);
}
export const version: string = spec.info.version;
`,
    );
    const check = tsconfig('good.ts');
    expect(check.stdout, check.stdout).toBe('');
    expect(check.status).toBe(0);
  }, 120_000);

  it('refuses a consumer that misuses them, at each wrong line', () => {
    const lines = [
      `import { createGraphClient, notExported } from 'graph-sponsors-contract'; // wrong`,
      `import type { paths } from 'graph-sponsors-contract/types';`,
      `const graph = createGraphClient({ baseUrl: 'http://127.0.0.1:4010' });`,
      `export const kind = graph.addUserSponsor('u', { kind: 'directoryObject', id: 'x' }); // wrong`,
      `export const body = graph.raw.POST(${JSON.stringify(userSponsor.path)}, { params: { path: { id: 'u' } }, body: { '@odata.id': 42 } }); // wrong`,
      `export const path = graph.raw.POST(${JSON.stringify(userSponsor.path.replace('sponsors', 'sponsor'))}, { params: { path: { id: 'u' } }, body: { '@odata.id': 'x' } }); // wrong`,
      `export type Missing = paths['/v1.0/users']; // wrong`,
      `export const unused = notExported;`,
    ];
    writeFileSync(join(consumer, 'bad.ts'), `${lines.join('\n')}\n`);
    const check = tsconfig('bad.ts', true);
    expect(check.status).not.toBe(0);
    const errorLines = new Set([...check.stdout.matchAll(/^bad\.ts\((\d+),\d+\): error TS\d+/gm)].map((m) => Number(m[1])));
    const wrongLines = lines.flatMap((line, i) => (line.endsWith('// wrong') ? [i + 1] : []));
    expect([...errorLines].sort((a, b) => a - b)).toEqual(wrongLines);
  }, 120_000);

  it("runs the installed mock through its bin and calls it with the installed client", async () => {
    let mock: ChildProcess | undefined;
    try {
      mock = spawn(join(consumer, 'node_modules/.bin/graph-sponsors-mock'), [], {
        cwd: consumer,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        mock!.stdout!.on('data', (chunk) => {
          output += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        mock!.stderr!.on('data', (chunk) => (output += chunk));
        mock!.on('exit', (code) => reject(new Error(`mock exited (${code}) before listening:\n${output}`)));
      });
      writeFileSync(
        join(consumer, 'call.mjs'),
        `import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGraphClient, GraphError } from 'graph-sponsors-contract';
const [baseUrl, userId, sponsorId] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('graph-sponsors-contract/openapi.json')), 'utf8'));
const result = { specVersion: spec.info.version, yaml: existsSync(fileURLToPath(import.meta.resolve('graph-sponsors-contract/openapi.yaml'))) };
const added = await createGraphClient({ baseUrl, token: 'consumer-test', retry: false }).addUserSponsor(userId, { kind: 'user', id: sponsorId });
result.added = added === undefined ? 'void' : added;
try {
  await createGraphClient({ baseUrl, retry: false }).addUserSponsor(userId, { kind: 'user', id: sponsorId });
  result.withoutToken = 'resolved';
} catch (error) {
  result.withoutToken = error instanceof GraphError ? { status: error.status, code: error.code } : String(error);
}
console.log(JSON.stringify(result));
`,
      );
      const call = run(process.execPath, ['call.mjs', url, userId, sponsorId], consumer);
      expect(call.stderr).toBe('');
      const unauthorized = spec.components.examples.invalidAuthenticationToken.value.error.code;
      expect(JSON.parse(call.stdout)).toEqual({
        specVersion: spec.info.version,
        yaml: true,
        added: 'void',
        withoutToken: { status: 401, code: unauthorized },
      });
    } finally {
      if (mock && mock.exitCode === null) {
        const exited = new Promise((resolve) => mock!.once('exit', resolve));
        mock.kill('SIGTERM');
        await exited;
      }
    }
  }, 60_000);
});

it('records the package version in CHANGELOG.md', () => {
  expect(readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
  expect(existsSync(join(repoRoot, 'scripts/diff-baseline.yaml'))).toBe(true);
});
