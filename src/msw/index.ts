// Public entry of `graph-sponsors-contract/msw`: createGraphHandlers() gives MSW request handlers that answer
// Graph's URLs as the mock server does (one core, two hosts: src/mock/core.ts runs the same pipeline, state,
// rules and permissions behind node:http and behind msw), and the mock's controls as plain calls.
import type { HttpHandler } from 'msw';
import { createMockCore } from '../mock/core.js';
import type { MockControls } from '../mock/controls.js';
import type { Fixture } from '../mock/directory.js';
import { checkFixture } from '../mock/fixture-check.js';
import { requestIds } from '../mock/ids.js';
import { handlersContract } from './contract.js';
import { graphHandler } from './handlers.js';
import { resolveHandlersOptions, type GraphHandlersOptions } from './options.js';

export type { GraphHandlersOptions, Cloud } from './options.js';
export type { Fixture, FixtureObject } from '../mock/directory.js';
export type { MockControls } from '../mock/controls.js';
export type { JournalEntry } from '../mock/journal.js';
export type { SessionsReport } from '../mock/sessions.js';
export { MockSettingsError } from '../mock/option-checks.js';
export { MockControlError } from '../mock/controls.js';
export { FixtureError } from '../mock/fixture-check.js';

export interface GraphHandlers extends MockControls<Fixture> {
  /** One handler per base URL, each answering every method and path under it: `setupServer(...handlers)`. */
  readonly handlers: HttpHandler[];
}

/**
 * MSW handlers for every operation of the contract, answering as the mock server does (validation, Graph-shaped
 * errors, Prefer, the directory and its rules, permissions from the token, sessions through `x-mock-session`),
 * and the controls as plain calls: `reset()`, `directory()`, `load(fixture)`, `requests()`, `queue(answers)`,
 * `sessions()`, each for the `default` session unless given another name. Throws MockSettingsError for a bad
 * option and FixtureError for a bad `fixture`.
 */
export function createGraphHandlers(options: GraphHandlersOptions = {}): GraphHandlers {
  const settings = resolveHandlersOptions(options);
  const { contract, fixture, fixtureSchema } = handlersContract();
  const core = createMockCore(
    contract,
    {
      fixture: settings.fixture === undefined ? fixture : checkFixture(settings.fixture, 'options.fixture', fixtureSchema),
      directory: settings.directory,
      auth: settings.auth,
      latencyMs: settings.latencyMs,
      chaos: settings.chaos,
      idSeed: settings.idSeed,
    },
    { fixtureSchema },
  );
  const pieces = { maxBodyBytes: settings.maxBodyBytes, ids: (sent: string | null) => requestIds(sent) };
  return { handlers: settings.bases.map((base) => graphHandler(core, pieces, base)), ...core.controls };
}
