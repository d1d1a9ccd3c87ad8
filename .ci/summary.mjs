// The closing line of .ci/run: "N passed, N failed, N skipped" summed over every run, counted so that it can never say
// "0 failed" about a failing run. A test file that fails to load, a failing suite or hook, a missing or unparseable
// report, a run that executed no test, and any non-zero exit each count as at least one failure.
//
// Usage: node .ci/summary.mjs RUN...
//   tests:LABEL:EXIT:REPORT   a vitest run: its exit code and its JSON report (--reporter=json --outputFile.json=REPORT)
//   check:LABEL:EXIT          a check without a test report (the lint): 1 passed or 1 failed
// Prints one line per run, then the closing line; exits 1 when anything failed, else 0.
import { readFileSync } from 'node:fs';

/**
 * Counts one vitest run from its exit code and the text of its JSON report (undefined when the file is missing).
 * Vitest's JSON report (jest-compatible): testResults[] per file with status 'passed' | 'failed', message, and
 * assertionResults[] whose status is 'passed' | 'failed' | 'skipped' | 'pending' | 'todo'. A file that failed to load
 * has status 'failed' and no failed assertion (often none at all).
 * @returns {{ passed: number, failed: number, skipped: number, problems: string[] }}
 */
function countTests(exit, reportText) {
  const problems = [];
  let report;
  if (reportText === undefined) problems.push('no JSON report was written');
  else {
    try {
      report = JSON.parse(reportText);
      if (!report || !Array.isArray(report.testResults)) throw new Error('no testResults array');
    } catch (error) {
      problems.push(`the JSON report is unreadable (${error.message})`);
      report = undefined;
    }
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (report) {
    for (const file of report.testResults) {
      const assertions = Array.isArray(file?.assertionResults) ? file.assertionResults : [];
      const failedHere = assertions.filter((a) => a?.status === 'failed').length;
      passed += assertions.filter((a) => a?.status === 'passed').length;
      skipped += assertions.filter((a) => a?.status !== 'passed' && a?.status !== 'failed').length;
      failed += failedHere;
      if (file?.status !== 'passed' && failedHere === 0) {
        failed += 1;
        problems.push(`${file?.name ?? 'a test file'} failed outside its tests: ${String(file?.message ?? '').split('\n')[0] || 'no message'}`);
      }
    }
    if (report.success !== true && failed === 0) {
      failed += 1;
      problems.push('the report says the run did not succeed');
    }
    if (passed + failed + skipped === 0) {
      failed += 1;
      problems.push('the run executed no test');
    }
  } else failed += 1;
  if (exit !== 0 && failed === 0) {
    failed += 1;
    problems.push(`the runner exited ${exit}`);
  }
  return { passed, failed, skipped, problems };
}

/** Parses one RUN argument (see the usage above); the report path is everything after the third colon. */
function parseRun(arg) {
  const [kind, label, exitText, ...rest] = arg.split(':');
  const exit = Number(exitText);
  if ((kind !== 'tests' && kind !== 'check') || !label || exitText === '' || !Number.isInteger(exit)) throw new Error(`bad run argument: ${arg}`);
  if (kind === 'tests' && rest.length === 0) throw new Error(`a tests run needs a report path: ${arg}`);
  return { kind, label, exit, report: rest.join(':') };
}

function readOptional(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const total = { passed: 0, failed: 0, skipped: 0 };
let runs;
try {
  runs = process.argv.slice(2).map(parseRun);
  if (runs.length === 0) throw new Error('no run given');
} catch (error) {
  console.log(`summary: ${error.message}`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
for (const run of runs) {
  const counted =
    run.kind === 'tests'
      ? countTests(run.exit, readOptional(run.report))
      : { passed: run.exit === 0 ? 1 : 0, failed: run.exit === 0 ? 0 : 1, skipped: 0, problems: run.exit === 0 ? [] : [`exited ${run.exit}`] };
  for (const key of Object.keys(total)) total[key] += counted[key];
  // Worded unlike the closing line, so that only the last line reads as 'N passed, N failed'.
  console.log(`  ${run.label}: exit ${run.exit}; tests passed ${counted.passed}, failed ${counted.failed}, skipped ${counted.skipped}`);
  for (const problem of counted.problems) console.log(`    ${problem}`);
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
