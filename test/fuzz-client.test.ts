// Property-based fuzz of the client with an injected fetch (no network): the requests it builds for any ids and
// sponsors, and what it does with any answer. Fixed seeds, so a failure reproduces.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGraphClient, GraphError, InvalidIdError, maxAttemptsLimit, operations, parseRetryAfter } from '../src/index.js';
import { sponsorMethods, type OperationId, type SponsorOperationId } from '../src/sponsors.js';
import { createAjv, inline, loadSpec, type Json } from './support/spec.js';

const spec = loadSpec();
const ajv = createAjv();
const baseUrl = 'http://127.0.0.1:9'; // never contacted: fetch is injected
const seed = 20261123;

type SponsorOp = SponsorOperationId;
/** operationId → the client method and version option that call it, from the client's own table. */
const methodOf = Object.fromEntries(
  Object.entries(sponsorMethods).flatMap(([name, row]) => Object.entries(row.ops).map(([version, op]) => [op, { name, version }])),
) as Record<OperationId, { name: string; version: string }>;
const sponsorOps = (Object.keys(operations) as OperationId[]).filter((op): op is SponsorOp => 'sponsorKinds' in operations[op]);
/** Calls the add method of a sponsor operation with the version that selects it. */
const add = (graph: ReturnType<typeof createGraphClient>, op: SponsorOp, id: string, sponsor: { kind: string; id: string }) =>
  (graph as Json)[methodOf[op].name](id, sponsor, { version: methodOf[op].version }) as Promise<void>;

/** The spec's schema of `@odata.id` for an operation, compiled. */
const odataIdValidators = Object.fromEntries(
  sponsorOps.map((op) => {
    const path = operations[op].path;
    const schema = inline(spec, spec.paths[path].post.requestBody).content['application/json'].schema;
    return [op, ajv.compile(schema.properties['@odata.id'])];
  }),
) as Record<SponsorOp, ReturnType<typeof ajv.compile>>;

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** An injected fetch that records what was sent and answers with `answer(attempt)`. */
function recordingFetch(answer: (attempt: number, request: Request) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, method: request.method, headers: request.headers, body: await request.clone().text() });
    return answer(sent.length, request);
  }) as typeof fetch;
  return { sent, fetchImpl };
}

/** No lone surrogates (String.prototype.isWellFormed is ES2024, beyond this tsconfig's lib). */
const isWellFormed = (s: string) => {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
};

const noContent = () => new Response(null, { status: 204 });
const wellFormed = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => isWellFormed(s) && s !== '.' && s !== '..');
const anyId = fc.oneof(
  wellFormed,
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => s !== '.' && s !== '..'),
  fc.constantFrom('a/b', '../x', '%2F', '?q=1', '#f', '$ref', ' ', 'a b', '%', '%ZZ'),
  fc.uuid(),
);

describe('client fuzz: the request it builds', () => {
  it('for any ids and sponsors: a well-formed URL on the spec path, $ref literal, ids encoded, @odata.id valid per the spec', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sponsorOps).chain((op) =>
          fc.record({
            op: fc.constant(op),
            id: anyId,
            kind: fc.constantFrom(...Object.keys(operations[op].sponsorKinds)),
            sponsorId: anyId,
            cloud: fc.constantFrom('global', 'usGovL4', 'usGovL5Dod', 'china') as fc.Arbitrary<'global'>,
          }),
        ),
        async ({ op, id, kind, sponsorId, cloud }) => {
          const { sent, fetchImpl } = recordingFetch(noContent);
          const graph = createGraphClient({ baseUrl, cloud, token: 't', fetch: fetchImpl, retry: false });
          await add(graph, op, id, { kind, id: sponsorId });
          expect(sent).toHaveLength(1);
          const first = sent[0]!;
          const url = new URL(first.url);
          expect(url.origin).toBe(baseUrl);
          expect(url.search).toBe('');
          expect(url.hash).toBe('');
          // The spec path with {id} replaced by exactly one encoded segment, and `$ref` sent as is.
          const [before = '', after = ''] = operations[op].path.split('{id}');
          expect(url.pathname.startsWith(before)).toBe(true);
          expect(url.pathname.endsWith(after)).toBe(true);
          expect(first.url.endsWith('/$ref')).toBe(true);
          const segment = url.pathname.slice(before.length, url.pathname.length - after.length);
          expect(segment).not.toMatch(/[/?#]/);
          expect(decodeURIComponent(segment)).toBe(id);
          expect(first.method).toBe('POST');
          expect(first.headers.get('content-type')).toMatch(/^application\/json/);
          const body = JSON.parse(first.body);
          expect(Object.keys(body)).toEqual(['@odata.id']);
          const valid = odataIdValidators[op](body['@odata.id']);
          expect(valid, `${body['@odata.id']}: ${ajv.errorsText(odataIdValidators[op].errors)}`).toBe(true);
          // The id in @odata.id decodes back to the sponsor id, under the kind's entity set.
          const refUrl = new URL(body['@odata.id']);
          const set = (operations[op].sponsorKinds as Record<string, string>)[kind];
          const [, , refSet, refId] = refUrl.pathname.split('/');
          expect(refSet).toBe(set);
          expect(decodeURIComponent(refId ?? '')).toBe(sponsorId);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('refuses ids that would change the path (empty, ".", "..") and lone surrogates before sending anything', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sponsorOps),
        fc.oneof(
          fc.constantFrom('', '.', '..'),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 5 }).map((s) => s + '\ud800'),
        ),
        fc.boolean(),
        async (op, bad, inPath) => {
          const { sent, fetchImpl } = recordingFetch(noContent);
          const graph = createGraphClient({ baseUrl, token: 't', fetch: fetchImpl, retry: false });
          const kind = Object.keys(operations[op].sponsorKinds)[0]!;
          const call = add(graph, op, inPath ? bad : 'x', { kind, id: inPath ? 'y' : bad });
          const error = await call.then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(InvalidIdError);
          expect(sent).toHaveLength(0);
        },
      ),
      { seed, numRuns: 100 },
    );
  });
});

describe('client fuzz: list and remove', () => {
  const removeOps = (Object.keys(operations) as OperationId[]).filter((op) => operations[op].method === 'delete');

  it('remove: for any two ids, one DELETE on the spec path with each id as exactly one encoded segment', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...removeOps), anyId, anyId, async (op, id, sponsorId) => {
        const { sent, fetchImpl } = recordingFetch(noContent);
        const graph = createGraphClient({ baseUrl, token: 't', fetch: fetchImpl, retry: false }) as Json;
        await graph[methodOf[op].name](id, sponsorId);
        expect(sent).toHaveLength(1);
        expect(sent[0]!.method).toBe('DELETE');
        const [before = '', middle = '', after = ''] = operations[op].path.split(/\{id\}|\{sponsorId\}/);
        const path = new URL(sent[0]!.url).pathname;
        expect(path.startsWith(before) && path.endsWith(after)).toBe(true);
        const [first = '', second = ''] = path.slice(before.length, path.length - after.length).split(middle);
        expect([first, second].map(decodeURIComponent)).toEqual([id, sponsorId]);
      }),
      { seed, numRuns: 200 },
    );
  });

  it("list: whatever @odata.nextLink the answer holds, no request ever leaves baseUrl's origin", async () => {
    const nextLink = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.constantFrom('//evil.example/x', '/v1.0/users/u/sponsors?$skiptoken=1', 'http://127.0.0.1:9@evil.example/', 'http://127.0.0.1:9/x', ''),
      fc.string({ maxLength: 40 }).map((tail) => `${baseUrl}/${tail}`),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(nextLink, async (link) => {
        const { sent, fetchImpl } = recordingFetch((attempt) => Response.json(attempt === 1 ? { value: [1], '@odata.nextLink': link } : { value: [2] }));
        const graph = createGraphClient({ baseUrl, token: 't', fetch: fetchImpl, retry: false });
        const result = await graph.listUserSponsors('u').then(
          (items) => items,
          (e: unknown) => e,
        );
        for (const request of sent) expect(new URL(request.url).origin).toBe(baseUrl);
        if (sent.length === 2) expect(result).toEqual([1, 2]);
        else expect(result).toMatchObject({ name: 'GraphError', code: 'InvalidResponse' });
      }),
      { seed, numRuns: 300 },
    );
  });
});

// ---------- answers ----------

const graphErrorBody = fc.record({
  error: fc.record(
    {
      code: fc.string({ maxLength: 30 }),
      message: fc.string({ maxLength: 60 }),
      innerError: fc.record({ date: fc.string({ maxLength: 20 }), 'request-id': fc.uuid(), 'client-request-id': fc.uuid() }, { requiredKeys: [] }),
    },
    { requiredKeys: ['code', 'message'] },
  ),
});

/** An error answer: any non-204 status with a body that is Graph's, other JSON, truncated JSON, text, bytes or none. */
const answerArb = fc.record({
  status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204),
  body: fc.oneof(
    graphErrorBody.map((b) => ({ kind: 'graph' as const, text: JSON.stringify(b), parsed: b as Json })),
    fc.jsonValue().map((v) => ({ kind: 'json' as const, text: JSON.stringify(v), parsed: v as Json })),
    fc.tuple(graphErrorBody, fc.nat()).map(([b, n]) => {
      const text = JSON.stringify(b);
      return { kind: 'truncated' as const, text: text.slice(0, n % text.length), parsed: undefined };
    }),
    fc.string({ unit: 'binary', maxLength: 80 }).map((text) => ({ kind: 'text' as const, text, parsed: undefined })),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ kind: 'bytes' as const, text: Buffer.from(bytes).toString('latin1'), parsed: undefined, bytes })),
    fc.constant({ kind: 'empty' as const, text: '', parsed: undefined }),
  ),
  requestId: fc.option(fc.uuid(), { nil: undefined }),
  contentType: fc.constantFrom('application/json', 'text/plain', 'text/html', undefined),
});

function toResponse(a: { status: number; body: { text: string; bytes?: Uint8Array }; requestId?: string | undefined; contentType?: string | undefined }) {
  const headers: Record<string, string> = {};
  if (a.requestId) headers['request-id'] = a.requestId;
  if (a.contentType) headers['content-type'] = a.contentType;
  const nullBody = a.status === 205 || a.status === 304;
  return new Response(nullBody ? null : a.body.bytes ? Buffer.from(a.body.bytes) : a.body.text, { status: a.status, headers });
}

const isGraphShaped = (v: Json) =>
  typeof v === 'object' &&
  v !== null &&
  typeof v.error === 'object' &&
  v.error !== null &&
  typeof v.error.code === 'string' &&
  typeof v.error.message === 'string';

describe('client fuzz: any answer other than 204', () => {
  it('rejects with a GraphError carrying what it could read, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(answerArb, fc.constantFrom(...sponsorOps), async (answer, op) => {
        const { sent, fetchImpl } = recordingFetch(() => toResponse(answer));
        const graph = createGraphClient({ baseUrl, token: 't', fetch: fetchImpl, retry: false });
        const kind = Object.keys(operations[op].sponsorKinds)[0]!;
        const error = await add(graph, op, 'x', { kind, id: 'y' }).then(
          () => 'resolved',
          (e: unknown) => e,
        );
        expect(sent).toHaveLength(1);
        expect(error).toBeInstanceOf(GraphError);
        const e = error as GraphError;
        expect(e.status).toBe(answer.status);
        expect(typeof e.code).toBe('string');
        expect(typeof e.message).toBe('string');
        if (answer.requestId) expect(e.requestId).toBe(answer.requestId);
        const sentBody = answer.status === 205 || answer.status === 304 ? '' : answer.body.text;
        if (answer.body.parsed !== undefined && isGraphShaped(answer.body.parsed) && answer.status >= 300) {
          expect(e.code).toBe(answer.body.parsed.error.code);
          expect(e.message).toBe(answer.body.parsed.error.message);
          expect(e.body).toEqual(answer.body.parsed);
          if (!answer.requestId && answer.body.parsed.error.innerError?.['request-id'])
            expect(e.requestId).toBe(answer.body.parsed.error.innerError['request-id']);
        } else if (sentBody === '') {
          expect(e.body).toBeUndefined();
        } else if (answer.body.parsed !== '') {
          // (openapi-fetch JSON-parses error bodies, so the JSON text "" may read as an empty body.)
          expect(e.body).toBeDefined();
        }
      }),
      { seed, numRuns: 400 },
    );
  });
});

// ---------- retries and abort ----------

describe('client fuzz: retries and abort', () => {
  it('never makes more attempts than maxAttempts, and stops before a wait beyond maxTotalWaitMs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(429, 503, 504),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('0', '3600', undefined),
        fc.integer({ min: 0, max: 1000 }),
        async (status, maxAttempts, retryAfter, maxTotalWaitMs) => {
          const { sent, fetchImpl } = recordingFetch(
            () =>
              new Response(JSON.stringify({ error: { code: 'tooManyRequests', message: 'slow down' } }), {
                status,
                headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
              }),
          );
          // baseDelayMs 0: a backoff without Retry-After waits 0 ms, so no test waits on a clock.
          const graph = createGraphClient({ baseUrl, token: 't', fetch: fetchImpl, retry: { maxAttempts, maxTotalWaitMs, baseDelayMs: 0 } });
          const error = await graph.addUserSponsor('x', { kind: 'user', id: 'y' }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(GraphError);
          expect((error as GraphError).status).toBe(status);
          expect(sent.length).toBeLessThanOrEqual(maxAttempts);
          // A one-hour Retry-After is beyond every maxTotalWaitMs here: no retry is started.
          expect(sent.length).toBe(retryAfter === '3600' ? 1 : maxAttempts);
        },
      ),
      { seed, numRuns: 150 },
    );
  });

  it('an abort stops the call at once: before it, during a request, or during a retry wait', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('before', 'during request', 'during wait'), fc.integer({ min: 1, max: 3 }), async (when, abortAtAttempt) => {
        const controller = new AbortController();
        if (when === 'before') controller.abort();
        const { sent, fetchImpl } = recordingFetch(
          (attempt, request) =>
            new Promise<Response>((resolve, reject) => {
              if (when === 'during request' && attempt === abortAtAttempt) {
                // A real fetch rejects when its signal aborts; this one only answers through the signal.
                // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- fetch rejects with AbortSignal.reason, any value by design
                request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
                controller.abort();
                return;
              }
              if (when === 'during wait' && attempt === abortAtAttempt) queueMicrotask(() => setImmediate(() => controller.abort()));
              // One hour: were the wait not cut short by the abort, the test would time out.
              resolve(new Response(null, { status: 503, headers: { 'retry-after': attempt === abortAtAttempt ? '3600' : '0' } }));
            }),
        );
        // timeoutMs: Infinity, else a one-hour wait would be refused up front as ending after the call's timeout.
        const graph = createGraphClient({
          baseUrl,
          token: 't',
          fetch: fetchImpl,
          timeoutMs: Infinity,
          retry: { maxAttempts: 10, maxTotalWaitMs: 10 * 3600_000, baseDelayMs: 0 },
        });
        const error = await graph.addUserSponsor('x', { kind: 'user', id: 'y' }, { signal: controller.signal }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(controller.signal.aborted).toBe(true);
        expect(error).toBe(controller.signal.reason);
        expect(sent.length).toBe(when === 'before' ? 0 : abortAtAttempt);
      }),
      { seed, numRuns: 60 },
    );
  });
});

// ---------- option checks and Retry-After ----------

describe('client fuzz: retry options and Retry-After', () => {
  const anyNumber = fc.oneof(fc.integer({ min: -3, max: 20 }), fc.double(), fc.constantFrom(Infinity, -Infinity, Number.NaN, 2 ** 31, undefined));

  it('any retry options: a RangeError naming the option, or at most min(maxAttempts, 11) attempts even with Retry-After: 0', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ maxAttempts: anyNumber, baseDelayMs: anyNumber, maxTotalWaitMs: anyNumber }), async (retry) => {
        const { sent, fetchImpl } = recordingFetch(() => new Response(null, { status: 429, headers: { 'retry-after': '0' } }));
        let graph;
        try {
          graph = createGraphClient({ baseUrl, token: 't', fetch: fetchImpl, retry });
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message).toMatch(/^retry\.(maxAttempts|baseDelayMs|maxTotalWaitMs) must be/);
          return;
        }
        await expect(graph.addUserSponsor('x', { kind: 'user', id: 'y' })).rejects.toBeInstanceOf(GraphError);
        expect(sent.length).toBe(retry.maxAttempts ?? 4);
        expect(sent.length).toBeLessThanOrEqual(maxAttemptsLimit);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('Retry-After: any HTTP date (IMF-fixdate) reads back as the seconds until it; any other text is a number of seconds or nothing', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), (date) => {
        const whole = Math.floor(date.getTime() / 1000) * 1000;
        expect(parseRetryAfter(new Date(whole).toUTCString(), now)).toBe(Math.max(0, (whole - now) / 1000));
      }),
      { seed, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const seconds = parseRetryAfter(text, now);
        if (/^\s*\d+(\.\d+)?\s*$/.test(text)) expect(seconds).toBe(Number(text));
        else if (!/GMT|\d{4}$/.test(text)) expect(seconds).toBeUndefined();
        else expect(seconds === undefined || (Number.isFinite(seconds) && seconds >= 0)).toBe(true);
      }),
      { seed, numRuns: 500 },
    );
  });
});
