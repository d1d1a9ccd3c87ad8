// The breaking-change gate (`npm run diff`): it passes on the spec as it is (against the last release, with the
// version package.json gives), fails on a deliberately breaking copy of the current spec, and lets that copy
// through only when the major version is raised. The copies are compared with the current spec (`--base`), so
// what the gate sees in them is the deliberate change alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpec, operations, repoRoot, type Json } from './support/spec.js';

const tmp = mkdtempSync(join(tmpdir(), 'diff-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function gate(...args: string[]) {
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts/diff.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function copy(name: string, change: (spec: Json) => void): string {
  const spec = loadSpec();
  change(spec);
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, stringify(spec));
  return file;
}

describe('npm run diff', () => {
  const current = join(repoRoot, 'generated/openapi.yaml');
  const version: string = loadSpec().info.version;
  const nextMajor = `${Number(version.split('.')[0]) + 1}.0.0`;

  it('passes on the spec as it is (against the last release)', () => {
    const { status, output } = gate();
    // Breaking changes since the release are allowed only by a raised major version, which the gate then says.
    const major = Number(/: (\d+) major, \d+ minor, \d+ patch/.exec(output)?.[1]);
    expect(Number.isInteger(major), output).toBe(true);
    if (major > 0) expect(output).toContain(`package.json version ${version} raises the major version`);
    expect(status, output).toBe(0);
  });

  const removedOperation = copy('removed-operation', (spec) => {
    delete spec.paths[operations(spec)[1]!.path];
  });
  const newRequiredProperty = copy('new-required-property', (spec) => {
    const schema = spec.components.schemas.userOrGroupReference;
    schema.properties.note = { type: 'string' };
    schema.required = [...schema.required, 'note'];
  });

  it.each([
    ['an operation removed', removedOperation, 'path-removed'],
    ['a required request property added', newRequiredProperty, 'required-properties-added'],
  ])('fails on a breaking copy (%s) while the major version stays', (_, file, rule) => {
    const { status, output } = gate('--base', current, '--revision', file, '--version', version);
    expect(output).toContain(`(${rule})`);
    expect(output).toContain('breaking change: raise package.json');
    expect(status).toBe(1);
  });

  it('lets the same breaking copy through when the major version is raised', () => {
    const { status, output } = gate('--base', current, '--revision', removedOperation, '--version', nextMajor);
    expect(output).toContain('(path-removed)');
    expect(output).toContain('breaking changes allowed');
    expect(status).toBe(0);
  });

  it('passes a non-breaking change (a new optional request property)', () => {
    const file = copy('new-optional-property', (spec) => {
      spec.components.schemas.connectedOrganization.properties.note = { type: 'string' };
    });
    const { status, output } = gate('--base', current, '--revision', file, '--version', version);
    expect(output).toMatch(/: 0 major, [1-9]\d* minor|: 0 major, \d+ minor, [1-9]\d* patch/);
    expect(status).toBe(0);
  });
});
