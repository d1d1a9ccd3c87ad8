// The one way a request of the typed client goes out: fetch(url, init) with the client's headers, under the
// call's signal, retried per policy, its answer read into the success body or a GraphError. No Request is built
// here: fetch builds its own, and every Request made with a signal follows it (tens of µs each in Node).
import type { Authorizer } from './auth.js';
import { invalidResponse, toGraphError, type GraphError } from './errors.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { assertValidId } from './sponsors.js';
import { uuidV4 } from './uuid.js';

/** What every request of one client shares. */
export interface Core {
  /** `${origin}/`: a URL starting with it is on the client's own origin, the only one the token goes to. */
  readonly own: string;
  readonly fetch: typeof fetch;
  readonly auth: Authorizer | undefined;
  readonly policy: RetryPolicy | false;
}

/** One call's own signal, deadline and headers (the caller's, the client-request-id if given, telemetry). */
export interface Call {
  signal: AbortSignal;
  deadline: number;
  header: Record<string, string>;
  /** Set once a 401 challenge was answered: a call retries a 401 at most once. */
  challenged?: boolean;
}

/** The success answer of one request: its parsed JSON body (undefined when empty), the response and the URL asked. */
export interface Answer {
  body: unknown;
  response: Response;
  url: string;
}

/** A path template with its parameters filled in path order by `ids`, each checked and percent-encoded. */
export function fillPath(path: string, ids: readonly unknown[]): string {
  let i = 0;
  return path.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const id = ids[i++];
    assertValidId(id, `path parameter ${name}`);
    return encodeURIComponent(id);
  });
}

/**
 * One request, retried per policy: the answer with `successStatus`, else the last GraphError thrown. A 401 is
 * sent once more when the authorizer's challenge resolves true (once per call, outside the retry policy).
 */
export async function exchange(core: Core, call: Call, method: string, url: string, body: string | undefined, successStatus: number): Promise<Answer> {
  let answer: Answer | undefined;
  const { auth } = core;
  const { signal } = call;
  const attempt = async (): Promise<GraphError | undefined> => {
    const headers: Record<string, string> = { 'client-request-id': uuidV4(), ...call.header };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const authorization = auth && url.startsWith(core.own) ? await auth.header(signal) : undefined;
    if (authorization !== undefined) headers.authorization = authorization;
    // redirect 'error': a redirect to another origin must not carry the token, whatever the runtime does.
    // Network errors and aborts reject here with the original error.
    const response = await core.fetch(url, { method, headers, body, redirect: 'error', signal });
    const { status } = response;
    if (status === 401 && !call.challenged && auth?.challenge) {
      call.challenged = true;
      if (await auth.challenge(response, signal)) {
        await response.body?.cancel();
        return attempt();
      }
    }
    // The JSON of the body (undefined when empty), or the text itself when it is not JSON: a success answer must
    // be JSON, any other answer becomes a GraphError whatever its body.
    const text = await response.text();
    let value: unknown = text;
    try {
      value = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (status === successStatus) return invalidResponse(response, `HTTP ${status} with a body that is not JSON`, text);
    }
    if (status !== successStatus)
      return response.ok ? invalidResponse(response, `HTTP ${status} where the contract answers ${successStatus}`, value) : toGraphError(response, value);
    answer = { body: value, response, url };
    return undefined;
  };
  await withRetries(core.policy, signal, attempt, call.deadline);
  return answer!;
}
