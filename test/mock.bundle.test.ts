// The mock as it ships (one esbuild bundle with Prism inside and unused modules stubbed at build time,
// scripts/mock-bundle.mjs) must answer exactly as the source does: the same requests go to the built bundle's
// server (a child process, the bundle found where the package puts it) and to the source server (this process),
// and status, headers and body must match apart from fresh ids and the clock: every documented request example,
// every documented error scenario, and requests that fail for a reason of their own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { errorScenarios, type RequestExample } from '../src/spec/walk.js';
import { documentedRequests } from './support/documented.js';
import { freshSession } from './support/session.js';
import { bundledSpecPath, loadSpec, repoRoot } from './support/spec.js';

const spec = loadSpec();
// Lists and removes included (their documented request has no body).
const examples = documentedRequests(spec);
const scenarios = errorScenarios(spec);
const tmp = mkdtempSync(join(tmpdir(), 'mock-bundle-test-'));

interface Summary {
  serverBytes: number;
  packages: string[];
  stubbed: string[];
  replaced: string[];
}
let summary: Summary;

beforeAll(() => {
  // The package's layout: dist/mock/{server,cli}.js and the spec in dist/generated, under an ESM package.json.
  const bundle = spawnSync(process.execPath, [join(repoRoot, 'scripts/mock-bundle.mjs'), '--out-dir', join(tmp, 'dist/mock')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(bundle.status, bundle.stderr).toBe(0);
  summary = JSON.parse(bundle.stdout);
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ type: 'module' }));
  mkdirSync(join(tmp, 'dist/generated'));
  copyFileSync(bundledSpecPath, join(tmp, 'dist/generated/openapi.json'));
  // The default fixture ships in the package at fixtures/ (package.json `files`): the mock reads
  // fixtures/default.yaml two levels above dist/mock.
  cpSync(join(repoRoot, 'fixtures'), join(tmp, 'fixtures'), { recursive: true });
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Req {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}
interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function send(base: string, req: Req): Promise<Res> {
  const { hostname, port } = new URL(base);
  if (hostname !== '127.0.0.1') throw new Error('only loopback');
  return new Promise((resolve, reject) => {
    let answered = false;
    const r = http.request({ host: hostname, port, method: req.method, path: req.path, headers: req.headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // A server that refuses a large body early may close while this side still writes; the answer is what counts.
    r.on('error', (error) => {
      if (!answered) reject(error);
    });
    r.end(req.body);
  });
}

/** What may differ between two answers to one request: fresh ids and the clock. */
function normalise(res: Res) {
  const headers: Record<string, unknown> = { ...res.headers };
  const requestId = headers['request-id'];
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  for (const name of ['request-id', 'client-request-id', 'date']) delete headers[name];
  let body: unknown = res.body.toString('latin1');
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    // not JSON: compared as text
  }
  type Answer = { error?: { innerError?: Record<string, unknown> } } | undefined;
  // A JSON batch's answers carry the batch's ids in their own innerError (src/mock/batch.ts).
  const batched = (body as { responses?: Array<{ body?: Answer }> } | undefined)?.responses ?? [];
  for (const inner of [(body as Answer)?.error?.innerError, ...batched.map((r) => r.body?.error?.innerError)]) {
    if (!inner) continue;
    expect(inner['request-id']).toBe(requestId);
    expect(inner.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    for (const key of ['date', 'request-id', 'client-request-id']) inner[key] = '<live>';
  }
  // A created object's id and time stamps are fresh on each server (a GUID, ISO times at the top level).
  if (res.status === 201 && typeof body === 'object' && body !== null) {
    for (const [name, value] of Object.entries(body)) {
      if (name === 'id') (body as Record<string, unknown>)[name] = '<fresh id>';
      else if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) (body as Record<string, unknown>)[name] = '<now>';
    }
  }
  return { status: res.status, headers, body };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const bearer = { authorization: 'Bearer bundle-test', 'content-type': 'application/json' };
const documented = (
  ex: RequestExample,
  label: string,
  headers: Record<string, string> = bearer,
  body: Buffer | undefined = ex.body === undefined ? undefined : json(ex.body),
): Req => ({
  label: `${ex.operationId}/${ex.name}: ${label}`,
  method: ex.method.toUpperCase(),
  path: ex.path,
  headers,
  body,
});

/** Requests the mock refuses for a reason of its own, on the first documented request of each operation. */
function invalidRequests(ex: RequestExample): Req[] {
  const big = Buffer.alloc(1024 * 1024 + 1, 'a');
  const nested = Buffer.from(`${'['.repeat(100)}${']'.repeat(100)}`);
  const firstScenario = scenarios.find((s) => s.operationId === ex.operationId)!;
  const otherStatus = firstScenario.status === 400 ? 404 : 400;
  return [
    documented(ex, 'no Authorization', { 'content-type': 'application/json' }),
    documented(ex, 'empty bearer', { ...bearer, authorization: 'Bearer ' }),
    documented(ex, 'text/plain body', { ...bearer, 'content-type': 'text/plain' }),
    documented(ex, 'latin-1 charset', { ...bearer, 'content-type': 'application/json; charset=iso-8859-1' }),
    documented(ex, 'gzip encoding', { ...bearer, 'content-encoding': 'gzip' }),
    documented(ex, 'malformed JSON', bearer, Buffer.from('{"@odata.id":')),
    documented(ex, 'invalid UTF-8', bearer, Buffer.from([0x7b, 0xff, 0x7d])),
    documented(ex, 'nested too deep', bearer, nested),
    documented(ex, 'empty object', bearer, json({})),
    documented(ex, 'no body', { authorization: bearer.authorization }, undefined),
    documented(ex, '@odata.id not a URL', bearer, json({ '@odata.id': 'not a url' })),
    documented(ex, 'extra property', bearer, json({ ...(ex.body as object), extra: true })),
    documented(ex, 'body over 1 MB', bearer, big),
    documented(ex, 'unknown Prefer example', { ...bearer, prefer: 'example=noSuchExample' }),
    documented(ex, 'Prefer status not of the example', { ...bearer, prefer: `code=${otherStatus}, example=${firstScenario.example}` }),
    documented(ex, 'Prefer undocumented status', { ...bearer, prefer: 'code=418' }),
    documented(ex, 'Accept: application/xml', { ...bearer, accept: 'application/xml' }),
    documented(ex, 'malformed Accept', { ...bearer, accept: 'not a media range' }),
    documented(ex, 'cross-origin', { ...bearer, origin: 'http://localhost:5173' }),
    { ...documented(ex, 'GET (method not allowed)'), method: 'GET', body: undefined },
    { ...documented(ex, 'DELETE (method not allowed)'), method: 'DELETE' },
    { ...documented(ex, 'CORS preflight', { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' }, undefined), method: 'OPTIONS' },
    { ...documented(ex, 'query string'), path: `${ex.path}?$select=id` },
    { ...documented(ex, '%24ref spelled encoded'), path: ex.path.replace(/\$ref$/, '%24ref') },
    { ...documented(ex, 'malformed percent-encoding'), path: ex.path.replace(/\/\$ref$/, '%zz/$ref') },
    { ...documented(ex, 'unknown segment'), path: ex.path.replace(/\/\$ref$/, '/nope/$ref') },
    { ...documented(ex, 'unknown version'), path: ex.path.replace(/^\/[^/]+/, '/v9.9') },
  ];
}

/** Starts the bundle's server in a child process (its default spec path, fast path built) and returns its URL. */
async function startBundle(): Promise<{ url: string; child: ChildProcess }> {
  writeFileSync(
    join(tmp, 'serve.mjs'),
    `import { startMockServer } from './dist/mock/server.js';
const server = await startMockServer({ port: 0, host: '127.0.0.1' });
await server.warmUp();
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
console.log(server.url);
`,
  );
  const child = spawn(process.execPath, [join(tmp, 'serve.mjs')], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`bundle server exited (${code}) before listening:\n${output}`)));
  });
  return { url, child };
}

describe('the bundled mock (scripts/mock-bundle.mjs)', () => {
  it('holds Prism and stubs the modules the mock never uses', () => {
    expect(summary.packages).toEqual(expect.arrayContaining(['@stoplight/prism-core', '@stoplight/prism-http', '@stoplight/http-spec']));
    const unused = ['@faker-js/faker', 'json-schema-faker', 'postman-collection', 'node-fetch', 'http-proxy-agent', 'https-proxy-agent', 'chalk'];
    for (const name of unused) expect(summary.packages).not.toContain(name);
    expect([...summary.stubbed, ...summary.replaced].sort()).toEqual([...unused].sort());
  });

  it('answers every documented request, error scenario and invalid request exactly as the source does', async () => {
    let source: MockServer | undefined;
    let bundle: { url: string; child: ChildProcess } | undefined;
    try {
      source = await startMockServer({ port: 0, host: '127.0.0.1' });
      await source.warmUp();
      bundle = await startBundle();
      // The mock keeps state: both servers get the same requests in the same order (and the same session names),
      // so their directories evolve alike. Each documented request goes in a session nobody has used (204), then
      // once more in that session (the duplicate, or for the create a second object); the invalid requests below
      // share the default session.
      const requests: Req[] = [];
      for (const ex of examples) {
        const session = freshSession();
        requests.push(
          documented(ex, 'documented', { ...bearer, ...session }),
          documented(ex, 'documented again in its session', { ...bearer, ...session }),
          documented(ex, 'Accept: */*', { ...bearer, ...freshSession(), accept: '*/*' }),
        );
      }
      for (const scenario of scenarios) {
        const ex = examples.find((e) => e.operationId === scenario.operationId)!;
        const [name, value] = scenario.prefer.split(/:\s*/, 2) as [string, string];
        requests.push(documented(ex, scenario.prefer, { ...bearer, [name.toLowerCase()]: value }));
      }
      const operationIds = [...new Set(examples.map((e) => e.operationId))];
      for (const id of operationIds) requests.push(...invalidRequests(examples.find((e) => e.operationId === id)!));
      requests.push({ label: 'unknown path', method: 'POST', path: '/v1.0/nothing/here', headers: bearer, body: json({}) });

      const statuses = new Set<number>();
      const codes = new Set<string>(); // the answers to the second send of a documented request
      for (const req of requests) {
        const fromSource = normalise(await send(source.url, req));
        const fromBundle = normalise(await send(bundle.url, req));
        expect(fromBundle, req.label).toEqual(fromSource);
        statuses.add(fromSource.status);
        const code = (fromSource.body as { error?: { code?: string } })?.error?.code;
        if (req.label.endsWith('documented again in its session')) codes.add(`${fromSource.status} ${code ?? ''}`);
      }
      // A duplicate, earned without Prefer, was among the compared answers: the bundle keeps state as the source does.
      const duplicate = scenarios.find((s) => s.example === 'referenceAlreadyExists')!;
      expect(codes).toContain(`${duplicate.status} ${duplicate.code}`);
      // The walk covered what it should: every example, every scenario, and the mock's own failures.
      expect(examples.length).toBeGreaterThanOrEqual(operationIds.length);
      expect(scenarios.length).toBeGreaterThan(operationIds.length);
      expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 201, 204, 400, 401, 405, 413, 415, ...scenarios.map((s) => s.status)]));
    } finally {
      await source?.close();
      if (bundle && bundle.child.exitCode === null) {
        const exited = new Promise((resolve) => bundle!.child.once('exit', resolve));
        bundle.child.kill('SIGTERM');
        await exited;
      }
    }
  }, 120_000);

  it('fails loudly, naming the module, when a stubbed module is used (loading it is harmless)', () => {
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        `const { unusedModule } = require(${JSON.stringify(join(repoRoot, 'scripts/stubs/unused.cjs'))});
const faker = unusedModule('@faker-js/faker', 'dynamic mode only', ['default']);
const loaded = [faker.__esModule === undefined, typeof faker.default, 'x' in faker];
const { JSONSchemaFaker } = require(${JSON.stringify(join(repoRoot, 'scripts/stubs/json-schema-faker.cjs'))});
JSONSchemaFaker.extend('faker', () => faker.default).option({ failOnInvalidTypes: false });
const messages = [];
for (const use of [() => faker.default.lorem.word(), () => JSONSchemaFaker.generate({ type: 'string' })]) {
  try { use(); messages.push('no error'); } catch (error) { messages.push(error.message); }
}
console.log(JSON.stringify({ loaded, messages }));`,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.stderr).toBe('');
    const { loaded, messages } = JSON.parse(probe.stdout);
    // Reading what loaders probe and the configuration Prism's generator makes at load time are harmless;
    // using the module is not.
    expect(loaded).toEqual([true, 'function', false]);
    const [fakerMessage, generateMessage] = messages;
    expect(fakerMessage).toContain('"@faker-js/faker"');
    expect(fakerMessage).toContain('@faker-js/faker.default.lorem');
    expect(fakerMessage).toContain('dynamic mode only');
    expect(generateMessage).toContain('read of json-schema-faker.JSONSchemaFaker.generate');
  });
});
