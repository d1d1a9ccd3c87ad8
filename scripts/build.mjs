#!/usr/bin/env node
// npm run build → dist/: the client, the mock and the generated modules compiled to ESM with .d.ts
// (dist/src, dist/generated: src imports ../generated, so both keep their places), the bundled spec
// (dist/generated/openapi.yaml|json, where the compiled mock looks for it), the bin entry
// dist/mock/cli.js, and the rendered reference (dist/docs/index.html).
// `--out-dir DIR` builds into DIR instead of dist/ and `--no-docs` skips the reference (the package test
// builds a private copy, so a concurrent build or a developer's dist/ doesn't interfere).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out-dir');
const dist = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist');
const step = (cmd, args) => {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: 'pipe' });
  } catch (error) {
    process.stderr.write(`${cmd} ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`);
    process.exit(1);
  }
};

rmSync(dist, { recursive: true, force: true });
step(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'scripts/build.tsconfig.json'), '--outDir', dist]);
for (const file of ['openapi.yaml', 'openapi.json']) copyFileSync(join(root, 'generated', file), join(dist, 'generated', file));
// The bin keeps the path package.json names; it only loads the compiled CLI.
mkdirSync(join(dist, 'mock'), { recursive: true });
writeFileSync(join(dist, 'mock/cli.js'), "#!/usr/bin/env node\n// bin graph-sponsors-mock: the compiled mock CLI.\nimport '../src/mock/cli.js';\n");
chmodSync(join(dist, 'mock/cli.js'), 0o755);
chmodSync(join(dist, 'src/mock/cli.js'), 0o755);
if (!process.argv.includes('--no-docs')) step(process.execPath, [join(root, 'scripts/docs.mjs'), '--output', join(dist, 'docs/index.html')]);
console.log(`build: ${dist} (src, generated, mock/cli.js${process.argv.includes('--no-docs') ? '' : ', docs/index.html'})`);
