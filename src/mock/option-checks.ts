// The checks of the options the server and the MSW handlers share (directory, auth, latency, chaos, id seed,
// body limit), so both refuse a bad value with the same MockSettingsError. Browser-safe; settings.ts adds the
// server's own (port, host, timeouts, files) and the CLI's readers.
import { MAX_DELAY_MS } from './chaos.js';
import type { AuthMode, DirectoryMode } from './settings.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Bodies are held in memory while read: a limit above this is a typo, not a need (Graph's own is 4 MB). */
export const MAX_BODY_BYTES_LIMIT = 64 * 1024 * 1024;

export class MockSettingsError extends Error {
  override name = 'MockSettingsError';
  constructor(
    readonly setting: string,
    readonly value: unknown,
    accepted: string,
  ) {
    super(`${setting} ${show(value)} is not valid: ${accepted}.`);
  }
}

/** A value as the user wrote it: strings quoted (so '' and ' 80' are visible), the rest as JS prints it. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

export function checkMode(value: unknown, setting: string): 'open' | 'strict' {
  if (value === undefined) return 'open';
  if (value !== 'open' && value !== 'strict') throw new MockSettingsError(setting, value, "use 'open' or 'strict'");
  return value;
}

export function checkChaos(value: unknown): { rate: number; seed: number } | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw new MockSettingsError('options.chaos', value, 'use { rate: 0..1, seed?: integer }');
  const { rate, seed } = value as { rate?: unknown; seed?: unknown };
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new MockSettingsError('options.chaos.rate', rate, 'use a fraction from 0 to 1');
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw new MockSettingsError('options.chaos.seed', seed, 'use a whole number');
  }
  return { rate, seed: seed ?? 1 };
}

/** A latency in ms: a whole number from 0 to MAX_DELAY_MS. */
export function checkLatency(value: unknown, setting: string): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DELAY_MS)) {
    throw new MockSettingsError(setting, value, `use a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`);
  }
  return value;
}

/** A body limit in bytes: a whole number from 1 to MAX_BODY_BYTES_LIMIT. */
export function checkMaxBodyBytes(value: unknown, setting: string): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_BODY_BYTES_LIMIT)) {
    // NaN and Infinity land here: either would switch the body limit off.
    throw new MockSettingsError(setting, value, `use a whole number of bytes from 1 to ${MAX_BODY_BYTES_LIMIT}`);
  }
  return value;
}

export const MAX_ID_SEED_CHARS = 200;

/** An id seed: any text of 1 to MAX_ID_SEED_CHARS characters (it is hashed, never parsed). */
export function checkIdSeed(value: unknown, setting: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_ID_SEED_CHARS) {
    throw new MockSettingsError(setting, value, `use a string of 1 to ${MAX_ID_SEED_CHARS} characters`);
  }
  return value;
}

/** The shared options as a host without a server takes them. */
export interface SharedOptions {
  directory?: DirectoryMode;
  auth?: AuthMode;
  latencyMs?: number;
  chaos?: { rate: number; seed?: number };
  idSeed?: string;
  maxBodyBytes?: number;
}

/** Checks the shared options (`options.NAME` in a refusal, as startMockServer's) and applies their defaults. */
export function resolveSharedOptions(options: SharedOptions): {
  directory: DirectoryMode;
  auth: AuthMode;
  latencyMs: number;
  chaos: { rate: number; seed: number } | undefined;
  idSeed: string | undefined;
  maxBodyBytes: number;
} {
  return {
    latencyMs: checkLatency(options.latencyMs, 'options.latencyMs') ?? 0,
    maxBodyBytes: checkMaxBodyBytes(options.maxBodyBytes, 'options.maxBodyBytes') ?? DEFAULT_MAX_BODY_BYTES,
    directory: checkMode(options.directory, 'options.directory'),
    auth: checkMode(options.auth, 'options.auth'),
    chaos: checkChaos(options.chaos),
    idSeed: checkIdSeed(options.idSeed, 'options.idSeed'),
  };
}
