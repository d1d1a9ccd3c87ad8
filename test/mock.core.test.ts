// The mock's core without a host (core.ts, controls.ts, contract.ts): requests in as MockRequests, answers out,
// the control calls as plain calls, compileContract with the engine it is given, and idSeed's reproducible ids.
// No socket: this is how the MSW handlers drive the same pipeline the server does.
import { afterEach, describe, expect, it } from 'vitest';
import { compileContract, type Contract } from '../src/mock/contract.js';
import { createMockCore, type MockCore, type MockCorePieces, type MockCoreSettings, type MockRequest } from '../src/mock/core.js';
import { FIXTURE_SOURCE, MockControlError } from '../src/mock/controls.js';
import type { EngineVerdict, RequestEngine } from '../src/mock/engine.js';
import { FixtureError } from '../src/mock/fixture-check.js';
import { EXPOSED_HEADERS, respond } from '../src/mock/host-answers.js';
import { fixtureSchemaCheck, loadFixture } from '../src/mock/fixture.js';
import { loadContract } from '../src/mock/load-contract.js';
import { defaultSpecPath } from '../src/mock/server.js';
import { requestExamples } from '../src/spec/walk.js';
import { successStatus } from './support/documented.js';

const contract = await loadContract(defaultSpecPath());
const spec = contract.spec;
const fixture = loadFixture(undefined, spec);
const auth = { authorization: 'Bearer t', 'content-type': 'application/json', host: 'localhost' };
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
let n = 0;
const ids = () => ({ requestId: `r-${++n}`, clientRequestId: `c-${n}` });

const cores: MockCore[] = [];
afterEach(() => void cores.splice(0).forEach((core) => core.close()));
function core(settings: Partial<MockCoreSettings> = {}, pieces: MockCorePieces = { fixtureSchema: fixtureSchemaCheck() }, of: Contract = contract): MockCore {
  const made = createMockCore(of, { fixture, ...settings }, pieces);
  cores.push(made);
  return made;
}

const example = (operationId: string) => requestExamples(spec).find((r) => r.operationId === operationId)!;
function request(method: string, target: string, body?: unknown, headers: MockRequest['headers'] = {}): MockRequest {
  return { method, target, headers: { ...auth, ...headers }, ...(body === undefined ? {} : { body: bytes(body) }) };
}
const add = example('addUserSponsor');
const create = example('createConnectedOrganization');
const addRequest = (headers: MockRequest['headers'] = {}) => request('POST', add.path, add.body, headers);
const listPath = add.path.replace(/\/\$ref$/, '');
const createdId = async (mock: MockCore, headers: MockRequest['headers'] = {}): Promise<string> => {
  const answer = await mock.handle(request('POST', create.path, create.body, headers), ids());
  expect(answer.status).toBe(successStatus('createConnectedOrganization'));
  return (JSON.parse(answer.body!) as { id: string }).id;
};

describe('createMockCore: handle', () => {
  it('adds a sponsor (the documented success), refuses the same add again, and lists it', async () => {
    const mock = core();
    expect((await mock.handle(addRequest(), ids())).status).toBe(successStatus('addUserSponsor'));
    const again = await mock.handle(addRequest(), ids());
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body!).error.innerError).toMatchObject({ 'request-id': `r-${n}`, 'client-request-id': `c-${n}` });
    const list = await mock.handle(request('GET', listPath), ids());
    expect(list.status).toBe(200);
    const sponsorId = String((add.body as Record<string, string>)['@odata.id'])
      .split('/')
      .pop()!;
    expect(JSON.parse(list.body!).value.map((o: { id: string }) => o.id.toLowerCase())).toContain(sponsorId.toLowerCase());
  });

  it('journals contract requests in their session, not control calls', async () => {
    const mock = core();
    await mock.handle(addRequest({ 'x-mock-session': 's1', 'client-request-id': 'mine' }), { requestId: 'r-s1', clientRequestId: 'mine' });
    await mock.handle(request('GET', '/_mock/requests', undefined, { 'x-mock-session': 's1' }), ids());
    const journal = mock.controls.requests('s1');
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ method: 'POST', path: add.path, status: 204, clientRequestId: 'mine', requestId: 'r-s1', session: 's1' });
    expect(mock.controls.requests()).toEqual([]);
  });

  it('serves the control API under /_mock/ from the same controls', async () => {
    const mock = core();
    mock.controls.queue([{ code: 429 }], 'q');
    const sessions = await mock.handle(request('GET', '/_mock/sessions'), ids());
    expect(JSON.parse(sessions.body!).value.map((s: { name: string; queued: number }) => [s.name, s.queued])).toEqual([['q', 1]]);
  });

  it('waits with the wait it is given, for the latency asked', async () => {
    const waits: number[] = [];
    const mock = core({ latencyMs: 25 }, { wait: (ms) => (waits.push(ms), Promise.resolve()) });
    expect((await mock.handle(addRequest(), ids())).status).toBe(204);
    expect(waits).toEqual([25]);
  });

  it('says what a target allows, and what every answer carries', () => {
    const mock = core();
    expect(mock.allowedMethods(add.path).split(', ')).toEqual(expect.arrayContaining(['POST', 'OPTIONS']));
    expect(mock.allowedMethods('/_mock/directory')).toBe('GET, PUT, OPTIONS');
    expect(mock.allowedMethods('/%')).toBe('OPTIONS');
    expect(mock.allowedMethods().split(', ')).toEqual(expect.arrayContaining(['GET', 'POST', 'DELETE', 'OPTIONS']));
    expect(mock.everyAnswer()).toEqual(contract.everyAnswer);
  });

  it('serves another contract from the next request on, with its sessions kept', async () => {
    const mock = core();
    await mock.handle(addRequest(), ids());
    const next = compileContract(spec, { engine: contract.engine, validators: contract.validators });
    mock.useContract(next);
    expect(mock.contract).toBe(next);
    expect((await mock.handle(addRequest(), ids())).status).toBe(400);
  });
});

describe('respond: what the host adds', () => {
  const origin = { origin: 'http://localhost:5173' };

  it('answers a preflight 204 with Allow and the CORS headers, without running the pipeline', async () => {
    const mock = core();
    const answer = await respond(
      mock,
      { method: 'OPTIONS', target: add.path, headers: { ...origin, 'access-control-request-headers': 'authorization' } },
      ids(),
      {
        maxBodyBytes: 10,
      },
    );
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      allow: mock.allowedMethods(add.path),
      'access-control-allow-origin': origin.origin,
      'access-control-allow-methods': mock.allowedMethods(add.path),
      'access-control-allow-headers': 'authorization',
      'request-id': `r-${n}`,
    });
    expect(mock.controls.requests()).toEqual([]);
  });

  it('stamps every answer with the ids, the contract’s every-answer headers and CORS', async () => {
    const answer = await respond(core(), addRequest(origin), ids(), { maxBodyBytes: 1024 * 1024 });
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      ...contract.everyAnswer,
      'request-id': `r-${n}`,
      'client-request-id': `c-${n}`,
      'access-control-expose-headers': EXPOSED_HEADERS,
    });
  });

  it('answers 413 for a body over the limit, and 500 naming the failure when the pipeline throws', async () => {
    const tooLarge = await respond(core(), addRequest(), ids(), { maxBodyBytes: 8 });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body!).error).toMatchObject({ code: 'RequestEntityTooLarge', message: 'The request body is larger than 8 bytes.' });
    const broken = { handle: () => Promise.reject(new Error('boom')), allowedMethods: () => '', everyAnswer: () => ({}) };
    const failed = await respond(broken, addRequest(), ids(), { maxBodyBytes: 1024 });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body!).error).toMatchObject({ code: 'generalException', message: 'Mock failure: boom' });
  });
});

describe('MockControls', () => {
  it('reset returns the session to the fixture, its journal and queue emptied', async () => {
    const mock = core();
    await mock.handle(addRequest({ 'x-mock-session': 't' }), ids());
    mock.controls.queue([{ code: 503 }], 't');
    expect(mock.controls.directory('t')).not.toEqual(fixture);
    mock.controls.reset('t');
    expect(mock.controls.directory('t')).toEqual(mock.controls.directory());
    expect(mock.controls.requests('t')).toEqual([]);
    expect(mock.controls.sessions().value.find((s) => s.name === 't')?.queued).toBe(0);
  });

  it('load replaces the directory (reset returns to it); a bad fixture throws the control API’s message and changes nothing', () => {
    const mock = core();
    const small = { users: [{ id: 'u1', displayName: 'One' }] };
    mock.controls.load(small, 't');
    mock.controls.reset('t');
    expect(mock.controls.directory('t')).toEqual(small);
    const bad = { groups: [{ id: 'g1', isAssignableToRole: 'yes' }] };
    expect(() => mock.controls.load(bad, 't')).toThrow(FixtureError);
    expect(() => mock.controls.load(bad, 't')).toThrow(`fixture ${FIXTURE_SOURCE}: groups[0].isAssignableToRole must be boolean`);
    expect(mock.controls.directory('t')).toEqual(small);
  });

  it('load without a fixture schema validator refuses, naming why', () => {
    const mock = core({}, {});
    expect(() => mock.controls.load({ users: [] })).toThrow(/no fixture schema validator/);
  });

  it('queue scripts the next answers; a bad queue throws the control API’s 400', async () => {
    const mock = core();
    mock.controls.queue([{ code: 429 }]);
    expect((await mock.handle(addRequest(), ids())).status).toBe(429);
    expect((await mock.handle(addRequest(), ids())).status).toBe(204);
    const refused = (() => {
      try {
        mock.controls.queue([{ code: 1000 }]);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(MockControlError);
    expect(refused).toMatchObject({ status: 400, code: 'BadRequest', message: expect.stringMatching(/answers\[0\]\.code/) });
  });

  it('a bad session name throws the 400 the x-mock-session header gets', () => {
    const mock = core();
    expect(() => mock.controls.reset('a b')).toThrow(MockControlError);
    expect(() => mock.controls.directory('a b')).toThrow(/x-mock-session/);
  });

  it('sessions() lists the sessions without creating one', () => {
    const mock = core();
    mock.controls.reset('one');
    expect(mock.controls.sessions().value.map((s) => s.name)).toEqual(['one']);
  });
});

describe('idSeed', () => {
  it('two mocks with the same seed create the same ids; another seed other ones; a UUID shape either way', async () => {
    const [a, b, c] = [core({ idSeed: 'seed-1' }), core({ idSeed: 'seed-1' }), core({ idSeed: 'seed-2' })];
    const first = [await createdId(a), await createdId(a)];
    expect([await createdId(b), await createdId(b)]).toEqual(first);
    expect(first[0]).not.toBe(first[1]);
    expect(await createdId(c)).not.toBe(first[0]);
    for (const id of first) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('each session has its own sequence, which starts again on reset', async () => {
    const mock = core({ idSeed: 's' });
    const first = await createdId(mock);
    const other = await createdId(mock, { 'x-mock-session': 'other' });
    expect(other).not.toBe(first);
    mock.controls.reset();
    expect(await createdId(mock)).toBe(first);
  });

  it('without a seed, ids come from newId', async () => {
    let made = 0;
    const mock = core({}, { newId: () => `00000000-0000-4000-8000-${String(++made).padStart(12, '0')}` });
    expect(await createdId(mock)).toBe('00000000-0000-4000-8000-000000000001');
  });
});

describe('compileContract', () => {
  it('uses the engine it is given, and reads the rest from the spec', async () => {
    const asked: string[] = [];
    const verdict: EngineVerdict = { output: { statusCode: 204 }, violations: [] };
    const engine: RequestEngine = { ask: (r) => (asked.push(`${r.method} ${r.url.path}`), Promise.resolve(verdict)) };
    const compiled = compileContract(spec, { engine, validators: new Map() });
    expect(compiled.engine).toBe(engine);
    expect(compiled.fastRoutes).toEqual([]);
    expect(compiled.routes.find('post', add.path)?.operationId).toBe('addUserSponsor');
    const mock = core({}, {}, compiled);
    expect((await mock.handle(addRequest(), ids())).status).toBe(204);
    expect(asked).toEqual([`post ${add.path}`]);
  });
});
