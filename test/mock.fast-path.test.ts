// The mock's fast path (src/mock/fast-path.ts) must answer exactly as Prism does: the same request goes to a mock
// with the fast path and to one without (every request through Prism), and status, headers and body must match,
// for every documented request example and for the seeded fuzz cases of test/support/arbitraries.ts. The mock
// keeps state per session: both servers get the same requests in the same order and sessions, so their
// directories evolve alike, and each request is sent twice, so a duplicate is compared as well as a first add.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { requestArb, specOperations, validRequest } from './support/arbitraries.js';
import { successStatus } from './support/documented.js';
import { operations } from '../generated/operations.js';
import { closeAgent, send, type RawRequest, type RawResponse } from './support/http.js';

let fast: MockServer;
let prismOnly: MockServer;

beforeAll(async () => {
  fast = await startMockServer({ port: 0, host: '127.0.0.1' });
  prismOnly = await startMockServer({ port: 0, host: '127.0.0.1', fastPath: false });
  await Promise.all([fast.warmUp(), prismOnly.warmUp()]);
});

afterAll(async () => {
  closeAgent();
  await Promise.all([fast?.close(), prismOnly?.close()]);
});

/** What may differ between two answers to one request: fresh ids and the clock; everything else must be equal. */
function normalise(req: RawRequest, res: RawResponse) {
  const headers: Record<string, unknown> = { ...res.headers };
  const requestId = headers['request-id'];
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  delete headers['request-id'];
  delete headers.date;
  // Node joins a repeated header with ", "; the mock echoes what it received, otherwise it generates one.
  const sent = req.headers['client-request-id'];
  const clientRequestId = headers['client-request-id'];
  if (clientRequestId !== [sent ?? []].flat().join(', ') || sent === undefined) headers['client-request-id'] = '<generated>';
  let body: unknown = res.body.toString('latin1');
  let parsed: { error?: { innerError?: Record<string, string> } } | undefined;
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    // not JSON: compared as bytes
  }
  // A JSON batch's answers carry the batch's ids in their own innerError (src/mock/batch.ts).
  const batched = (parsed as { responses?: Array<{ body?: typeof parsed }> } | undefined)?.responses ?? [];
  for (const inner of [parsed?.error?.innerError, ...batched.map((r) => r.body?.error?.innerError)]) {
    if (!inner) continue;
    expect(inner.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(inner['request-id']).toBe(requestId);
    inner.date = inner['request-id'] = '<live>';
    // Fresh when generated; otherwise compared as is (node's client reads some repeated-header echoes trimmed).
    if (inner['client-request-id'] === clientRequestId && headers['client-request-id'] === '<generated>') inner['client-request-id'] = '<generated>';
  }
  // A created object's id and time stamps are fresh on each server (GUIDs and ISO times at the top level).
  if (res.status === 201 && parsed !== undefined) {
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (name === 'id') (parsed as Record<string, unknown>)[name] = '<fresh id>';
      else if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) (parsed as Record<string, unknown>)[name] = '<now>';
    }
  }
  if (parsed !== undefined) body = parsed;
  return { status: res.status, headers, body };
}

async function both(req: RawRequest) {
  const [a, b] = [await send(new URL(fast.url), req), await send(new URL(prismOnly.url), req)];
  return { fast: normalise(req, a), prism: normalise(req, b) };
}

describe('mock fast path answers as Prism does', () => {
  it('for every documented request example (also with Accept: */* and a client-request-id)', async () => {
    let cases = 0;
    const statuses = new Set<number>(); // of the second sends
    // The fast path serves the operations that take a JSON body (a list or a remove always goes through Prism).
    const withBody = specOperations.filter((op) => op.hasBody);
    for (const op of withBody) {
      // A JSON batch's requests may take the fast path too, each on its own: the batch itself is the one counted.
      const batch = 'batchLimit' in (operations as Record<string, object>)[op.operationId]!;
      for (let i = 0; i < op.examples.length; i++) {
        const inner = () => (batch ? Math.max(0, fast.stats.fastPath - before - 1) : 0);
        let before = 0;
        const plain = validRequest(op, i);
        // Each variant in a session nobody has used (validRequest names a fresh one on each call).
        const variants: RawRequest[] = [
          plain,
          { ...plain, headers: { ...validRequest(op, i).headers, accept: '*/*' } },
          { ...plain, headers: { ...validRequest(op, i).headers, 'client-request-id': '5f9c0f3e-8a2d-4e7b-9b1c-0d2e4f6a8b10' } },
        ];
        for (const req of variants) {
          before = fast.stats.fastPath;
          const { fast: answered, prism } = await both(req);
          expect(answered, `${op.operationId} example ${i}`).toEqual(prism);
          expect(prism.status).toBe(successStatus(op.operationId));
          // The fast path really answered it (otherwise this would compare Prism with itself).
          expect(fast.stats.fastPath - before - inner(), `${op.operationId} example ${i} took the fast path`).toBe(1);
          cases++;
        }
        // The same request again in its session: a duplicate where the operation has the rule (a second object
        // for the create), answered alike after the fast path's checks as after Prism's.
        before = fast.stats.fastPath;
        const { fast: again, prism: againPrism } = await both(plain);
        expect(again, `${op.operationId} example ${i} sent twice`).toEqual(againPrism);
        expect(fast.stats.fastPath - before - inner(), `${op.operationId} example ${i} sent twice took the fast path`).toBe(1);
        statuses.add(againPrism.status);
      }
    }
    expect(cases).toBeGreaterThanOrEqual(withBody.length * 3);
    expect(statuses).toContain(400); // a duplicate was compared
    expect(prismOnly.stats.fastPath).toBe(0);
  });

  it('for a few hundred seeded fuzz cases', async () => {
    const before = fast.stats.fastPath;
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        // Twice, in the case's own session: a valid add the second time is a duplicate on both servers.
        for (const time of ['first', 'second']) {
          const { fast: answered, prism } = await both(req);
          expect(answered, `${time} send: ${req.method} ${req.path.slice(0, 200)} [${req.label}] ${JSON.stringify(req.headers).slice(0, 300)}`).toEqual(prism);
        }
      }),
      { seed: 5, numRuns: 300 },
    );
    // Both kinds of request were in the mix: some took the fast path, the rest went through Prism.
    expect(fast.stats.fastPath).toBeGreaterThan(before);
    expect(fast.stats.prism).toBeGreaterThan(0);
  });
});
