// The MSW handlers as one browser bundle: DIR/index.js, the `./msw` export (createGraphHandlers and everything
// it runs: the mock's core, the Prism-free engine, the precompiled validators, the trimmed spec). esbuild,
// platform browser, ESM, minified; `msw` stays external (the app's own copy, a peer dependency). A Node
// built-in it imports is left external so that it shows in the metafile (`nodeBuiltins`), and build.mjs refuses
// to ship such a bundle: a browser has none of them.
// Used by scripts/build.mjs (dist/msw, shipped), the bench (its size row) and test/msw.bundle.test.ts; run
// directly, `node scripts/msw-bundle.mjs --out-dir DIR` writes DIR/index.js and DIR/metafile.json and prints a
// JSON summary (sizes and the input files).
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builtins = new Set(builtinModules);
const isNodeBuiltin = (path) => path.startsWith('node:') || builtins.has(path) || builtins.has(path.split('/')[0]);

/** esbuild plugin: a Node built-in is left external (listed in the metafile's imports) instead of failing the build. */
const builtinsExternal = {
  name: 'node-builtins-external',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:][\w:/.-]*$/ }, (args) => (isNodeBuiltin(args.path) ? { path: args.path, external: true } : undefined));
  },
};

/**
 * Bundles src/msw/index.ts. With `outDir`, writes index.js there (and metafile.json when `writeMetafile`);
 * returns the code, esbuild's metafile and the sizes (minified, gzipped at level 9).
 */
export async function bundleMsw({ outDir, writeMetafile = false } = {}) {
  const result = await build({
    entryPoints: [join(root, 'src/msw/index.ts')],
    absWorkingDir: root, // metafile paths relative to the repository
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external: ['msw'],
    legalComments: 'none',
    metafile: true,
    write: false,
    outfile: join(outDir ?? root, 'index.js'),
    logLevel: 'silent',
    plugins: [builtinsExternal],
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error(`expected one output file, got ${result.outputFiles.length}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'index.js'), output.contents);
    if (writeMetafile) writeFileSync(join(outDir, 'metafile.json'), JSON.stringify(result.metafile));
  }
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports);
  const nodeBuiltins = [...new Set(imports.filter((i) => i.external && isNodeBuiltin(i.path)).map((i) => i.path))].sort();
  const gzipBytes = gzipSync(output.contents, { level: 9 }).length;
  return { code: output.contents, metafile: result.metafile, minBytes: output.contents.length, gzipBytes, nodeBuiltins };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
  if (!values['out-dir']) throw new Error('usage: node scripts/msw-bundle.mjs --out-dir DIR');
  const { metafile, minBytes, gzipBytes, nodeBuiltins } = await bundleMsw({ outDir: resolve(values['out-dir']), writeMetafile: true });
  console.log(JSON.stringify({ minBytes, gzipBytes, nodeBuiltins, inputs: Object.keys(metafile.inputs).sort() }));
}
