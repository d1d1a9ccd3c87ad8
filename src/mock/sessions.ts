// Sessions: `x-mock-session: NAME` gives a caller its own directory, journal and answer queue, so tests running
// side by side against one mock do not see each other's sponsors. Bounded three ways: idle sessions expire, their
// number is capped (least recently used evicted), and the directories together have a size budget.
//
// The directory type is a parameter (`SessionDirectory` is all this module needs of it), so the store works and
// is tested without the real Directory; the server instantiates it with that one.
import { GraphFailure } from './graph-error.js';
import { Journal } from './journal.js';
import { AnswerQueue } from './queue.js';

export { AnswerQueue, MAX_QUEUED, type QueuedAnswer } from './queue.js';

export const SESSION_HEADER = 'x-mock-session';
export const DEFAULT_SESSION = 'default';
export const MAX_SESSIONS = 100;
export const IDLE_MS = 15 * 60_000;
/** Objects + relations over every session's directory (and every fixture PUT for a session). */
export const MAX_TOTAL_SIZE = 500_000;
const SWEEP_MS = 60_000;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** What the store needs of a directory. */
export interface SessionDirectory {
  clone(): SessionDirectory;
  toFixture(): unknown;
  /** Objects + relation entries. */
  readonly size: number;
}

export interface Session<D extends SessionDirectory = SessionDirectory> {
  readonly name: string;
  directory: D;
  /** The fixture a PUT /_mock/directory gave this session: reset returns to it. Undefined: the loaded fixture. */
  fixture?: D;
  readonly journal: Journal;
  readonly queue: AnswerQueue;
  /** Epoch ms of the last request that used it. */
  lastUsed: number;
}

export interface SessionStoreOptions<D extends SessionDirectory> {
  /** A fresh directory holding the loaded fixture (e.g. `() => loaded.clone()`); called for each new or reset session, with its name. */
  base: (session: string) => D;
  maxSessions?: number;
  idleMs?: number;
  maxTotalSize?: number;
  /** The clock (epoch ms); tests pass a fake one. */
  now?: () => number;
  /** How often the background sweep drops idle sessions; 0: no timer (lazy only). */
  sweepMs?: number;
}

export interface SessionsReport {
  value: Array<{ name: string; size: number; lastUsed: string; queued: number; journaled: number }>;
  totalSize: number;
  /** Sessions dropped because the cap was reached (least recently used first), since start. */
  evicted: number;
  /** Sessions dropped after being idle, since start. */
  expired: number;
  limits: { maxSessions: number; idleMs: number; maxTotalSize: number };
}

/** The session a request names: its `x-mock-session` (1–64 of `A-Z a-z 0-9 . _ -`), or `default` when absent. */
export function sessionName(header: string | string[] | undefined): string | GraphFailure {
  if (header === undefined) return DEFAULT_SESSION;
  if (typeof header === 'string' && NAME.test(header)) return header;
  const shown = [header].flat().join(', ').slice(0, 80);
  return new GraphFailure(
    400,
    'BadRequest',
    `Invalid ${SESSION_HEADER} header '${shown}': a session name is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.`,
  );
}

const sizeOf = (session: Session<SessionDirectory>) => session.directory.size + (session.fixture?.size ?? 0);

export class SessionStore<D extends SessionDirectory = SessionDirectory> {
  // A Map keeps insertion order: a used session is moved to the end, so the first entries are the least
  // recently used, which makes both eviction and the idle sweep stop after the sessions they drop.
  readonly #sessions = new Map<string, Session<D>>();
  readonly #base: (session: string) => D;
  readonly #now: () => number;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly maxSessions: number;
  readonly idleMs: number;
  readonly maxTotalSize: number;
  #evicted = 0;
  #expired = 0;

  constructor(options: SessionStoreOptions<D>) {
    this.#base = options.base;
    this.#now = options.now ?? Date.now;
    this.maxSessions = options.maxSessions ?? MAX_SESSIONS;
    this.idleMs = options.idleMs ?? IDLE_MS;
    this.maxTotalSize = options.maxTotalSize ?? MAX_TOTAL_SIZE;
    const sweepMs = options.sweepMs ?? SWEEP_MS;
    // unref (Node): the sweep never keeps a process alive on its own; close() stops it. A browser's timer is a number.
    this.#timer = sweepMs > 0 ? setInterval(() => this.sweep(), sweepMs) : undefined;
    (this.#timer as { unref?: () => void } | undefined)?.unref?.();
  }

  /** Sessions held now. */
  get count(): number {
    return this.#sessions.size;
  }

  /** Objects + relations over all sessions. */
  get totalSize(): number {
    let total = 0;
    for (const session of this.#sessions.values()) total += sizeOf(session);
    return total;
  }

  /** Whether the directories may grow by `by` more objects or relations within the budget. */
  canGrow(by: number): boolean {
    return this.totalSize + by <= this.maxTotalSize;
  }

  /** The 503 for a request that would pass the budget: it names the cap and the way out. */
  budgetFailure(): GraphFailure {
    return new GraphFailure(
      503,
      'serviceNotAvailable',
      `The mock's directories hold ${this.totalSize} of at most ${this.maxTotalSize} objects and relations over all sessions; ` +
        `POST /_mock/reset (with x-mock-session) to empty a session, or wait for idle sessions to expire (${this.idleMs / 60_000} minutes).`,
    );
  }

  /** Whether a session exists now, without creating or touching it. */
  has(name: string): boolean {
    this.sweep();
    return this.#sessions.has(name);
  }

  /**
   * The named session, created on first use (from the loaded fixture) and marked as used now. A 503 when
   * creating it would pass the size budget.
   */
  session(name: string): Session<D> | GraphFailure {
    this.sweep();
    const found = this.#sessions.get(name);
    if (found) {
      this.#touch(found);
      return found;
    }
    const directory = this.#base(name);
    if (!this.canGrow(directory.size)) return this.budgetFailure();
    const created: Session<D> = { name, directory, journal: new Journal(), queue: new AnswerQueue(), lastUsed: this.#now() };
    this.#sessions.set(name, created);
    this.#evictPastCap();
    return created;
  }

  /** The session named by an `x-mock-session` header value: a 400 for a bad name, else as session(). */
  sessionFor(header: string | string[] | undefined): Session<D> | GraphFailure {
    const name = sessionName(header);
    return name instanceof GraphFailure ? name : this.session(name);
  }

  /**
   * Back to the session's fixture (the loaded one, or the one PUT for it), with its queue and journal emptied:
   * what a test's `beforeEach` wants. Never grows the directories (a directory only grows from its fixture).
   */
  reset(name: string): Session<D> | GraphFailure {
    const session = this.session(name);
    if (session instanceof GraphFailure) return session;
    session.directory = (session.fixture?.clone() as D | undefined) ?? this.#base(name);
    session.queue.clear();
    session.journal.clear();
    return session;
  }

  /**
   * A new fixture for the session (PUT /_mock/directory): it becomes what reset returns to, and the session's
   * directory starts as a copy of it. Both count towards the budget; past it, a 503 and nothing changes.
   */
  replace(name: string, fixture: D): Session<D> | GraphFailure {
    const session = this.session(name);
    if (session instanceof GraphFailure) return session;
    const grows = 2 * fixture.size - sizeOf(session);
    if (grows > 0 && !this.canGrow(grows)) return this.budgetFailure();
    session.fixture = fixture;
    session.directory = fixture.clone() as D;
    return session;
  }

  /** Drops the sessions idle for idleMs or more, except `default` (see the README: it is the mock's own state). */
  sweep(): void {
    const now = this.#now();
    for (const session of this.#sessions.values()) {
      if (session.name === DEFAULT_SESSION) continue;
      if (now - session.lastUsed < this.idleMs) break; // the rest were used later
      this.#sessions.delete(session.name);
      this.#expired++;
    }
  }

  /** GET /_mock/sessions: every session, least recently used first, with the counters and the limits. */
  report(): SessionsReport {
    this.sweep();
    return {
      value: [...this.#sessions.values()].map((s) => ({
        name: s.name,
        size: sizeOf(s),
        lastUsed: new Date(s.lastUsed).toISOString(),
        queued: s.queue.size,
        journaled: s.journal.size,
      })),
      totalSize: this.totalSize,
      evicted: this.#evicted,
      expired: this.#expired,
      limits: { maxSessions: this.maxSessions, idleMs: this.idleMs, maxTotalSize: this.maxTotalSize },
    };
  }

  /** Stops the background sweep. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  #touch(session: Session<D>): void {
    session.lastUsed = this.#now();
    this.#sessions.delete(session.name);
    this.#sessions.set(session.name, session);
  }

  /** Past the cap, the least recently used session other than `default` goes (it is never evicted). */
  #evictPastCap(): void {
    for (const name of this.#sessions.keys()) {
      if (this.#sessions.size <= this.maxSessions) return;
      if (name === DEFAULT_SESSION) continue;
      this.#sessions.delete(name);
      this.#evicted++;
    }
  }
}
