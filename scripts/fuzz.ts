// `npm run fuzz [-- --runs N --seed S --url http://127.0.0.1:PORT]`: at least 10,000 fuzzed requests against the mock
// (started in this process unless --url names a running one), each checked against the answer the spec-derived oracle
// (test/support/contract.ts) says it should get; then the worst-case amplification bodies (issue 9 item 1), a valid
// request, and memory. Prints counts by status and by oracle rule, the largest answer, the mock's peak RSS, and exits 1
// on any wrong answer.
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { DEFAULT_MAX_BODY_BYTES } from '../src/mock/server.js';
import { requestArb, specOperations, validRequest, validToken } from '../test/support/arbitraries.js';
import { checkAnswer, expectedAnswer, pendingMockChanges } from '../test/support/contract.js';
import { closeAgent, errorCode, errorMessage, resent, send, type RawRequest, type RawResponse } from '../test/support/http.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' }, url: { type: 'string' } },
});
const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
// A mock started elsewhere is assumed to run with the default body limit.
const limits = { maxBodyBytes: DEFAULT_MAX_BODY_BYTES };

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
// In-process, the mock's memory is this process's: its RSS is sampled all along for the peak.
let peakRss = process.memoryUsage().rss;
const sampler = values.url ? undefined : setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
sampler?.unref();

let largest = { bytes: 0, what: '' };
const largestByLabel = new Map<string, number>();
async function sendAndMeasure(req: RawRequest): Promise<RawResponse> {
  const res = await send(url, req);
  largestByLabel.set(req.label, Math.max(largestByLabel.get(req.label) ?? 0, res.body.length));
  if (res.body.length > largest.bytes) largest = { bytes: res.body.length, what: `${res.status} ${errorCode(res)} to [${req.label}]` };
  return res;
}

async function validLatencyMs(n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = specOperations[i % specOperations.length]!;
    const t = performance.now();
    const req = validRequest(op, i);
    const res = await send(url, req);
    times.push(performance.now() - t);
    // Its success (204, a list's 200, a create's 201), or a documented remove's 404 in a fresh session.
    const expected = expectedAnswer(req, limits).status;
    if (res.status !== expected) throw new Error(`valid request to ${op.operationId} got ${res.status} (expected ${expected}): ${res.body.toString()}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)] ?? NaN;
}

/**
 * Bodies just under the limit that cost the most to reject (issue 9 item 1): a connectedOrganization whose
 * identitySources break the schema once per item, and a user sponsor with ~1 MiB of keys the schema forbids.
 */
function amplificationCases(): RawRequest[] {
  const budget = limits.maxBodyBytes - 1024;
  const org = specOperations.find((o) => o.hasBody && o.entitySets.length === 0)!;
  const orgBody = JSON.stringify({ ...(org.examples[0]!.body as object), identitySources: [] });
  // 18,000 items of ~57 bytes each: six schema violations apiece (one per oneOf branch and the oneOf), ~108,000 in all,
  // as in the issue's case (a body of small items would break it millions of times and take minutes to answer).
  const items = 18_000;
  const item = JSON.stringify('x'.repeat(Math.floor((budget - orgBody.length) / items) - 3));
  const manyViolations = orgBody.replace('"identitySources":[]', `"identitySources":[${Array(items).fill(item).join(',')}]`);
  const user = specOperations.find((o) => o.hasBody && o.path.includes('/users/'))!;
  const sponsor = JSON.stringify(user.examples[0]!.body).slice(0, -1);
  let keys = '';
  for (let i = 0; sponsor.length + keys.length < budget - 32; i++) keys += `,"k${i}":0`;
  const headers = { authorization: validToken, 'content-type': 'application/json' };
  return [
    { ...validRequest(org), headers, body: Buffer.from(manyViolations), label: `amplification: connectedOrganization with ${items} invalid identitySources` },
    { ...validRequest(user), headers, body: Buffer.from(`${sponsor}${keys}}`), label: 'amplification: user sponsor with ~1 MiB of extra keys' },
  ];
}

const byStatus = new Map<string, number>();
const byRule = new Map<string, number>();
const pending = new Map<string, number>();
const failures: string[] = [];
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const describe = (req: RawRequest) => `${req.method} ${req.path.slice(0, 120)} [${req.label}] headers ${JSON.stringify(req.headers).slice(0, 200)}`;

/** Sends one case and records its verdict; recorded rather than thrown, so one run counts every kind of breakage. */
async function check(req: RawRequest): Promise<void> {
  let res;
  try {
    res = await sendAndMeasure(req);
  } catch (err) {
    bump(byStatus, `no answer ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    failures.push(`${describe(req)}: no answer (${String(err)})`);
    return;
  }
  // A 5xx is counted with its message too, since each message is a distinct bug.
  bump(byStatus, `${res.status} ${errorCode(res)}${res.status >= 500 ? ` (${errorMessage(res)})` : ''}`);
  const verdict = checkAnswer(req, res, limits);
  bump(byRule, `${verdict.expected.status} ${verdict.expected.rule}`);
  if (verdict.pending) bump(pending, verdict.pending);
  if (verdict.broken) failures.push(`${describe(req)}: ${verdict.broken}`);
}

try {
  await validLatencyMs(50); // warm-up
  const before = memory();
  const latencyBefore = await validLatencyMs(200);
  const started = performance.now();

  const result = await fc.check(
    fc.asyncProperty(requestArb, async (req) => {
      await check(req);
      return true;
    }),
    { numRuns: runs, seed },
  );
  const seconds = (performance.now() - started) / 1000;

  // The amplification bodies: each alone, then four of each at once (the issue's case was twenty at once).
  const rssBeforeAmplification = process.memoryUsage().rss;
  const amplification = amplificationCases();
  for (const req of amplification) await check(req);
  await Promise.all(amplification.flatMap((req) => Array.from({ length: 4 }, () => check(req))));

  const latencyAfter = await validLatencyMs(200).catch((err) => {
    failures.unshift(`a valid request after the fuzz failed: ${err}`);
    return NaN;
  });
  const after = memory();
  // Loose bounds, so only a real leak or a lasting slowdown trips them: the script's verdict, never a test's.
  if (latencyAfter > Math.max(5 * latencyBefore, latencyBefore + 5))
    failures.push(`valid requests got slower: median ${latencyAfter.toFixed(2)} ms after vs ${latencyBefore.toFixed(2)} ms before`);
  if (gc && !values.url && after.heapMiB - before.heapMiB > 64) failures.push(`heap grew by ${(after.heapMiB - before.heapMiB).toFixed(1)} MiB after gc`);

  console.log(`fuzzed ${result.numRuns} requests in ${seconds.toFixed(1)} s (seed ${seed}) against ${url.origin}`);
  console.log('\ncount  status code (answered)');
  for (const [k, n] of [...byStatus].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${k}`);
  console.log('\ncount  status rule (expected by the oracle)');
  for (const [k, n] of [...byRule].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${k}`);
  if (pending.size) {
    console.log(`\npending mock changes (${pendingMockChanges.join(', ')}): cases where the mock still answers otherwise`);
    for (const [k, n] of [...pending].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${k}`);
  }
  console.log('');
  for (const req of amplification) {
    console.log(`${req.label}: ${req.body!.length.toLocaleString('en')} bytes sent, answer ${(largestByLabel.get(req.label) ?? 0).toLocaleString('en')} bytes`);
  }
  console.log(`largest answer: ${largest.bytes.toLocaleString('en')} bytes (${largest.what})`);
  console.log(
    values.url
      ? "mock's peak RSS: not measurable with --url (the mock runs in another process)"
      : `mock's peak RSS (in-process, sampled every 10 ms): ${(peakRss / 2 ** 20).toFixed(0)} MiB (${(rssBeforeAmplification / 2 ** 20).toFixed(0)} MiB before the amplification bodies)`,
  );
  console.log(`requests sent again after the server closed an idle kept-alive socket under them: ${resent.count}`);
  console.log(`valid request afterwards: as the oracle says, median ${latencyAfter.toFixed(2)} ms (before the fuzz: ${latencyBefore.toFixed(2)} ms)`);
  console.log(
    `memory (this process${values.url ? ', not the server' : ', mock included'}${gc ? ', after gc' : ', no --expose-gc'}): ` +
      `heap ${before.heapMiB.toFixed(1)} → ${after.heapMiB.toFixed(1)} MiB, rss ${before.rssMiB.toFixed(1)} → ${after.rssMiB.toFixed(1)} MiB`,
  );
  if (failures.length) {
    console.log(`\n${failures.length} wrong answers, first ones:`);
    for (const f of failures.slice(0, 15)) console.log(' - ' + f);
    console.log(`reproduce with: npm run fuzz -- --seed ${seed} --runs ${runs}`);
    process.exitCode = 1;
  } else {
    console.log("\nevery answer was the one the oracle expects, with its own client-request-id, a request-id and Graph's error shape; no 5xx");
  }
} finally {
  if (sampler) clearInterval(sampler);
  closeAgent();
  await close();
}
