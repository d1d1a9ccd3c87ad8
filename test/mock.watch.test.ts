// Watch mode on a temporary sources folder with a stand-in generate step (the real openapi/ is never
// touched): every way an editor or git replaces a file is followed, a burst is one rebuild, a failing
// generate keeps the previous spec, and close() leaves nothing running.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './support/spec.js';
import { diffSnapshots, summarizeFailure, takeSnapshot, watchSources, type SourceWatcher } from '../src/mock/watch.js';

const dirs: string[] = [];
const watchers: SourceWatcher[] = [];
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempSources(files: Record<string, string> = { 'openapi.yaml': 'openapi: 3.1.0\n', 'paths/users.yaml': 'post: {}\n' }) {
  const root = mkdtempSync(join(tmpdir(), 'mock-watch-'));
  dirs.push(root);
  const sources = join(root, 'openapi');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(sources, name, '..'), { recursive: true });
    writeFileSync(join(sources, name), text);
  }
  return { root, sources };
}

/** Resolves when `check` holds; the test's own timeout bounds the wait (nothing here asserts speed). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A watcher whose generate step records what the sources held when it ran. */
async function start(sources: string, root: string, generateFails = () => false) {
  const seen: Array<Record<string, string>> = [];
  const logs: string[] = [];
  let reloads = 0;
  let lastSignal: AbortSignal | undefined;
  const watcher = watchSources(
    root,
    () => {
      reloads++;
      return Promise.resolve();
    },
    (line) => logs.push(line),
    {
      sourcesDir: sources,
      pollMs: 200,
      settleMs: 40,
      generate: async (signal) => {
        lastSignal = signal;
        const { files } = await takeSnapshot(sources);
        seen.push(Object.fromEntries([...files.keys()].map((path) => [path.slice(sources.length + 1), readFileSync(path, 'utf8')])));
        if (generateFails()) throw new Error('redocly bundle openapi/openapi.yaml failed:\n[1] openapi/paths/users.yaml:1:1 error  Unexpected token\n');
      },
    },
  );
  expect(watcher).toBeDefined();
  watchers.push(watcher!);
  await watcher!.ready;
  return { watcher: watcher!, seen, logs, reloads: () => reloads, signal: () => lastSignal };
}

describe('diffSnapshots', () => {
  it('names added, removed and changed paths', () => {
    const before = new Map([
      ['a', '1'],
      ['b', '1'],
      ['c', '1'],
    ]);
    const after = new Map([
      ['a', '1'],
      ['b', '2'],
      ['d', '1'],
    ]);
    expect(diffSnapshots(before, after)).toEqual({ added: ['d'], removed: ['c'], changed: ['b'] });
    expect(diffSnapshots(after, after)).toEqual({ added: [], removed: [], changed: [] });
  });

  it('sees a replace-by-rename with the same content as a change (new inode)', async () => {
    const { sources } = tempSources({ 'a.yaml': 'same\n' });
    const before = (await takeSnapshot(sources)).files;
    writeFileSync(join(sources, 'a.yaml.tmp'), 'same\n');
    renameSync(join(sources, 'a.yaml.tmp'), join(sources, 'a.yaml'));
    expect(diffSnapshots(before, (await takeSnapshot(sources)).files).changed).toEqual([join(sources, 'a.yaml')]);
  });

  it('takes a missing folder as empty', async () => {
    expect((await takeSnapshot(join(tmpdir(), 'mock-watch-missing-folder'))).files.size).toBe(0);
  });
});

describe('summarizeFailure', () => {
  it('keeps the line that names the error, on one line', () => {
    expect(summarizeFailure('redocly bundle x failed:\nbundling...\n[1] paths/a.yaml:3:1 error  Unexpected token\n')).toBe(
      '[1] paths/a.yaml:3:1 error  Unexpected token',
    );
    expect(summarizeFailure('\nSomething odd\nmore')).toBe('Something odd');
    expect(summarizeFailure('')).toBe('no output');
    expect(summarizeFailure(`error ${'x'.repeat(1000)}`)).toHaveLength(300);
  });
});

describe('watchSources', () => {
  it('follows a file replaced by rename (sed -i, vim), and keeps following it afterwards', async () => {
    const { root, sources } = tempSources();
    const w = await start(sources, root);
    const file = join(sources, 'paths/users.yaml');
    writeFileSync(`${file}.swp`, 'post: { v: 2 }\n');
    renameSync(`${file}.swp`, file);
    await until(() => w.reloads() === 1);
    expect(w.seen.at(-1)!['paths/users.yaml']).toBe('post: { v: 2 }\n');
    // The bug this replaces: after a rename, in-place edits of the new file were no longer seen.
    writeFileSync(file, 'post: { v: 3 }\n');
    await until(() => w.reloads() === 2);
    expect(w.seen.at(-1)!['paths/users.yaml']).toBe('post: { v: 3 }\n');
  });

  it('follows a deletion, the re-created file, and a new file in a new folder', async () => {
    const { root, sources } = tempSources();
    const w = await start(sources, root);
    unlinkSync(join(sources, 'paths/users.yaml'));
    await until(() => w.reloads() === 1);
    expect(w.seen.at(-1)).not.toHaveProperty('paths/users.yaml');
    writeFileSync(join(sources, 'paths/users.yaml'), 'post: { back: true }\n');
    await until(() => w.reloads() === 2);
    expect(w.seen.at(-1)!['paths/users.yaml']).toBe('post: { back: true }\n');
    mkdirSync(join(sources, 'components/schemas'), { recursive: true });
    writeFileSync(join(sources, 'components/schemas/Sponsor.yaml'), 'type: object\n');
    await until(() => w.reloads() === 3);
    expect(w.seen.at(-1)!['components/schemas/Sponsor.yaml']).toBe('type: object\n');
    // and edits inside the new folder after that
    writeFileSync(join(sources, 'components/schemas/Sponsor.yaml'), 'type: string\n');
    await until(() => w.reloads() === 4);
  });

  it('rebuilds once for a burst of writes', async () => {
    const { root, sources } = tempSources();
    const w = await start(sources, root);
    for (let i = 0; i < 20; i++) await writeFile(join(sources, 'openapi.yaml'), `openapi: 3.1.0\n# edit ${i}\n`);
    await until(() => w.reloads() === 1);
    expect(w.seen[0]!['openapi.yaml']).toContain('# edit 19');
    // A later, separate change is the next rebuild: had the burst been rebuilt twice, this would be the third.
    writeFileSync(join(sources, 'marker.yaml'), 'x: 1\n');
    await until(() => w.seen.some((files) => 'marker.yaml' in files) && w.reloads() === w.seen.length);
    expect(w.seen).toHaveLength(2);
  });

  it('follows a git checkout of the sources', async () => {
    const { root, sources } = tempSources();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd: root, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'one');
    git('checkout', '-qb', 'other');
    writeFileSync(join(sources, 'paths/users.yaml'), 'post: { branch: other }\n');
    git('commit', '-qam', 'two');
    git('checkout', '-q', 'main');
    const w = await start(sources, root);
    git('checkout', '-q', 'other');
    await until(() => w.reloads() === 1);
    expect(w.seen.at(-1)!['paths/users.yaml']).toBe('post: { branch: other }\n');
    git('checkout', '-q', 'main');
    await until(() => w.reloads() === 2);
    expect(w.seen.at(-1)!['paths/users.yaml']).toBe('post: {}\n');
  });

  it('keeps the previous spec when generate fails, logging one line, and recovers on the next change', async () => {
    const { root, sources } = tempSources();
    let fail = true;
    const w = await start(sources, root, () => fail);
    writeFileSync(join(sources, 'paths/users.yaml'), 'post: [broken\n');
    await until(() => w.seen.length === 1 && w.logs.some((line) => line.includes('still serving')));
    expect(w.reloads()).toBe(0);
    const failure = w.logs.filter((line) => line.includes('still serving'));
    expect(failure).toHaveLength(1);
    expect(failure[0]).not.toContain('\n');
    expect(failure[0]).toContain('paths/users.yaml:1:1 error  Unexpected token');
    fail = false;
    writeFileSync(join(sources, 'paths/users.yaml'), 'post: {}\n');
    await until(() => w.reloads() === 1);
  });

  it('is absent outside a checkout, saying so once', () => {
    const logs: string[] = [];
    const watcher = watchSources(
      join(tmpdir(), 'mock-watch-none'),
      () => Promise.resolve(),
      (line) => logs.push(line),
      { sourcesDir: join(tmpdir(), 'mock-watch-none/openapi') },
    );
    expect(watcher).toBeUndefined();
    expect(logs).toEqual(['Serving the packaged spec; restart the mock to pick up a different one.']);
  });

  it('close() stops a running generate and leaves nothing running: the process then ends by itself', async () => {
    // In a child process, so the proof is plain: a timer or folder watch left behind would keep it alive.
    const { root, sources } = tempSources();
    const script = `
      import { writeFileSync } from 'node:fs';
      import { watchSources } from ${JSON.stringify(join(repoRoot, 'src/mock/watch.ts'))};
      let aborted = false;
      let started;
      const running = new Promise((resolve) => (started = resolve));
      const watcher = watchSources(${JSON.stringify(root)}, async () => undefined, () => undefined, {
        sourcesDir: ${JSON.stringify(sources)}, pollMs: 200, settleMs: 40,
        // Never finishes on its own: only close() can end it, through the signal.
        generate: (signal) => new Promise((_resolve, reject) => {
          started();
          signal.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted'))));
        }),
      });
      await watcher.ready;
      writeFileSync(${JSON.stringify(join(sources, 'openapi.yaml'))}, 'openapi: 3.1.1\\n');
      await running;
      await watcher.close();
      console.log(aborted ? 'closed, generate aborted' : 'closed, generate still running');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(output.trim()).toBe('closed, generate aborted');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
