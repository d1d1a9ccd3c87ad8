// The headers Graph puts on every answer, whatever its status (Strict-Transport-Security, x-ms-ags-diagnostic),
// read from the spec: those every documented response of every operation declares, each with its documented
// example value. The host sends them on every answer, its own failures included, so an answer Prism negotiated,
// the fast path's and one the mock raised itself carry the same ones. The ids are the host's, never the spec's.
import { deref, operationsOf, responsesOf, type Spec } from '../spec/walk.js';

const LIVE = new Set(['request-id', 'client-request-id']);

/** The example value of a documented header (its schema's first `examples` entry, else `example`). */
function exampleOf(spec: Spec, header: unknown): string | undefined {
  const resolved = deref(spec, header as never) as { example?: unknown; schema?: unknown } | undefined;
  const schema = deref(spec, resolved?.schema as never) as { examples?: unknown[]; example?: unknown } | undefined;
  const value = resolved?.example ?? schema?.examples?.[0] ?? schema?.example;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Name (lower case) → example value of each header that every response of every operation documents. */
export function headersOnEveryAnswer(spec: Spec): Record<string, string> {
  let common: Map<string, string> | undefined;
  for (const { op } of operationsOf(spec)) {
    for (const [, response] of responsesOf(spec, op)) {
      const here = new Map<string, string>();
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        const value = exampleOf(spec, header);
        if (!LIVE.has(name.toLowerCase()) && value !== undefined) here.set(name.toLowerCase(), value);
      }
      common = common === undefined ? here : new Map([...common].filter(([name, value]) => here.get(name) === value));
    }
  }
  return Object.fromEntries(common ?? []);
}

/** The deprecation headers (RFC 9745 `Deprecation`, RFC 8594 `Sunset`, the `Link` to the successor's page). */
const DEPRECATION = ['deprecation', 'sunset', 'link'];

/**
 * operationId → the deprecation headers (lower-case name → documented example) of each deprecated operation:
 * those of the three its success response declares. Graph sends them on every answer of a deprecated API, so
 * the mock does too, its failures included.
 */
export function deprecationHeaders(spec: Spec): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  for (const { operationId, op } of operationsOf(spec)) {
    if (op.deprecated !== true) continue;
    const success = responsesOf(spec, op).find(([status]) => /^2\d\d$/.test(status))?.[1];
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(success?.headers ?? {})) {
      const value = exampleOf(spec, header);
      if (DEPRECATION.includes(name.toLowerCase()) && value !== undefined) headers[name.toLowerCase()] = value;
    }
    if (Object.keys(headers).length > 0) found.set(operationId, headers);
  }
  return found;
}
