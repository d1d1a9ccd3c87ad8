// The mock as one esbuild bundle with Prism inside: DIR/server.js (the `./mock` export: startMockServer and
// everything it loads) and DIR/cli.js (the bin: the CLI, importing ./server.js). Used by scripts/build.mjs
// (dist/mock, shipped) and scripts/mock.mjs (`npm run mock`), so both run the same code with the same stubs.
// Run directly, `node scripts/mock-bundle.mjs --out-dir DIR` bundles into DIR and prints a JSON summary
// (test/mock.bundle.test.ts).
//
// Modules Prism loads for features the mock never uses are replaced here, at build time: by stand-ins that
// throw when used (scripts/stubs/unused.cjs), or, where Prism touches them on every load or request, by stand-ins
// that do only that harmless part (scripts/stubs/*.cjs). Nothing is patched at run time.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stubs = join(root, 'scripts/stubs');

/** Module → why the mock never needs it. The mock runs Prism in static mode (dynamic: false) with no upstream. */
export const UNUSED_MODULES = {
  // json-schema-faker reads `faker.default` when Prism's generator loads; only dynamic mocking calls into it.
  '@faker-js/faker': { reason: 'fake data is generated only in dynamic mode', exposed: ['default', 'faker'] },
  'postman-collection': { reason: 'the Postman importer of @stoplight/http-spec; the mock reads OpenAPI only' },
  'node-fetch': { reason: "Prism's forwarder (proxy mode) and callbacks; the mock neither proxies nor runs callbacks" },
  'http-proxy-agent': { reason: "Prism's forwarder (proxy mode); the mock does not proxy" },
  'https-proxy-agent': { reason: "Prism's forwarder (proxy mode); the mock does not proxy" },
};

/** Module → the file that replaces it: used, but only for what the mock discards. */
export const REPLACED_MODULES = {
  // Prism's mocker colours its per-request log prefixes; the mock's logger discards them.
  chalk: join(stubs, 'plain-chalk.cjs'),
  // Prism's generator configures it as it loads; only dynamic mode generates with it (and with faker).
  'json-schema-faker': join(stubs, 'json-schema-faker.cjs'),
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** esbuild plugin: every import of an unused module becomes its throwing stand-in. */
const unusedModules = {
  name: 'unused-modules',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(UNUSED_MODULES).map(escape).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'unused-module' }));
    b.onLoad({ filter: /.*/, namespace: 'unused-module' }, (args) => {
      const { reason, exposed = [] } = UNUSED_MODULES[args.path];
      return {
        contents: `module.exports = require(${JSON.stringify(join(stubs, 'unused.cjs'))}).unusedModule(${JSON.stringify(args.path)}, ${JSON.stringify(reason)}, ${JSON.stringify(exposed)});`,
        loader: 'js',
        resolveDir: stubs,
      };
    });
  },
};

/** esbuild plugin: modules replaced by a working stand-in (REPLACED_MODULES). */
const replacedModules = {
  name: 'replaced-modules',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(REPLACED_MODULES).map(escape).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: REPLACED_MODULES[args.path] }));
  },
};

/**
 * esbuild plugin: packages whose `main` is a UMD wrapper (require() hidden behind `define`, which esbuild
 * cannot follow) are taken through their `module` (ESM) build instead.
 */
const UMD_MAIN = ['jsonc-parser'];
const umdAsEsm = {
  name: 'umd-as-esm',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${UMD_MAIN.map(escape).join('|')})$`) }, async (args) => {
      const manifest = await b.resolve(`${args.path}/package.json`, { kind: args.kind, resolveDir: args.resolveDir });
      const { module } = JSON.parse(readFileSync(manifest.path, 'utf8'));
      return { path: join(dirname(manifest.path), module) };
    });
  },
};

/** esbuild plugin for the CLI bundle: the server stays in ./server.js, so Prism is bundled once. */
const serverExternal = {
  name: 'server-external',
  setup(b) {
    const server = join(root, 'src/mock/server.ts');
    b.onResolve({ filter: /server\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === server ? { path: './server.js', external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // CommonJS code inside the bundle (Prism and its dependencies) calls require() for Node's built-ins.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);" },
  // Whitespace and syntax only: identifiers stay readable in stack traces. Full minification (1.2 MB instead of
  // 1.7 MB) or none (2.7 MB) made no measurable difference to start-up (BENCHMARKS.md).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * Bundles the mock into `outDir` (server.js, cli.js, THIRD-PARTY-LICENSES.txt). Returns the output sizes, the
 * npm packages inside and the modules stubbed or replaced. Fails when Prism leaks into the CLI bundle.
 */
export async function bundleMock(outDir) {
  const server = await build({
    ...common,
    entryPoints: [join(root, 'src/mock/server.ts')],
    outfile: join(outDir, 'server.js'),
    plugins: [unusedModules, replacedModules, umdAsEsm],
  });
  const cli = await build({
    ...common,
    entryPoints: [join(root, 'src/mock/cli.ts')],
    outfile: join(outDir, 'cli.js'),
    plugins: [serverExternal, unusedModules, replacedModules, umdAsEsm],
  });
  const cliPackages = packagesOf(cli.metafile);
  if (cliPackages.size > 0) throw new Error(`the CLI bundle should only import ./server.js but holds ${[...cliPackages.values()].join(', ')}`);
  const packages = packagesOf(server.metafile);
  const licenses = [...packages.entries()].sort(([, a], [, b]) => a.localeCompare(b)).map(([dir, name]) => licenseOf(name, dir));
  writeFileSync(
    join(outDir, 'THIRD-PARTY-LICENSES.txt'),
    `The mock bundle (server.js) contains the following packages, under these licenses.\n\n${licenses.join('\n\n')}\n`,
  );
  const bytes = (meta) => Object.values(meta.outputs).reduce((sum, o) => sum + o.bytes, 0);
  const stubbed = Object.keys(server.metafile.inputs)
    .filter((input) => input.startsWith('unused-module:'))
    .map((input) => input.slice('unused-module:'.length));
  const replaced = Object.entries(REPLACED_MODULES)
    .filter(([, file]) => relative(root, file) in server.metafile.inputs)
    .map(([name]) => name);
  const names = [...new Set(packages.values())].sort();
  return { serverBytes: bytes(server.metafile), cliBytes: bytes(cli.metafile), packages: names, stubbed: stubbed.sort(), replaced };
}

/** npm packages (directory → name; two versions of one package are two directories) in a build, from its metafile. */
function packagesOf(metafile) {
  const found = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const [first, second] = input.slice(at + 'node_modules/'.length).split('/');
    const name = first.startsWith('@') ? `${first}/${second}` : first;
    found.set(join(root, input.slice(0, at), 'node_modules', name), name);
  }
  return found;
}

function licenseOf(name, dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const header = `${name}@${manifest.version} (${manifest.license ?? 'see package'})`;
  const files = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|notice|copying)/i.test(f))
    .sort();
  const texts = files.map((f) => readFileSync(join(dir, f), 'utf8').trim());
  return [`== ${header} ==`, ...(texts.length ? texts : [`(no license file in the package; ${relative(root, dir)})`])].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
  if (!values['out-dir']) throw new Error('usage: node scripts/mock-bundle.mjs --out-dir DIR');
  console.log(JSON.stringify(await bundleMock(resolve(values['out-dir']))));
}
