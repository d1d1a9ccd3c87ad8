// What the mock keeps across requests, built once per server from its settings: the directory every session
// starts from (the fixture, plus the objects the spec's examples name when it is the default one), the sessions,
// the directory and auth modes, latency, chaos, and the control API over them. No socket: the pipeline's unit
// tests build one too.
import { createChaos } from './chaos.js';
import { handleControl } from './control.js';
import { Directory } from './directory.js';
import { loadFixture, validateFixture } from './fixture.js';
import { namedExample, type Spec } from '../spec/walk.js';
import type { MockState } from './pipeline.js';
import { SessionStore } from './sessions.js';
import type { ResolvedMockOptions } from './settings.js';

export type StateSettings = Pick<ResolvedMockOptions, 'fixture' | 'directory' | 'auth' | 'latencyMs' | 'chaos'>;

/** The state of a mock serving `spec`; throws a FixtureError naming the file and entry when the fixture is bad. */
export function createMockState(spec: Spec, settings: StateSettings): MockState {
  const base = Directory.fromFixture(loadFixture(settings.fixture, spec));
  const sessions = new SessionStore<Directory>({ base: () => base.clone() });
  const { error } = namedExample(spec, 'unsupportedMediaType') as { error: { code: string } };
  return {
    sessions,
    directoryMode: settings.directory,
    authMode: settings.auth,
    latencyMs: settings.latencyMs,
    chaos: settings.chaos && createChaos(settings.chaos),
    control: (request, pathname, ids) =>
      handleControl(request, pathname, {
        sessions,
        ids,
        validateFixture,
        fromFixture: (fixture) => Directory.fromFixture(fixture),
        mediaTypeCode: error.code,
      }),
  };
}
