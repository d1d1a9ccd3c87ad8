// `npm run bench [-- --duration 10 --write]`: every figure of issue 5 measured side by side in one run, printed as
// markdown (and written into BENCHMARKS.md with --write). Servers run as child processes so the load generator
// (autocannon, in this process) and the server under test never share an event loop.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { specOperations, validRequest } from '../test/support/arbitraries.js';
import { send, closeAgent } from '../test/support/http.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    calls: { type: 'string', default: '2000' },
    write: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const root = new URL('..', import.meta.url);
const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};

// The request every server gets: the spec's first addUserSponsor example, with a bearer token.
const op = specOperations.find((o) => o.operationId === 'addUserSponsor')!;
const request = validRequest(op);

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

/** Spawns a server and returns once it answers a request, with the time from spawn to that first answer. */
async function startChild(name: string, argv: string[], port: number, env: Record<string, string> = {}) {
  const started = performance.now();
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = new URL(`http://127.0.0.1:${port}`);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    try {
      const res = await send(url, request);
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

async function load(url: URL) {
  const r = await autocannon({
    url: url.origin + request.path,
    method: 'POST',
    headers: request.headers as Record<string, string>,
    body: request.body,
    connections: 10,
    duration,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total };
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
say(`Every server answers the same valid request (the spec's \`${op.operationId}\` example) on 127.0.0.1.`);
say();

try {
  // ---------- client cost per call ----------
  {
    const port = await freePort();
    const bare = await startChild('bare node:http', [process.execPath, '-e', bareServer], port, { PORT: String(port) });
    const { createGraphClient } = await import('../src/index.js');
    const baseUrl = bare.url.origin;
    const graph = createGraphClient({ baseUrl, token: 'bench' });
    const ex = op.examples[0]!;
    const sponsorBody = ex.body as { '@odata.id': string };
    const [, kindSet, sponsorId] = /\/(users|groups)\/([^/]+)$/.exec(sponsorBody['@odata.id'])!;
    const kind = kindSet === 'users' ? 'user' : 'group';
    const targetUrl = `${baseUrl}${request.path}`;
    const calls: Record<string, () => Promise<unknown>> = {
      'plain fetch': async () => {
        const res = await fetch(targetUrl, {
          method: 'POST',
          headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
          body: JSON.stringify(sponsorBody),
        });
        if (res.status !== 204) throw new Error(`plain fetch got ${res.status}`);
        await res.arrayBuffer();
      },
      'client op function': () => graph.addUserSponsor(ex.id!, { kind, id: sponsorId } as never),
      'raw openapi-fetch client': async () => {
        const { response } = await graph.raw.POST('/v1.0/users/{id}/sponsors/$ref', {
          params: { path: { id: ex.id! } },
          body: sponsorBody as never,
        });
        if (response.status !== 204) throw new Error(`raw got ${response.status}`);
      },
    };
    const n = Number(values.calls);
    const perCall: Record<string, number[]> = Object.fromEntries(Object.keys(calls).map((k) => [k, []]));
    for (const call of Object.values(calls)) for (let i = 0; i < 300; i++) await call(); // warm-up (JIT, sockets)
    // Rounds interleave the three so drift (GC, CPU frequency) hits them alike; the median round counts.
    for (let round = 0; round < 7; round++) {
      for (const [name, call] of Object.entries(calls)) {
        const t = performance.now();
        for (let i = 0; i < n; i++) await call();
        perCall[name]!.push(((performance.now() - t) * 1000) / n);
      }
    }
    const base = median(perCall['plain fetch']);
    say(`## Client: cost per call against a local node:http server answering 204`);
    say();
    say(`${n} sequential calls per round, 7 interleaved rounds, median round. Target: at most 1.10× plain fetch.`);
    say();
    say(`| caller | µs per call | × plain fetch | target met |`);
    say(`|---|---:|---:|---|`);
    for (const name of Object.keys(calls)) {
      const m = median(perCall[name]);
      say(`| ${name} | ${f(m)} | ${f(m / base, 2)} | ${name === 'plain fetch' ? '' : m / base <= 1.1 ? 'yes' : '**no**'} |`);
    }
    say();
    await stopChild(bare.child);
  }

  // ---------- servers under load ----------
  {
    const rows: { name: string; startupMs: number; r: Awaited<ReturnType<typeof load>> }[] = [];
    const targets: [string, (port: number) => string[], Record<string, string>?][] = [
      ['bare node:http (204)', () => [process.execPath, '-e', bareServer]],
      ['our mock', () => [process.execPath, '--import', 'tsx', 'scripts/bench.mock.ts']],
      [
        'stock `prism mock` CLI',
        (port) => [
          process.execPath,
          'node_modules/@stoplight/prism-cli/dist/index.js',
          'mock',
          'generated/openapi.json',
          '-p',
          String(port),
          '-h',
          '127.0.0.1',
        ],
      ],
    ];
    for (const [name, argv] of targets) {
      const port = await freePort();
      const s = await startChild(name, argv(port), port, { PORT: String(port), HOST: '127.0.0.1' });
      if (name !== 'bare node:http (204)') {
        // Validation must be on while measured: a body the spec rejects gets a 4xx.
        const bad = await send(s.url, { ...request, body: Buffer.from('{"@odata.id":"not a url"}') });
        if (bad.status < 400 || bad.status >= 500) throw new Error(`${name} accepted an invalid body (${bad.status})`);
      }
      rows.push({ name, startupMs: s.startupMs, r: await load(s.url) });
      await stopChild(s.child);
    }
    const bare = rows[0]!.r.rps;
    say(`## Mock under load`);
    say();
    say(`autocannon, 10 connections, ${duration} s each, one server at a time, validations on (an invalid body is checked to get a 4xx first).`);
    say(`Targets for our mock: at least 25% of the bare server's throughput, p99 under 10 ms.`);
    say();
    say(`| server | req/s | % of bare | p50 ms | p99 ms | non-2xx | errors |`);
    say(`|---|---:|---:|---:|---:|---:|---:|`);
    for (const { name, r } of rows) say(`| ${name} | ${f(r.rps, 0)} | ${f((100 * r.rps) / bare)}% | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
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
    const res = await send(new URL(inProc.url), request);
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
    for (const { name, startupMs } of rows) say(`| ${name}, from source with tsx (for ours), one run | ${f(startupMs, 0)} | |`);
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
