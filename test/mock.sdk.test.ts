// A Microsoft Graph SDK pointed at the mock (only the origin changed) works as against Graph:
// the documented requests succeed and a documented error reaches the SDK as Graph's error, whether asked for
// with Prefer or earned as Graph would (a second identical add; a token without the permission). Each client
// works in a session nobody has used (the mock keeps state; test/support/session.ts). The v1.0 blueprint's sponsors
// are called as the page's graph-js snippet does (no .version(): the SDK's default v1.0), listed and removed, also
// under the cast's alias spelling `graph.agentIdentityBlueprint` (OData allows the namespace alias).
import { Client, GraphError as SdkGraphError, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, inject, it } from 'vitest';
import { entraRoleTemplates } from '../generated/entra-roles.js';
import { runTokenCommand } from '../src/mock/token-cli.js';
import { errorScenarios, namedExample, operationsOf, requestExamples, responsesOf } from '../src/spec/walk.js';
import { freshSession } from './support/session.js';
import { createAjv, inline, loadSpec } from './support/spec.js';

const spec = loadSpec();
const mockUrl = inject('mockUrl');

// The SDK's AuthenticationHandler sends a token only to https Graph (or custom) hosts and strips it
// elsewhere, so over the mock's plain http an app gives the SDK a chain with its own token step. It also names
// the client's mock session.
// It also records what the SDK asks for (method and URL), so a test sees the URL the SDK built.
class BearerForMock implements Middleware {
  private next!: Middleware;
  readonly sent: string[] = [];
  constructor(
    private readonly token: string,
    private readonly session: Record<string, string>,
  ) {}
  async execute(context: Context): Promise<void> {
    const headers = { ...(context.options?.headers as Record<string, string> | undefined), Authorization: `Bearer ${this.token}`, ...this.session };
    context.options = { ...context.options, headers };
    this.sent.push(`${context.options.method ?? 'GET'} ${typeof context.request === 'string' ? context.request : context.request.url}`);
    return this.next.execute(context);
  }
  setNext(next: Middleware) {
    this.next = next;
  }
}

/** An SDK client with the given token, in a session nobody has used. */
function sdkClient(token = 'sdk-token') {
  return recordingClient(token).client;
}

/** An SDK client with what it sent. */
function recordingClient(token = 'sdk-token') {
  const chain = new BearerForMock(token, freshSession());
  chain.setNext(new HTTPMessageHandler());
  return { client: Client.initWithMiddleware({ baseUrl: mockUrl, middleware: chain }), sent: chain.sent };
}

/** An operation's documented success: its 2xx status and, when it has one, a validator of its JSON body. */
function successOf(operationId: string) {
  const entry = operationsOf(spec).find((e) => e.operationId === operationId)!;
  const [status, response] = responsesOf(spec, entry.op).find(([code]) => /^2\d\d$/.test(code))!;
  const schema = response.content?.['application/json']?.schema;
  return { status: Number(status), validate: schema === undefined ? undefined : createAjv().compile(inline(spec, schema)) };
}

/** `POST` of a documented request example through an SDK client (the SDK takes the version apart from the path). */
function postExample(client: Client, example: ReturnType<typeof requestExamples>[number]) {
  const [, version, ...rest] = example.path.split('/');
  return client
    .api(`/${rest.join('/')}`)
    .version(version!)
    .post(example.body);
}

describe('the Microsoft Graph JavaScript SDK against the mock', () => {
  const examples = requestExamples(spec);

  it.each(examples.map((e) => [`${e.operationId} ${e.name}`, e] as const))('%s succeeds', async (_, example) => {
    const [, version, ...rest] = example.path.split('/');
    const response = await sdkClient()
      .api(`/${rest.join('/')}`)
      .version(version!)
      .responseType('raw' as never)
      .post(example.body);
    const success = successOf(example.operationId);
    expect(response.status).toBe(success.status);
    if (success.validate === undefined) expect(await response.text()).toBe('');
    else {
      // Graph annotates a created entity with @odata.context, which the entity's schema (additionalProperties:
      // false) does not list: checked apart, as test/mock.examples.test.ts does.
      const { '@odata.context': context, ...entity } = (await response.json()) as Record<string, unknown>;
      // A batch's answer is `{"responses": [...]}`, without an annotation (the JSON batching page's example).
      if (!example.template.endsWith('/$batch'))
        expect(context).toMatch(new RegExp(`^https://graph\\.microsoft\\.com/${version!.replace('.', '\\.')}/\\$metadata#`));
      expect(success.validate(entity), JSON.stringify(success.validate.errors)).toBe(true);
    }
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("surfaces a documented error as the SDK's GraphError with Graph's code and request id", async () => {
    const example = examples.find((e) => e.operationId === 'addUserSponsor')!;
    const [, version, ...rest] = example.path.split('/');
    const request = sdkClient()
      .api(`/${rest.join('/')}`)
      .version(version!)
      .header('Prefer', 'code=404, example=resourceNotFound');
    const error: unknown = await request.post(example.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkGraphError);
    expect(error).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
    expect((error as SdkGraphError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("surfaces a second identical add as the SDK's GraphError: 400 Request_BadRequest, the duplicate's text", async () => {
    const example = examples.find((e) => e.operationId === 'addUserSponsor')!;
    const duplicate = errorScenarios(spec).find((s) => s.operationId === 'addUserSponsor' && s.example === 'referenceAlreadyExists')!;
    const client = sdkClient();
    await expect(postExample(client, example)).resolves.toBeUndefined(); // 204: the SDK resolves without a body
    const error: unknown = await postExample(client, example).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkGraphError);
    expect(error).toMatchObject({ statusCode: 400, code: 'Request_BadRequest', message: duplicate.message });
    expect(duplicate.code).toBe('Request_BadRequest');
    expect((error as SdkGraphError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("surfaces a token without the operation's permission as the SDK's GraphError: 403 Authorization_RequestDenied", async () => {
    const example = examples.find((e) => e.operationId === 'addUserSponsor')!;
    // A delegated token whose scp holds permissions, none of them one addUserSponsor accepts (the case).
    const minted = runTokenCommand(['--scp', 'User.Read Mail.Read'], Date.now(), entraRoleTemplates);
    expect(minted.code).toBe(0);
    const denied = (namedExample(spec, 'authorizationRequestDenied') as { error: { code: string; message: string } }).error;
    const error: unknown = await postExample(sdkClient(minted.stdout.trim()), example).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkGraphError);
    expect(error).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied', message: denied.message });
    expect(denied.code).toBe('Authorization_RequestDenied');
    // The same request with a token that holds the permission succeeds (in its own session): the 403 was the scope's.
    const allowed = runTokenCommand(['--scp', 'User.ReadWrite.All'], Date.now(), entraRoleTemplates);
    await expect(postExample(sdkClient(allowed.stdout.trim()), example)).resolves.toBeUndefined();
  });

  it('gets 401 InvalidAuthenticationToken with the default chain, which keeps the token from a plain-http host', async () => {
    const client = Client.init({ baseUrl: mockUrl, authProvider: (done) => done(null, 'sdk-token') });
    const example = examples[0]!;
    const [, version, ...rest] = example.path.split('/');
    const error: unknown = await client
      .api(`/${rest.join('/')}`)
      .version(version!)
      .post(example.body)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
  });
});

describe("the Microsoft Graph JavaScript SDK and a v1.0 blueprint's sponsors", () => {
  // The operation's documented request example: the blueprint and the sponsor it names.
  function documented() {
    const example = requestExamples(spec).find((e) => e.operationId === 'addAgentIdentityBlueprintSponsorV1');
    if (!example) throw new Error('addAgentIdentityBlueprintSponsorV1 has no request example in the spec');
    const odataId = String((example.body as Record<string, unknown>)['@odata.id']);
    return { blueprintId: example.pathParams.id!, odataId, sponsorId: decodeURIComponent(odataId.split('/').pop()!) };
  }
  // As the page's graph-js snippet writes it: the path without a version, so the SDK's default (v1.0) applies.
  const sponsors = (blueprintId: string, cast: string) => `/applications/${encodeURIComponent(blueprintId)}/${cast}/sponsors`;
  const canonical = 'microsoft.graph.agentIdentityBlueprint';
  const alias = 'graph.agentIdentityBlueprint';
  const ids = (list: unknown) => (list as { value: Array<{ id: string }> }).value.map((o) => o.id);

  it('adds, lists and removes a sponsor, and a second remove is GraphError 404 Request_ResourceNotFound', async () => {
    const { blueprintId, odataId, sponsorId } = documented();
    const path = sponsors(blueprintId, canonical);
    const sponsorRef = `${path}/${encodeURIComponent(sponsorId)}/$ref`;
    const { client, sent } = recordingClient();
    await expect(client.api(`${path}/$ref`).post({ '@odata.id': odataId })).resolves.toBeUndefined();
    const listed = (await client.api(path).get()) as { value: Array<{ id: string; '@odata.type': string }> };
    expect(ids(listed)).toContain(sponsorId);
    expect(listed.value.find((o) => o.id === sponsorId)!['@odata.type']).toMatch(/^#microsoft\.graph\.\w+$/);
    await expect(client.api(sponsorRef).delete()).resolves.toBeUndefined();
    expect(ids(await client.api(path).get())).not.toContain(sponsorId);
    const error: unknown = await client
      .api(sponsorRef)
      .delete()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkGraphError);
    // The spec's resourceNotFound answer, naming the sponsor (the example names another object's id in quotes).
    const notFound = (namedExample(spec, 'resourceNotFound') as { error: { code: string; message: string } }).error;
    expect(error).toMatchObject({ statusCode: 404, code: notFound.code, message: notFound.message.replace(/'[^']*'/, `'${sponsorId}'`) });
    expect(notFound.code).toBe('Request_ResourceNotFound');
    // The SDK put its default version in front of the snippet's path.
    expect(sent).toEqual([
      `POST ${mockUrl}/v1.0${path}/$ref`,
      `GET ${mockUrl}/v1.0${path}`,
      `DELETE ${mockUrl}/v1.0${sponsorRef}`,
      `GET ${mockUrl}/v1.0${path}`,
      `DELETE ${mockUrl}/v1.0${sponsorRef}`,
    ]);
  });

  it(`answers the cast under its alias spelling ${alias} as under the full name`, async () => {
    const { blueprintId, odataId, sponsorId } = documented();
    const client = sdkClient();
    await expect(client.api(`${sponsors(blueprintId, alias)}/$ref`).post({ '@odata.id': odataId })).resolves.toBeUndefined();
    const listed = ids(await client.api(sponsors(blueprintId, alias)).get());
    expect(listed).toContain(sponsorId);
    expect(ids(await client.api(sponsors(blueprintId, canonical)).get())).toEqual(listed);
    // The same sponsor again under the other spelling: the same relation, so the documented duplicate.
    const duplicate: unknown = await client
      .api(`${sponsors(blueprintId, canonical)}/$ref`)
      .post({ '@odata.id': odataId })
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    await expect(client.api(`${sponsors(blueprintId, alias)}/${encodeURIComponent(sponsorId)}/$ref`).delete()).resolves.toBeUndefined();
    expect(ids(await client.api(sponsors(blueprintId, canonical)).get())).not.toContain(sponsorId);
  });
});
