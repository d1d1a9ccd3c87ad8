// autocannon ships no types; only what scripts/bench.ts uses.
declare module 'autocannon' {
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    total: number;
  }
  /** The request autocannon is about to send; setupRequest may change it and returns it. */
  interface RequestParams {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    duration?: number;
    /** A first run with these settings whose figures are not counted. */
    warmup?: { connections?: number; duration?: number };
    /** Sent in turn; a request with setupRequest is rebuilt before each send. */
    requests?: { setupRequest?: (request: RequestParams) => RequestParams }[];
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    errors: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
