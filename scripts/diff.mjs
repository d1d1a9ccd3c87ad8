#!/usr/bin/env node
// Breaking-change gate: compares the spec in openapi/ (bundled afresh) with the last released one,
// using `redocly diff` and the diff-recommended rules (openapi/redocly.diff.yaml). A change rated
// "major" fails the run unless package.json's major version is above the released one.
// The released spec is generated/openapi.yaml at the latest `v*` git tag, or else the committed
// baseline scripts/diff-baseline.yaml (the spec of 0.1.0, the first version, which has no tag).
// Options (for tests): --base FILE, --revision FILE, --version X.Y.Z (instead of package.json's).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { bin, redoclyEnv as env, root } from './lib.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const redocly = bin('redocly');
const tmp = mkdtempSync(join(tmpdir(), 'spec-diff-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function fail(message) {
  console.error(message);
  process.exit(1);
}

function git(args) {
  const run = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

// The released spec and its version.
let base = arg('--base') && resolve(arg('--base'));
let baseLabel = base;
if (!base) {
  const tag = git(['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*']);
  const released = tag && git(['show', `${tag}:generated/openapi.yaml`]);
  if (released) {
    base = join(tmp, 'released.yaml');
    writeFileSync(base, `${released}\n`);
    baseLabel = `${tag}:generated/openapi.yaml`;
  } else {
    base = join(root, 'scripts/diff-baseline.yaml');
    baseLabel = 'scripts/diff-baseline.yaml (no release tag)';
  }
}
const baseVersion = parse(readFileSync(base, 'utf8')).info.version;

// The spec as it is now, bundled from openapi/ (generated/ may be stale while editing).
let revision = arg('--revision') && resolve(arg('--revision'));
if (!revision) {
  revision = join(tmp, 'current.yaml');
  try {
    execFileSync(redocly, ['bundle', join(root, 'openapi/openapi.yaml'), '--config', join(root, 'openapi/redocly.yaml'), '--output', revision], {
      cwd: root,
      env,
      stdio: 'pipe',
    });
  } catch (error) {
    fail(`redocly bundle failed:\n${error.stdout}${error.stderr}`);
  }
}
const version = arg('--version') ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

const run = spawnSync(redocly, ['diff', base, revision, '--config', join(root, 'openapi/redocly.diff.yaml'), '--format', 'json', '--fail-on', 'none'], {
  cwd: root,
  env,
  encoding: 'utf8',
});
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  fail(`redocly diff failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
}

const major = (v) => Number(String(v).split('.')[0]);
const { summary } = report;
console.log(`spec diff against ${baseLabel} (${baseVersion}): ${summary.major} major, ${summary.minor} minor, ${summary.patch} patch`);
const breaking = report.changes.flatMap((change) => change.verdicts.filter((v) => v.impact === 'major'));
for (const verdict of breaking) console.log(`  major  ${verdict.message} (${verdict.ruleId})`);
if (summary.major === 0) process.exit(0);
if (major(version) > major(baseVersion)) {
  console.log(`breaking changes allowed: package.json version ${version} raises the major version of ${baseVersion}`);
  process.exit(0);
}
fail(`breaking change: raise package.json's major version above ${major(baseVersion)} (now ${version}) and record it in CHANGELOG.md, or undo the change`);
