// The mock's settings: startMockServer's options and the CLI's PORT/HOST, checked before anything binds.
// Pure (no socket, no file read), so every accepted and refused value is unit-tested
// (test/mock.settings.test.ts). A refused value is a MockSettingsError naming the setting, the value and
// what is accepted; the CLI prints its message as one line.
import { isIP } from 'node:net';
import { MAX_DELAY_MS } from './chaos.js';
import { DEFAULT_MAX_BODY_BYTES, MockSettingsError, checkChaos, checkIdSeed, checkLatency, checkMaxBodyBytes, checkMode } from './option-checks.js';

export { DEFAULT_MAX_BODY_BYTES, MAX_BODY_BYTES_LIMIT, MAX_ID_SEED_CHARS, MockSettingsError, checkIdSeed } from './option-checks.js';

export interface HostLimits {
  maxBodyBytes: number;
  /** Time to receive a request's headers, and the whole request (Node checks both every second here). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Open connections at most; one more gets a 503 and is closed. */
  maxConnections: number;
  /** How long close() lets requests in flight finish before cutting their connections. */
  shutdownGraceMs: number;
}

export interface MockServerOptions extends Partial<HostLimits> {
  /** TCP port, 0–65535 (0: a free port). Default 4010. */
  port?: number;
  /** Address or host name to bind. Default (also for ''): 127.0.0.1, loopback only. */
  host?: string;
  /** Bundled spec (JSON). Default: generated/openapi.json of this package. */
  specPath?: string;
  /** Largest accepted request body in bytes; bigger ones get 413 before they are read. */
  maxBodyBytes?: number;
  /** In a checkout of this repository: watch openapi/, rerun `npm run generate` on a change and reload. */
  watch?: boolean;
  /** Called with a line to log (watching, reloads); default: silent. */
  log?: (line: string) => void;
  /** Answer the common valid request from precompiled checks (src/mock/fast-path.ts); default true. */
  fastPath?: boolean;
  /** Directory fixture (JSON or YAML) the mock starts from and `POST /_mock/reset` returns to; default: fixtures/default.yaml. */
  fixture?: string;
  /** 'open' (default): an id the directory lacks is created on first use; 'strict': it is a 404, as in Graph. */
  directory?: DirectoryMode;
  /** 'open' (default): an opaque (non-JWT) bearer token is accepted; 'strict': a JWT with the needed permission is required. */
  auth?: AuthMode;
  /** Added to every answer of a contract route, in milliseconds (0–60,000). */
  latencyMs?: number;
  /** This fraction (0–1) of contract requests gets one of the operation's documented transient failures; reproducible by seed. */
  chaos?: { rate: number; seed?: number };
  /**
   * Ids of the objects the mock creates come from this seed (UUID-shaped, a sequence per session, again from the
   * start on reset): the same seed and requests give the same ids. Default: random GUIDs.
   */
  idSeed?: string;
}

export type DirectoryMode = 'open' | 'strict';
export type AuthMode = 'open' | 'strict';

/** The options once checked, defaults applied (specPath stays optional: its default is found on disk). */
export interface ResolvedMockOptions {
  port: number;
  host: string;
  specPath: string | undefined;
  watch: boolean;
  log: (line: string) => void;
  fastPath: boolean;
  limits: HostLimits;
  fixture: string | undefined;
  directory: DirectoryMode;
  auth: AuthMode;
  latencyMs: number;
  chaos: { rate: number; seed: number } | undefined;
  idSeed: string | undefined;
}

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

/** The host's bounds (host.ts says what each one does); every one is an option of startMockServer. */
export const DEFAULT_LIMITS: HostLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 1024,
  shutdownGraceMs: 5_000,
};
/** Upper bounds of the other limits: past them a value is a typo (and setTimeout cannot wait beyond 2^31-1 ms). */
const LIMIT_RANGES: Record<Exclude<keyof HostLimits, 'maxBodyBytes'>, [number, number]> = {
  headersTimeoutMs: [1, 600_000],
  requestTimeoutMs: [1, 3_600_000],
  maxConnections: [1, 1_000_000],
  shutdownGraceMs: [0, 600_000],
};

const PORT_RULE = 'use a whole number from 0 to 65535 (0 picks a free port)';
const HOST_RULE = 'use an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name, without brackets, spaces or a port';
// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function checkPort(value: unknown, setting: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new MockSettingsError(setting, value, PORT_RULE);
  }
  return value;
}

function checkHost(value: unknown, setting: string): string {
  if (value === undefined || value === '') return DEFAULT_HOST;
  if (typeof value !== 'string' || !(isIP(value) !== 0 || HOST_NAME.test(value))) {
    throw new MockSettingsError(setting, value, HOST_RULE);
  }
  return value;
}

function checkBoolean(value: unknown, setting: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new MockSettingsError(setting, value, 'use true or false');
  return value;
}

/** Checks every startMockServer option and applies the defaults; throws MockSettingsError on the first bad one. */
export function resolveMockOptions(options: MockServerOptions = {}): ResolvedMockOptions {
  if (options === null || typeof options !== 'object') throw new MockSettingsError('options', options, 'pass an object or nothing');
  const { port, host, specPath, maxBodyBytes, watch, log, fastPath, fixture, directory, auth, latencyMs, chaos, idSeed } = options;
  if (fixture !== undefined && (typeof fixture !== 'string' || fixture === '')) {
    throw new MockSettingsError('options.fixture', fixture, 'use the path of a fixture file (JSON or YAML) or leave it out');
  }
  checkLatency(latencyMs, 'options.latencyMs');
  if (specPath !== undefined && (typeof specPath !== 'string' || specPath === '')) {
    throw new MockSettingsError('options.specPath', specPath, 'use the path of a bundled spec (JSON) or leave it out');
  }
  checkMaxBodyBytes(maxBodyBytes, 'options.maxBodyBytes');
  if (log !== undefined && typeof log !== 'function') throw new MockSettingsError('options.log', log, 'use a function (line: string) => void');
  const limits: HostLimits = { ...DEFAULT_LIMITS, maxBodyBytes: maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };
  for (const [name, [min, max]] of Object.entries(LIMIT_RANGES) as Array<[keyof typeof LIMIT_RANGES, [number, number]]>) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new MockSettingsError(`options.${name}`, value, `use a whole number from ${min} to ${max}`);
    }
    limits[name] = value;
  }
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) {
    throw new MockSettingsError('options.requestTimeoutMs', limits.requestTimeoutMs, `use at least headersTimeoutMs (${limits.headersTimeoutMs})`);
  }
  return {
    limits,
    port: port === undefined ? DEFAULT_PORT : checkPort(port, 'options.port'),
    host: checkHost(host, 'options.host'),
    specPath,
    watch: checkBoolean(watch, 'options.watch', false),
    log: log ?? (() => undefined),
    fastPath: checkBoolean(fastPath, 'options.fastPath', true),
    fixture,
    directory: checkMode(directory, 'options.directory'),
    auth: checkMode(auth, 'options.auth'),
    latencyMs: latencyMs ?? 0,
    chaos: checkChaos(chaos),
    idSeed: checkIdSeed(idSeed, 'options.idSeed'),
  };
}

/** The CLI's flags for the directory, auth, latency, chaos and id seed, as node:util parseArgs reads them (all text, checked below). */
export const STATE_FLAGS = {
  fixture: { type: 'string' },
  directory: { type: 'string' },
  auth: { type: 'string' },
  latency: { type: 'string' },
  chaos: { type: 'string' },
  seed: { type: 'string' },
  'id-seed': { type: 'string' },
} as const;

/**
 * The CLI's flags and environment for the directory, auth, latency, chaos and id seed, read as startMockServer options
 * (checked there). A flag wins over its variable (MOCK_FIXTURE). Numbers must be plain decimals, as for PORT.
 */
export function stateOptionsFromArgs(
  values: { fixture?: string; directory?: string; auth?: string; latency?: string; chaos?: string; seed?: string; 'id-seed'?: string },
  env: Record<string, string | undefined>,
): Pick<MockServerOptions, 'fixture' | 'directory' | 'auth' | 'latencyMs' | 'chaos' | 'idSeed'> {
  const decimal = (flag: string, text: string | undefined, pattern: RegExp, accepted: string): number | undefined => {
    if (text === undefined) return undefined;
    if (!pattern.test(text)) throw new MockSettingsError(flag, text, accepted);
    return Number(text);
  };
  const fixture = values.fixture ?? (env.MOCK_FIXTURE || undefined);
  const latencyRule = `use a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`;
  const latency = decimal('--latency', values.latency, /^\d{1,5}$/, latencyRule);
  if (latency !== undefined && latency > MAX_DELAY_MS) throw new MockSettingsError('--latency', values.latency, latencyRule);
  const rate = decimal('--chaos', values.chaos, /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'use a fraction from 0 to 1, such as 0.1');
  const seed = decimal('--seed', values.seed, /^-?\d{1,15}$/, 'use a whole number');
  if (seed !== undefined && rate === undefined) throw new MockSettingsError('--seed', values.seed, 'use it with --chaos');
  return {
    fixture,
    directory: values.directory === undefined ? undefined : checkMode(values.directory, '--directory'),
    auth: values.auth === undefined ? undefined : checkMode(values.auth, '--auth'),
    latencyMs: latency,
    chaos: rate === undefined ? undefined : { rate, seed },
    idSeed: checkIdSeed(values['id-seed'], '--id-seed'),
  };
}

/**
 * PORT and HOST as the CLI reads them. Unset or empty means the default (4010, loopback): an empty value is
 * what `PORT= npm run mock` or an unfilled template gives, never a request for a random port or every interface.
 * Only plain decimal digits are a port: Number() would read '0x1362' as hex, '1e3' as 1000 and ' 80' as 80.
 */
export function settingsFromEnv(env: Record<string, string | undefined>): { port: number; host: string } {
  const rawPort = env.PORT;
  let port = DEFAULT_PORT;
  if (rawPort !== undefined && rawPort !== '') {
    // The error shows the text as written (quoted), not the number read from it.
    if (!/^[0-9]{1,5}$/.test(rawPort) || Number(rawPort) > 65535) throw new MockSettingsError('PORT', rawPort, PORT_RULE);
    port = Number(rawPort);
  }
  return { port, host: checkHost(env.HOST, 'HOST') };
}

export type BindScope = 'loopback' | 'all' | 'address';

/**
 * What a bound address exposes, for the CLI's start-up line. The mock reflects any Origin with credentials,
 * so anything beyond loopback is said plainly.
 */
export function describeBind(address: string): { scope: BindScope; line: string } {
  const bare = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const v4 = bare.replace(/^::ffff:/, '');
  if (bare === 'localhost' || bare === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'))) {
    return { scope: 'loopback', line: 'Loopback only: reachable from this machine alone (HOST=0.0.0.0 opens it to others).' };
  }
  if (v4 === '0.0.0.0' || bare === '::' || /^(0{1,4}:){7}0{1,4}$/.test(bare) || bare === '::0') {
    return {
      scope: 'all',
      line: 'Listening on all interfaces: reachable from other machines, and any web page may call it with credentials (CORS reflects every origin).',
    };
  }
  return {
    scope: 'address',
    line: `Listening on ${address}: reachable from other machines on that network, and any web page may call it with credentials (CORS reflects every origin).`,
  };
}
