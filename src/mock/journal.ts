// The journal of a session: the last requests it served, for GET /_mock/requests. A fixed ring, so a busy
// session costs the same memory after its 1,000th request as after its millionth.
//
// What an entry may hold is fixed by `record()`, which copies the listed fields only: whatever else a caller
// passes (a request's headers, its Authorization) is never stored. The one header value kept is
// client-request-id, which the caller chose in order to find its request again.

export const JOURNAL_CAPACITY = 1000;
// Bounds on the strings an entry keeps, so a long request target cannot make 100 sessions × 1,000 entries big.
const MAX_PATH_CHARS = 256;
const MAX_FIELD_CHARS = 128;

export interface JournalEntry {
  /** When the request arrived (ISO 8601, UTC). */
  time: string;
  method: string;
  /** The request path, without the query (a query could carry a secret). */
  path: string;
  status: number;
  /** `error.code` of the answer, when it is an error. */
  errorCode?: string;
  clientRequestId: string;
  requestId: string;
  session: string;
  durationMs: number;
}

/**
 * What the journal needs of an answered request: the pipeline's Exchange and MockAnswer have these fields. Typed
 * here by shape, so the server's public types (which reach this module) do not pull in the pipeline's and Prism's.
 */
export interface AnsweredRequest {
  request: { method: string; target: string };
  target?: { pathname: string } | undefined;
  ids: { clientRequestId: string; requestId: string };
}

/** What the journal keeps of one answered request (top-level or inside a batch), in `session`. */
export function journalEntry(
  x: AnsweredRequest,
  answer: { status: number; errorCode?: string | undefined },
  durationMs: number,
  session: string,
): JournalEntry {
  return {
    time: new Date().toISOString(),
    method: x.request.method,
    path: x.target ? x.target.pathname : x.request.target.replace(/\?.*/s, ''),
    status: answer.status,
    ...(answer.errorCode && { errorCode: answer.errorCode }),
    clientRequestId: x.ids.clientRequestId,
    requestId: x.ids.requestId,
    session,
    durationMs: Math.round(durationMs * 1000) / 1000,
  };
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export class Journal {
  readonly #entries: JournalEntry[] = [];
  /** Where the next entry goes once the ring is full (the oldest one's slot). */
  #next = 0;

  constructor(readonly capacity: number = JOURNAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`journal capacity must be a positive integer, not ${capacity}`);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Appends an entry in O(1); past the capacity the oldest one is overwritten. */
  record(entry: JournalEntry): void {
    const kept: JournalEntry = {
      time: entry.time,
      method: clip(String(entry.method), 16),
      path: clip(String(entry.path).split('?')[0]!, MAX_PATH_CHARS),
      status: entry.status,
      ...(entry.errorCode === undefined ? {} : { errorCode: clip(String(entry.errorCode), MAX_FIELD_CHARS) }),
      clientRequestId: clip(String(entry.clientRequestId), MAX_FIELD_CHARS),
      requestId: clip(String(entry.requestId), MAX_FIELD_CHARS),
      session: entry.session,
      durationMs: entry.durationMs,
    };
    if (this.#entries.length < this.capacity) {
      this.#entries.push(kept);
      return;
    }
    this.#entries[this.#next] = kept;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The entries, oldest first (copies: a reader cannot change the journal). */
  list(): JournalEntry[] {
    const ordered = [...this.#entries.slice(this.#next), ...this.#entries.slice(0, this.#next)];
    return ordered.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.#entries.length = 0;
    this.#next = 0;
  }
}
