#!/usr/bin/env node
// `npm run mock` / `npx graph-sponsors-mock`: serves the contract on http://127.0.0.1:4010 (PORT, HOST; --spec FILE).
// In a checkout of this repository it watches openapi/ and regenerates + reloads the bundle on change.
// A start that fails prints one line on stderr and exits 1; SIGINT/SIGTERM finish in-flight requests, exit 0.
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { parseArgs } from 'node:util';
import { PROGRAM, createShutdown, describeStartupError, specProblem, startupLines, watchParent, type StartContext } from './lifecycle.js';
import type { MockServer } from './server.js';
import { STATE_FLAGS, settingsFromEnv, stateOptionsFromArgs } from './settings.js';
import type { Spec } from '../spec/walk.js';

// Node 22.1+ keeps V8's compiled code of the 1.7 MB bundle between starts (in the OS temp folder), which saves
// most of the time the bin spends before its first answer; on Node 20 this is absent and a no-op.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const USAGE = `Usage: ${PROGRAM} [options]
       ${PROGRAM} token [--scp …] [--roles …] [--wids …] [--expired]   (prints an unsigned test JWT; token --help)
Serves the contract like Microsoft Graph. PORT (default 4010, 0 = a free port) and HOST (default 127.0.0.1,
loopback only; 0.0.0.0 = every interface) set where it listens.
  --spec FILE         bundled spec (JSON); default: the package's
  --fixture FILE      directory fixture, JSON or YAML (or MOCK_FIXTURE); default: fixtures/default.yaml plus the
                      objects the spec's examples name (a file of your own is taken as written)
  --directory MODE    open (default: an id the fixture lacks is created on first use) or strict (404, as Graph)
  --auth MODE         open (default): any opaque token is accepted; strict: a JWT is required. In both, a JWT's
                      exp, aud, scp/roles and wids are checked (403 without the operation's permission)
  --latency MS        added to every answer of a Graph route; with Prefer: delay= and queued delays, 60000 at most
  --chaos RATE        this fraction (0-1) of Graph requests gets a documented 429, 503 or 504
  --seed N            the chaos's seed (default 1; same seed, same failures); only with --chaos
  --id-seed SEED      ids of created objects from SEED (same seed and requests, same ids); default random
Requests with 'x-mock-session: NAME' get their own directory, journal and queue; the control API is under /_mock/
(reset, directory, requests, queue, sessions; see the README).`;

const startedAt = performance.now();
const context: StartContext = { port: 4010, host: '127.0.0.1' };
// Watch messages wait until the start-up lines are printed, so the first lines are always where to send requests.
let ready = false;
const early: string[] = [];
const log = (line: string) => (ready ? console.log(line) : early.push(line));

async function start(): Promise<{ mock: MockServer; spec: Spec; modes: { directory: string; auth: string } }> {
  const { values } = parseArgs({
    options: {
      spec: { type: 'string' },
      ...STATE_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  Object.assign(context, settingsFromEnv(process.env));
  const state = stateOptionsFromArgs(values, process.env);
  // The server module (and Prism with it) loads only once the settings and the spec are known to be good,
  // so a refused one answers at once.
  const specPath = (context.specPath = values.spec ?? (await import('./server.js')).defaultSpecPath());
  const spec: unknown = JSON.parse(readFileSync(specPath, 'utf8'));
  const problem = specProblem(spec);
  if (problem) fail(`${PROGRAM}: the spec ${specPath} ${problem}: pass a bundled spec, e.g. generated/openapi.json.`);
  const { startMockServer } = await import('./server.js');
  // Watching regenerates the checkout's own bundle, so it follows only when that bundle is what is served.
  const mock = await startMockServer({ port: context.port, host: context.host, specPath, watch: values.spec === undefined, log, ...state });
  return { mock, spec: spec as Spec, modes: { directory: state.directory ?? 'open', auth: state.auth ?? 'open' } }; // specProblem() found it an OpenAPI 3 object with operations
}

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

// `graph-sponsors-mock token …` prints a test token and exits; nothing of the server loads for it.
if (process.argv[2] === 'token') {
  const [{ runTokenCommand }, { entraRoleTemplates }] = await Promise.all([import('./token-cli.js'), import('../../generated/entra-roles.js')]);
  const { stdout, stderr, code } = runTokenCommand(process.argv.slice(3), Date.now(), entraRoleTemplates);
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}

const starting = start();
const shutdown = createShutdown({
  close: async () => (await starting.catch(() => undefined))?.mock.close(),
  exit: (code) => process.exit(code),
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
// Started by npm (`npm run mock`, npx): end with it, even when its signal stops at the shell in between.
if (process.env.npm_lifecycle_event !== undefined) watchParent({ ppid: () => process.ppid, onGone: () => shutdown('SIGHUP') });

const { mock, spec, modes } = await starting.catch((error: unknown) => fail(describeStartupError(error, context)));
console.log(startupLines(mock.url, spec, Math.round(performance.now() - startedAt), modes).join('\n'));
ready = true;
for (const line of early) console.log(line);
