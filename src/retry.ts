// Retry policy: its options (validated), which statuses are retried, how long to wait, an abortable wait, and
// the retry loop itself.
import { mustBe } from './check.js';

export interface RetryOptions {
  /** Attempts in all, the first included: an integer from 1 to 11 (default 4: one call and up to 3 retries). */
  maxAttempts?: number | undefined;
  /** Upper bound on the sum of all waits; a wait that would exceed it is not started (default 30 000 ms). */
  maxTotalWaitMs?: number | undefined;
  /** First backoff step when the answer has no Retry-After; doubles per retry, with jitter (default 500 ms). */
  baseDelayMs?: number | undefined;
}

export type RetryPolicy = Readonly<Required<{ [K in keyof RetryOptions]: number }>>;

export const defaultRetry: RetryPolicy = { maxAttempts: 4, maxTotalWaitMs: 30_000, baseDelayMs: 500 };

/** setTimeout fires at once for a delay above 2^31-1 ms (about 24.8 days), in Node and browsers alike. */
export const maxTimerMs = 2 ** 31 - 1;

/** 1 + 10 retries: the Graph JavaScript SDK refuses more than 10 (RetryHandlerOptions.MAX_MAX_RETRIES). */
export const maxAttemptsLimit = 11;

/** Graph's transient answers: throttled, unavailable, gateway timeout. */
export const retryableStatuses: ReadonlySet<number> = new Set([429, 503, 504]);

const isMs = (value: unknown) => typeof value === 'number' && value >= 0 && value <= maxTimerMs; // NaN fails both

/**
 * The policy from the `retry` option: `false` turns retries off; an absent or `undefined` field keeps its
 * default (so spreading `{ maxAttempts: undefined }` cannot erase it). Anything else out of range throws a
 * RangeError naming the field.
 */
export function retryPolicy(options: false | RetryOptions | undefined): RetryPolicy | false {
  if (options === false) return false;
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw mustBe('retry', 'false or an object', options);
  }
  const policy = { ...defaultRetry };
  for (const key of Object.keys(defaultRetry) as Array<keyof RetryPolicy>) {
    const value = options?.[key];
    if (value !== undefined) policy[key] = value;
  }
  const check = (key: keyof RetryPolicy, ok: boolean, what: string) => {
    if (!ok) throw mustBe(`retry.${key}`, what, policy[key]);
  };
  check(
    'maxAttempts',
    Number.isInteger(policy.maxAttempts) && policy.maxAttempts >= 1 && policy.maxAttempts <= maxAttemptsLimit,
    `an integer from 1 to ${maxAttemptsLimit}`,
  );
  check('baseDelayMs', isMs(policy.baseDelayMs), `a number of ms from 0 to ${maxTimerMs}`);
  check('maxTotalWaitMs', isMs(policy.maxTotalWaitMs), `a number of ms from 0 to ${maxTimerMs}`);
  return Object.freeze(policy);
}

const months = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const time = '(?<h>\\d{2}):(?<m>\\d{2}):(?<s>\\d{2})';
/** RFC 9110 §5.6.7 HTTP-date: IMF-fixdate, then the obsolete RFC 850 and asctime forms. Case-sensitive. */
const httpDateForms = [
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?<d>\\d{2}) (?<mon>[A-Z][a-z]{2}) (?<y>\\d{4}) ${time} GMT$`),
  new RegExp(`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (?<d>\\d{2})-(?<mon>[A-Z][a-z]{2})-(?<y>\\d{2}) ${time} GMT$`),
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?<mon>[A-Z][a-z]{2}) (?<d>\\d{2}| \\d) ${time} (?<y>\\d{4})$`),
];

/** Milliseconds since the epoch of an RFC 9110 HTTP-date (always UTC), else undefined. */
export function parseHttpDate(text: string, now: number = Date.now()): number | undefined {
  for (const form of httpDateForms) {
    const g = form.exec(text)?.groups;
    if (!g) continue;
    const month = months.indexOf(g.mon!);
    const [day, h, m, s] = [g.d, g.h, g.m, g.s].map(Number) as [number, number, number, number];
    let year = Number(g.y);
    if (g.y!.length === 2) {
      // RFC 850's two-digit year: the latest year with those digits that is at most 50 years ahead.
      const thisYear = new Date(now).getUTCFullYear();
      const past = thisYear - ((((thisYear - year) % 100) + 100) % 100);
      year = past + 100 <= thisYear + 50 ? past + 100 : past;
    }
    const at = Date.UTC(year, month / 3, day, h, m, s);
    const valid = month % 3 === 0 && month >= 0 && new Date(at).getUTCDate() === day && h < 24 && m < 60 && s <= 60;
    return valid ? at : undefined;
  }
  return undefined;
}

/**
 * `Retry-After` in seconds: delay-seconds (Graph sends decimals such as `2.128`) or an HTTP date (RFC 9110),
 * measured from `now`. Undefined when absent or anything else (`a 2` is not a date); a past date gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const at = parseHttpDate(text, now);
  return at === undefined ? undefined : Math.max(0, (at - now) / 1000);
}

/** Exponential backoff with jitter: between half and all of baseDelayMs * 2^(retry-1). */
export function backoffMs(retry: number, baseDelayMs: number, random: () => number = Math.random): number {
  const step = baseDelayMs * 2 ** Math.max(0, retry - 1);
  return step / 2 + random() * (step / 2);
}

/** Waits `ms` (at most maxTimerMs), or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    // The reason as it is, as fetch rejects: AbortSignal.reason is whatever abort() was given (DOM standard).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- AbortSignal.reason may be any value by design
    const abort = () => reject(signal!.reason);
    if (signal?.aborted) return abort();
    const onAbort = () => {
      clearTimeout(timer);
      abort();
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(ms, maxTimerMs),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What an attempt hands back when the answer was not the success status: an Error, since the loop throws it. */
export interface RetryableFailure extends Error {
  readonly status: number;
  /** Seconds from `Retry-After`, if any. */
  readonly retryAfter: number | undefined;
}

/**
 * The retry loop: runs `attempt(n)` until it resolves `undefined` (success), then throws the last failure once
 * it is not retryable, attempts are spent, or the wait would take the total past maxTotalWaitMs or end after
 * `deadline` (the call's timeout: the failure says more than a TimeoutError would). Network errors and aborts
 * propagate as they are.
 */
export async function withRetries(
  policy: RetryPolicy | false,
  signal: AbortSignal,
  attempt: (n: number) => Promise<RetryableFailure | undefined>,
  deadline = Infinity,
): Promise<void> {
  let waited = 0;
  for (let n = 1; ; n++) {
    signal.throwIfAborted();
    const failure = await attempt(n);
    if (failure === undefined) return;
    if (!policy || !retryableStatuses.has(failure.status) || n >= policy.maxAttempts) throw failure;
    const waitMs = failure.retryAfter !== undefined ? failure.retryAfter * 1000 : backoffMs(n, policy.baseDelayMs);
    if (waited + waitMs > policy.maxTotalWaitMs || Date.now() + waitMs >= deadline) throw failure;
    await sleep(waitMs, signal);
    waited += waitMs;
  }
}
