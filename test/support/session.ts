// Sessions of the stateful mock for tests: a request with `x-mock-session: NAME` sees its own directory (created on
// first use from the fixture), so a test that needs "a documented request succeeds" sends it in a session nobody
// has used, and a test that needs a duplicate sends the same request twice in one session.
import { randomUUID } from 'node:crypto';
import { createGraphClient, type GraphClient } from '../../src/index.js';
import { SESSION_HEADER } from '../../src/mock/sessions.js';

export { SESSION_HEADER };

// Unique across the workers of one run (process id) and across runs against a long-lived mock (the random part).
const prefix = `t${process.pid}-${randomUUID().slice(0, 8)}`;
let counter = 0;

/** A session name nobody has used yet: 1–64 characters of `A-Z a-z 0-9 . _ -`, as the mock accepts. */
export function freshSessionName(): string {
  return `${prefix}-${++counter}`;
}

/** The header that puts a request in a session nobody has used yet. */
export function freshSession(): Record<typeof SESSION_HEADER, string> {
  return { [SESSION_HEADER]: freshSessionName() };
}

/**
 * A client of the mock at `baseUrl` whose every request carries `headers` (a session's, a Prefer): the client's
 * API has no per-call headers, so they are set in its fetch.
 */
export function clientWithHeaders(baseUrl: string, headers: Record<string, string>): GraphClient {
  return createGraphClient({
    baseUrl,
    token: 'mock-token',
    retry: false,
    fetch: (input, init) => {
      const request = new Request(input, init);
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
      return fetch(request);
    },
  });
}
