// JSON batching against the mock, end to end: every request of a batch runs through the pipeline as if sent alone
// (state, rules, permissions, Prefer, the session's queue), and a batch Graph cannot read is refused as a whole with
// the spec's named 400. The pure parts of src/mock/batch.ts are tested without a socket at the end.
import { describe, expect, it } from 'vitest';
import { operations } from '../generated/operations.js';
import { deref } from '../src/spec/walk.js';
import { innerRequest, innerResponse, readBatch, withRequestId } from '../src/mock/batch.js';
import {
  call,
  checkExample,
  control,
  defaultFixture,
  directoryOf,
  documented,
  expectGraphError,
  freshId,
  freshSession,
  holds,
  json,
  mockServers,
  operation,
  spec,
  relation,
  rulesOf,
  type Json,
  type Reply,
} from './support/e2e.js';
import { token } from './support/jwt.js';

const BATCH = 'batch';
const USERS = 'addUserSponsor';
const BLUEPRINT = 'addAgentIdentityBlueprintSponsor';
const LIST = 'listUserSponsors';
/** The spec's maxItems of a batch's requests (generated/operations.ts). */
const LIMIT = operations.batch.batchLimit;

const mocks = mockServers({ mock: {} });

/** A path of an operation relative to its version, as a batch's `url` holds it. */
const relative = (operationId: string, id: string) =>
  operation(operationId)
    .template.replace(/^\/[^/]+/, '')
    .replace('{id}', encodeURIComponent(id));
const userRef = (id: string, version = 'v1.0') => ({ '@odata.id': `https://graph.microsoft.com/${version}/users/${id}` });
const add = (id: string, operationId: string, target: string, sponsor: string, headers: Record<string, string> = {}) => ({
  id,
  method: 'POST',
  url: relative(operationId, target),
  headers: { 'Content-Type': 'application/json', ...headers },
  body: userRef(sponsor, operation(operationId).template.split('/')[1]),
});

const send = (requests: unknown, options: { session: string; token?: string; batch?: string }) =>
  call(mocks.mock, options.batch ?? BATCH, { body: { requests }, session: options.session, ...(options.token ? { token: options.token } : {}) });

function responsesOf(reply: Reply): Json[] {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.headers.get('request-id')).toMatch(/\S/);
  expect(reply.headers.get('client-request-id')).toBe(reply.clientRequestId);
  return json(reply).responses;
}

const emptyBlueprint = defaultFixture.applications.find((a: Json) => a.agentIdentityBlueprint === true && (a.sponsors ?? []).length === 0);
const sponsorLimit = checkExample(BLUEPRINT, (c) => c.maxCount !== undefined && c.when === undefined);
const duplicate = checkExample(USERS, (c) => c.unique === true);

it("takes the JSON batching page's limit of 20 requests from the spec, in both versions", () => {
  expect(LIMIT).toBe(20);
  expect(operations.batchBeta.batchLimit).toBe(LIMIT);
});

describe('each request runs as if sent alone', () => {
  it('a batch of adds, then a list of the same user sees them, in order', async () => {
    const session = freshSession('batch-adds');
    const user = freshId();
    const sponsors = [freshId(), freshId(), freshId()];
    const responses = responsesOf(
      await send(
        sponsors.map((s, i) => add(String(i + 1), USERS, user, s)),
        { session },
      ),
    );
    expect(responses.map((r) => [r.id, r.status])).toEqual([
      ['1', 204],
      ['2', 204],
      ['3', 204],
    ]);
    for (const response of responses) expect(response.body).toBeUndefined();
    const listed = responsesOf(await send([{ id: 'list', method: 'GET', url: relative(LIST, user) }], { session }))[0]!;
    expect(listed.status).toBe(200);
    expect(listed.headers['content-type']).toMatch(/^application\/json/);
    expect(listed.body.value.map((o: Json) => o.id)).toEqual(sponsors);
    expect(relation(await directoryOf(mocks.mock, session), user, 'sponsors')).toEqual(sponsors);
  });

  it('the same add twice in one batch: one 204, one 400 referenceAlreadyExists', async () => {
    const session = freshSession('batch-dup');
    const user = freshId();
    const sponsor = freshId();
    const [first, second] = responsesOf(await send([add('a', USERS, user, sponsor), add('b', USERS, user, sponsor)], { session }));
    expect(first).toMatchObject({ id: 'a', status: 204 });
    expect(second).toMatchObject({ id: 'b', status: duplicate.status, body: { error: { code: duplicate.code, message: duplicate.message } } });
    expect(second!.headers['content-type']).toMatch(/^application\/json/);
  });

  it(`crosses the blueprint's ${sponsorLimit.check.maxCount}-sponsor limit in the middle of a batch: 10 × 204, then 10 × 400 ${sponsorLimit.check.example}`, async () => {
    const session = freshSession('batch-limit');
    const filled = sponsorLimit.check.maxCount - 10;
    for (let done = 0; done < filled; done += LIMIT) {
      const requests = Array.from({ length: Math.min(LIMIT, filled - done) }, (_, i) => add(String(i), BLUEPRINT, emptyBlueprint.id, freshId()));
      for (const r of responsesOf(await send(requests, { session }))) expect(r.status, JSON.stringify(r)).toBe(204);
    }
    const requests = Array.from({ length: LIMIT }, (_, i) => add(String(i), BLUEPRINT, emptyBlueprint.id, freshId()));
    const responses = responsesOf(await send(requests, { session }));
    expect(responses.map((r) => r.status)).toEqual([...Array(10).fill(204), ...Array(10).fill(sponsorLimit.status)]);
    for (const r of responses.slice(10)) expect(r.body.error).toMatchObject({ code: sponsorLimit.code, message: sponsorLimit.message });
    expect(relation(await directoryOf(mocks.mock, session), emptyBlueprint.id, 'sponsors')).toHaveLength(sponsorLimit.check.maxCount);
  });

  it('an inner Prefer picks the scenario for that request alone: 429 with its Retry-After, the others run', async () => {
    const session = freshSession('batch-prefer');
    const user = freshId();
    const throttled = documented(USERS, 'tooManyRequests');
    const [ok, limited] = responsesOf(await send([add('1', USERS, user, freshId()), add('2', USERS, user, freshId(), { Prefer: 'code=429' })], { session }));
    expect(ok!.status).toBe(204);
    expect(limited).toMatchObject({ id: '2', status: 429, body: { error: { code: throttled.code, message: throttled.message } } });
    const retryAfter = Object.entries<string>(limited!.headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(0);
    expect(relation(await directoryOf(mocks.mock, session), user, 'sponsors')).toHaveLength(1);
  });

  it("the session's queue answers the requests inside the batch, not the batch, and each one is in the journal", async () => {
    const session = freshSession('batch-queue');
    expect((await control(mocks.mock, 'POST', '/_mock/queue', { session, body: { answers: [{ code: 503 }] } })).status).toBe(204);
    const user = freshId();
    const responses = responsesOf(await send([add('1', USERS, user, freshId()), add('2', USERS, user, freshId())], { session }));
    expect(responses.map((r) => r.status)).toEqual([503, 204]);
    const entries: Json[] = json(await control(mocks.mock, 'GET', '/_mock/requests', { session })).value;
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ['POST', `/v1.0${relative(USERS, user)}`, 503],
      ['POST', `/v1.0${relative(USERS, user)}`, 204],
      ['POST', '/v1.0/$batch', 200],
    ]);
  });

  it("a token without the operation's permission: each request answers its own 403, the batch 200", async () => {
    const session = freshSession('batch-403');
    const denied = documented(USERS, 'authorizationRequestDenied');
    const responses = responsesOf(
      await send([add('1', USERS, freshId(), freshId()), add('2', USERS, freshId(), freshId())], { session, token: token(['--scp', 'User.Read']) }),
    );
    for (const r of responses) expect(r).toMatchObject({ status: 403, body: { error: { code: denied.code } } });
  });

  it('the batch without a token is 401, and nothing runs', async () => {
    const session = freshSession('batch-401');
    const user = freshId();
    const reply = await call(mocks.mock, BATCH, { body: { requests: [add('1', USERS, user, freshId())] }, session, token: null });
    expect(reply.status).toBe(401);
    expect(holds(await directoryOf(mocks.mock, session), user)).toBe(false);
  });

  it('dependsOn: a failed dependency answers 424 without running, in a chain', async () => {
    const session = freshSession('batch-424');
    const user = freshId();
    const sponsor = freshId();
    const responses = responsesOf(
      await send(
        [add('1', USERS, user, sponsor), { ...add('2', USERS, user, sponsor), dependsOn: ['1'] }, { ...add('3', USERS, user, freshId()), dependsOn: ['2'] }],
        { session },
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([204, 400, 424]);
    // The code and message of the 424 the spec documents among the batch's answers, naming the failed dependency.
    const ok: Json = deref(spec, (operation(BATCH).op as Json).responses['200']);
    const answers = deref(spec, ok.content['application/json']).examples as Record<string, Json>;
    const documented424 = Object.values(answers)
      .flatMap((example) => (deref(spec, example).value.responses ?? []) as Json[])
      .find((item) => item.status === 424)!.body.error;
    expect(responses[2]!.body.error.code).toBe(documented424.code);
    expect(responses[2]!.body.error.message).toBe(documented424.message.replace(/'[^']*'/, "'2'"));
    expect(relation(await directoryOf(mocks.mock, session), user, 'sponsors')).toEqual([sponsor]);
  });

  it('the beta $batch runs the requests under /beta', async () => {
    const session = freshSession('batch-beta');
    const user = freshId();
    const responses = responsesOf(await send([add('1', 'addUserSponsorBeta', user, freshId())], { session, batch: 'batchBeta' }));
    expect(responses[0]!.status).toBe(204);
  });
});

describe("a batch Graph cannot read is refused as a whole with Graph's 400", () => {
  const refused = async (requests: unknown, example: string, id?: string) => {
    const session = freshSession('batch-400');
    const reply = await send(requests, { session });
    const expected = documented(BATCH, example);
    expectGraphError(reply, { ...expected, message: withRequestId(expected.message, id) });
    // Nothing in it ran: the journal holds the batch alone.
    expect(json(await control(mocks.mock, 'GET', '/_mock/requests', { session })).value.map((e: Json) => e.path)).toEqual(['/v1.0/$batch']);
  };

  it(`${LIMIT + 1} requests`, () =>
    refused(
      Array.from({ length: LIMIT + 1 }, (_, i) => add(String(i), USERS, freshId(), freshId())),
      'batchRequestLimitExceeded',
    ));
  it('a repeated id (ids compare without case)', () =>
    refused([add('a', USERS, freshId(), freshId()), add('A', USERS, freshId(), freshId())], 'batchRequestIdNotUnique', 'A'));
  it('a dependsOn naming no earlier request', () =>
    refused([{ ...add('1', USERS, freshId(), freshId()), dependsOn: ['2'] }, add('2', USERS, freshId(), freshId())], 'batchInvalidDependency', '1'));
  it.each([
    ['no requests', []],
    ['a request without url', [{ id: '1', method: 'GET' }]],
    ['an absolute url', [{ id: '1', method: 'GET', url: 'https://graph.microsoft.com/v1.0/users' }]],
    ['an unknown method', [{ id: '1', method: 'BREW', url: '/users' }]],
  ])('%s', (_name, requests) => refused(requests, 'invalidBatchPayload'));

  it('a $batch inside a batch is refused for that request', async () => {
    const reply = await send([{ id: '1', method: 'POST', url: '/$batch', headers: { 'Content-Type': 'application/json' }, body: { requests: [] } }], {
      session: freshSession('batch-nested'),
    });
    const [nested] = responsesOf(reply);
    expect(nested).toMatchObject({ status: 400, body: { error: { code: documented(BATCH, 'invalidBatchPayload').code } } });
  });
});

describe('the pure parts (no socket)', () => {
  it('readBatch: the count first, then each request, ids and dependencies without case', () => {
    expect(readBatch({ requests: Array(21).fill(null) }, 20)).toEqual({ example: 'batchRequestLimitExceeded' });
    expect(readBatch({ requests: [{ id: '1', method: 'GET', url: '/x', headers: { a: 1 } }] }, 20)).toEqual({ example: 'invalidBatchPayload' });
    const items = readBatch(
      {
        requests: [
          { id: 'One', method: 'GET', url: 'x' },
          { id: '2', method: 'GET', url: '/y', dependsOn: ['one'] },
        ],
      },
      20,
    );
    expect(items).toEqual([
      { id: 'One', method: 'GET', url: 'x', headers: {}, dependsOn: [] },
      { id: '2', method: 'GET', url: '/y', headers: {}, dependsOn: ['one'] },
    ]);
  });

  it('withRequestId puts the id where the example names its own', () => {
    expect(withRequestId('Request Id 1 has to be unique in a batch.', 'x y')).toBe('Request Id x y has to be unique in a batch.');
    expect(withRequestId('Invalid dependency for request Id 2.', '$&')).toBe('Invalid dependency for request Id $&.');
  });

  it('innerRequest: the version, the batch Authorization and session, the body as JSON bytes', () => {
    const request = innerRequest(
      {
        id: '1',
        method: 'post',
        url: 'users/a/sponsors/$ref',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer inner' },
        body: { a: 1 },
        dependsOn: [],
      },
      'beta',
      { method: 'POST', target: '/beta/$batch', headers: { authorization: 'Bearer outer', host: 'h', 'x-mock-session': 's' } },
    );
    expect(request).toMatchObject({ method: 'POST', target: '/beta/users/a/sponsors/$ref' });
    expect(request.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer outer', host: 'h', 'x-mock-session': 's' });
    expect(new TextDecoder().decode(request.body)).toBe('{"a":1}');
  });

  it("innerResponse keeps the answer's own headers, not the exchange's, and parses the body", () => {
    expect(
      innerResponse('7', {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '2', 'request-id': 'r', 'Strict-Transport-Security': 'x' },
        body: '{"error":{}}',
      }),
    ).toEqual({ id: '7', status: 429, headers: { 'content-type': 'application/json', 'retry-after': '2' }, body: { error: {} } });
    expect(innerResponse('8', { status: 204, headers: { 'request-id': 'r' } })).toEqual({ id: '8', status: 204 });
  });
});

it('the rules of the operations it carries are the spec’s (a sanity check of the fixture it uses)', () => {
  expect(rulesOf(BLUEPRINT).target.cast).toBe('agentIdentityBlueprint');
  expect(emptyBlueprint?.id).toMatch(/\S/);
});
