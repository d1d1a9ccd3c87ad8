// The publishable package: `npm pack` on a fresh copy of the checkout (its prepack builds), publint and
// arethetypeswrong, then the tarball installed into a fresh project that must stay small (its size and package
// count are written to test/.artifacts/package.json), type-checks a consumer (and a consumer that must not
// compile), starts the installed mock through its bin and its `./mock` export and calls it with the installed client.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
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

const run = (cmd: string, args: string[], cwd: string) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

/** Installed packages (directories with a package.json under node_modules, nested ones too) and their bytes. */
function installed(nodeModules: string): { packages: string[]; bytes: number } {
  const packages: string[] = [];
  let bytes = 0;
  const walk = (dir: string, inNodeModules: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isFile()) bytes += lstatSync(path).size;
      if (!entry.isDirectory()) continue;
      if (inNodeModules && !entry.name.startsWith('.') && !entry.name.startsWith('@')) packages.push(path.slice(nodeModules.length + 1));
      walk(path, entry.name === 'node_modules' || (inNodeModules && entry.name.startsWith('@')));
    }
  };
  walk(nodeModules, true);
  return { packages: packages.filter((p) => existsSync(join(nodeModules, p, 'package.json'))).sort(), bytes };
}
let footprint: { packages: string[]; bytes: number };

/** The checkout's files as a clone has them: git's tracked and new files, or, outside git, all but what is built. */
function sourceFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  if (listed.status === 0) return listed.stdout.split('\0').filter(Boolean);
  const skip = new Set(['node_modules', 'dist', 'coverage', '.git']);
  return readdirSync(repoRoot, { recursive: true, encoding: 'utf8' }).filter(
    (file) => !skip.has(file.split(sep)[0]!) && !file.startsWith(join('test', '.artifacts')) && statSync(join(repoRoot, file)).isFile(),
  );
}

beforeAll(() => {
  // A fresh copy of the checkout (its tracked and new files, as a clone would have them, with this checkout's
  // node_modules), so a concurrent `npm test` or a developer's dist/ can't change what is packed. `npm pack`
  // there runs prepack, which builds.
  for (const file of sourceFiles()) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(staged, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(staged, file));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(staged, 'node_modules'), 'dir');
  const pack = run('npm', ['pack', '--json', '--pack-destination', tmp], staged);
  expect(pack.status, `${pack.stdout}${pack.stderr}`).toBe(0);
  // Lifecycle scripts print to stdout too; the JSON report is the last thing.
  [packed] = JSON.parse(pack.stdout.slice(pack.stdout.lastIndexOf('\n[\n') + 1)) as [typeof packed & { filename: string }];
  tarball = join(tmp, (packed as unknown as { filename: string }).filename);

  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // From the npm cache when it can; no lockfile, no install scripts: only the tarball and its dependencies.
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], consumer);
  expect(install.status, install.stderr).toBe(0);
  footprint = installed(join(consumer, 'node_modules'));
  const artifacts = join(repoRoot, 'test/.artifacts');
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(
    join(artifacts, 'package.json'),
    `${JSON.stringify(
      {
        tarballBytes: packed.size,
        files: packed.files.length,
        mockBundleBytes: lstatSync(join(staged, 'dist/mock/server.js')).size,
        installedBytes: footprint.bytes,
        installedPackages: footprint.packages,
      },
      null,
      2,
    )}\n`,
  );
  // The consumer type-checks with this repository's TypeScript instead of downloading one.
  symlinkSync(join(repoRoot, 'node_modules/typescript'), join(consumer, 'node_modules/typescript'), 'dir');
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm pack (prepack builds) and the packed tarball', () => {
  it('passes publint (strict) and arethetypeswrong (ESM-only, spec files excluded)', () => {
    const publint = run(bin('publint'), ['--strict', staged], repoRoot);
    expect(`${publint.stdout}${publint.stderr}`).toContain('All good!');
    expect(publint.status).toBe(0);
    const attw = run(
      bin('attw'),
      [tarball, '--profile', 'esm-only', '--exclude-entrypoints', './openapi.yaml', './openapi.json', './package.json', '--format', 'json'],
      repoRoot,
    );
    // The esm-only profile ignores CommonJS and node10 resolution; every other problem counts.
    const problems = (JSON.parse(attw.stdout).analysis.problems ?? []).filter((p: Json) => !['node10', 'node16-cjs'].includes(p.resolutionKind));
    expect(problems).toEqual([]);
    expect(attw.status).toBe(0);
  }, 120_000);

  it('ships the compiled client with a .d.ts for every module, the mock bundle, the bundled spec, and nothing else', () => {
    const files = packed.files.map((f) => f.path).sort();
    const js = files.filter((f) => f.endsWith('.js') && f.startsWith('dist/src/'));
    expect(js).toContain('dist/src/index.js');
    for (const file of js) expect(files).toContain(file.replace(/\.js$/, '.d.ts'));
    // The mock is the bundle only: its compiled modules would import Prism, which is no dependency.
    expect(files.filter((f) => f.startsWith('dist/src/mock/') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/mock/'))).toEqual(['dist/mock/THIRD-PARTY-LICENSES.txt', 'dist/mock/cli.js', 'dist/mock/server.js']);
    // The MSW handlers are their browser bundle only (`./msw`), with their types under dist/src/msw.
    expect(files.filter((f) => f.startsWith('dist/msw/'))).toEqual(['dist/msw/index.js']);
    expect(files).toContain('dist/src/msw/index.d.ts');
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/src/mock/server.d.ts',
        'dist/generated/openapi.yaml',
        'dist/generated/openapi.json',
        'dist/generated/types.d.ts',
        'fixtures/default.yaml',
        'fixtures/fixture.schema.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'package.json',
      ]),
    );
    expect(
      files.filter(
        (f) =>
          !/^(dist\/(src|generated|mock|msw)\/|fixtures\/(default\.yaml|fixture\.schema\.json)$|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f),
      ),
    ).toEqual([]);
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    // The shipped spec is the committed bundle.
    expect(readFileSync(join(staged, 'dist/generated/openapi.json'), 'utf8')).toBe(readFileSync(join(repoRoot, 'generated/openapi.json'), 'utf8'));
  });

  it('depends at run time on openapi-fetch only (msw an optional peer, for ./msw); no shipped type refers to Prism', () => {
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules', pkg.name, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['openapi-fetch']);
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(['msw']);
    expect(manifest.peerDependenciesMeta).toEqual({ msw: { optional: true } });
    const types = packed.files.map((f) => f.path).filter((f) => f.endsWith('.d.ts'));
    expect(types.filter((f) => /@stoplight|prism-/i.test(readFileSync(join(staged, f), 'utf8')))).toEqual([]);
  });
});

describe('installed into a fresh project', () => {
  it('weighs at most 10 MB in at most 5 packages (figures in test/.artifacts/package.json)', () => {
    expect(footprint.packages).toContain(pkg.name);
    expect(footprint.packages).toContain('openapi-fetch');
    expect(footprint.packages.length).toBeLessThanOrEqual(5);
    expect(footprint.bytes).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  // skipLibCheck off for the good consumer: the shipped .d.ts files must compile too (tsc takes seconds here).
  const tsconfig = (file: string, skipLibCheck = false) => {
    const config = {
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        strict: true,
        noEmit: true,
        resolveJsonModule: true,
        skipLibCheck,
        types: [],
      },
      files: [file],
    };
    writeFileSync(join(consumer, `tsconfig.${file}.json`), JSON.stringify(config));
    return run(process.execPath, [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${file}.json`, '--pretty', 'false'], consumer);
  };

  it('type-checks a consumer of the client, the types and the spec files', () => {
    writeFileSync(
      join(consumer, 'good.ts'),
      `import { createGraphClient, createRawClient, GraphError, type GraphClient } from 'graph-sponsors-contract';
import type { paths, components } from 'graph-sponsors-contract/types';
import spec from 'graph-sponsors-contract/openapi.json' with { type: 'json' };
import { startMockServer, DEFAULT_MAX_BODY_BYTES, type MockServer, type MockServerOptions } from 'graph-sponsors-contract/mock';

const graph: GraphClient = createGraphClient({ baseUrl: 'http://127.0.0.1:4010', token: 'token' });
const raw = createRawClient({ baseUrl: 'http://127.0.0.1:4010', token: 'token' });
type Body = paths[${JSON.stringify(userSponsor.path)}]['post']['requestBody']['content']['application/json'];
const body: Body = ${JSON.stringify(bodyExamples[exampleName].value)};
export async function main(): Promise<number> {
  const done: void = await graph.addUserSponsor(${JSON.stringify(userId)}, { kind: 'group', id: ${JSON.stringify(sponsorId)} });
  const { response } = await raw.POST(${JSON.stringify(userSponsor.path)}, { params: { path: { id: ${JSON.stringify(userId)} } }, body });
  return done ?? response.status;
}
export function describe(error: unknown): string {
  const body: components['schemas']['odataError'] | undefined = error instanceof GraphError ? (error.body as components['schemas']['odataError']) : undefined;
  return error instanceof GraphError ? \`\${error.status} \${error.code} \${body?.error.message}\` : String(error);
}
export const version: string = spec.info.version;
const mockOptions: MockServerOptions = { port: 0, host: '127.0.0.1', maxBodyBytes: DEFAULT_MAX_BODY_BYTES };
export const mock: Promise<MockServer> = startMockServer(mockOptions);
`,
    );
    const check = tsconfig('good.ts');
    expect(check.stdout, check.stdout).toBe('');
    expect(check.status).toBe(0);
  }, 120_000);

  it('refuses a consumer that misuses them, at each wrong line', () => {
    const lines = [
      `import { createGraphClient, createRawClient, notExported } from 'graph-sponsors-contract'; // wrong`,
      `import type { paths } from 'graph-sponsors-contract/types';`,
      `const graph = createGraphClient({ baseUrl: 'http://127.0.0.1:4010' });`,
      `const raw = createRawClient({ baseUrl: 'http://127.0.0.1:4010' });`,
      `export const kind = graph.addUserSponsor('u', { kind: 'servicePrincipal', id: 'x' }); // wrong`,
      `export const body = raw.POST(${JSON.stringify(userSponsor.path)}, { params: { path: { id: 'u' } }, body: { '@odata.id': 42 } }); // wrong`,
      `export const path = raw.POST(${JSON.stringify(userSponsor.path.replace('sponsors', 'sponsor'))}, { params: { path: { id: 'u' } }, body: { '@odata.id': 'x' } }); // wrong`,
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

  it('runs the installed mock through its bin and its ./mock export and calls it with the installed client', async () => {
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
// The ./mock export: the same bundle, started in this process.
const { startMockServer } = await import('graph-sponsors-contract/mock');
const own = await startMockServer({ port: 0, host: '127.0.0.1' });
try {
  result.viaExport = (await createGraphClient({ baseUrl: own.url, token: 'consumer-test', retry: false }).addUserSponsor(userId, { kind: 'user', id: sponsorId })) ?? 'void';
} finally {
  await own.close();
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
        viaExport: 'void',
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
