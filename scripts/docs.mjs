#!/usr/bin/env node
// Renders the reference: dist/docs/index.html, one self-contained page (Redoc inlined, no CDN script), from the
// spec with the docs-only decorators of openapi/redocly.docs.yaml. Nothing on it is fetched from elsewhere:
// build-docs already turns Redoc's telemetry off (disableTelemetry), and the one asset Redoc still loads from a
// CDN, the logo in its "API docs by Redocly" footer, is replaced here by an inline SVG.
// `--output FILE` writes elsewhere.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { bin, redoclyEnv, root, step } from './lib.mjs';

const outArg = process.argv.indexOf('--output');
const output = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist/docs/index.html');
mkdirSync(dirname(output), { recursive: true });
const args = [
  'build-docs',
  'graph-sponsors',
  '--config',
  join(root, 'openapi/redocly.docs.yaml'),
  '--inlineBundle',
  '--title',
  'Microsoft Graph sponsors contract: reference',
  '--output',
  output,
];
step(bin('redocly'), args, { env: redoclyEnv });

// The footer badge's images (full and collapsed-sidebar variants): the same attribution as an inline wordmark.
const wordmark = (width) =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="18" viewBox="0 0 ${width} 18"><text x="0" y="14" font-family="sans-serif" font-size="14" font-weight="600" fill="#5a5a5a">Redocly</text></svg>`,
  )}`;
const cdnAssets = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': wordmark(60),
  'https://cdn.redoc.ly/redoc/logo-mini.svg': wordmark(60),
};
let page = readFileSync(output, 'utf8');
for (const [url, inline] of Object.entries(cdnAssets)) page = page.replaceAll(url, inline);
// A Redoc update that fetches something new from its CDN must not slip through: fail the build instead.
const left = page.match(/https:\/\/cdn\.redoc\.ly\/[^`"'\s)]*/g);
if (left) {
  process.stderr.write(`docs: the page still loads from Redoc's CDN: ${[...new Set(left)].join(', ')}; add an inline replacement in scripts/docs.mjs\n`);
  process.exit(1);
}
writeFileSync(output, page);
console.log(`docs: ${relative(root, output)}`);
