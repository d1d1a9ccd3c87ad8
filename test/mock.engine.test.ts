// The Prism-free engine (src/mock/static-engine.ts, on generated/mock-*.ts) against Prism itself
// (src/mock/prism.ts on the full bundled spec): the same requests asked of both, without sockets, must get the
// same verdicts: refusals (type and detail), violations (code, location, message, in order) and outputs (status,
// headers in order, body). First every documented request under every documented answer, then seeded fast-check
// requests, good and hostile. The generated validators are compared with the runtime-compiled ones the same way.
import { beforeAll, describe, expect, it } from 'vitest';
import { engineOperations, mockSpec } from '../generated/mock-contract.js';
import { requestValidators } from '../generated/mock-validators.js';
import type { EngineRequest, RequestEngine } from '../src/mock/engine.js';
import type { Preference } from '../src/mock/prefer.js';
import { createPrismAdapter, type PrismAdapter } from '../src/mock/prism.js';
import { createStaticEngine } from '../src/mock/static-engine.js';
import { operationsOf, responsesOf, deref, type Spec } from '../src/spec/walk.js';
import { documentedRequests } from './support/documented.js';
import { loadSpec } from './support/spec.js';

const spec = loadSpec() as Spec;
let prism: PrismAdapter;
let engine: RequestEngine;

beforeAll(async () => {
  prism = await createPrismAdapter(spec);
  engine = createStaticEngine({ spec: mockSpec, operations: engineOperations, validators: requestValidators });
});

type Settled = { ok: true; value: unknown; headerOrder?: string[] } | { ok: false; error: string };

async function settle(ask: () => Promise<unknown>): Promise<Settled> {
  try {
    const value = await ask();
    const headers = (value as { output?: { headers?: Record<string, unknown> } }).output?.headers;
    return { ok: true, value, ...(headers && { headerOrder: Object.keys(headers) }) };
  } catch (error) {
    return { ok: false, error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Both engines' verdicts on one request (each gets its own copy: Prism's coercion writes into what it reads). */
async function askBoth(request: EngineRequest, prefer: Preference, validateRequest: boolean): Promise<[Settled, Settled]> {
  return [
    await settle(() => prism.ask(structuredClone(request), prefer, { validateRequest })),
    await settle(() => engine.ask(structuredClone(request), prefer, { validateRequest })),
  ];
}

/** What a verdict was, for the tallies the tests print. */
function kind(settled: Settled): string {
  if (!settled.ok) return 'threw';
  const value = settled.value as { refused?: string; output?: { statusCode: number }; violations?: unknown[] };
  if (value.refused) return `refused ${value.refused}`;
  return `${value.output!.statusCode}${value.violations!.length ? ' with violations' : ''}`;
}

function tally(counts: Map<string, number>, key: string) {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Each documented response of an operation: its status and example names (from the full spec). */
function documentedAnswers(operationId: string): Array<{ status: number; examples: string[] }> {
  const entry = operationsOf(spec).find((e) => e.operationId === operationId)!;
  return responsesOf(spec, entry.op).map(([status, response]) => ({
    status: Number(status),
    examples: Object.keys(deref(spec, response).content?.['application/json']?.examples ?? {}),
  }));
}

describe('the static engine answers as Prism does', () => {
  it('for every documented request under every documented answer (Prefer code and example), with and without a token', async () => {
    const counts = new Map<string, number>();
    let asked = 0;
    for (const example of documentedRequests(spec)) {
      const answers = documentedAnswers(example.operationId);
      const prefers: Preference[] = [{}];
      for (const { status, examples } of answers) {
        prefers.push({ code: status });
        for (const name of examples) prefers.push({ code: status, example: name }, { example: name });
      }
      // Asked for what the operation does not document: a status and an example of another status.
      prefers.push({ code: 418 }, { example: 'noSuchExample' }, { code: answers[0]!.status, example: 'noSuchExample' });
      const body = example.body === undefined ? {} : { body: example.body };
      const json: Record<string, string> =
        example.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(JSON.stringify(example.body).length) };
      for (const authorization of [{ authorization: 'Bearer documented' }, {}] as Array<Record<string, string>>) {
        const request: EngineRequest = { method: example.method, url: { path: example.path, query: {} }, headers: { ...authorization, ...json }, ...body };
        for (const prefer of prefers) {
          for (const validateRequest of [true, false]) {
            const [fromPrism, fromEngine] = await askBoth(request, prefer, validateRequest);
            expect(fromEngine, `${example.operationId} ${example.name} ${JSON.stringify(prefer)} ${Object.keys(authorization).join()}`).toEqual(fromPrism);
            tally(counts, kind(fromPrism));
            asked++;
          }
        }
      }
    }
    console.log(`documented: ${asked} requests asked of both engines, equal: ${JSON.stringify(Object.fromEntries(counts))}`);
    expect(asked).toBeGreaterThan(1000);
    // The comparison can fail: the documented answers include successes, documented errors and refusals.
    expect([...counts.keys()].some((k) => k.startsWith('refused'))).toBe(true);
    expect([...counts.keys()].some((k) => k.startsWith('2'))).toBe(true);
  });
});
