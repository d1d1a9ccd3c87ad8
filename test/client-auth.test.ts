// The Authorization seam (src/auth.ts) and the one core every request goes through (src/send.ts): what
// exchange() sends, and the one extra send after a 401 whose challenge the authorizer answered. No socket: an
// injected fetch answers.
import { describe, expect, it, vi } from 'vitest';
import { callbackAuthorizer, GraphError, tokenAuthorizer, type Authorizer } from '../src/index.js';
import { retryPolicy } from '../src/retry.js';
import { exchange, fillPath, type Call, type Core } from '../src/send.js';

const own = 'https://graph.example/';
const url = `${own}v1.0/users/u1/sponsors/$ref`;
const unauthorized = () =>
  Response.json(
    { error: { code: 'InvalidAuthenticationToken', message: 'Continuous access evaluation resulted in challenge with result: InteractionRequired' } },
    { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="insufficient_claims", claims="eyJ4Ijp7fX0="' } },
  );
const noContent = () => new Response(null, { status: 204 });

/** A fetch answering `answers` in turn (the last repeats), recording each request as fetch would build it. */
function answering(...answers: Array<() => Response>) {
  const sent: Request[] = [];
  const fetch = vi.fn((input: string, init?: RequestInit) => {
    sent.push(new Request(input, init));
    return Promise.resolve(answers[Math.min(sent.length, answers.length) - 1]!());
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent, calls: fetch.mock.calls };
}

const call = (header: Record<string, string> = {}): Call => ({ signal: new AbortController().signal, deadline: Infinity, header });
const core = (fetch: typeof globalThis.fetch, auth?: Authorizer, retry: Parameters<typeof retryPolicy>[0] = false): Core => ({
  own,
  fetch,
  auth,
  policy: retryPolicy(retry),
});

/** An authorizer whose token changes when its challenge is answered (what a credential does with new claims). */
function challenging(answer: boolean) {
  let token = 'first';
  const challenge = vi.fn((response: Response) => {
    if (answer) token = `second for ${response.headers.get('WWW-Authenticate')}`;
    return Promise.resolve(answer);
  });
  return { auth: { header: () => Promise.resolve(`Bearer ${token}`), challenge } satisfies Authorizer, challenge };
}

describe('exchange: what goes to fetch', () => {
  it('calls fetch(url, init) with a plain init: method, headers, JSON body, redirect error, the call signal', async () => {
    const { fetch, calls } = answering(noContent);
    const theCall = call({ prefer: 'x' });
    await exchange(core(fetch, tokenAuthorizer('t')), theCall, 'post', url, '{"a":1}', 204);
    const [input, init] = calls[0]!;
    expect(input).toBe(url);
    expect(init).toMatchObject({ method: 'post', body: '{"a":1}', redirect: 'error', signal: theCall.signal });
    expect(init!.headers).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json', prefer: 'x' });
    expect((init!.headers as Record<string, string>)['client-request-id']).toMatch(/^[\da-f-]{36}$/);
  });

  it('sends no Content-Type without a body, and no Authorization off the own origin or without an authorizer', async () => {
    const { fetch, sent } = answering(() => Response.json({ value: [] }));
    await exchange(core(fetch, tokenAuthorizer('t')), call(), 'get', 'https://elsewhere.example/v1.0/users/u1/sponsors', undefined, 200);
    await exchange(core(fetch), call(), 'get', url, undefined, 200);
    for (const request of sent) {
      expect(request.headers.has('content-type')).toBe(false);
      expect(request.headers.has('authorization')).toBe(false);
    }
  });

  it('fillPath fills the template in path order, percent-encoded, and refuses a bad id', () => {
    expect(fillPath('/v1.0/users/{id}/sponsors/{sponsorId}/$ref', ['a#b', 'c/d'])).toBe('/v1.0/users/a%23b/sponsors/c%2Fd/$ref');
    expect(() => fillPath('/v1.0/users/{id}/sponsors/$ref', [])).toThrow(/path parameter id must be a string/);
    expect(() => fillPath('/v1.0/users/{id}/sponsors/$ref', ['..'])).toThrow(/path parameter id must not be empty/);
  });
});

describe('exchange: a 401 and the authorizer challenge', () => {
  it('sends once more with the new token when the challenge resolves true, even with retries off', async () => {
    const { fetch, sent } = answering(unauthorized, noContent);
    const { auth, challenge } = challenging(true);
    await expect(exchange(core(fetch, auth, false), call(), 'post', url, '{}', 204)).resolves.toMatchObject({ body: undefined });
    expect(sent).toHaveLength(2);
    expect(challenge).toHaveBeenCalledTimes(1);
    expect(challenge.mock.calls[0]![0].status).toBe(401);
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer first');
    expect(sent[1]!.headers.get('authorization')).toBe(`Bearer second for ${unauthorized().headers.get('WWW-Authenticate')}`);
    expect(sent[1]!.headers.get('client-request-id')).not.toBe(sent[0]!.headers.get('client-request-id'));
  });

  it('does not count against the retry policy: maxAttempts 1 still gets the challenged send', async () => {
    const { fetch, sent } = answering(unauthorized, noContent);
    await exchange(core(fetch, challenging(true).auth, { maxAttempts: 1 }), call(), 'post', url, '{}', 204);
    expect(sent).toHaveLength(2);
  });

  it('is final when the challenge resolves false: the 401 GraphError, one request', async () => {
    const { fetch, sent } = answering(unauthorized, noContent);
    const error = await exchange(core(fetch, challenging(false).auth), call(), 'post', url, '{}', 204).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(sent).toHaveLength(1);
  });

  it('answers one challenge per call: a second 401 is final, even on a later page or attempt of the same call', async () => {
    const { fetch, sent } = answering(unauthorized);
    const { auth, challenge } = challenging(true);
    const theCall = call();
    await expect(exchange(core(fetch, auth), theCall, 'post', url, '{}', 204)).rejects.toMatchObject({ status: 401 });
    await expect(exchange(core(fetch, auth), theCall, 'get', url, undefined, 200)).rejects.toMatchObject({ status: 401 });
    expect(challenge).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(3);
  });

  it('is final without a challenge method, and the token authorizer has none', async () => {
    const { fetch, sent } = answering(unauthorized, noContent);
    await expect(exchange(core(fetch, tokenAuthorizer('t')), call(), 'post', url, '{}', 204)).rejects.toMatchObject({ status: 401 });
    expect(sent).toHaveLength(1);
    expect('challenge' in tokenAuthorizer('t')).toBe(false);
  });

  it('a challenge that rejects rejects the call with its error', async () => {
    const { fetch } = answering(unauthorized, noContent);
    const failure = new Error('interaction required');
    const auth: Authorizer = { header: () => Promise.resolve('Bearer t'), challenge: () => Promise.reject(failure) };
    await expect(exchange(core(fetch, auth), call(), 'post', url, '{}', 204)).rejects.toBe(failure);
  });
});

describe('tokenAuthorizer and callbackAuthorizer', () => {
  const signal = new AbortController().signal;

  it('give the bearer header of the token, the callback asked on every request', async () => {
    await expect(tokenAuthorizer('abc').header(signal)).resolves.toBe('Bearer abc');
    let n = 0;
    const auth = callbackAuthorizer(() => `t${++n}`);
    await expect(auth.header(signal)).resolves.toBe('Bearer t1');
    await expect(auth.header(signal)).resolves.toBe('Bearer t2');
  });

  it('refuse what is no token: at creation for a token, at the request for a callback', async () => {
    expect(() => tokenAuthorizer('')).toThrow(/^token must be a non-empty string/);
    expect(() => callbackAuthorizer('x' as never)).toThrow(/^getToken must be a function/);
    await expect(callbackAuthorizer(() => '').header(signal)).rejects.toThrow(/^getToken\(\) must be a non-empty string; got an empty string/);
  });

  it("a callback that never settles rejects with the signal's reason once it aborts", async () => {
    const controller = new AbortController();
    const header = callbackAuthorizer(() => new Promise<string>(() => undefined)).header(controller.signal);
    controller.abort();
    await expect(header).rejects.toMatchObject({ name: 'AbortError' });
  });
});
