// What the mock keeps across requests, built once per server from its settings: the directory every session
// starts from (the fixture, plus the objects the spec's examples name when it is the default one), the sessions,
// the directory and auth modes, latency, chaos, and the control API over them. No socket: the pipeline's unit
// tests build one too. Browser-safe: the fixture comes in as an object (the server reads its file first).
import { createChaos, type ChaosPicker } from './chaos.js';
import { handleControl } from './control.js';
import { FIXTURE_SOURCE, createControls } from './controls.js';
import { Directory, type Fixture, type IdSource } from './directory.js';
import { FixtureError, checkFixture, type FixtureSchemaCheck } from './fixture-check.js';
import { randomUuid, seededIds } from './ids.js';
import { namedExample, type Spec } from '../spec/walk.js';
import type { MockState } from './pipeline.js';
import { DEFAULT_SESSION, SessionStore, type Session } from './sessions.js';
import type { AuthMode, DirectoryMode } from './settings.js';

export interface StateSettings {
  /** The directory every session starts from and `reset` returns to, already checked (fixture.ts loadFixture). */
  fixture: Fixture;
  directory: DirectoryMode;
  auth: AuthMode;
  latencyMs: number;
  chaos?: { rate: number; seed: number } | undefined;
  /** Ids of created objects from this seed (ids.ts seededIds), per session, again from the start on reset. */
  idSeed?: string | undefined;
}

export interface StatePieces {
  /** A fresh random GUID (created objects without idSeed); default crypto.randomUUID. */
  newId?: () => string;
  /** The fixture schema's validator, for fixtures loaded through the controls; without one they are refused. */
  fixtureSchema?: FixtureSchemaCheck;
  /** Waits before a delayed answer (latency, Prefer: delay, a queued delay); default setTimeout. */
  wait?: (ms: number) => Promise<void>;
}

/** The state of a mock serving `spec`, its sessions starting from `settings.fixture`. */
export function createMockState(spec: Spec, settings: StateSettings, pieces: StatePieces = {}): MockState {
  const ids = idsPerSession(settings.idSeed, pieces.newId ?? randomUuid);
  const base = Directory.fromFixture(settings.fixture);
  const sessions = new SessionStore<Directory>({ base: (name) => base.withIds(ids(name)) });
  const schema = pieces.fixtureSchema;
  const controls = createControls<Directory, Fixture>(sessions, (value, session) => {
    if (!schema) throw new FixtureError(`fixture ${FIXTURE_SOURCE}: this mock was given no fixture schema validator, so it loads no fixture`);
    return Directory.fromFixture(checkFixture(value, FIXTURE_SOURCE, schema), ids(session));
  });
  const { error } = namedExample(spec, 'unsupportedMediaType') as { error: { code: string } };
  return {
    sessions,
    controls,
    directoryMode: settings.directory,
    authMode: settings.auth,
    latencyMs: settings.latencyMs,
    chaosFor: settings.chaos && chaosPerSession(settings.chaos),
    ...(pieces.wait && { wait: pieces.wait }),
    control: (request, pathname, requestIds) => handleControl(request, pathname, { controls, ids: requestIds, mediaTypeCode: error.code }),
  };
}

/**
 * The id source of a session's directory: random ids, or with a seed, a sequence of its own for each session
 * (the default session's seeded with the seed itself, another one's with the seed and its name), so parallel
 * tests do not shift each other's ids.
 */
function idsPerSession(seed: string | undefined, newId: () => string): (session: string) => IdSource {
  if (seed === undefined) return () => () => newId;
  return (session) => () => seededIds(session === DEFAULT_SESSION ? seed : `${seed}/${session}`);
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
