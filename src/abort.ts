// The call's own AbortSignal: the caller's signal and the call's timeout in one, released when the call ends.
//
// Not AbortSignal.any(): it is Baseline only since 2024 (Chrome 116, Firefox 124, Safari 17.4), and in Node and
// Deno a composed signal stays reachable as long as a long-lived source signal does (nodejs/node#54614 and
// #55351, denoland/deno#24842): the common case of one app-wide signal passed to every call. A plain controller
// whose listener is removed when the call ends has neither problem, and its timer runs on fake timers in tests.
import { option } from './check.js';

/** setTimeout fires at once for a delay above 2^31-1 ms (about 24.8 days), in Node and browsers alike. */
export const maxTimerMs = 2 ** 31 - 1;

/**
 * Default timeout of a whole call (token, every attempt, every retry wait): 100 s, the Microsoft Graph SDKs'
 * default (.NET HttpClient.Timeout; msgraph-sdk-python-core DEFAULT_REQUEST_TIMEOUT = 100; kiota-http-go #24
 * "Adds a default 100 secs timeout per request"). The JavaScript SDK 3.0.7 has no timeout at all.
 */
export const defaultTimeoutMs = 100_000;

/** `timeoutMs` as given, `fallback` when absent or undefined; a RangeError naming the option otherwise. */
export const timeoutOption = (value: unknown, fallback: number): number =>
  option(
    'timeoutMs',
    value,
    fallback,
    value === Infinity || (typeof value === 'number' && value > 0 && value <= maxTimerMs),
    `a number of ms above 0 and up to ${maxTimerMs}, or Infinity`,
  );

/**
 * Runs `work` under a signal of its own that aborts with the caller's reason when `outer` aborts, or with a
 * DOMException 'TimeoutError' after timeoutMs; settles as the work does, or rejects with the signal's reason as soon
 * as it aborts (the call ends then even if an injected fetch ignores its signal). The timer is cleared and the
 * caller's signal let go when it settles.
 */
export function withSignal<T>(outer: AbortSignal | undefined, timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer!.reason);
  const timer =
    timeoutMs === Infinity
      ? undefined
      : setTimeout(() => controller.abort(new DOMException(`the call did not complete within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return abortable(work(controller.signal), controller.signal).finally(() => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  });
}

/** Settles as `promise` does, or rejects with the signal's reason as soon as it aborts (what settles later is dropped). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The reason as it is, as fetch rejects: AbortSignal.reason is whatever abort() was given (DOM standard).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- AbortSignal.reason may be any value by design
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Also when already aborted: what `promise` settles to later is dropped, never an unhandled rejection.
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
