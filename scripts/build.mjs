#!/usr/bin/env node
// npm run build (and prepack) → dist/:
//   dist/src, dist/generated  the client and the generated modules compiled by tsc to ESM + .d.ts (src imports
//                             ../generated, so both keep their places); of src/mock only the .d.ts files, the
//                             types of the `./mock` export;
//   dist/generated/openapi.*  the bundled spec (the mock reads openapi.json at run time);
//   dist/mock                 the mock as one esbuild bundle with Prism inside: server.js (`./mock`), cli.js (the
//                             bin), THIRD-PARTY-LICENSES.txt (scripts/mock-bundle.mjs);
//   dist/msw/index.js         the MSW handlers (`./msw`) as one browser bundle, msw external (scripts/msw-bundle.mjs);
//   dist/docs/index.html      the rendered reference (not packed).
// `--out-dir DIR` builds into DIR instead of dist/ and `--no-docs` skips the reference (the package test
// builds a private copy, so a concurrent build or a developer's dist/ doesn't interfere).
import { chmodSync, copyFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { root, step } from './lib.mjs';
import { bundleMock } from './mock-bundle.mjs';
import { bundleMsw } from './msw-bundle.mjs';

const { values } = parseArgs({ options: { 'out-dir': { type: 'string' }, 'no-docs': { type: 'boolean', default: false } } });
const dist = values['out-dir'] ? resolve(values['out-dir']) : join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
step(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'scripts/build.tsconfig.json'), '--outDir', dist]);
// Only what the package's entry points reach ships: the client's modules, and of src/mock and src/spec only the
// types of the `./mock` export. The compiled mock modules import Prism, which is no dependency of the package:
// the bundle replaces them.
const entries = ['src/index.js', 'src/index.d.ts', 'src/mock/server.d.ts', 'src/msw/index.d.ts'].map((file) => join(dist, file));
const reached = new Set();
for (const file of entries) {
  if (reached.has(file)) continue;
  reached.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), spec);
    entries.push(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target);
  }
  if (file.endsWith('.js')) entries.push(file.replace(/\.js$/, '.d.ts')); // every shipped module has its types
}
for (const file of readdirSync(join(dist, 'src'), { recursive: true, encoding: 'utf8' })) {
  const path = join(dist, 'src', file);
  if (/\.(d\.ts|js)$/.test(file) && !reached.has(path)) rmSync(path);
}
for (const file of ['openapi.yaml', 'openapi.json']) copyFileSync(join(root, 'generated', file), join(dist, 'generated', file));
let bundle;
try {
  bundle = await bundleMock(join(dist, 'mock'));
} catch (error) {
  process.stderr.write(`bundling the mock failed: ${error.message}\n`);
  process.exit(1);
}
chmodSync(join(dist, 'mock/cli.js'), 0o755);
const handlers = await bundleMsw({ outDir: join(dist, 'msw') });
if (handlers.nodeBuiltins.length > 0) {
  process.stderr.write(`the MSW handlers' bundle imports Node built-ins (${handlers.nodeBuiltins.join(', ')}); a browser has none\n`);
  process.exit(1);
}
if (!values['no-docs']) step(process.execPath, [join(root, 'scripts/docs.mjs'), '--output', join(dist, 'docs/index.html')]);
const kb = (bytes) => `${Math.round(bytes / 1024)} kB`;
console.log(
  `build: ${dist} (src, generated, mock/server.js ${kb(bundle.serverBytes)} with ${bundle.packages.length} packages inside, mock/cli.js ${kb(bundle.cliBytes)}, msw/index.js ${kb(handlers.minBytes)} (${kb(handlers.gzipBytes)} gzip)${values['no-docs'] ? '' : ', docs/index.html'})`,
);
