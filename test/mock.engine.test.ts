// The Prism-free engine (src/mock/static-engine.ts, on generated/mock-*.ts) against Prism itself
// (src/mock/prism.ts on the full bundled spec): the same requests asked of both, without sockets, must get the
// same verdicts: refusals (type and detail), violations (code, location, message, in order) and outputs (status,
// headers in order, body). First every documented request under every documented answer, then seeded fast-check
// requests, good and hostile. The generated validators are compared with the runtime-compiled ones the same way.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineOperations, mockSpec } from '../generated/mock-contract.js';
import { exactOperations, fixtureValidator, requestValidators } from '../generated/mock-validators.js';
import type { EngineRequest, RequestEngine } from '../src/mock/engine.js';
import type { Preference } from '../src/mock/prefer.js';
import { createPrismAdapter, type PrismAdapter } from '../src/mock/prism.js';
import { createStaticEngine } from '../src/mock/static-engine.js';
import { staticValidators } from '../src/mock/static/validators.js';
import { compileValidators, type OperationValidators } from '../src/mock/validators.js';
import {
  adminRolesOf,
  batchLimitOf,
  cloudsOf,
  deref,
  documentedErrors,
  errorScenarios,
  exampleStatus,
  operationMetadata,
  operationsOf,
  requestExamples,
  responsesOf,
  type Spec,
} from '../src/spec/walk.js';
import { compileRules } from '../src/mock/rules.js';
import { compilePermissions } from '../src/mock/permissions.js';
import { deprecationHeaders, headersOnEveryAnswer } from '../src/mock/graph-headers.js';
import { compileRoutes } from '../src/mock/routes.js';
import { specSeeds } from '../src/mock/fixture.js';
import { entraRoleTemplates } from '../generated/entra-roles.js';
import { bodyArb, idArb, otherTokens, specOperations, validToken, type SpecOperation } from './support/arbitraries.js';
import { documentedRequests } from './support/documented.js';
import { loadSpec } from './support/spec.js';
import Ajv2020 from 'ajv/dist/2020.js';
import { fixtureSchema } from '../src/mock/objects.js';
import { defaultFixture } from '../generated/mock-contract.js';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseContentType, parseMimeHeader, preferredMediaType, wildcardMediaTypeMatch } from '../src/mock/static/media-type.js';
import { multipartFields } from '../src/mock/static/multipart.js';

const spec = loadSpec() as Spec;
let prism: PrismAdapter;
let engine: RequestEngine;
let runtime: Map<string, OperationValidators>;
let generated: Map<string, OperationValidators>;

beforeAll(async () => {
  prism = await createPrismAdapter(spec);
  engine = createStaticEngine({ spec: mockSpec, operations: engineOperations, validators: requestValidators });
  runtime = compileValidators(prism.operations);
  generated = staticValidators(engineOperations, requestValidators, exactOperations);
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

/** Both engines' verdicts on one request (neither writes into it: parameters are coerced in copies, bodies never). */
async function askBoth(request: EngineRequest, prefer: Preference, validateRequest: boolean): Promise<[Settled, Settled]> {
  return [await settle(() => prism.ask(request, prefer, { validateRequest })), await settle(() => engine.ask(request, prefer, { validateRequest }))];
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

describe('createStaticEngine', () => {
  it('refuses operations whose parameters it cannot read as Prism does, naming them', () => {
    const [first] = engineOperations;
    const labelled = { ...first!, request: { ...first!.request, path: [{ name: 'id', style: 'label' }] } };
    expect(() => createStaticEngine({ spec: mockSpec, operations: [labelled], validators: requestValidators })).toThrow(`${first!.id}: path id (label)`);
    const exploded = { ...first!, path: '/v1.0/users/{id*}/x' };
    expect(() => createStaticEngine({ spec: mockSpec, operations: [exploded], validators: requestValidators })).toThrow('{id*}');
  });
});

// ---------- seeded requests ----------

const SEED = 20261127;
const NUM_RUNS = 1200;

/** The bytes of a fuzz body as the pipeline hands it on: parsed when it is JSON, absent otherwise. */
function parsed(bytes: Buffer | undefined): { body?: unknown } {
  if (!bytes || bytes.length === 0) return {};
  try {
    return { body: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return {};
  }
}

const statusesOf = (op: SpecOperation) => op.statuses;
const examplesOf = (op: SpecOperation) => documentedAnswers(op.operationId).flatMap((a) => a.examples);

/** Paths around the operation's own: its template filled with odd ids, changed, cut, extended, or foreign. */
function pathArb(op: SpecOperation): fc.Arbitrary<string> {
  const filled = fc
    .tuple(idArb, idArb)
    .map(([id, other]) => op.path.replace(/\{([^{}]+)\}/g, (_m, name: string) => (name === 'id' ? id.encoded : other.encoded)));
  return fc.oneof(
    { weight: 6, arbitrary: filled },
    filled.map((p) => `${p}/`),
    filled.map((p) => p.toUpperCase()),
    filled.map((p) => p.replace('/v1.0/', '/v2.0/').replace('/beta/', '/v1.0/')),
    filled.map((p) => p.replace(/\/\$ref$/, '')),
    filled.map((p) => p.replace('$ref', '%24ref')),
    filled.map((p) => `${p}/extra`),
    filled.map((p) => p.slice(1)),
    fc.constantFrom('/', '', '/v1.0', '/v1.0/users', '/v1.0/$batch', '/beta/$batch', '//v1.0/users', '/v1.0/users/a/sponsors/b/c/$ref'),
    fc.webPath(),
  );
}

const queryArb: fc.Arbitrary<Record<string, string | string[]>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  fc.dictionary(
    fc.constantFrom('$select', '$expand', '$top', '$filter', '$SELECT', '$Top', '$count', 'api-version', 'x'),
    fc.oneof(
      fc.constantFrom('id,displayName', '100', '0', '1000', '-1', 'abc', '', '1.5', 'x'.repeat(3000)),
      fc.string({ maxLength: 20 }),
      fc.array(fc.constantFrom('1', 'id', ''), { minLength: 2, maxLength: 3 }),
    ),
    { maxKeys: 4 },
  ),
);

const authorizationArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(validToken) },
  fc.constantFrom(...otherTokens),
  fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', 'bearer token', 'Basic dXNlcjpwYXNz', 'Bearer a\nb', 'Token x', ' Bearer x'),
  fc.string({ maxLength: 30 }),
);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

function headersArb(bodyLength: number): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      authorization: authorizationArb,
      'content-type': optional(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'Application/JSON',
          'application/problem+json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          '*/*',
          'application/*',
          'garbage',
          'application/json; charset',
        ),
      ),
      'content-length': optional(fc.constantFrom(String(bodyLength), '0', 'abc', '12')),
      'client-request-id': optional(fc.oneof(fc.uuid(), fc.constantFrom('', 'x'.repeat(200), '123'))),
      accept: fc.option(
        fc.constantFrom('application/json', '*/*', 'text/html', 'application/xml, */*;q=0.1', 'text/plain;q=0', 'application/json;q=0.5, text/plain'),
        {
          nil: undefined,
          freq: 6,
        },
      ),
      cookie: fc.option(fc.constantFrom('a=b'), { nil: undefined, freq: 8 }),
      'x-extra': fc.option(fc.string({ maxLength: 10 }), { nil: undefined, freq: 4 }),
    })
    .map((headers) => Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>);
}

function preferArb(op: SpecOperation): fc.Arbitrary<Preference> {
  const statuses = statusesOf(op);
  const examples = examplesOf(op);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    fc.constantFrom(...statuses).map((code) => ({ code })),
    fc.integer({ min: 100, max: 599 }).map((code) => ({ code })),
    ...(examples.length ? [fc.constantFrom(...examples).map((example) => ({ example }))] : []),
    ...(examples.length ? [fc.tuple(fc.constantFrom(...statuses), fc.constantFrom(...examples)).map(([code, example]) => ({ code, example }))] : []),
    fc.constant({ example: 'noSuchExample' }),
  );
}

const methodArb = (op: SpecOperation) =>
  fc.oneof({ weight: 8, arbitrary: fc.constant(op.method.toLowerCase()) }, fc.constantFrom('get', 'post', 'delete', 'put', 'patch', 'head', 'options'));

const caseArb = fc.constantFrom(...specOperations).chain((op) =>
  fc
    .record({
      operationId: fc.constant(op.operationId),
      method: methodArb(op),
      path: pathArb(op),
      query: queryArb,
      body: bodyArb(op).map(({ body, label }) => ({ ...parsed(body), label, length: body?.length ?? 0 })),
      prefer: preferArb(op),
      validateRequest: fc.boolean(),
    })
    .chain((c) => headersArb(c.body.length).map((headers) => ({ ...c, headers }))),
);

describe('the static engine answers as Prism does, for seeded requests good and bad', () => {
  it(`for ${NUM_RUNS} fast-check requests (seed ${SEED}): bad bodies, wrong types, missing and extra headers, odd paths, queries, Authorization`, async () => {
    const counts = new Map<string, number>();
    const labels = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const request: EngineRequest = {
          method: c.method,
          url: { path: c.path, query: c.query },
          headers: c.headers,
          ...('body' in c.body ? { body: c.body.body } : {}),
        };
        const [fromPrism, fromEngine] = await askBoth(request, c.prefer, c.validateRequest);
        expect(fromEngine).toEqual(fromPrism);
        tally(counts, kind(fromPrism));
        tally(labels, c.body.label);
      }),
      { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true },
    );
    console.log(`seeded: ${NUM_RUNS} requests, equal: ${JSON.stringify(Object.fromEntries(counts))}; bodies: ${JSON.stringify(Object.fromEntries(labels))}`);
    // The run reached refusals, violations and answers alike.
    expect([...counts.keys()].filter((k) => k.startsWith('refused')).length).toBeGreaterThan(1);
    expect([...counts.keys()].some((k) => k.endsWith('with violations'))).toBe(true);
  }, 600_000);
});

const formBodyArb = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.constantFrom('@odata.id', 'displayName', 'state', 'x', '%ZZ', 'a+b'),
        fc.constantFrom('https%3A%2F%2Fgraph.microsoft.com%2Fv1.0%2Fusers%2Fx', 'v', '', '%E0%A4%A', 'a+b', '1'),
      ),
      {
        maxLength: 3,
      },
    )
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  fc
    .array(fc.tuple(fc.constantFrom('@odata.id', 'displayName', 'x'), fc.constantFrom('https://graph.microsoft.com/v1.0/users/x', 'v', 'é'), fc.boolean()), {
      maxLength: 2,
    })
    .map(
      (parts) =>
        `--xyz\r\n${parts.map(([name, value, file]) => `Content-Disposition: form-data; name="${name}"${file ? '; filename="a.txt"\r\nContent-Type: text/plain' : ''}\r\n\r\n${value}\r\n--xyz`).join('\r\n')}--\r\n`,
    ),
  fc.string({ maxLength: 30 }),
);

describe('the static engine answers as Prism does, for url-encoded and multipart bodies', () => {
  it('for 400 seeded string bodies under form media types, with and without a length', async () => {
    const counts = new Map<string, number>();
    const bodied = specOperations.filter((op) => op.hasBody);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodied),
        formBodyArb,
        fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'multipart/form-data', 'multipart/form-data; boundary="xyz"'),
        fc.constantFrom(undefined, '0', '25'),
        async (op, body, contentType, length) => {
          const headers: Record<string, string> = { authorization: validToken, 'content-type': contentType, ...(length && { 'content-length': length }) };
          const path = op.path.replace(/\{[^{}]+\}/g, 'x');
          const [fromPrism, fromEngine] = await askBoth({ method: op.method.toLowerCase(), url: { path, query: {} }, headers, body }, {}, true);
          expect(fromEngine).toEqual(fromPrism);
          tally(counts, kind(fromPrism));
        },
      ),
      { seed: SEED, numRuns: 400, endOnFailure: true },
    );
    console.log(`form bodies: 400 requests, equal: ${JSON.stringify(Object.fromEntries(counts))}`);
    expect(counts.size).toBeGreaterThan(1);
  });
});

// ---------- the validators ----------

const jsonArb = fc.jsonValue({ maxDepth: 3 });

describe('the generated validators answer as the runtime-compiled ones (src/mock/validators.ts)', () => {
  it('have the same operations, exactness and header names', () => {
    expect([...generated.keys()]).toEqual([...runtime.keys()]);
    for (const [id, validators] of runtime) {
      const mine = generated.get(id)!;
      expect({ exact: mine.exact, headerNames: mine.headerNames }, id).toEqual({ exact: validators.exact, headerNames: validators.headerNames });
    }
  });

  it('find the same first body violation, path and header verdicts for seeded values', () => {
    const ops = [...runtime.keys()];
    const bodies = fc.oneof(...specOperations.filter((op) => op.hasBody).map((op) => bodyArb(op).map(({ body }) => parsed(body).body)), jsonArb);
    const params = fc.dictionary(
      fc.constantFrom('id', 'sponsorid', 'client-request-id', 'x'),
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', 'x'.repeat(1100))),
      {
        maxKeys: 3,
      },
    );
    let violations = 0;
    fc.assert(
      fc.property(fc.constantFrom(...ops), bodies, params, (id, body, values) => {
        const [a, b] = [runtime.get(id)!, generated.get(id)!];
        const violation = a.bodyViolation(body);
        expect(b.bodyViolation(body), `${id} body`).toEqual(violation);
        if (violation) violations++;
        expect(b.pathOk({ ...values }), `${id} pathOk`).toBe(a.pathOk({ ...values }));
        expect(b.pathViolation({ ...values }), `${id} pathViolation`).toEqual(a.pathViolation({ ...values }));
        expect(b.headersOk({ ...values }), `${id} headersOk`).toBe(a.headersOk({ ...values }));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(violations).toBeGreaterThan(0);
  });
});

describe('the generated fixture validator and default fixture', () => {
  it('are fixtures/default.yaml as parsed, and a validator with the first error of Ajv2020 compiling fixture.schema.json (as fixture.ts does)', () => {
    expect(defaultFixture).toEqual(parseYaml(readFileSync(new URL('../fixtures/default.yaml', import.meta.url), 'utf8')));
    const runtimeFixture = new Ajv2020.default({ allErrors: false, strict: true }).compile(fixtureSchema);
    const id = fc.oneof(fc.uuid(), fc.constantFrom('', 'a/b', 'x'.repeat(200), 'ok-id'), fc.integer());
    const entry = fc.record(
      {
        id,
        displayName: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
        sponsors: fc.array(id, { maxLength: 2 }),
        userType: fc.constantFrom('Member', 'Guest', 'x'),
      },
      { requiredKeys: [] },
    );
    const fixtures = fc.oneof(
      fc.constant(defaultFixture as unknown),
      fc.dictionary(
        fc.constantFrom('users', 'groups', 'agentUsers', 'servicePrincipals', 'applications', 'connectedOrganizations', 'other'),
        fc.array(entry, { maxLength: 3 }),
        {
          maxKeys: 3,
        },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    let invalid = 0;
    fc.assert(
      fc.property(fixtures, (fixture) => {
        const ok = runtimeFixture(fixture);
        expect(fixtureValidator(fixture)).toBe(ok);
        expect(fixtureValidator.errors?.[0]).toEqual(runtimeFixture.errors?.[0]);
        if (!ok) invalid++;
      }),
      { seed: SEED, numRuns: 1000 },
    );
    expect(fixtureValidator(defaultFixture)).toBe(true);
    expect(invalid).toBeGreaterThan(0);
  });
});

// ---------- media types, against the very packages Prism reads them with ----------

/** Prism's own copies of the packages (resolved from @stoplight/prism-http, as it resolves them). */
const prismRequire = createRequire(createRequire(import.meta.url).resolve('@stoplight/prism-http'));
const MIMEType = prismRequire('whatwg-mimetype') as new (text: string) => { essence: string; parameters: Map<string, string> };
const contentType = prismRequire('content-type') as { parse(text: string): { type: string; parameters: Record<string, string> } };
const accepts = prismRequire('accepts') as (req: { headers: Record<string, string> }) => { type(types: string[]): string | false | string[] };
const prismWildcard = (
  prismRequire('@stoplight/prism-http/dist/validator/utils/wildcardMediaTypeMatch.js') as { wildcardMediaTypeMatch: (a: string, b: string) => boolean }
).wildcardMediaTypeMatch;

const outcome = <T>(run: () => T): { value: T } | { threw: string } => {
  try {
    return { value: run() };
  } catch (error) {
    return { threw: (error as Error).message };
  }
};

describe('media types are read as Prism reads them', () => {
  const piece = fc.constantFrom('application', 'json', 'text', 'plain', '*', 'x-www-form-urlencoded', 'problem+json', 'JSON', ' ', '', 'a b', '"', 'é');
  const param = fc
    .tuple(
      fc.constantFrom('charset', 'q', 'boundary', 'Boundary', 'level', '', ' x'),
      fc.constantFrom('utf-8', '0.5', '"quoted"', '"a\\"b"', '', '1', 'x;y', ' 2'),
    )
    .map(([k, v]) => `${k}=${v}`);
  const mediaType = fc
    .tuple(piece, fc.constantFrom('/', '/', '', '//'), piece, fc.array(param, { maxLength: 2 }), fc.constantFrom(';', '; ', ' ;', ';;'))
    .map(([type, slash, subtype, params, sep]) => [`${type}${slash}${subtype}`, ...params].join(sep));
  const anyText = fc.oneof({ weight: 4, arbitrary: mediaType }, fc.string({ maxLength: 20 }));

  it('whatwg-mimetype (essence and boundary), content-type parse and wildcardMediaTypeMatch', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(outcome(() => parseMimeHeader(a))).toEqual(
          outcome(() => {
            const parsed = new MIMEType(a);
            return [parsed.parameters.get('boundary'), parsed.essence];
          }),
        );
        expect(outcome(() => parseContentType(a))).toEqual(outcome(() => ({ ...contentType.parse(a) })));
        expect(wildcardMediaTypeMatch(a, b)).toBe(prismWildcard(a, b));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('multipart/form-data bodies: the fields parse-multipart-data finds (body.js parseMultipartFormDataParams)', () => {
    const { parseMultipartFormDataParams } = prismRequire('@stoplight/prism-http/dist/validator/validators/body.js') as {
      parseMultipartFormDataParams: (target: string, boundary: string) => { right?: Record<string, string> };
    };
    let parts = 0;
    let threw = 0;
    const line = fc.oneof(
      fc.constantFrom(
        '--b',
        '--b--',
        'Content-Disposition: form-data; name="a"',
        'Content-Disposition: form-data; name=x; filename="f.txt"',
        'Content-Type: text/plain',
        '',
      ),
      fc.constantFrom('Content-Disposition: form-data', 'Content-Disposition: form-data; name="é"; filename=bad', 'value', 'é\u00ff', '\r'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\r\n', '\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        const mine = outcome(() => multipartFields(text, 'b'));
        expect(mine).toEqual(outcome(() => ({ ...parseMultipartFormDataParams(text, 'b').right })));
        if ('value' in mine && Object.keys(mine.value).length > 0) parts++;
        if ('threw' in mine) threw++;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // Bodies with fields and bodies the package throws on were both among them.
    expect(parts).toBeGreaterThan(0);
    expect(threw).toBeGreaterThan(0);
  });

  it('accepts(…).type(…): the content an Accept list prefers', () => {
    const accept = fc.array(fc.oneof(mediaType, fc.constantFrom('*/*', 'application/json;q=0.5', 'text/*;q=0', 'application/*')), {
      minLength: 1,
      maxLength: 4,
    });
    const offered = fc.array(
      fc.constantFrom('application/json', 'text/plain', '*/*', 'application/json; charset=utf-8', 'application/problem+json', 'TEXT/PLAIN'),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(accept, offered, (list, types) => {
        const header = list.join(',');
        expect(preferredMediaType(header, types), `${header} / ${types.join()}`).toEqual(accepts({ headers: { accept: header } }).type(types));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});

// ---------- the trimmed spec ----------

describe('the trimmed spec (generated/mock-contract.ts) tells every mock step what the full one does', () => {
  it('operations, examples, errors, rules, permissions, headers, routes, seeds, clouds and batch limits are equal', () => {
    const facts = (of: Spec) => ({
      operations: operationsOf(of).map(({ template, method, operationId, op }) => ({
        template,
        method,
        operationId,
        batch: op['x-batch'],
        limit: op['x-batch'] ? batchLimitOf(of, op) : 0,
      })),
      exampleStatus: exampleStatus(of),
      documentedErrors: documentedErrors(of),
      requestExamples: requestExamples(of),
      documentedRequests: documentedRequests(of),
      errorScenarios: errorScenarios(of),
      metadata: operationMetadata(of),
      clouds: cloudsOf(of),
      adminRoles: adminRolesOf(of),
      rules: JSON.stringify([...compileRules(of)]),
      permissions: compilePermissions(of, entraRoleTemplates),
      everyAnswer: headersOnEveryAnswer(of),
      deprecation: deprecationHeaders(of),
      routes: compileRoutes(of).all.map((r) => JSON.stringify(r)),
      seeds: specSeeds(of),
    });
    expect(facts(mockSpec)).toEqual(facts(spec));
    // It is smaller: the prose is gone.
    expect(JSON.stringify(mockSpec).length).toBeLessThan(JSON.stringify(spec).length / 2);
  });
});
