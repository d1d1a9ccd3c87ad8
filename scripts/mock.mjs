#!/usr/bin/env node
// npm run mock: bundles the mock exactly as the package ships it (scripts/mock-bundle.mjs → dist/mock: the same
// esbuild build, the same stubs) and runs its CLI in this very process, so Ctrl-C and SIGTERM reach the CLI's
// own handlers. dist/mock/server.js sits two levels below the checkout, as src/mock does: it serves
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

// `npm run mock` starts this process under `sh -c`. A SIGTERM sent to npm (a process manager, an IDE's stop
// button, `kill <npm's pid>`) is passed by npm to that shell, which dies of it without passing it on, leaving this
// process behind. So under npm, losing the parent counts as that SIGTERM (the CLI's handler closes the server).
// Ctrl-C in a terminal reaches every process of the group, this one included, and needs none of this.
if (process.env.npm_lifecycle_event === 'mock') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}
