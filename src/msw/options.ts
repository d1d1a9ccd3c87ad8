// createGraphHandlers' options, checked before any handler exists. The options the server shares (directory,
// auth, latencyMs, chaos, maxBodyBytes, idSeed) go through the server's own checks (option-checks.ts), so a bad
// value is refused with the same MockSettingsError; the handlers' own (baseUrl, cloud, fixture) are checked here.
import { clouds } from '../../generated/operations.js';
import { MockSettingsError, resolveSharedOptions } from '../mock/option-checks.js';
import type { AuthMode, DirectoryMode } from '../mock/settings.js';
import type { Fixture } from '../mock/objects.js';
import { readBaseUrl, type BaseUrl } from './base-url.js';

export type Cloud = keyof typeof clouds;

export interface GraphHandlersOptions {
  /**
   * Where the handlers answer: an origin (`https://graph.microsoft.com`), an origin with a path prefix
   * (`http://localhost:3000/graph`), or in a browser a path on the page's origin (`/graph`); several in an array.
   * Every request under one of them is answered. Default: the cloud's Graph origin.
   */
  baseUrl?: string | string[];
  /** Which national cloud's Graph origin is the default base URL (the spec's `servers`). Default `global`. */
  cloud?: Cloud;
  /** 'open' (default): an id the directory lacks is created on first use; 'strict': it is a 404, as in Graph. */
  directory?: DirectoryMode;
  /** 'open' (default): an opaque bearer token is accepted; 'strict': a JWT with the needed permission is required. */
  auth?: AuthMode;
  /** The directory every session starts from and `reset()` returns to (a fixture object). Default: the server's default fixture. */
  fixture?: Fixture;
  /** Added to every answer of a contract route, in milliseconds (0–60,000). */
  latencyMs?: number;
  /** This fraction (0–1) of contract requests gets one of the operation's documented transient failures; reproducible by seed. */
  chaos?: { rate: number; seed?: number };
  /** Largest accepted request body in bytes; a bigger one gets 413. Default 1 MiB, as the server. */
  maxBodyBytes?: number;
  /** Ids of created objects from this seed (the same seed and requests give the same ids); default random GUIDs. */
  idSeed?: string;
}

export interface ResolvedHandlersOptions {
  bases: BaseUrl[];
  maxBodyBytes: number;
  directory: DirectoryMode;
  auth: AuthMode;
  latencyMs: number;
  chaos: { rate: number; seed: number } | undefined;
  /** Unchecked here: the fixture's own checks run where its schema validator is (index.ts). */
  fixture: unknown;
  idSeed: string | undefined;
}

const KNOWN = new Set(['baseUrl', 'cloud', 'directory', 'auth', 'fixture', 'latencyMs', 'chaos', 'maxBodyBytes', 'idSeed']);

/** The page's origin in a browser (relative base URLs resolve against it, as msw's own paths do); undefined in Node. */
export const pageOrigin = (): string | undefined => (globalThis as { location?: { origin?: string } }).location?.origin;

/** Checks the options and applies the defaults; throws MockSettingsError naming the first bad one. */
export function resolveHandlersOptions(options: GraphHandlersOptions = {}, page: string | undefined = pageOrigin()): ResolvedHandlersOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new MockSettingsError('options', options, 'pass an object or nothing');
  // A server-only option (port, host, watch…) or a typo would otherwise be ignored without a word.
  const unknown = Object.keys(options).find((key) => !KNOWN.has(key));
  if (unknown) throw new MockSettingsError(`options.${unknown}`, (options as Record<string, unknown>)[unknown], `use one of ${[...KNOWN].join(', ')}`);
  const { baseUrl, cloud, fixture, ...rest } = options;
  const shared = resolveSharedOptions(rest);
  if (cloud !== undefined && !Object.hasOwn(clouds, cloud)) throw new MockSettingsError('options.cloud', cloud, `use one of ${Object.keys(clouds).join(', ')}`);
  if (cloud !== undefined && baseUrl !== undefined) throw new MockSettingsError('options.cloud', cloud, 'use cloud or baseUrl, not both');
  if (fixture !== undefined && (fixture === null || typeof fixture !== 'object' || Array.isArray(fixture))) {
    throw new MockSettingsError('options.fixture', fixture, 'use a fixture object (collections of directory objects) or leave it out');
  }
  return { ...shared, bases: readBases(baseUrl ?? clouds[cloud ?? 'global'], page), fixture };
}

function readBases(value: unknown, page: string | undefined): BaseUrl[] {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  if (values.length === 0) throw new MockSettingsError('options.baseUrl', value, 'use at least one base URL');
  const bases = new Map<string, BaseUrl>();
  for (const [i, each] of values.entries()) {
    const setting = Array.isArray(value) ? `options.baseUrl[${i}]` : 'options.baseUrl';
    const read = typeof each === 'string' ? readBaseUrl(each, page) : 'use a URL string';
    if (typeof read === 'string') throw new MockSettingsError(setting, each, read);
    bases.set(`${read.origin}${read.prefix}`, read);
  }
  // A longer prefix first: msw asks the handlers in order, and `/graph` must win over its origin's root.
  return [...bases.values()].sort((a, b) => b.prefix.length - a.prefix.length);
}
