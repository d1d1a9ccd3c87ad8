// Reads the object a `$ref` request names: the read URL in `@odata.id`,
// `https://{graph host}/{v1.0|beta}/{entitySet}/{id}`, optionally followed by a type cast segment
// (`/microsoft.graph.user`). The request's schema (userOrGroupReference, directoryObjectReference) restricts
// sets and characters, and the host loosely (JSON Schema has no case-insensitive match); this reader decides the
// forms exactly, as issue 11 section 3 records them:
// - the host is one of the spec's `servers` (any national cloud), compared without regard to case (RFC 3986
//   §3.2.2), with or without the explicit default port `:443` (RFC 3986 §6.2.3);
// - an absolute path without a host (`/v1.0/users/{id}`) is resolved against the request's service root (OData
//   JSON format's relative `@odata.id`, which Set-EntraUserSponsor sends in `$batch`);
// - another host or port, `http:`, userinfo, a relative path (`users/{id}`), a network-path reference (`//host/`),
//   a query or a fragment cannot be read.
// Anything it cannot read is `undefined`, which the rules answer with the operation's `reference.invalid` (400
// invalidUrlFormat), never a throw.
import { ENTITY_SETS, OBJECT_TYPES, type EntitySet, type ObjectType } from './objects.js';

export interface ReadUrl {
  version: 'v1.0' | 'beta';
  entitySet: EntitySet;
  /** The key, percent-decoded: an id, or (users) a userPrincipalName. */
  key: string;
  /** The type cast segment's type, if any. */
  cast?: ObjectType;
}

/** The Graph hosts a read URL may name: the hosts (lower case) of the spec's `servers`. */
export function serverHosts(servers: ReadonlyArray<{ url?: unknown }> | undefined): string[] {
  const hosts: string[] = [];
  for (const server of servers ?? []) {
    if (typeof server.url !== 'string') continue;
    try {
      hosts.push(new URL(server.url).hostname.toLowerCase());
    } catch {
      // A templated server URL names no single host; it adds none.
    }
  }
  return hosts;
}

/**
 * `microsoft.graph.{type}` or the namespace alias `graph.{type}`, any letter case (OData's qualified names are
 * matched case-insensitively by Graph), to the type; undefined when the segment is no cast.
 */
export function castType(segment: string): ObjectType | undefined {
  const match = /^(?:microsoft\.graph|graph)\.(.+)$/i.exec(segment);
  if (!match) return undefined;
  const lower = match[1]!.toLowerCase();
  return OBJECT_TYPES.find((type) => type.toLowerCase() === lower);
}

/** Canonical entity set for a URL segment; Graph's URL segments are case-insensitive. */
function entitySetOf(segment: string): EntitySet | undefined {
  const lower = segment.toLowerCase();
  return ENTITY_SETS.find((set) => set.toLowerCase() === lower);
}

// The service root an absolute path is resolved against: only its path matters, the host is checked apart.
const SERVICE_ROOT = 'https://service-root.invalid';

/** The read URL in `value`, or undefined when it is not one; `hosts` are the accepted Graph hosts (serverHosts). */
export function parseReadUrl(value: unknown, hosts: readonly string[]): ReadUrl | undefined {
  if (typeof value !== 'string' || value.length > 4096) return undefined;
  // An absolute path (one '/', not the '//' of a network-path reference) is read against the service root.
  const pathOnly = value.startsWith('/') && !value.startsWith('//');
  // The authority as written: URL drops a default port, and another port must not pass as the default.
  if (!pathOnly && !/^https:\/\/[^/?#:@]+(?::443)?(?:[/?#]|$)/i.test(value)) return undefined;
  let url: URL;
  try {
    url = pathOnly ? new URL(value, SERVICE_ROOT) : new URL(value);
  } catch {
    return undefined;
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) return undefined;
  if (!pathOnly && !hosts.includes(url.hostname.toLowerCase())) return undefined;
  // The raw path (URL keeps percent-escapes), split before decoding so an encoded '/' stays inside the key.
  // URL would resolve dot segments away: the path as written must have none.
  const written = pathOnly ? value : value.replace(/^https:\/\/[^/]*/i, '');
  if (written !== url.pathname) return undefined;
  const segments = url.pathname.split('/').slice(1);
  if (segments.length < 3 || segments.length > 4) return undefined;
  const [version, set, rawKey, rawCast] = segments as [string, string, string, string | undefined];
  if (version !== 'v1.0' && version !== 'beta') return undefined;
  const entitySet = entitySetOf(set);
  if (!entitySet) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return undefined;
  }
  if (key === '' || key === '.' || key === '..') return undefined;
  if (rawCast === undefined) return { version, entitySet, key };
  const cast = castType(rawCast);
  return cast ? { version, entitySet, key, cast } : undefined;
}
