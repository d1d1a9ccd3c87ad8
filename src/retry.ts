// Retry policy: which statuses are retried, how long to wait, and an abortable wait.

export interface RetryOptions {
  /** Attempts in all, the first included (default 4: one call and up to 3 retries). */
  maxAttempts?: number;
  /** Upper bound on the sum of all waits; a wait that would exceed it is not started (default 30 000 ms). */
  maxTotalWaitMs?: number;
  /** First backoff step when the answer has no Retry-After; doubles per retry, with jitter (default 500 ms). */
  baseDelayMs?: number;
}

export const defaultRetry: Required<RetryOptions> = { maxAttempts: 4, maxTotalWaitMs: 30_000, baseDelayMs: 500 };

/** Graph's transient answers: throttled, unavailable, gateway timeout. */
export const retryableStatuses: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * `Retry-After` in seconds: delay-seconds (Graph sends decimals such as `2.128`) or an HTTP date
 * (RFC 9110), measured from `now`. Undefined when absent or unparseable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  // Only a date-looking value: Date.parse would otherwise accept things like "1 2".
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now) / 1000);
}

/** Exponential backoff with jitter: between half and all of baseDelayMs * 2^(retry-1). */
export function backoffMs(retry: number, baseDelayMs: number, random: () => number = Math.random): number {
  const step = baseDelayMs * 2 ** Math.max(0, retry - 1);
  return step / 2 + random() * (step / 2);
}

/** Waits `ms`, or rejects with the signal's reason (an AbortError by default) as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
