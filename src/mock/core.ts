// The mock without its host: a request in (MockRequest, the bytes already read), a Graph answer out, with the
// sessions, their journals and the control calls kept across requests. Two hosts put it behind a transport:
// the server's node:http host (host.ts, server.ts) and the MSW handlers (src/msw). Browser-safe: nothing here
// or in what it imports needs Node; what only a host can bring comes in as pieces: the contract's engine and
// validators (compileContract), the fixture schema's validator, and optionally the clock's wait and the ids.
import type { Contract } from './contract.js';
import { isControlPath, controlAllowedMethods } from './control.js';
import type { MockControls } from './controls.js';
import type { Directory, Fixture } from './directory.js';
import { GraphFailure, type Ids, type MockAnswer } from './graph-error.js';
import { journalEntry } from './journal.js';
import { runPipeline, type Exchange, type MockRequest } from './pipeline.js';
import { DEFAULT_SESSION, type SessionStore } from './sessions.js';
import type { AuthMode, DirectoryMode } from './settings.js';
import { createMockState, type StatePieces } from './state.js';
import { readTarget } from './target.js';

export type { MockRequest } from './pipeline.js';
export type { Ids, MockAnswer } from './graph-error.js';
export type { Fixture } from './directory.js';
export type { MockControls } from './controls.js';
export type { StatePieces } from './state.js';

/** What the mock serves, checked by the host beforehand (settings.ts for the server). */
export interface MockCoreSettings {
  /** The directory every session starts from and `reset` returns to (already validated). */
  fixture: Fixture;
  /** 'open' (default): an id the directory lacks is created on first use; 'strict': a 404, as in Graph. */
  directory?: DirectoryMode;
  /** 'open' (default): an opaque bearer token is accepted; 'strict': a JWT with the needed permission is required. */
  auth?: AuthMode;
  /** Added to every answer of a contract route, in milliseconds. */
  latencyMs?: number;
  /** This fraction of contract requests gets a documented transient failure, reproducible by seed. */
  chaos?: { rate: number; seed: number } | undefined;
  /** Ids of created objects from this seed (UUID-shaped, per session); default random GUIDs. */
  idSeed?: string | undefined;
}

/**
 * What a host brings besides the contract. All optional, with browser-safe defaults: `wait` (setTimeout),
 * `newId` (crypto.randomUUID), `fixtureSchema` (none: fixtures loaded through the controls are then refused).
 */
export type MockCorePieces = StatePieces;

export interface MockCore {
  /** One request through the pipeline (control API included); journaled in its session unless it is a control call. */
  handle(request: MockRequest, ids: Ids): Promise<MockAnswer>;
  /** What `Allow` says for a request target (OPTIONS, a 405): the contract's or the control API's methods. */
  allowedMethods(target?: string): string;
  /** The headers Graph sends on every answer (the contract's); the host adds them with the ids. */
  everyAnswer(): Record<string, string>;
  /** The control calls: reset, directory, load, requests, queue, sessions. */
  readonly controls: MockControls<Fixture>;
  readonly sessions: SessionStore<Directory>;
  /** How many requests each path answered: the fast path's, the engine's. */
  readonly stats: { fastPath: number; prism: number };
  /** The contract served now. */
  readonly contract: Contract;
  /** Serves another contract from the next request on (the server's reload); sessions and their state stay. */
  useContract(next: Contract): void;
  /** Stops the sessions' idle sweep. */
  close(): void;
}

export function createMockCore(contract: Contract, settings: MockCoreSettings, pieces: MockCorePieces = {}): MockCore {
  let current = contract;
  const stats = { fastPath: 0, prism: 0 };
  const state = createMockState(
    contract.spec,
    {
      fixture: settings.fixture,
      directory: settings.directory ?? 'open',
      auth: settings.auth ?? 'open',
      latencyMs: settings.latencyMs ?? 0,
      chaos: settings.chaos,
      idSeed: settings.idSeed,
    },
    pieces,
  );
  const { sessions } = state;

  // Every request but the control API's own goes into its session's journal (the default one when the request
  // failed before its session was known). Only client-request-id is kept of the headers: never a token.
  const journal = (x: Exchange, answer: MockAnswer, durationMs: number) => {
    const session = x.session ?? sessions.session(DEFAULT_SESSION);
    if (session instanceof GraphFailure) return;
    session.journal.record(journalEntry(x, answer, durationMs, session.name));
  };

  return {
    async handle(request, ids) {
      const started = performance.now();
      const exchange: Exchange = { request, ids, contract: current, state, stats, method: request.method.toLowerCase() };
      const answer = await runPipeline(exchange);
      if (!exchange.target || !isControlPath(exchange.target.pathname)) journal(exchange, answer, performance.now() - started);
      return answer;
    },
    // OPTIONS and CONNECT are answered by the host; the contract's routes say what a path accepts (any path: CONNECT).
    allowedMethods(target) {
      const { routes } = current;
      if (target === undefined) return [...new Set([...routes.all.map((route) => route.method.toUpperCase()), 'OPTIONS'])].join(', ');
      const read = readTarget(target, undefined);
      if (read instanceof GraphFailure) return 'OPTIONS';
      // A browser's preflight before a control call (a frontend's test resetting its session) needs these.
      if (isControlPath(read.pathname)) return controlAllowedMethods(read.pathname).join(', ');
      return routes.allowedMethods(routes.canonical(read.pathname)).join(', ');
    },
    everyAnswer: () => current.everyAnswer,
    controls: state.controls,
    sessions,
    stats,
    get contract() {
      return current;
    },
    useContract(next) {
      current = next;
    },
    close: () => sessions.close(),
  };
}
