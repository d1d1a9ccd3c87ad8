// Chaos and latency: which contract requests get a transient failure (--chaos RATE --seed N), and how long a
// request waits (`Prefer: delay=MS`). Pure: the pipeline turns a pick into a Preference `{ code }`, so Prism
// answers the operation's own documented example for that status (its body and its Retry-After).

/** The statuses Graph documents as transient and that a client should retry; chaos only picks among these. */
export const TRANSIENT_STATUSES: readonly number[] = [429, 503, 504];
/** The longest wait the mock adds to one request; a larger `Prefer: delay` or queued delay is clipped to it. */
export const MAX_DELAY_MS = 60_000;

export interface ChaosOptions {
  /** The fraction of requests that fail, 0 to 1. */
  rate: number;
  /** The PRNG's seed (an integer); the same seed gives the same sequence of picks. Default 0. */
  seed?: number;
}

/**
 * Mulberry32 (Tommy Ettinger's 32-bit generator, public domain): tiny, fast, and good enough to spread
 * failures; its whole state is one 32-bit integer, so a seed fixes the sequence exactly on every platform.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A chaos picker: `pick(statuses)` draws for one contract request and answers the status it is to fail with,
 * or undefined. Every call draws once for the rate, whether or not the operation documents a transient status,
 * so the sequence of picks depends on the seed and the order of requests only.
 */
export interface ChaosPicker {
  pick(statuses: readonly number[]): number | undefined;
}

export function createChaos({ rate, seed = 0 }: ChaosOptions): ChaosPicker {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new RangeError(`chaos rate must be a number from 0 to 1, not ${rate}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`chaos seed must be an integer, not ${seed}`);
  const random = mulberry32(seed);
  return {
    pick(statuses) {
      const hit = random() < rate;
      if (!hit || statuses.length === 0) return undefined;
      return statuses[Math.floor(random() * statuses.length)];
    },
  };
}

/**
 * The transient statuses (429, 503, 504) an operation documents, ascending. Takes either the operation's
 * example-name → status map (Contract.exampleStatus) or its OpenAPI `responses` object (keys are statuses).
 */
export function transientStatuses(documented: ReadonlyMap<string, number> | Record<string, unknown>): number[] {
  const statuses = documented instanceof Map ? [...(documented as ReadonlyMap<string, number>).values()] : Object.keys(documented).map(Number);
  return [...new Set(statuses)].filter((status) => TRANSIENT_STATUSES.includes(status)).sort((a, b) => a - b);
}

/**
 * `Prefer: delay=MS` → milliseconds, clipped to MAX_DELAY_MS (a larger wait is shortened, not refused, so a
 * script asking for "a long time" still runs). A value that is not a whole number of milliseconds is ignored,
 * as RFC 7240 has a server ignore a preference it cannot honour; the first `delay` counts (RFC 7240, 2).
 */
export function parseDelay(prefer: string | string[] | undefined): number | undefined {
  if (prefer === undefined) return undefined; // the common request: nothing to read
  for (const part of [prefer ?? []].flat().join(',').split(',')) {
    const [key, ...rest] = part.split(';')[0]!.split('=');
    if (key?.trim().toLowerCase() !== 'delay') continue;
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return /^\d+$/.test(value) ? Math.min(Number(value), MAX_DELAY_MS) : undefined;
  }
  return undefined;
}
