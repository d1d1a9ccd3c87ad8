// The breaking-change gate (`npm run diff`): it passes on the unchanged spec, fails on a deliberately
// breaking copy, and lets the breaking copy through only when the major version is raised.
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
  it('passes on the spec as it is (against the last release)', () => {
    const { status, output } = gate();
    expect(output).toMatch(/: 0 major, \d+ minor, \d+ patch/);
    expect(status).toBe(0);
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
    const { status, output } = gate('--revision', file);
    expect(output).toContain(`(${rule})`);
    expect(output).toContain('breaking change: raise package.json');
    expect(status).toBe(1);
  });

  it('lets the same breaking copy through when the major version is raised', () => {
    const { status, output } = gate('--revision', removedOperation, '--version', '1.0.0');
    expect(output).toContain('(path-removed)');
    expect(output).toContain('breaking changes allowed');
    expect(status).toBe(0);
  });

  it('passes a non-breaking change (a new optional request property)', () => {
    const file = copy('new-optional-property', (spec) => {
      spec.components.schemas.connectedOrganization.properties.note = { type: 'string' };
    });
    const { status, output } = gate('--revision', file);
    expect(output).toMatch(/: 0 major, [1-9]\d* minor|: 0 major, \d+ minor, [1-9]\d* patch/);
    expect(status).toBe(0);
  });
});
