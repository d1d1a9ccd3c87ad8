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
import { GraphFailure, type MockAnswer } from './graph-error.js';
import { runPipeline, type Exchange } from './pipeline.js';
import { controlAllowedMethods, isControlPath } from './control.js';
import { DEFAULT_SESSION, type SessionStore } from './sessions.js';
import { createMockState } from './state.js';
import type { Directory } from './directory.js';
import { resolveMockOptions, type MockServerOptions } from './settings.js';
import { readTarget } from './target.js';
import { journalEntry } from './journal.js';
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
  let contract: Contract = await loadContract(specPath);
  const stats = { fastPath: 0, prism: 0 };
  const state = createMockState(contract.spec, settings);
  const { sessions } = state;

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
    if (read instanceof GraphFailure) return 'OPTIONS';
    // A browser's preflight before a control call (a frontend's test resetting its session) needs these.
    if (isControlPath(read.pathname)) return controlAllowedMethods(read.pathname).join(', ');
    return contract.routes.allowedMethods(contract.routes.canonical(read.pathname)).join(', ');
  };
  const host = createHost(
    async (request, ids) => {
      const started = performance.now();
      const exchange: Exchange = { request, ids, contract, state, stats, method: request.method.toLowerCase() };
      const answer = await runPipeline(exchange);
      if (!fastBuild) setImmediate(() => void warmUp().catch(() => undefined));
      if (!exchange.target || !isControlPath(exchange.target.pathname)) journal(exchange, answer, performance.now() - started);
      return answer;
    },
    settings.limits,
    allowedMethods,
    () => contract.everyAnswer,
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

  // Every request but the control API's own goes into its session's journal (the default one when the request
  // failed before its session was known). Only client-request-id is kept of the headers: never a token.
  const journal = (x: Exchange, answer: MockAnswer, durationMs: number) => {
    const session = x.session ?? sessions.session(DEFAULT_SESSION);
    if (session instanceof GraphFailure) return;
    session.journal.record(journalEntry(x, answer, durationMs, session.name));
  };

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
    sessions,
    close: async () => {
      await watcher?.close();
      await host.close();
      sessions.close();
    },
  };
}
