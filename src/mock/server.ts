// Public entry of the mock (`graph-sponsors-contract/mock`): startMockServer() loads the contract (Prism, runtime
// ajv: load-contract.ts) and the fixture file, makes the mock's core (core.ts: the pipeline, sessions, controls)
// and puts it behind the node:http host (host.ts), keeping them in step across reloads (watch.ts).
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFastRoutes, loadContract, type ServerContract } from './load-contract.js';
import { createHost } from './host.js';
import { createMockCore } from './core.js';
import type { SessionStore } from './sessions.js';
import type { Directory } from './directory.js';
import { fixtureSchemaCheck, loadFixture } from './fixture.js';
import { resolveMockOptions, type MockServerOptions } from './settings.js';
import { watchSources } from './watch.js';

export { DEFAULT_MAX_BODY_BYTES, MockSettingsError, type MockServerOptions } from './settings.js';

export interface MockServer {
  url: string;
  /** Stops accepting, lets requests in flight finish (at most shutdownGraceMs), then closes every connection. */
  close(): Promise<void>;
  /** Reads the spec file again (the CLI calls it after regenerating the bundle). */
  reload(): Promise<void>;
  /** Builds the fast path now instead of after the first answer (tests use it to compare both paths). */
  warmUp(): Promise<void>;
  /** How many requests each path answered (the fast path's test reads it). */
  readonly stats: { fastPath: number; prism: number };
  /** The sessions: each one's directory, journal and queue (the control API under /_mock/ reads and changes them). */
  readonly sessions: SessionStore<Directory>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The bundled spec. The mock runs from src/mock (tsx) or from its bundle dist/mock/server.js, two levels below
 * the package root either way: a checkout has generated/ there (what watch mode regenerates), the installed
 * package dist/generated/.
 */
export function defaultSpecPath(): string {
  const candidates = [join(here, '../../generated/openapi.json'), join(here, '../../dist/generated/openapi.json')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`bundled spec not found; looked at ${candidates.join(', ')}`);
  return resolve(found);
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const settings = resolveMockOptions(options);
  const specPath = settings.specPath ?? defaultSpecPath();
  let contract: ServerContract = await loadContract(specPath);
  const core = createMockCore(
    contract,
    { ...settings, fixture: loadFixture(settings.fixture, contract.spec) },
    // Fixtures PUT through the control API are checked by runtime ajv here, by a precompiled validator in the handlers.
    { fixtureSchema: fixtureSchemaCheck() },
  );

  // The fast path is built after the first answer (so the first request does not wait for it) or on warmUp();
  // until then every request takes the whole pipeline, which the fast path's test shows answers alike.
  let fastBuild: Promise<void> | undefined;
  const warmUp = (): Promise<void> => {
    const current = contract;
    return (fastBuild ??= !settings.fastPath ? Promise.resolve() : buildFastRoutes(current).then((routes) => void (current.fastRoutes = routes)));
  };

  const host = createHost(
    async (request, ids) => {
      const answer = await core.handle(request, ids);
      if (!fastBuild) setImmediate(() => void warmUp().catch(() => undefined));
      return answer;
    },
    settings.limits,
    (target) => core.allowedMethods(target),
    () => core.everyAnswer(),
  );

  await new Promise<void>((resolveListen, reject) => {
    host.server.once('error', reject);
    host.server.listen(settings.port, settings.host, () => {
      host.server.off('error', reject);
      resolveListen();
    });
  });
  const address = host.server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const reload = async () => {
    const next = await loadContract(specPath);
    if (settings.fastPath) next.fastRoutes = await buildFastRoutes(next);
    contract = next;
    core.useContract(next);
    fastBuild = Promise.resolve();
  };
  const watcher = settings.watch ? watchSources(join(here, '../..'), reload, settings.log) : undefined;

  return {
    url: `http://${hostPart}:${address.port}`,
    reload,
    warmUp,
    stats: core.stats,
    sessions: core.sessions,
    close: async () => {
      await watcher?.close();
      await host.close();
      core.close();
    },
  };
}
