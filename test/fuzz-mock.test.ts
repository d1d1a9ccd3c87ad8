// The short, seeded fuzz of the mock (the long one is `npm run fuzz`): hostile raw HTTP requests across every
// operation, each answered with a documented status, a request-id and Graph's error shape, never a 5xx; and a valid
// request still answered with 204 afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startMockServer } from '../src/mock/server.js';
import { checkResponse, closeAgent, requestArb, send, specOperations, validRequest } from '../scripts/fuzz.lib.js';

let server: Awaited<ReturnType<typeof startMockServer>>;
let url: URL;

beforeAll(async () => {
  server = await startMockServer({ port: 0, host: '127.0.0.1' });
  url = new URL(server.url);
});

afterAll(async () => {
  closeAgent();
  await server?.close();
});

describe('mock fuzz (seeded)', () => {
  it('answers every fuzzed request with a documented status and a Graph-shaped body, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        const res = await send(url, req);
        const broken = checkResponse(req, res);
        expect(broken, `${req.method} ${req.path.slice(0, 200)} [${req.label}] ${JSON.stringify(req.headers).slice(0, 300)}`).toBeUndefined();
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('still answers a valid request to every operation with 204 afterwards', async () => {
    for (const op of specOperations) {
      for (let i = 0; i < op.examples.length; i++) {
        const res = await send(url, validRequest(op, i));
        expect(res.status, `${op.operationId}: ${res.body.toString()}`).toBe(204);
        expect(res.body.length).toBe(0);
      }
    }
  });
});
