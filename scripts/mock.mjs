#!/usr/bin/env node
// npm run mock: bundles the mock exactly as the package ships it (scripts/mock-bundle.mjs → dist/mock: the same
// esbuild build, the same stubs) and runs its CLI in this very process, so Ctrl-C and SIGTERM reach the CLI's
// own handlers (started by npm, the CLI also ends when npm does: src/mock/lifecycle.ts watchParent). dist/mock/server.js sits two levels below the checkout, as src/mock does: it serves
// generated/openapi.json and watches openapi/ (regenerate, reload from disk) like the source would.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleMock } from './mock-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist/mock');
try {
  await bundleMock(outDir);
} catch (error) {
  process.stderr.write(`npm run mock: bundling the mock failed: ${error.message}\n`);
  process.exit(1);
}
await import(pathToFileURL(join(outDir, 'cli.js')).href);
