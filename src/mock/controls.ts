// The mock's controls as plain calls: reset a session, read or replace its directory, read its journal, queue
// answers, list the sessions. The HTTP control API under /_mock/ (control.ts) is these calls behind routes; a
// host without a socket (the MSW handlers) hands them to its caller as they are. Each takes a session name
// (default `default`), checked as the `x-mock-session` header is. A refusal throws: a FixtureError for a bad
// fixture, a MockControlError (carrying the control API's status, code and message) for anything else.
import { GraphFailure } from './graph-error.js';
import type { JournalEntry } from './journal.js';
import { DEFAULT_SESSION, sessionName, type Session, type SessionDirectory, type SessionStore, type SessionsReport } from './sessions.js';

/** A control call refused: the status, code and message the HTTP control API answers with. */
export class MockControlError extends Error {
  override name = 'MockControlError';
  constructor(readonly failure: GraphFailure) {
    super(failure.message);
  }

  get status(): number {
    return this.failure.status;
  }

  get code(): string {
    return this.failure.code;
  }
}

export interface MockControls<F = unknown> {
  /** Back to the session's fixture (the loaded one, or the one load() gave it), its queue and journal emptied. */
  reset(session?: string): void;
  /** The session's directory, as a fixture. */
  directory(session?: string): F;
  /** A new fixture for the session (validated; a FixtureError names the bad entry): reset returns to it. */
  load(fixture: unknown, session?: string): void;
  /** The session's journal: the last requests it served, oldest first. */
  requests(session?: string): JournalEntry[];
  /** Answers the next requests to contract routes get (`[{ code, example?, delayMs? }]`, see queue.ts). */
  queue(answers: unknown, session?: string): void;
  /** Every session with its counters, and the limits. Creates no session. */
  sessions(): SessionsReport;
}

/**
 * The source a load()'s FixtureError names (`fixture PUT /_mock/directory: groups[2]… must be boolean`): the
 * control API's, documented in openapi/mock-control.yaml, so a plain call and the HTTP route refuse alike.
 */
export const FIXTURE_SOURCE = 'PUT /_mock/directory';

/**
 * The controls over a session store. `load` turns a parsed fixture into the named session's directory, or throws
 * naming FIXTURE_SOURCE and the entry (the server and the handlers validate alike, fixture-check.ts).
 */
export function createControls<D extends SessionDirectory, F = ReturnType<D['toFixture']>>(
  store: SessionStore<D>,
  load: (value: unknown, session: string) => D,
): MockControls<F> {
  const named = (session: string | undefined): string => {
    const name = sessionName(session ?? DEFAULT_SESSION);
    if (name instanceof GraphFailure) throw new MockControlError(name);
    return name;
  };
  const ok = <T>(result: T | GraphFailure): T => {
    if (result instanceof GraphFailure) throw new MockControlError(result);
    return result;
  };
  const session = (name: string | undefined): Session<D> => ok(store.session(named(name)));
  return {
    reset: (name) => void ok(store.reset(named(name))),
    directory: (name) => session(name).directory.toFixture() as F,
    load(fixture, name) {
      const checked = named(name);
      const directory = load(fixture, checked);
      ok(store.replace(checked, directory));
    },
    requests: (name) => session(name).journal.list(),
    queue(answers, name) {
      const failure = session(name).queue.enqueue(answers);
      if (failure) throw new MockControlError(failure);
    },
    sessions: () => store.report(),
  };
}
