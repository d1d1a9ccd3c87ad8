#!/usr/bin/env node
// npm's `prepare` hook, for installs from a git URL. There npm (pacote) clones the repository, installs its
// dev dependencies, runs `prepare` and packs the clone; it never runs `prepack` (pacote's DirFetcher runs only
// `prepare`), so without this hook a git install would ship no code. npm also runs `prepare` after a plain
// `npm install`/`npm ci` in the checkout itself, where a build would only slow the install (and a work-in-progress
// type error would break it): npm sets INIT_CWD to the directory it was invoked from, which is this package's
// own root then and the consumer's project for a git install. `npm pack`/`npm publish` build through `prepack`.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.INIT_CWD && resolve(process.env.INIT_CWD) !== root) {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--no-docs'], { cwd: root, stdio: 'inherit' });
}
