// Reads the object a `$ref` request names: the read URL in `@odata.id`,
// `https://{graph host}/{v1.0|beta}/{entitySet}/{id}`, optionally followed by a type cast segment
// (`/microsoft.graph.user`). The request's schema (userOrGroupReference, directoryObjectReference) already
// restricts hosts, sets and characters; this reader only has to be robust: anything it cannot read is
// `undefined`, which the rules answer with the operation's reference notFound (a 404), never a throw.
import { ENTITY_SETS, isObjectType, type EntitySet, type ObjectType } from './objects.js';

export interface ReadUrl {
  version: 'v1.0' | 'beta';
  entitySet: EntitySet;
  /** The key, percent-decoded: an id, or (users) a userPrincipalName. */
  key: string;
  /** The type cast segment's type, if any. */
  cast?: ObjectType;
}

const CAST_PREFIX = 'microsoft.graph.';

/** Canonical entity set for a URL segment; Graph's URL segments are case-insensitive. */
function entitySetOf(segment: string): EntitySet | undefined {
  const lower = segment.toLowerCase();
  return ENTITY_SETS.find((set) => set.toLowerCase() === lower);
}

export function parseReadUrl(value: unknown): ReadUrl | undefined {
  if (typeof value !== 'string' || value.length > 4096) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
  // The raw path (URL keeps percent-escapes), split before decoding so an encoded '/' stays inside the key.
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
  const castName = rawCast.toLowerCase().startsWith(CAST_PREFIX) ? rawCast.slice(CAST_PREFIX.length) : undefined;
  if (!isObjectType(castName)) return undefined;
  return { version, entitySet, key, cast: castName };
}
