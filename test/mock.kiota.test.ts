// The Kiota-generated Microsoft Graph SDK (@microsoft/msgraph-sdk with the users package) pointed at the mock
// (only the origin changed: the base URL is `${mockUrl}/v1.0`, as the SDK's own is https://graph.microsoft.com/v1.0)
// adds, lists and removes sponsors as against Graph: the list is read by the SDK's own parsers, and a documented error
// reaches the SDK as its ODataError with Graph's code. Each client works in a session nobody has used.
//
// The blueprint's sponsors: no published Kiota package has a builder for the `microsoft.graph.agentIdentityBlueprint`
// cast (the applications package is not on npm, and its source has no agentIdentityBlueprint folder), so those calls
// go through the same client's request adapter with a RequestInformation, Kiota's generic way to reach a path.
import { createRequire } from 'node:module';
import {
  AllowedHostsValidator,
  BaseBearerTokenAuthenticationProvider,
  HttpMethod,
  RequestInformation,
  validateProtocol,
  type AccessTokenProvider,
  type RequestAdapter,
} from '@microsoft/kiota-abstractions';
import { createGraphServiceClient, GraphRequestAdapter, type GraphServiceClient } from '@microsoft/msgraph-sdk';
import { createGraphClientFactory } from '@microsoft/msgraph-sdk-core';
import '@microsoft/msgraph-sdk-users';
import {
  createDirectoryObjectCollectionResponseFromDiscriminatorValue,
  serializeReferenceCreate,
  type DirectoryObject,
  type DirectoryObjectCollectionResponse,
  type ReferenceCreate,
} from '@microsoft/msgraph-sdk/models/index.js';
import { createODataErrorFromDiscriminatorValue, type ODataError } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { describe, expect, inject, it } from 'vitest';
import { errorScenarios, namedExample, requestExamples, type RequestExample } from '../src/spec/walk.js';
import { freshSession } from './support/session.js';
import { loadSpec } from './support/spec.js';

const spec = loadSpec();
const mockUrl = inject('mockUrl');
const examples = requestExamples(spec);
const TOKEN = 'kiota-token';

/** The documented request example of an operation whose reference names an object by `/users/` when there is one. */
function exampleOf(operationId: string): RequestExample & { odataId: string; sponsorId: string } {
  const candidates = examples.filter((e) => e.operationId === operationId);
  const example = candidates.find((e) => String((e.body as Record<string, unknown>)['@odata.id']).includes('/users/')) ?? candidates[0];
  if (!example) throw new Error(`no request example for ${operationId} in the spec`);
  const odataId = String((example.body as Record<string, unknown>)['@odata.id']);
  return { ...example, odataId, sponsorId: decodeURIComponent(odataId.split('/').pop()!) };
}

// A token for the mock's host only, as the SDK's own providers do it: the allowed-hosts check (hostname, so any port)
// and Kiota's protocol check, which refuses plain http except on loopback (localhost, 127.0.0.1, ::1).
class MockTokenProvider implements AccessTokenProvider {
  private readonly hosts = new AllowedHostsValidator(new Set([new URL(mockUrl).hostname]));
  getAuthorizationToken = (url?: string): Promise<string> => {
    if (!url || !this.hosts.isUrlHostValid(url)) return Promise.resolve('');
    validateProtocol(url);
    return Promise.resolve(TOKEN);
  };
  getAllowedHostsValidator = (): AllowedHostsValidator => this.hosts;
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
}

const sdkVersion = (createRequire(import.meta.url)('@microsoft/msgraph-sdk/package.json') as { version: string }).version;

/**
 * A GraphServiceClient on the mock in a session nobody has used. The HTTP client is the SDK's default chain (retry,
 * redirect, telemetry…) with only its fetch replaced: one that names the session and records what the SDK sends.
 */
function kiotaClient() {
  const session = freshSession();
  const sent: Sent[] = [];
  const customFetch = (url: string, init: RequestInit): Promise<Response> => {
    const headers = { ...(init.headers as Record<string, string>), ...session };
    // Header names in lower case (they are case-insensitive; the SDK writes some in lower case, some not).
    sent.push({ method: init.method ?? 'GET', url, headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])) });
    return fetch(url, { ...init, headers });
  };
  const httpClient = createGraphClientFactory({ graphServiceTargetVersion: '', graphServiceLibraryClientVersion: sdkVersion }, customFetch);
  const adapter = new GraphRequestAdapter(new BaseBearerTokenAuthenticationProvider(new MockTokenProvider()), undefined, undefined, httpClient);
  adapter.baseUrl = `${mockUrl}/v1.0`;
  return { client: createGraphServiceClient(adapter), adapter, session, sent };
}

/** The same list as raw JSON, in the client's session, to compare the SDK's parsed objects with. */
async function rawList(session: Record<string, string>, path: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${mockUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, ...session } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: Array<Record<string, unknown>> }).value;
}

/** What a rejected SDK call threw. */
async function rejection(promise: Promise<unknown>): Promise<ODataError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the SDK call was expected to throw').toBeDefined();
  return error as ODataError;
}

/** The list as the SDK parsed it, checked item by item against the raw answer. */
function expectParsedAs(parsed: DirectoryObject[] | null | undefined, raw: Array<Record<string, unknown>>) {
  expect((parsed ?? []).map((o) => [o.id, o.odataType])).toEqual(raw.map((o) => [o.id, o['@odata.type']]));
  for (const [i, item] of (parsed ?? []).entries()) {
    // The SDK picks the derived model from @odata.type (a user, a group…): displayName is one of its properties.
    expect((item as { displayName?: string | null }).displayName ?? undefined).toBe(raw[i]!.displayName ?? undefined);
  }
}

// The blueprint's cast through the adapter: Kiota's URI template, path parameters and error mapping.
const blueprintTemplate = '{+baseurl}/applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors';
const errorMappings = { XXX: createODataErrorFromDiscriminatorValue };

function blueprintRequest(method: HttpMethod, suffix: string, pathParameters: Record<string, string>) {
  const info = new RequestInformation(method, `${blueprintTemplate}${suffix}`, pathParameters);
  info.headers.tryAdd('Accept', 'application/json');
  return info;
}
const blueprint = {
  add(adapter: RequestAdapter, id: string, body: ReferenceCreate) {
    const info = blueprintRequest(HttpMethod.POST, '/$ref', { id });
    info.setContentFromParsable(adapter, 'application/json', body, serializeReferenceCreate);
    return adapter.sendNoResponseContent(info, errorMappings);
  },
  list(adapter: RequestAdapter, id: string) {
    return adapter.send<DirectoryObjectCollectionResponse>(
      blueprintRequest(HttpMethod.GET, '', { id }),
      createDirectoryObjectCollectionResponseFromDiscriminatorValue,
      errorMappings,
    );
  },
  remove(adapter: RequestAdapter, id: string, sponsorId: string) {
    return adapter.sendNoResponseContent(blueprintRequest(HttpMethod.DELETE, '/{sponsorId}/$ref', { id, sponsorId }), errorMappings);
  },
};

/** The spec's `resourceNotFound` answer, naming `id` (its example names another object's id in quotes). */
function notFound(id: string) {
  const { code, message } = (namedExample(spec, 'resourceNotFound') as { error: { code: string; message: string } }).error;
  return { code, message: message.replace(/'[^']*'/, `'${id}'`) };
}

function expectNotFound(error: ODataError, id: string) {
  const { code, message } = notFound(id);
  expect(code).toBe('Request_ResourceNotFound');
  expect(error).toMatchObject({ responseStatusCode: 404, errorEscaped: { code, message } });
  expect(error.message).toBe(message);
  expect(error.responseHeaders?.['request-id']?.[0]).toMatch(/^[0-9a-f-]{36}$/);
}

describe('the Kiota Microsoft Graph SDK (@microsoft/msgraph-sdk) against the mock', () => {
  it("adds, lists and removes a user's sponsor through the users package's builders", async () => {
    const example = exampleOf('addUserSponsor');
    const userId = example.pathParams.id!;
    const { client, session, sent } = kiotaClient();
    const sponsors = (c: GraphServiceClient) => c.users.byUserId(userId).sponsors;

    await expect(sponsors(client).ref.post({ odataId: example.odataId })).resolves.toBeUndefined();
    const listed = await sponsors(client).get();
    expect(listed?.value?.map((o) => o.id)).toContain(example.sponsorId);
    expectParsedAs(listed?.value, await rawList(session, `/v1.0/users/${encodeURIComponent(userId)}/sponsors`));

    await expect(sponsors(client).byDirectoryObjectId(example.sponsorId).ref.delete()).resolves.toBeUndefined();
    const after = await sponsors(client).get();
    expect(after?.value?.map((o) => o.id)).not.toContain(example.sponsorId);
    expect(after?.value?.length).toBe(listed!.value!.length - 1);

    expectNotFound(await rejection(sponsors(client).byDirectoryObjectId(example.sponsorId).ref.delete()), example.sponsorId);

    // Only the origin differs from Graph: the SDK's own paths under the mock's /v1.0.
    const base = `${mockUrl}/v1.0/users/${encodeURIComponent(userId)}/sponsors`;
    const sponsorRef = `${base}/${encodeURIComponent(example.sponsorId)}/$ref`;
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${base}/$ref`,
      `GET ${base}`,
      `DELETE ${sponsorRef}`,
      `GET ${base}`,
      `DELETE ${sponsorRef}`,
    ]);
    for (const s of sent) {
      expect(s.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(s.headers.accept).toBe('application/json');
      expect(s.headers.sdkversion).toContain(`graph-typescript/${sdkVersion}`);
    }
    expect(sent[0]!.headers['content-type']).toBe('application/json');
  });

  it('a second identical add reaches the SDK as ODataError: 400 Request_BadRequest, the documented duplicate', async () => {
    const example = exampleOf('addUserSponsor');
    const duplicate = errorScenarios(spec).find((s) => s.operationId === 'addUserSponsor' && s.example === 'referenceAlreadyExists')!;
    const { client } = kiotaClient();
    const ref = client.users.byUserId(example.pathParams.id!).sponsors.ref;
    await expect(ref.post({ odataId: example.odataId })).resolves.toBeUndefined();
    const error = await rejection(ref.post({ odataId: example.odataId }));
    expect(error).toMatchObject({ responseStatusCode: 400, errorEscaped: { code: 'Request_BadRequest', message: duplicate.message } });
    expect(duplicate.code).toBe('Request_BadRequest');
    expect(error.message).toBe(duplicate.message);
    expect(error.errorEscaped?.innerError?.requestId ?? error.responseHeaders?.['request-id']?.[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("adds, lists and removes a v1.0 blueprint's sponsor through the request adapter (no published cast builder)", async () => {
    const example = exampleOf('addAgentIdentityBlueprintSponsorV1');
    const blueprintId = example.pathParams.id!;
    const { adapter, session, sent } = kiotaClient();

    await expect(blueprint.add(adapter, blueprintId, { odataId: example.odataId })).resolves.toBeUndefined();
    const listed = await blueprint.list(adapter, blueprintId);
    expect(listed?.value?.map((o) => o.id)).toContain(example.sponsorId);
    expectParsedAs(
      listed?.value,
      await rawList(session, `/v1.0/applications/${encodeURIComponent(blueprintId)}/microsoft.graph.agentIdentityBlueprint/sponsors`),
    );

    await expect(blueprint.remove(adapter, blueprintId, example.sponsorId)).resolves.toBeUndefined();
    const after = await blueprint.list(adapter, blueprintId);
    expect(after?.value?.map((o) => o.id)).not.toContain(example.sponsorId);

    expectNotFound(await rejection(blueprint.remove(adapter, blueprintId, example.sponsorId)), example.sponsorId);

    const base = `${mockUrl}/v1.0/applications/${encodeURIComponent(blueprintId)}/microsoft.graph.agentIdentityBlueprint/sponsors`;
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${base}/$ref`,
      `GET ${base}`,
      `DELETE ${base}/${encodeURIComponent(example.sponsorId)}/$ref`,
      `GET ${base}`,
      `DELETE ${base}/${encodeURIComponent(example.sponsorId)}/$ref`,
    ]);
  });
});
