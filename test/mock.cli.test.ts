// The mock as a process (`npm run mock` runs this CLI) and its spec reload: prints its URLs and bind scope,
// serves, refuses bad settings and specs with one line, stops on signals (also through npm), and leaves
// nothing listening once stopped; a reloaded spec changes what it serves. The CLI's pieces without a process too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createShutdown, describeStartupError, specProblem, startupLines, watchParent } from '../src/mock/lifecycle.js';
import { operationsOf, requestExamples } from '../src/spec/walk.js';
import { startMockServer } from '../src/mock/server.js';
import { MockSettingsError } from '../src/mock/settings.js';
import { loadSpec, repoRoot } from './support/spec.js';
import { accepts } from './support/net.js';
import { startCli } from './support/cli.js';
import { entraRoleTemplates } from '../generated/entra-roles.js';

const spec = loadSpec();
const user = requestExamples(spec).find((r) => r.operationId === 'addUserSponsor')!;

function post(url: string) {
  return fetch(`${url}${user.path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
    body: JSON.stringify(user.body),
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) {
    if (child.spawnargs[0] === 'npm' && child.pid) {
      // npm runs have their own process group: end whatever of it is left, even after npm itself exited.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    } else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** Starts the CLI from source (as `npm run mock` does today) with PORT/HOST etc. on top of this environment. */
function cli(env: Record<string, string | undefined>, args: string[] = []) {
  return startCli(args, { ...process.env, ...env }, children);
}

/** Resolves with the base URL once the start-up lines (ending with the one about Prefer) are printed. */
function listening(child: ChildProcess, read: () => { stdout: string; stderr: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Prefer[^\n]*\n/.exec(read().stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`mock exited (${code}) before listening:\n${read().stdout}${read().stderr}`)));
  });
}

describe('CLI (npm run mock)', () => {
  it('`token` prints an unsigned JWT with the asked claims (role names mapped to template ids) and exits 0, starting no server', async () => {
    const run = cli({ PORT: '0' }, ['token', '--scp', 'User.ReadWrite.All', '--wids', 'User Administrator']);
    expect(await run.exited).toBe(0);
    const { stdout, stderr } = run.output();
    expect(stderr).toBe('');
    const [header, payload, signature] = stdout.trim().split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'none' });
    expect(signature).toBe('');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.scp).toBe('User.ReadWrite.All');
    expect(claims.wids).toEqual([entraRoleTemplates['User Administrator']]);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('`token` with a bad option prints one line and exits 2', async () => {
    const run = cli({ PORT: '0' }, ['token', '--nope']);
    expect(await run.exited).toBe(2);
    expect(run.output().stdout).toBe('');
    expect(run.output().stderr.trim().split('\n')).toHaveLength(1);
  });

  it('prints the base URL, loopback scope and the operation URLs, serves on 127.0.0.1, and stops on SIGTERM with exit 0', async () => {
    const run = cli({ PORT: '0', HOST: '127.0.0.1' });
    const url = await listening(run.child, run.output);
    expect((await post(url)).status).toBe(204);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(await accepts(url)).toBe(false);

    const { stdout, stderr } = run.output();
    for (const { template, op } of operationsOf(spec)) expect(stdout).toContain(`${url}${template}  (${op.operationId}`);
    expect(stdout).toMatch(/^Loopback only: reachable from this machine alone/m);
    // Quiet: the start-up lines, and in a checkout the line saying it watches openapi/; nothing else, stopping included.
    const lines = stdout.trimEnd().split('\n');
    // Listening, scope, 'Operations:', one per operation, directory, auth, control API, Prefer, watching.
    expect(lines).toHaveLength(3 + operationsOf(spec).length + 4 + 1);
    expect(lines.at(-1)).toMatch(/^Watching .*openapi for spec changes\.$/);
    expect(stderr).toBe('');
  });

  it('reads HOST= (empty) as loopback and PORT=0 as a free port', async () => {
    const run = cli({ PORT: '0', HOST: '' });
    const url = await listening(run.child, run.output);
    expect(new URL(url).hostname).toBe('127.0.0.1');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(await accepts(url)).toBe(false);
  });
});

describe('CLI start-up errors: one line on stderr, exit 1, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mock-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'broken.json'), '{"openapi": "3.1.0", ');
  writeFileSync(join(dir, 'empty.json'), JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} }));

  async function refused(env: Record<string, string | undefined>, args: string[] = []) {
    const run = cli(env, args);
    const code = await run.exited;
    const { stdout, stderr } = run.output();
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^graph-sponsors-mock: [^\n]+\n$/);
    expect(stderr).not.toMatch(/\n\s+at /);
    return stderr;
  }

  it.each([
    ['PORT=abc', { PORT: 'abc' }, /^graph-sponsors-mock: PORT "abc" is not valid: use a whole number from 0 to 65535/],
    ['PORT=99999', { PORT: '99999' }, /PORT "99999" is not valid/],
    ['PORT=0x1362', { PORT: '0x1362' }, /PORT "0x1362" is not valid/],
    ['PORT=-1', { PORT: '-1' }, /PORT "-1" is not valid/],
    ['HOST=http://localhost', { PORT: '0', HOST: 'http://localhost' }, /HOST "http:\/\/localhost" is not valid: use an IP address/],
  ])('%s', async (_name, env, message) => {
    expect(await refused(env)).toMatch(message);
  });

  it('a port already in use names it and says what to do', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      expect(await refused({ PORT: String(port), HOST: '127.0.0.1' })).toBe(
        `graph-sponsors-mock: 127.0.0.1 port ${port} is already in use: stop what is using it, or pick another port with PORT=<n> (PORT=0 picks a free one).\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  const unprivilegedStart = existsSync('/proc/sys/net/ipv4/ip_unprivileged_port_start')
    ? Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'))
    : 1024;
  // As root (or where port 80 is open to everyone) nothing refuses the bind; describeStartupError's EACCES line is unit-tested below.
  it.skipIf(process.getuid?.() === 0 || unprivilegedStart <= 80)('a privileged port (EACCES) says to use a higher one', async () => {
    expect(await refused({ PORT: '80', HOST: '127.0.0.1' })).toMatch(/not allowed to listen on 127\.0\.0\.1 port 80: .*PORT=4010/);
  });

  it('a missing spec file', async () => {
    const missing = join(dir, 'missing.json');
    expect(await refused({ PORT: '0' }, ['--spec', missing])).toBe(
      `graph-sponsors-mock: cannot read the spec ${missing} (no such file): run \`npm run generate\` in a checkout, or pass --spec <bundled spec JSON>.\n`,
    );
  });

  it('a folder given as the spec', async () => {
    expect(await refused({ PORT: '0' }, ['--spec', dir])).toMatch(/cannot read the spec .* \(it is a folder\)/);
  });

  it('a spec that is not JSON', async () => {
    expect(await refused({ PORT: '0' }, ['--spec', join(dir, 'broken.json')])).toMatch(
      /the spec .*broken\.json is not valid JSON \(.+\): pass the bundled JSON/,
    );
  });

  it('a spec with no operations', async () => {
    expect(await refused({ PORT: '0' }, ['--spec', join(dir, 'empty.json')])).toMatch(/the spec .*empty\.json has no operations/);
  });

  it('an unknown option', async () => {
    expect(await refused({ PORT: '0' }, ['--prot', '80'])).toMatch(/Unknown option '--prot'; usage: graph-sponsors-mock \[--spec/);
  });
});

describe('npm run mock ends with npm', () => {
  const script: string = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.mock;
  // npm forwards SIGINT/SIGTERM to the shell that runs the script; only `exec` hands them to the mock itself.
  const execs = /(^|&&|;)\s*exec\s/.test(script);

  /** Processes of a group that still run (zombies awaiting a reaper do not: they hold no port). */
  function liveInGroup(pgid: number): number[] {
    if (process.platform !== 'linux') {
      try {
        process.kill(-pgid, 0);
        return [pgid];
      } catch {
        return [];
      }
    }
    const live: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // /proc/<pid>/stat: pid (comm) state ppid pgrp ...; comm may hold spaces, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(pgrp) === pgid && state !== 'Z') live.push(Number(entry));
      } catch {
        // ended meanwhile
      }
    }
    return live;
  }

  async function stopNpm(signal: 'SIGTERM' | 'SIGINT') {
    // Its own process group, so the test can find (and in the end kill) everything npm started.
    const npm = spawn('npm', ['run', '--silent', 'mock'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(npm);
    let stdout = '';
    let stderr = '';
    npm.stdout.on('data', (chunk) => (stdout += chunk));
    npm.stderr.on('data', (chunk) => (stderr += chunk));
    const url = await listening(npm, () => ({ stdout, stderr }));
    expect(liveInGroup(npm.pid!).length).toBeGreaterThan(1); // npm and the mock (and the shell between)
    process.kill(npm.pid!, signal);
    while (liveInGroup(npm.pid!).length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await accepts(url)).toBe(false);
    expect(stderr).not.toMatch(/\n\s+at /);
  }

  it('SIGTERM to npm stops the mock and its whole process tree', async () => {
    await stopNpm('SIGTERM');
  });

  it.skipIf(!execs)('SIGINT to npm stops the mock (needs `exec` in the mock script: npm forwards SIGINT to its child only)', async () => {
    await stopNpm('SIGINT');
  });
});

describe('defaults', () => {
  it('binds to loopback when no host is given', async () => {
    const mock = await startMockServer({ port: 0 });
    try {
      expect(new URL(mock.url).hostname).toBe('127.0.0.1');
      expect((await post(mock.url)).status).toBe(204);
    } finally {
      await mock.close();
    }
  });
});

describe('spec reload', () => {
  it('serves what the spec file says after reload()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-spec-'));
    const specPath = join(dir, 'openapi.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const mock = await startMockServer({ port: 0, host: '127.0.0.1', specPath });
    try {
      expect((await post(mock.url)).status).toBe(204);
      // Drop the operation from the file: after reload the path is an unknown segment, as Graph would say.
      const edited = structuredClone(spec);
      delete edited.paths[user.template];
      writeFileSync(specPath, JSON.stringify(edited));
      await mock.reload();
      const response = await post(mock.url);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('BadRequest');
    } finally {
      await mock.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await accepts(mock.url)).toBe(false);
  });
});

describe('lifecycle pieces (no process, no socket)', () => {
  const context = { port: 4010, host: '127.0.0.1', specPath: '/x/openapi.json' };
  const errno = (code: string, syscall: string, path?: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall, ...(path ? { path } : {}) });

  it.each([
    [
      errno('EADDRINUSE', 'listen'),
      'graph-sponsors-mock: 127.0.0.1 port 4010 is already in use: stop what is using it, or pick another port with PORT=<n> (PORT=0 picks a free one).',
    ],
    [
      errno('EACCES', 'listen'),
      'graph-sponsors-mock: not allowed to listen on 127.0.0.1 port 4010: ports below 1024 need privileges; use a higher one, e.g. PORT=4010.',
    ],
    [errno('EADDRNOTAVAIL', 'listen'), /HOST "127.0.0.1" is not an address of this machine/],
    [errno('ENOTFOUND', 'getaddrinfo'), /HOST "127.0.0.1" could not be resolved/],
    [errno('ENOENT', 'open', '/y.json'), /cannot read the spec \/y\.json \(no such file\)/],
    [errno('EACCES', 'open', '/y.json'), /cannot read the spec \/y\.json \(permission denied\)/],
    [errno('EISDIR', 'read'), /cannot read the spec \/x\/openapi\.json \(it is a folder\)/],
    [new SyntaxError('Unexpected end of JSON input'), /the spec \/x\/openapi\.json is not valid JSON \(Unexpected end of JSON input\)/],
    [new MockSettingsError('PORT', 'abc', 'use digits'), 'graph-sponsors-mock: PORT "abc" is not valid: use digits.'],
    [errno('EMFILE', 'listen'), /^graph-sponsors-mock: could not start: listen EMFILE$/],
    [new Error('first\n    at somewhere (file.js:1:1)'), 'graph-sponsors-mock: could not start: first'],
  ])('describeStartupError(%s)', (error, expected) => {
    const line = describeStartupError(error, context);
    expect(line).not.toContain('\n');
    if (typeof expected === 'string') expect(line).toBe(expected);
    else expect(line).toMatch(expected);
  });

  it('specProblem accepts the bundled spec and names what is wrong with others', () => {
    expect(specProblem(spec)).toBeUndefined();
    expect(specProblem([])).toMatch(/not an OpenAPI document/);
    expect(specProblem({ swagger: '2.0', paths: spec.paths })).toMatch(/not an OpenAPI 3 document/);
    expect(specProblem({ openapi: '3.1.0', paths: {} })).toMatch(/no operations/);
  });

  it('startupLines lists every operation of the spec under the URL, after the bind scope', () => {
    const lines = startupLines('http://0.0.0.0:4010', spec, 12);
    expect(lines[0]).toBe('Graph sponsors mock listening on http://0.0.0.0:4010 (ready in 12 ms)');
    expect(lines[1]).toMatch(/^Listening on all interfaces: reachable from other machines/);
    for (const { template, method, op } of operationsOf(spec)) {
      expect(lines).toContain(`  ${method.toUpperCase()} http://0.0.0.0:4010${template}  (${op.operationId}${op.deprecated ? ', deprecated' : ''})`);
    }
    expect(lines.some((line) => /Authorization: Bearer <token>'/.test(line))).toBe(true);
    expect(lines.some((line) => line.includes('http://0.0.0.0:4010/_mock/'))).toBe(true);
    expect(lines.at(-1)).toMatch(/Prefer: code=<status>, example=<name>/);
    const strict = startupLines('http://127.0.0.1:4010', spec, 12, { directory: 'strict', auth: 'strict' });
    expect(strict.join('\n')).toMatch(/Directory: strict[\s\S]*Auth: strict/);
  });

  it('createShutdown: the first signal closes then exits 0; a repeat inside the window is ignored; a later one exits at once', async () => {
    let now = 1000;
    const exits: number[] = [];
    let finish: () => void = () => undefined;
    let closes = 0;
    const onSignal = createShutdown({
      close: () => (closes++, new Promise<void>((resolve) => (finish = resolve))),
      exit: (code) => exits.push(code),
      now: () => now,
      repeatWindowMs: 500,
    });
    onSignal('SIGINT');
    now += 10;
    onSignal('SIGINT'); // the same Ctrl-C, delivered by the terminal and again by npm
    expect(closes).toBe(1);
    expect(exits).toEqual([]);
    now += 1000;
    onSignal('SIGTERM');
    expect(exits).toEqual([143]);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([143, 0]);
  });

  it('createShutdown exits 0 once close() has drained, and 1 if it failed', async () => {
    const exits: number[] = [];
    createShutdown({ close: () => Promise.resolve(), exit: (code) => exits.push(code) })('SIGTERM');
    createShutdown({ close: async () => Promise.reject(new Error('no')), exit: (code) => exits.push(code) })('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits.sort()).toEqual([0, 1]);
  });

  it('watchParent calls back once the parent pid changes, and never while it stays', async () => {
    let ppid = 41;
    let gone = 0;
    let checks = 0;
    const stop = watchParent({ ppid: () => (checks++, ppid), onGone: () => gone++, intervalMs: 5 });
    try {
      while (checks < 4) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(gone).toBe(0);
      ppid = 1; // re-parented: whoever started us is gone
      while (gone === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 30)); // several more intervals: still once
      expect(gone).toBe(1);
    } finally {
      stop();
    }
  });
});
