// Public entry of the mock (`graph-sponsors-contract/mock`): startMockServer() loads the contract, puts the
// pipeline behind the HTTP host, and keeps the pieces in step across reloads. Each piece has its own module:
// host.ts (HTTP), pipeline.ts (the steps a request passes through), contract.ts (what the spec says),
// watch.ts (regenerate and reload on a spec change).
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFastRoutes, loadContract, type Contract } from './contract.js';
import { createHost } from './host.js';
import { GraphFailure } from './graph-error.js';
import { runPipeline } from './pipeline.js';
import { resolveMockOptions, type MockServerOptions } from './settings.js';
import { readTarget } from './target.js';
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
  let contract: Contract = await loadContract(specPath);
  const stats = { fastPath: 0, prism: 0 };

  // The fast path is built after the first answer (so the first request does not wait for it) or on warmUp();
  // until then every request takes the whole pipeline, which the fast path's test shows answers alike.
  let fastBuild: Promise<void> | undefined;
  const warmUp = (): Promise<void> => {
    const current = contract;
    return (fastBuild ??= !settings.fastPath ? Promise.resolve() : buildFastRoutes(current).then((routes) => void (current.fastRoutes = routes)));
  };

  // OPTIONS and CONNECT are answered by the host; the contract's routes say what a path accepts (any path: CONNECT).
  const allowedMethods = (target: string | undefined): string => {
    if (target === undefined) return [...new Set([...contract.routes.all.map((route) => route.method.toUpperCase()), 'OPTIONS'])].join(', ');
    const read = readTarget(target, undefined);
    return read instanceof GraphFailure ? 'OPTIONS' : contract.routes.allowedMethods(read.pathname).join(', ');
  };
  const host = createHost(
    async (request, ids) => {
      const answer = await runPipeline({ request, ids, contract, stats, method: request.method.toLowerCase() });
      if (!fastBuild) setImmediate(() => void warmUp().catch(() => undefined));
      return answer;
    },
    settings.limits,
    allowedMethods,
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
    fastBuild = Promise.resolve();
  };
  const watcher = settings.watch ? watchSources(join(here, '../..'), reload, settings.log) : undefined;

  return {
    url: `http://${hostPart}:${address.port}`,
    reload,
    warmUp,
    stats,
    close: async () => {
      await watcher?.close();
      await host.close();
    },
  };
}
