// Retry policy: its options (validated), which statuses are retried, how long to wait, an abortable wait, and
// the retry loop itself.
import { abortable, maxTimerMs } from './abort.js';
import { option } from './check.js';

export { maxTimerMs } from './abort.js';

export interface RetryOptions {
  /** Attempts in all, the first included: an integer from 1 to 11 (default 4: one call and up to 3 retries). */
  maxAttempts?: number | undefined;
  /** Upper bound on the sum of all waits; a wait that would exceed it is not started (default 30 000 ms). */
  maxTotalWaitMs?: number | undefined;
  /** First backoff step when the answer has no Retry-After; doubles per retry, with jitter (default 500 ms). */
  baseDelayMs?: number | undefined;
}

export type RetryPolicy = Readonly<Required<{ [K in keyof RetryOptions]: number }>>;

export const defaultRetry: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxTotalWaitMs: 30_000 };

/** 1 + 10 retries: the Graph JavaScript SDK refuses more than 10 (RetryHandlerOptions.MAX_MAX_RETRIES). */
export const maxAttemptsLimit = 11;

/** Graph's transient answers: throttled, unavailable, gateway timeout. */
export const retryableStatuses: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * The policy from the `retry` option: `false` turns retries off; an absent or `undefined` field keeps its
 * default (so spreading `{ maxAttempts: undefined }` cannot erase it). Anything else out of range throws a
 * RangeError naming the field.
 */
export function retryPolicy(options: false | RetryOptions | undefined): RetryPolicy | false {
  if (options === false) return false;
  const given = option<RetryOptions>('retry', options, {}, typeof options === 'object' && options !== null, 'false or an object');
  const policy = { ...defaultRetry };
  // Checked in the order maxAttempts, baseDelayMs, maxTotalWaitMs (defaultRetry's): the first bad one is named.
  for (const key of Object.keys(defaultRetry) as Array<keyof RetryPolicy>) {
    const value = given[key];
    const attempts = key === 'maxAttempts';
    policy[key] = option(
      `retry.${key}`,
      value,
      defaultRetry[key],
      // NaN fails both ranges
      attempts ? Number.isInteger(value) && value! >= 1 && value! <= maxAttemptsLimit : typeof value === 'number' && value >= 0 && value <= maxTimerMs,
      attempts ? `an integer from 1 to ${maxAttemptsLimit}` : `a number of ms from 0 to ${maxTimerMs}`,
    );
  }
  return policy;
}

const months = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const weekday = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
// The hour needs no range here: 24 or more rolls Date.UTC into a later day, which parseHttpDate's day check refuses.
const time = ' (\\d\\d):([0-5]\\d):([0-5]\\d|60)';
/**
 * RFC 9110 §5.6.7 HTTP-date, case-sensitive: IMF-fixdate, then the obsolete RFC 850 and asctime forms. Each
 * captures day, month, year, hour, minute, second in that order (asctime's day and year by lookahead), so the
 * groups that matched read the same whatever the form.
 */
const httpDate = new RegExp(
  `^(?:(?:${weekday}), (\\d\\d) (\\w{3}) (\\d{4})${time} GMT` +
    `|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\\d\\d)-(\\w{3})-(\\d\\d)${time} GMT` +
    `|(?:${weekday}) (?=\\w{3} ([ \\d]\\d))(\\w{3}) ..(?= .{8} (\\d{4}))${time} \\d{4})$`,
);

/** Milliseconds since the epoch of an RFC 9110 HTTP-date (always UTC), else undefined; `now` places RFC 850 two-digit years. */
export function parseHttpDate(text: string, now: number): number | undefined {
  const [d, mon, y, h, m, s] = httpDate.exec(text)?.filter((group, i) => i && group) ?? [];
  if (!y) return undefined;
  const month = months.indexOf(mon!);
  let year = +y;
  // RFC 850's two-digit year: the latest year with those digits that is at most 50 years ahead.
  const latest = new Date(now).getUTCFullYear() + 50;
  if (y.length < 3) year = latest - ((latest - year) % 100);
  const at = Date.UTC(year, month / 3, +d!, +h!, +m!, +s!);
  // A day the month lacks, or an hour past 23, makes Date.UTC roll over to a day with another number.
  return month % 3 || new Date(at).getUTCDate() !== +d! ? undefined : at;
}

/**
 * `Retry-After` in seconds: delay-seconds (Graph sends decimals such as `2.128`) or an HTTP date (RFC 9110),
 * measured from `now`. Undefined when absent or anything else (`a 2` is not a date); a past date gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim() ?? ''; // absent: no number, no date
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const at = parseHttpDate(text, now);
  return at === undefined ? undefined : Math.max(0, (at - now) / 1000);
}

/** Exponential backoff with jitter: between half and all of baseDelayMs * 2^(retry-1), for retry 1, 2, … */
export function backoffMs(retry: number, baseDelayMs: number): number {
  const step = baseDelayMs * 2 ** (retry - 1);
  return step / 2 + Math.random() * (step / 2);
}

/** Waits `ms` (at most maxTimerMs), or rejects with the signal's reason as soon as it aborts (its timer cleared). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(ms, maxTimerMs))));
  return abortable(wait, signal).finally(() => clearTimeout(timer));
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
  deadline: number,
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
