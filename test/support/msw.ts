// msw's option for a request no handler takes is `onUnhandledRequest` in msw 2 and `onUnhandledFrame` in msw 3
// (each ignores the other's): tests that must never let a request reach the network pass both, so they hold on
// either end of the handlers' peer range.
export const unhandledIsError = { onUnhandledRequest: 'error', onUnhandledFrame: 'error' } as const;
