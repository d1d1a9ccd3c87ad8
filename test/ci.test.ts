// .ci/run's closing line ("N passed, N failed") comes from .ci/summary.mjs; it must never say "0 failed" about a failing
// run. The script is run as a child process on deliberately broken inputs, including a real vitest JSON report of a
// test file that fails to load.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/spec.js';

const tmp = mkdtempSync(join(tmpdir(), 'ci-summary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const closingLine = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

/** Runs .ci/summary.mjs with RUN arguments; returns its exit code, all its output and the counts of its closing line. */
function summary(...runs: string[]) {
  const run = spawnSync(process.execPath, [join(repoRoot, '.ci/summary.mjs'), ...runs], { encoding: 'utf8' });
  const lines = run.stdout.trimEnd().split('\n');
  const match = closingLine.exec(lines.at(-1) ?? '');
  expect(match, `closing line of:\n${run.stdout}${run.stderr}`).not.toBeNull();
  // Only the closing line may read as 'N passed, N failed': the per-run lines above it are worded otherwise.
  expect(lines.filter((line) => /\d+ passed, \d+ failed/.test(line))).toHaveLength(1);
  const [passed, failed, skipped] = match!.slice(1).map(Number);
  return { status: run.status, output: run.stdout, passed, failed, skipped };
}

let written = 0;
/** Writes a report file and returns its path. */
function report(content: string | object): string {
  const path = join(tmp, `report-${++written}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

// The shape of vitest 4's JSON reporter (jest-compatible), trimmed to what the summary reads and a little more.
const assertion = (title: string, status: string) => ({ ancestorTitles: [], fullName: title, status, title, failureMessages: [] });
const file = (name: string, status: string, assertions: object[], message = '') => ({ name, status, message, assertionResults: assertions });
const goodReport = {
  success: true,
  numFailedTestSuites: 0,
  testResults: [
    file('/repo/test/a.test.ts', 'passed', [assertion('one', 'passed'), assertion('two', 'passed'), assertion('later', 'skipped')]),
    file('/repo/test/b.test.ts', 'passed', [assertion('three', 'passed'), assertion('someday', 'todo')]),
  ],
};

describe('.ci/summary.mjs', () => {
  it('counts a good run: its passed and skipped tests, 0 failed, exit 0', () => {
    expect(summary(`tests:node20:0:${report(goodReport)}`)).toMatchObject({ status: 0, passed: 3, failed: 0, skipped: 2 });
  });

  it('counts a test file that failed to load (status failed, no assertions) as failed', () => {
    const broken = {
      ...goodReport,
      success: false,
      numFailedTestSuites: 1,
      testResults: [...goodReport.testResults, file('/repo/test/c.test.ts', 'failed', [], "ENOENT: no such file or directory, scandir '/nonexistent/seeds'")],
    };
    const counted = summary(`tests:node20:1:${report(broken)}`);
    expect(counted).toMatchObject({ status: 1, passed: 3, failed: 1 });
    expect(counted.output).toContain('c.test.ts failed outside its tests: ENOENT');
  });

  it('counts a failing suite (a hook failed, its tests skipped) as failed', () => {
    const hookFailed = {
      ...goodReport,
      success: false,
      testResults: [file('/repo/test/d.test.ts', 'failed', [assertion('x', 'skipped')], 'beforeAll failed')],
    };
    expect(summary(`tests:node20:1:${report(hookFailed)}`)).toMatchObject({ status: 1, passed: 0, failed: 1, skipped: 1 });
  });

  it('counts each failed test', () => {
    const twoFailed = {
      ...goodReport,
      success: false,
      testResults: [file('/repo/test/e.test.ts', 'failed', [assertion('a', 'failed'), assertion('b', 'failed'), assertion('c', 'passed')])],
    };
    expect(summary(`tests:node20:1:${report(twoFailed)}`)).toMatchObject({ status: 1, passed: 1, failed: 2 });
  });

  it('counts a missing report as failed, even with exit code 0', () => {
    const counted = summary(`tests:node22:0:${join(tmp, 'never-written.json')}`);
    expect(counted).toMatchObject({ status: 1, failed: 1 });
    expect(counted.output).toContain('no JSON report was written');
  });

  it.each([
    ['not JSON', '{"testResults": ['],
    ['empty', ''],
    ['JSON without testResults', '{"success": true}'],
  ])('counts an unparseable report (%s) as failed', (_name, text) => {
    expect(summary(`tests:node22:0:${report(text)}`)).toMatchObject({ status: 1, failed: 1 });
  });

  it('counts an all-passed report whose runner exited 1 as failed', () => {
    const counted = summary(`tests:node24:1:${report(goodReport)}`);
    expect(counted).toMatchObject({ status: 1, passed: 3, failed: 1 });
    expect(counted.output).toContain('the runner exited 1');
  });

  it('counts a report that says it did not succeed as failed, even when no test failed', () => {
    expect(summary(`tests:node24:0:${report({ ...goodReport, success: false })}`)).toMatchObject({ status: 1, failed: 1 });
  });

  it('counts a run that executed no test as failed', () => {
    expect(summary(`tests:node24:0:${report({ success: true, testResults: [] })}`)).toMatchObject({ status: 1, passed: 0, failed: 1 });
  });

  it('counts a check (the lint) as 1 passed or 1 failed by its exit code', () => {
    expect(summary('check:lint:0')).toMatchObject({ status: 0, passed: 1, failed: 0 });
    expect(summary('check:lint:2')).toMatchObject({ status: 1, passed: 0, failed: 1 });
  });

  it('sums every run, so one failing run makes the whole line fail', () => {
    const good = report(goodReport);
    expect(summary('check:lint:0', `tests:node20:0:${good}`, `tests:node22:0:${good}`, `tests:node24:0:${good}`)).toMatchObject({
      status: 0,
      passed: 10,
      failed: 0,
      skipped: 6,
    });
    expect(summary('check:lint:0', `tests:node20:0:${good}`, `tests:node22:1:${join(tmp, 'missing.json')}`)).toMatchObject({
      status: 1,
      passed: 4,
      failed: 1,
    });
  });

  it('refuses malformed arguments or none with a failing closing line', () => {
    expect(summary()).toMatchObject({ status: 1, passed: 0, failed: 1 });
    expect(summary('tests:node20:0')).toMatchObject({ status: 1, failed: 1 });
    expect(summary('tests:node20:zero:/x.json')).toMatchObject({ status: 1, failed: 1 });
  });

  it("reads vitest's own JSON report of a file that fails to load as failed", () => {
    // A real vitest run on two files in a folder of their own: one passes, one throws while it is collected.
    const project = join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'ok.test.mjs'), "test('passes', () => expect(1).toBe(1));\n");
    writeFileSync(join(project, 'broken.test.mjs'), "throw new Error('cannot load');\n");
    const out = join(tmp, 'vitest-report.json');
    // The child must not think it runs inside this vitest worker.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'TEST' && key !== 'NODE_OPTIONS'));
    const run = spawnSync(join(repoRoot, 'node_modules/.bin/vitest'), ['run', '--root', project, '--globals', '--reporter=json', `--outputFile.json=${out}`], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(1);
    expect(summary(`tests:fixture:${run.status}:${out}`)).toMatchObject({ status: 1, passed: 1, failed: 1 });
    // The report alone is enough: its failed count is 0 (the "457 passed, 0 failed"), the summary's is not.
    expect(summary(`tests:fixture:0:${out}`)).toMatchObject({ status: 1, passed: 1, failed: 1 });
  });
});
