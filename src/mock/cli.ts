#!/usr/bin/env node
// `npm run mock` / `npx graph-sponsors-mock`: serves the contract on http://127.0.0.1:4010 (PORT, HOST; --spec FILE).
// In a checkout of this repository it watches openapi/ and regenerates + reloads the bundle on change.
// A start that fails prints one line on stderr and exits 1; SIGINT/SIGTERM finish in-flight requests, exit 0.
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { parseArgs } from 'node:util';
import { PROGRAM, createShutdown, describeStartupError, specProblem, startupLines, watchParent, type StartContext } from './lifecycle.js';
import type { MockServer } from './server.js';
import { settingsFromEnv } from './settings.js';
import type { Spec } from '../spec/walk.js';

// Node 22.1+ keeps V8's compiled code of the 1.7 MB bundle between starts (in the OS temp folder), which saves
// most of the time the bin spends before its first answer; on Node 20 this is absent and a no-op.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const USAGE = `Usage: ${PROGRAM} [--spec <bundled spec JSON>]
Serves the contract like Microsoft Graph. PORT (default 4010, 0 = a free port) and HOST (default 127.0.0.1,
loopback only; 0.0.0.0 = every interface) set where it listens.`;

const startedAt = performance.now();
const context: StartContext = { port: 4010, host: '127.0.0.1' };
// Watch messages wait until the start-up lines are printed, so the first lines are always where to send requests.
let ready = false;
const early: string[] = [];
const log = (line: string) => (ready ? console.log(line) : early.push(line));

async function start(): Promise<{ mock: MockServer; spec: Spec }> {
  const { values } = parseArgs({ options: { spec: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  Object.assign(context, settingsFromEnv(process.env));
  // The server module (and Prism with it) loads only once the settings and the spec are known to be good,
  // so a refused one answers at once.
  const specPath = (context.specPath = values.spec ?? (await import('./server.js')).defaultSpecPath());
  const spec: unknown = JSON.parse(readFileSync(specPath, 'utf8'));
  const problem = specProblem(spec);
  if (problem) fail(`${PROGRAM}: the spec ${specPath} ${problem}: pass a bundled spec, e.g. generated/openapi.json.`);
  const { startMockServer } = await import('./server.js');
  // Watching regenerates the checkout's own bundle, so it follows only when that bundle is what is served.
  const mock = await startMockServer({ port: context.port, host: context.host, specPath, watch: values.spec === undefined, log });
  return { mock, spec: spec as Spec }; // specProblem() found it an OpenAPI 3 object with operations
}

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

const starting = start();
const shutdown = createShutdown({
  close: async () => (await starting.catch(() => undefined))?.mock.close(),
  exit: (code) => process.exit(code),
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
// Started by npm (`npm run mock`, npx): end with it, even when its signal stops at the shell in between.
if (process.env.npm_lifecycle_event !== undefined) watchParent({ ppid: () => process.ppid, onGone: () => shutdown('SIGHUP') });

const { mock, spec } = await starting.catch((error: unknown) => fail(describeStartupError(error, context)));
console.log(startupLines(mock.url, spec, Math.round(performance.now() - startedAt)).join('\n'));
ready = true;
for (const line of early) console.log(line);
