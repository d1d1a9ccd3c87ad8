// A Microsoft Graph SDK pointed at the mock (only the origin changed) works as against Graph:
// the documented requests succeed and a documented error reaches the SDK as Graph's error.
import { Client, GraphError as SdkGraphError, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, inject, it } from 'vitest';
import { requestExamples } from '../src/spec/walk.js';
import { loadSpec } from './support/spec.js';

const spec = loadSpec();
const mockUrl = inject('mockUrl');

// The SDK's AuthenticationHandler sends a token only to https Graph (or custom) hosts and strips it
// elsewhere, so over the mock's plain http an app gives the SDK a chain with its own token step.
class BearerForMock implements Middleware {
  private next!: Middleware;
  async execute(context: Context): Promise<void> {
    const headers = { ...(context.options?.headers as Record<string, string> | undefined), Authorization: 'Bearer sdk-token' };
    context.options = { ...context.options, headers };
    return this.next.execute(context);
  }
  setNext(next: Middleware) {
    this.next = next;
  }
}

function sdkClient() {
  const chain = new BearerForMock();
  chain.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ baseUrl: mockUrl, middleware: chain });
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
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
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
