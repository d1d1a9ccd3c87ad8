// The mock CLI's life as a process, in pieces the tests drive without a socket: what it prints on start,
// the one line it prints when it cannot start, how it stops on a signal, and how it ends with its parent.
import { operationsOf, type Spec } from '../spec/walk.js';
import { MockSettingsError, describeBind } from './settings.js';

export const PROGRAM = 'graph-sponsors-mock';

/** The start-up lines: where to send requests, who can reach them, the spec's operations, how to authenticate. */
export function startupLines(
  url: string,
  spec: Spec,
  startupMs: number,
  modes: { directory: string; auth: string } = { directory: 'open', auth: 'open' },
): string[] {
  const lines = [`Graph sponsors mock listening on ${url} (ready in ${startupMs} ms)`, describeBind(new URL(url).hostname).line, 'Operations:'];
  for (const { template, method, op } of operationsOf(spec)) {
    lines.push(`  ${method.toUpperCase()} ${url}${template}  (${op.operationId}${op.deprecated ? ', deprecated' : ''})`);
  }
  lines.push(
    modes.directory === 'strict'
      ? 'Directory: strict (an id the fixture lacks is a 404, as in Graph).'
      : 'Directory: open (an id the fixture lacks is created on first use; --directory strict makes it a 404).',
    modes.auth === 'strict'
      ? `Auth: strict: send 'Authorization: Bearer <JWT>' with the operation's permission (${PROGRAM} token --scp … prints one).`
      : `Auth: send 'Authorization: Bearer <token>': any opaque token, or a JWT whose exp, aud, scp/roles and wids are checked (${PROGRAM} token --scp …).`,
    `Control API: ${url}/_mock/ (reset, directory, requests, queue, sessions); one directory per 'x-mock-session' header.`,
    `Pick a documented answer with 'Prefer: code=<status>, example=<name>' (see README).`,
  );
  return lines;
}

const isSpec = (value: unknown): value is Spec => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Why a parsed file cannot be served, or undefined when it looks like a bundled OpenAPI 3 spec with operations. */
export function specProblem(spec: unknown): string | undefined {
  if (!isSpec(spec)) return 'is not an OpenAPI document (a JSON object)';
  if (typeof spec.openapi !== 'string' || !spec.openapi.startsWith('3.')) return 'is not an OpenAPI 3 document (no "openapi": "3.x")';
  if (operationsOf(spec).length === 0) return 'has no operations (no path with an operationId)';
  return undefined;
}

export interface StartContext {
  port: number;
  host: string;
  specPath?: string;
}

/** The one stderr line for a failed start: what went wrong and what to do, never a stack trace. */
export function describeStartupError(error: unknown, context: StartContext): string {
  const line = (text: string) => `${PROGRAM}: ${text}`;
  if (error instanceof MockSettingsError) return line(error.message);
  // A fixture that cannot be read or is invalid names the file and the entry itself (fixture.ts); checked by
  // name so that this module does not load the fixture code.
  if (error instanceof Error && error.name === 'FixtureError') return line(error.message);
  const { code, syscall, path } = (error ?? {}) as NodeJS.ErrnoException;
  const where = `${context.host} port ${context.port}`;
  if (syscall === 'listen' || syscall === 'bind' || syscall === 'getaddrinfo') {
    switch (code) {
      case 'EADDRINUSE':
        return line(`${where} is already in use: stop what is using it, or pick another port with PORT=<n> (PORT=0 picks a free one).`);
      case 'EACCES':
      case 'EPERM':
        return line(`not allowed to listen on ${where}: ports below 1024 need privileges; use a higher one, e.g. PORT=4010.`);
      case 'EADDRNOTAVAIL':
        return line(`HOST ${JSON.stringify(context.host)} is not an address of this machine: leave HOST unset for 127.0.0.1, or use one of its own addresses.`);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_FAIL':
        return line(`HOST ${JSON.stringify(context.host)} could not be resolved: use an IP address such as 127.0.0.1, or a name this machine resolves.`);
    }
  }
  if (code?.startsWith('ERR_PARSE_ARGS')) {
    return line(
      `${firstLine((error as Error).message)}; usage: ${PROGRAM} [--spec FILE] [--fixture FILE] [--directory open|strict] [--auth open|strict] … (see --help).`,
    );
  }
  const file = path ?? context.specPath;
  if (code && /^E[A-Z]+$/.test(code) && !['listen', 'bind', 'getaddrinfo'].includes(syscall ?? '') && file !== undefined) {
    // Anything else the system refused while the spec was being read (EISDIR's error has no path of its own).
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code;
    return line(`cannot read the spec ${file} (${reason}): run \`npm run generate\` in a checkout, or pass --spec <bundled spec JSON>.`);
  }
  if (error instanceof SyntaxError && context.specPath) {
    return line(`the spec ${context.specPath} is not valid JSON (${firstLine(error.message)}): pass the bundled JSON, e.g. generated/openapi.json.`);
  }
  return line(`could not start: ${firstLine(error instanceof Error ? error.message : String(error))}`);
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim() ?? 'unknown error';

export const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export interface ShutdownOptions {
  /** Stops accepting and drains in-flight requests (MockServer.close()). */
  close: () => Promise<void>;
  exit: (code: number) => void;
  now?: () => number;
  /**
   * A repeat within this window is the same stop request, not a second one: Ctrl-C in a terminal reaches the
   * mock from the terminal and again from npm, which forwards SIGINT to the script it runs.
   */
  repeatWindowMs?: number;
}

/**
 * The signal handler: the first signal closes the server (finishing what is in flight) and exits 0; a second
 * one, past the repeat window, exits at once with 128 + the signal's number, as a shell reports it.
 */
export function createShutdown({ close, exit, now = Date.now, repeatWindowMs = 500 }: ShutdownOptions): (signal: string) => void {
  let firstAt: number | undefined;
  return (signal) => {
    if (firstAt === undefined) {
      firstAt = now();
      close().then(
        () => exit(0),
        () => exit(1),
      );
      return;
    }
    if (now() - firstAt < repeatWindowMs) return;
    exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
  };
}

export interface ParentWatchOptions {
  /** The current parent pid (process.ppid is read afresh each time). */
  ppid: () => number;
  onGone: () => void;
  intervalMs?: number;
}

/**
 * Calls onGone once the process that started us is gone (we are re-parented, so our ppid changes). npm runs a
 * script through `sh -c`; a SIGTERM to npm is forwarded to that shell only, which dies and leaves the mock
 * serving with nobody to stop it. The check never keeps the process alive by itself.
 */
export function watchParent({ ppid, onGone, intervalMs = 500 }: ParentWatchOptions): () => void {
  const initial = ppid();
  const timer = setInterval(() => {
    if (ppid() === initial) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
