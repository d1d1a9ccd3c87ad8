// `npm run bench [-- --duration 10 --write | --client-only]`: every figure of issues 5 and 10 measured side by side in one run,
// printed as markdown (and written into BENCHMARKS.md with --write). Servers run as child processes so the load
// generator (autocannon, in this process) and the server under test never share an event loop.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { entraRoleTemplates } from '../generated/entra-roles.js';
import { runTokenCommand } from '../src/mock/token-cli.js';
import { operationsOf } from '../src/spec/walk.js';
import { spec, specOperations } from '../test/support/arbitraries.js';
import { clientSection } from './bench-client.js';
import { mswSection } from './bench-msw.js';
import { send, closeAgent, type RawRequest } from '../test/support/http.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    calls: { type: 'string', default: '2000' },
    write: { type: 'boolean', default: false },
    // The client section alone (about a minute), printed only: BENCHMARKS.md is written by a whole run.
    'client-only': { type: 'boolean', default: false },
  },
});
if (values['client-only'] && values.write) throw new Error('--client-only prints the client section only; --write needs the whole bench');
const duration = Number(values.duration);
const root = new URL('..', import.meta.url);
const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};

// The request every server gets: the spec's first addUserSponsor example (path and body), with the ids swapped
// for fresh ones where the mock keeps state: a second identical add is Graph's 400 duplicate.
const op = specOperations.find((o) => o.operationId === 'addUserSponsor')!;
const example = op.examples[0]!;
const exampleRef = (example.body as { '@odata.id': string })['@odata.id'];
/** The sponsor's read URL up to its id (`https://graph.microsoft.com/v1.0/users/`), from the example. */
const refPrefix = exampleRef.slice(0, exampleRef.lastIndexOf('/') + 1);
if (!refPrefix.endsWith('/users/')) throw new Error(`the bench expects ${op.operationId}'s first example to name a user, not ${exampleRef}`);
const targetPath = (id: string) => op.path.replace('{id}', encodeURIComponent(id));
const sponsorBody = (id: string) => JSON.stringify({ '@odata.id': refPrefix + id });

// Ids from a counter. Targets and sponsors differ in the fourth group, so a sponsor is never a target.
const uuid = (group: 'a000' | 'b000' | 'c000', n: number) => `00000000-0000-4000-${group}-${n.toString(16).padStart(12, '0')}`;
/** Under load the targets rotate over this many users: no relation grows without bound, none is the only one. */
const TARGETS = 1000;

// Tokens. An opaque bearer is accepted as it is (the default `--auth open`): the mock checks no claims. The JWT is
// the one `npm run token -- --scp <scope>` prints, with the first scope the operation's `security` accepts in the
// spec, so the JWT row also proves the CLI's token passes the permission check.
const opaqueAuth = 'Bearer bench-opaque-token';
const scope = (operationsOf(spec).find((o) => o.operationId === op.operationId)!.op.security as Record<string, string[]>[])[0]!.microsoftIdentityPlatform![0]!;
const minted = runTokenCommand(['--scp', scope], Date.now(), entraRoleTemplates);
if (minted.code !== 0) throw new Error(`the token command failed: ${minted.stderr}`);
const jwtAuth = `Bearer ${minted.stdout.trim()}`;

/**
 * A valid request for a readiness probe or a check, in its own fresh `x-mock-session`: on our mock it neither
 * meets a sponsor added before (a 400 duplicate) nor adds to the session the load measures.
 */
function probeRequest(authorization: string, body = sponsorBody(uuid('c000', 2))): RawRequest {
  return {
    method: 'POST',
    path: targetPath(uuid('c000', 1)),
    headers: { authorization, 'content-type': 'application/json', 'x-mock-session': `bench-probe-${randomUUID()}` },
    body: Buffer.from(body),
    label: 'probe',
  };
}

async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const children: ChildProcess[] = [];
function stopAll() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', stopAll);

/**
 * Spawns a server and returns once it answers a valid request (probeRequest: 204), with the time from spawn to
 * that first answer.
 */
async function startChild(name: string, argv: string[], port: number, env: Record<string, string> = {}) {
  const started = performance.now();
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = new URL(`http://127.0.0.1:${port}`);
  const probe = probeRequest(opaqueAuth);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    try {
      const res = await send(url, probe);
      if (res.status !== 204) throw new Error(`${name} answered the valid request with ${res.status}: ${res.body.toString()}`);
      return { url, child, startupMs: performance.now() - started };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
    if (performance.now() - started > 60_000) throw new Error(`${name} did not answer within 60 s: ${stderr}`);
  }
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const bareServer = `require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => { r.statusCode = 204; r.end(); }); }).listen(+process.env.PORT, '127.0.0.1');`;

/**
 * 10 connections for `duration` s, each request adding a new sponsor (created on first use: the directory is open
 * by default) to one of TARGETS users, so every request passes the rules and answers 204 on our mock. The
 * load generator rebuilds each request (setupRequest), which costs it CPU: every mock row is paired with a bare
 * row sending the same requests.
 */
async function load(url: URL, authorization: string) {
  let n = 0;
  const r = await autocannon({
    url: url.origin + targetPath(uuid('a000', 0)),
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    connections: 10,
    duration,
    // Two seconds of the same load first, not counted: the figures are of a warmed-up server (JIT, heap), as a
    // mock serving a frontend all day is; without it the first row's p99 carries the compilation.
    warmup: { connections: 10, duration: 2 },
    requests: [
      {
        setupRequest: (req) => {
          n++;
          req.path = targetPath(uuid('a000', n % TARGETS));
          req.body = sponsorBody(uuid('b000', n));
          return req;
        },
      },
    ],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total };
}

/** The child's resident set (Linux /proc), in MiB; undefined elsewhere. */
function rssMiB(child: ChildProcess): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** A control API call (`/_mock/…`) to our mock's default session; throws unless it answers `status`. */
async function control(url: URL, method: 'GET' | 'POST', path: string, status: number): Promise<unknown> {
  const res = await send(url, { method, path, headers: {}, ...(method === 'POST' ? { body: Buffer.alloc(0) } : {}), label: 'control' });
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${res.body.toString()}`);
  return res.body.length ? JSON.parse(res.body.toString()) : undefined;
}

async function defaultSessionSize(url: URL): Promise<number> {
  const report = (await control(url, 'GET', '/_mock/sessions', 200)) as { value: { name: string; size: number }[] };
  const found = report.value.find((s) => s.name === 'default');
  if (!found) throw new Error(`GET /_mock/sessions lists no default session: ${JSON.stringify(report)}`);
  return found.size;
}

/** What the non-2xx answers were, from the session's journal (its last 1,000 requests): `400 Request_BadRequest ×12`. */
async function journalFailures(url: URL): Promise<string> {
  const { value } = (await control(url, 'GET', '/_mock/requests', 200)) as { value: { status: number; errorCode?: string }[] };
  const counts = new Map<string, number>();
  for (const { status, errorCode } of value) {
    if (status < 300) continue;
    const key = errorCode ? `${status} ${errorCode}` : String(status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, c]) => `${k} ×${c}`).join(', ') || 'none among the last 1,000 journaled';
}

async function time(cmd: string): Promise<number | string> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile('sh', ['-c', cmd], { cwd: root, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } }, (err, _o, stderr) =>
      resolve(err ? `failed: ${String(stderr).trim().split('\n').pop()}` : performance.now() - started),
    );
  });
}

const f = (n: number, d = 1) => n.toFixed(d);
const median = (xs: number[] = []) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const benchStarted = performance.now();
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
say(`# Benchmarks`);
say();
say(
  `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 16)} UTC: Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${os.platform()}.`,
);
say(
  `Load average at the start: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} (1, 5, 15 min); other work on the machine skews every figure, the ratios least.`,
);
say(
  `Every server gets the spec's \`${op.operationId}\` request on 127.0.0.1: the client section its first example as it is, the load ` +
    `and start-up sections the same request with fresh ids (our mock keeps state: the same sponsor twice is Graph's 400 duplicate).`,
);
say();

try {
  // ---------- client: cost per call and browser bundle (scripts/bench-client.ts) ----------
  await clientSection(say, { calls: Number(values.calls), root });
  // ---------- the MSW handlers' browser bundle (scripts/bench-msw.ts) ----------
  await mswSection(say);

  // ---------- servers under load ----------
  if (!values['client-only']) {
    // Our mock runs from its esbuild bundle, the code users run (the package's `./mock` export and bin, and
    // `npm run mock`), built the same way into dist/mock.
    const bundled = await time('node scripts/mock-bundle.mjs --out-dir dist/mock');
    if (typeof bundled !== 'number') throw new Error(`bundling the mock ${bundled}`);
    const bare = () => [process.execPath, '-e', bareServer];
    const ours = () => [process.execPath, 'scripts/bench.mock.mjs', 'dist/mock/server.js'];
    const prism = (port: number) => [
      process.execPath,
      'node_modules/@stoplight/prism-cli/dist/index.js',
      'mock',
      'generated/openapi.json',
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
    ];
    type Kind = 'bare' | 'ours' | 'prism';
    type Load = Awaited<ReturnType<typeof load>>;
    // Each pair (bare, ours) gets the same requests (same token, same rebuilt bodies), so the load generator's
    // share of the 2 cores is the same on both sides. The bare server's own figure moves by up to half between
    // runs here (autocannon bounds it), so a pair is measured in ROUNDS interleaved rounds with both servers up
    // (only one loaded at a time) and the median round's ratio counts; our mock's session is reset before each.
    const rounds = Math.max(1, Number(values.rounds));
    const pairs = [
      { label: 'opaque token', mockName: 'our mock, stateful: a new sponsor per request, opaque token', authorization: opaqueAuth, withPrism: true },
      { label: 'JWT', mockName: 'our mock, stateful, JWT passing the permission check', authorization: jwtAuth, withPrism: false },
    ];
    const rows: {
      name: string;
      kind: Kind;
      startupMs: number;
      r: Load;
      share?: number;
      rss: [number | undefined, number | undefined];
      size?: [number, number, number];
    }[] = [];
    const checked = async (name: string, url: URL, kind: Kind, authorization: string): Promise<Load> => {
      const r = await load(url, authorization);
      // Only 2xx counts: a refused request (400 duplicate, 403, 503 past the sessions' size cap) is cheaper than
      // a served one and would inflate the figure, so a row with any is an error, not a result.
      if (r.non2xx > 0 || r.errors > 0) {
        const seen = kind === 'ours' ? `; the journal shows ${await journalFailures(url)}` : '';
        throw new Error(`${name}: ${r.non2xx} non-2xx answers and ${r.errors} errors under load${seen}`);
      }
      return r;
    };
    /** The round whose figure is the median (by req/s), and the median of each figure. */
    const medianOf = (runs: Load[]): Load => ({
      ...[...runs].sort((x, y) => x.rps - y.rps)[Math.floor(runs.length / 2)]!,
      rps: median(runs.map((x) => x.rps)),
      p50: median(runs.map((x) => x.p50)),
      p99: median(runs.map((x) => x.p99)),
    });
    for (const { label, mockName, authorization, withPrism } of pairs) {
      const bareName = `bare node:http (204), ${label}`;
      const [barePort, oursPort] = [await freePort(), await freePort()];
      const bareChild = await startChild(bareName, bare(), barePort, { PORT: String(barePort), HOST: '127.0.0.1' });
      const oursChild = await startChild(mockName, ours(), oursPort, { PORT: String(oursPort), HOST: '127.0.0.1' });
      // Validation must be on while measured: a body the spec rejects gets a 4xx.
      const bad = await send(oursChild.url, probeRequest(authorization, '{"@odata.id":"not a url"}'));
      if (bad.status < 400 || bad.status >= 500) throw new Error(`${mockName} accepted an invalid body (${bad.status})`);
      const bareRuns: Load[] = [];
      const oursRuns: Load[] = [];
      const shares: number[] = [];
      const bareRss: [number | undefined, number | undefined] = [rssMiB(bareChild.child), undefined];
      const oursRss: [number | undefined, number | undefined] = [rssMiB(oursChild.child), undefined];
      let size: [number, number, number] = [0, 0, 0];
      for (let round = 0; round < rounds; round++) {
        bareRuns.push(await checked(bareName, bareChild.url, 'bare', authorization));
        // Our mock's default session back to the fixture, measured before and after the load, and reset again
        // (which must still answer after the load).
        await control(oursChild.url, 'POST', '/_mock/reset', 204);
        const sizeBefore = await defaultSessionSize(oursChild.url);
        const r = await checked(mockName, oursChild.url, 'ours', authorization);
        oursRss[1] = rssMiB(oursChild.child);
        const sizeAfter = await defaultSessionSize(oursChild.url);
        // Every 204 added a relation entry (and most a new sponsor object): state was really kept.
        if (sizeAfter - sizeBefore < r.total)
          throw new Error(`${mockName}: ${r.total} requests answered 204 but the directory grew by ${sizeAfter - sizeBefore}`);
        await control(oursChild.url, 'POST', '/_mock/reset', 204);
        size = [sizeBefore, sizeAfter, await defaultSessionSize(oursChild.url)];
        oursRuns.push(r);
        shares.push((100 * r.rps) / bareRuns.at(-1)!.rps);
      }
      bareRss[1] = rssMiB(bareChild.child);
      await stopChild(oursChild.child);
      rows.push({ name: bareName, kind: 'bare', startupMs: bareChild.startupMs, r: medianOf(bareRuns), rss: bareRss });
      rows.push({ name: mockName, kind: 'ours', startupMs: oursChild.startupMs, r: medianOf(oursRuns), share: median(shares), rss: oursRss, size });
      if (withPrism) {
        const name = 'stock `prism mock` CLI (stateless), the same requests, one round';
        const port = await freePort();
        const started = await startChild(name, prism(port), port, { PORT: String(port), HOST: '127.0.0.1' });
        const rssBefore = rssMiB(started.child);
        const r = await checked(name, started.url, 'prism', authorization);
        rows.push({
          name,
          kind: 'prism',
          startupMs: started.startupMs,
          r,
          share: (100 * r.rps) / medianOf(bareRuns).rps,
          rss: [rssBefore, rssMiB(started.child)],
        });
        await stopChild(started.child);
      }
      await stopChild(bareChild.child);
    }
    const TARGET_SHARE = 40;
    const TARGET_P99_MS = 5;
    const mib = (n?: number) => (n === undefined ? 'n/a' : f(n, 0));
    say(`## Mock under load`);
    say();
    say(
      `autocannon, 10 connections, ${duration} s each after 2 s of warm-up, one server loaded at a time, validations on (an invalid body is checked to get a 4xx first). ` +
        `Each request adds a new sponsor (\`${refPrefix}<new id>\`) to one of ${TARGETS.toLocaleString('en')} users, so our mock, which keeps ` +
        `the directory (open: both are created on first use), answers every one 204 after checking the rules; a row with any non-2xx answer or ` +
        `error stops the bench. Our mock runs from its esbuild bundle (dist/mock/server.js, bundled in ${f(bundled / 1000, 1)} s). The JWT is ` +
        `\`npm run token -- --scp ${scope}\`'s. Each bare row and the mock row below it got the same requests, in ${rounds} interleaved rounds ` +
        `(bare, then our mock reset and loaded); their figures are the median round's, and "% of bare" is the median of the rounds' ratios. ` +
        `The Prism row is one round, against the bare median. RSS is before the first round and after the last.`,
    );
    say(`Targets for our mock (issue 10): at least ${TARGET_SHARE}% of the bare throughput and p99 at most ${TARGET_P99_MS} ms.`);
    say();
    say(`| server | requests | req/s | % of bare | p50 ms | p99 ms | target met | RSS MiB before → after | directory size before → after → reset |`);
    say(`|---|---:|---:|---:|---:|---:|---|---:|---:|`);
    for (const { name, kind, r, share = NaN, rss, size } of rows) {
      const met = kind !== 'ours' ? '' : share >= TARGET_SHARE && r.p99 <= TARGET_P99_MS ? 'yes' : '**no**';
      const sizes = size ? size.map((n) => n.toLocaleString('en')).join(' → ') : '';
      say(
        `| ${name} | ${r.total.toLocaleString('en')} | ${f(r.rps, 0)} | ${kind === 'bare' ? '' : `${f(share)}%`} | ${r.p50} | ${r.p99} | ${met} | ${mib(rss[0])} → ${mib(rss[1])} | ${sizes} |`,
      );
    }
    say();

    // ---------- tooling (before start-up, so the built bin exists to be timed) ----------
    say(`## Tooling wall time`);
    say();
    say(`| command | s |`);
    say(`|---|---:|`);
    for (const script of ['generate', 'lint', 'build']) {
      if (!pkg.scripts?.[script]) {
        say(`| npm run ${script} | not measured: no such script yet |`);
        continue;
      }
      const ms = await time(`npm run --silent ${script}`);
      say(`| npm run ${script} | ${typeof ms === 'number' ? f(ms / 1000, 2) : ms} |`);
      if (script === 'lint' && typeof ms !== 'number') {
        // The lint config lives in openapi/redocly.yaml; time the lint the way the spec tests run it.
        const direct = await time('node_modules/.bin/redocly lint --config openapi/redocly.yaml --format=stylish');
        say(`| redocly lint --config openapi/redocly.yaml | ${typeof direct === 'number' ? f(direct / 1000, 2) : direct} |`);
      }
    }
    say();

    // ---------- start-up ----------
    const { startMockServer } = await import('../src/mock/server.js');
    const t = performance.now();
    const inProc = await startMockServer({ port: 0, host: '127.0.0.1' });
    const res = await send(new URL(inProc.url), probeRequest(opaqueAuth));
    const inProcMs = performance.now() - t;
    await inProc.close();
    if (res.status !== 204) throw new Error(`in-process mock answered ${res.status}`);
    const runs = 5;
    say(`## Start-up: until the first valid request is answered`);
    say();
    say(`From spawn to the first 204, ${runs} runs each (median and fastest). Target: the package's bin under 400 ms.`);
    say();
    say(`| how | median ms | fastest ms |`);
    say(`|---|---:|---:|`);
    say(`| our mock, \`startMockServer()\` in a warm process (modules already loaded), one run | ${f(inProcMs, 0)} | |`);
    const started: Record<Kind, string> = {
      bare: 'bare node:http',
      ours: 'our mock: the bundle through `scripts/bench.mock.mjs` (`startMockServer()`)',
      prism: 'stock `prism mock` CLI',
    };
    for (const kind of ['bare', 'ours', 'prism'] as const) {
      const first = rows.find((row) => row.kind === kind);
      if (first) say(`| ${started[kind]}, the first of its load rows, one run | ${f(first.startupMs, 0)} | |`);
    }
    // How people start it: the package's bin (the esbuild bundle, built by npm run build above) and `npm run mock`
    // (scripts/mock.mjs: bundles the same way, then runs it), directly and through npm.
    const starts: [string, string[]][] = [];
    if (existsSync(new URL('dist/mock/cli.js', root)))
      starts.push(['package bin: `node dist/mock/cli.js` (the bundle)', [process.execPath, 'dist/mock/cli.js']]);
    else say(`| package bin | not measured: no dist/mock/cli.js (npm run build) | |`);
    starts.push(['`node scripts/mock.mjs` (bundle, then run)', [process.execPath, 'scripts/mock.mjs']]);
    starts.push(['`npm run mock` (the same through npm)', ['npm', 'run', '--silent', 'mock']]);
    for (const [name, argv] of starts) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const port = await freePort();
        const s = await startChild(name, argv, port, { PORT: String(port), HOST: '127.0.0.1' });
        times.push(s.startupMs);
        await stopChild(s.child);
      }
      say(`| ${name} | ${f(median(times), 0)} | ${f(Math.min(...times), 0)} |`);
    }
    say();
  }

  say(
    `Whole bench: ${f((performance.now() - benchStarted) / 1000, 0)} s; load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}.`,
  );
} finally {
  closeAgent();
  stopAll();
}

if (values.write) {
  const path = new URL('BENCHMARKS.md', root);
  let notes = '';
  try {
    const old = readFileSync(path, 'utf8');
    const i = old.indexOf('<!-- notes -->');
    if (i >= 0) notes = old.slice(i);
  } catch {
    /* first write */
  }
  // Hand-written analysis below the marker survives a re-run.
  writeFileSync(path, out.join('\n') + '\n\n' + (notes || '<!-- notes -->\n'));
  console.log('\nwrote BENCHMARKS.md');
}
