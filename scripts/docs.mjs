#!/usr/bin/env node
// Renders the reference: dist/docs/index.html, one self-contained page (Redoc inlined, no CDN script),
// from the spec with the docs-only decorators of openapi/redocly.docs.yaml.
// `--output FILE` writes elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--output');
const output = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist/docs/index.html');
mkdirSync(dirname(output), { recursive: true });
const args = [
  'build-docs', 'graph-sponsors',
  '--config', join(root, 'openapi/redocly.docs.yaml'),
  '--inlineBundle',
  '--title', 'Microsoft Graph sponsors contract: reference',
  '--output', output,
];
try {
  execFileSync(join(root, 'node_modules/.bin/redocly'), args, {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
} catch (error) {
  process.stderr.write(`redocly ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`);
  process.exit(1);
}
console.log(`docs: ${relative(root, output)}`);
