// `npm run fuzz [-- --runs N --seed S --url http://127.0.0.1:PORT]`: at least 10,000 fuzzed requests against the mock
// (started in this process unless --url names a running one), then a valid request, then memory before/after.
// Prints counts by status and error code, and exits 1 on any broken property.
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { checkResponse, closeAgent, errorCode, errorMessage, requestArb, send, specOperations, validRequest, type RawRequest } from './fuzz.lib.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' }, url: { type: 'string' } },
});
const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;

let url: URL;
let close = async () => {};
if (values.url) {
  url = new URL(values.url);
} else {
  const { startMockServer } = await import('../src/mock/server.js');
  const server = await startMockServer({ port: 0, host: '127.0.0.1' });
  url = new URL(server.url);
  close = async () => server.close();
}

const gc = (globalThis as { gc?: () => void }).gc;
const memory = () => {
  gc?.();
  const m = process.memoryUsage();
  return { heapMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 };
};

async function validLatencyMs(n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = specOperations[i % specOperations.length]!;
    const t = performance.now();
    const res = await send(url, validRequest(op, i));
    times.push(performance.now() - t);
    if (res.status !== 204) throw new Error(`valid request to ${op.operationId} got ${res.status}: ${res.body}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)] ?? NaN;
}

const byStatus = new Map<string, number>();
const byLabel = new Map<string, number>();
const failures: string[] = [];
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

try {
  await validLatencyMs(50); // warm-up
  const before = memory();
  const latencyBefore = await validLatencyMs(200);
  const started = performance.now();

  const result = await fc.check(
    fc.asyncProperty(requestArb, async (req: RawRequest) => {
      let res;
      try {
        res = await send(url, req);
      } catch (err) {
        bump(byStatus, `no answer ${(err as NodeJS.ErrnoException).code ?? err}`);
        failures.push(`${req.method} ${req.path.slice(0, 120)} [${req.label}]: no answer (${err})`);
        return true;
      }
      // A 5xx is counted with its message too, since each message is a distinct bug.
      bump(byStatus, `${res.status} ${errorCode(res)}${res.status >= 500 ? ` (${errorMessage(res)})` : ''}`);
      bump(byLabel, req.label.split(' + ').pop() ?? '');
      const broken = checkResponse(req, res);
      if (broken) failures.push(`${req.method} ${req.path.slice(0, 120)} [${req.label}] headers ${JSON.stringify(req.headers).slice(0, 200)}: ${broken}`);
      // Recorded rather than thrown, so one run counts every kind of breakage instead of stopping at the first.
      return true;
    }),
    { numRuns: runs, seed },
  );

  const seconds = (performance.now() - started) / 1000;
  const latencyAfter = await validLatencyMs(200).catch((err) => {
    failures.unshift(`a valid request after the fuzz failed: ${err}`);
    return NaN;
  });
  const after = memory();
  // Loose bounds, so only a real leak or a lasting slowdown trips them: the script's verdict, never a test's.
  if (latencyAfter > Math.max(5 * latencyBefore, latencyBefore + 5)) failures.push(`valid requests got slower: median ${latencyAfter.toFixed(2)} ms after vs ${latencyBefore.toFixed(2)} ms before`);
  if (gc && !values.url && after.heapMiB - before.heapMiB > 64) failures.push(`heap grew by ${(after.heapMiB - before.heapMiB).toFixed(1)} MiB after gc`);

  console.log(`fuzzed ${result.numRuns} requests in ${seconds.toFixed(1)} s (seed ${seed}) against ${url.origin}`);
  console.log('\ncount  status code');
  for (const [k, n] of [...byStatus].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${k}`);
  console.log('\ncount  body kind sent');
  for (const [k, n] of [...byLabel].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${k}`);
  console.log(`\nvalid request afterwards: 204, median ${latencyAfter.toFixed(2)} ms (before the fuzz: ${latencyBefore.toFixed(2)} ms)`);
  console.log(
    `memory (this process${values.url ? ', not the server' : ', mock included'}${gc ? ', after gc' : ', no --expose-gc'}): ` +
      `heap ${before.heapMiB.toFixed(1)} → ${after.heapMiB.toFixed(1)} MiB, rss ${before.rssMiB.toFixed(1)} → ${after.rssMiB.toFixed(1)} MiB`,
  );
  if (failures.length) {
    console.log(`\n${failures.length} broken properties, first ones:`);
    for (const f of failures.slice(0, 15)) console.log(' - ' + f);
    console.log(`reproduce with: npm run fuzz -- --seed ${seed} --runs ${runs}`);
    process.exitCode = 1;
  } else {
    console.log('\nevery response had a documented status, a request-id and Graph\'s error shape; no 5xx');
  }
} finally {
  closeAgent();
  await close();
}
