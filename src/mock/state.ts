// What the mock keeps across requests, built once per server from its settings: the directory every session
// starts from (the fixture, plus the objects the spec's examples name when it is the default one), the sessions,
// the directory and auth modes, latency, chaos, and the control API over them. No socket: the pipeline's unit
// tests build one too.
import { createChaos, type ChaosPicker } from './chaos.js';
import { handleControl } from './control.js';
import { Directory } from './directory.js';
import { loadFixture, validateFixture } from './fixture.js';
import { namedExample, type Spec } from '../spec/walk.js';
import type { MockState } from './pipeline.js';
import { DEFAULT_SESSION, SessionStore, type Session } from './sessions.js';
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
    chaosFor: settings.chaos && chaosPerSession(settings.chaos),
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

/**
 * Chaos with a sequence of its own for each session, so parallel tests do not shift each other's failures: the
 * default session is seeded with the seed itself, another one with the seed mixed with its name (FNV-1a), so the
 * same seed and the same requests in a session give the same failures whatever other sessions do. Kept per
 * directory object: reset and a new fixture give the session a new directory, and so start its sequence again.
 */
function chaosPerSession({ rate, seed }: { rate: number; seed: number }): (session: Session<Directory>) => ChaosPicker {
  const pickers = new WeakMap<Directory, ChaosPicker>();
  return (session) => {
    let picker = pickers.get(session.directory);
    if (!picker) {
      picker = createChaos({ rate, seed: session.name === DEFAULT_SESSION ? seed : (seed ^ fnv1a(session.name)) >>> 0 });
      pickers.set(session.directory, picker);
    }
    return picker;
  };
}

/** FNV-1a, 32 bits: a name's stable number. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
