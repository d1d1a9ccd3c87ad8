// Watch mode of the mock (checkout only): regenerate the bundled spec when openapi/ changes, then reload it.
//
// fs.watch alone loses a file once it is replaced by a rename (sed -i, vim's save, git checkout): the watch
// follows the old inode. So the truth here is a snapshot of every file under the sources folder
// (path → inode, size, mtime, ctime), compared on each scan; fs.watch on each folder (never on files) only
// wakes a scan early, and a slow poll catches whatever the events miss. A change is rebuilt once the
// snapshot has stopped moving for `settleMs`, so an editor's burst of writes gives one rebuild.
import { execFile } from 'node:child_process';
import { existsSync, watch as watchFolder, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** path → a signature that changes whenever the file is written, replaced, or touched. */
export type Snapshot = Map<string, string>;

export interface SnapshotDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** What differs between two snapshots (pure). */
export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const diff: SnapshotDiff = { added: [], removed: [], changed: [] };
  for (const [path, signature] of after) {
    const old = before.get(path);
    if (old === undefined) diff.added.push(path);
    else if (old !== signature) diff.changed.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) diff.removed.push(path);
  return diff;
}

export const isEmptyDiff = (diff: SnapshotDiff) => diff.added.length + diff.removed.length + diff.changed.length === 0;

/** Every file under `dir` with its signature, and every folder (to watch). A missing dir is an empty snapshot. */
export async function takeSnapshot(dir: string): Promise<{ files: Snapshot; dirs: string[] }> {
  const files: Snapshot = new Map();
  const dirs: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return; // removed meanwhile (or never there): its files count as deleted
    }
    dirs.push(folder);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        try {
          // bigint: nanosecond times, so two writes within one millisecond still differ.
          const s = await stat(path, { bigint: true });
          files.set(path, `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`);
        } catch {
          // deleted between readdir and stat: absent from this snapshot
        }
      }
    }
  };
  await walk(dir);
  return { files, dirs };
}

/** One line out of a failed generate run's output: the first line that names an error, else the first. */
export function summarizeFailure(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/ failed:$/.test(line));
  const line = lines.find((l) => /\berror\b/i.test(l)) ?? lines[0] ?? 'no output';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

export interface WatchOptions {
  /** Folder whose files are the spec's sources. Default: <repoRoot>/openapi. */
  sourcesDir?: string;
  /** Rewrites the bundle; rejects (with the tool's output as message) when it fails. Default: scripts/generate. */
  generate?: (signal: AbortSignal) => Promise<void>;
  /** Fallback scan interval when no folder event comes. Default 1000 ms. */
  pollMs?: number;
  /** How long the sources must stay unchanged before a rebuild. Default 150 ms. */
  settleMs?: number;
}

export interface SourceWatcher {
  /** Resolves once the first snapshot is taken (changes before it are the starting point). */
  readonly ready: Promise<void>;
  /** Stops watching: no timer, folder watch or generate run is left once it resolves. */
  close(): Promise<void>;
}

/** Runs the checkout's generate script with this Node (scripts/generate.mjs, or .ts through tsx). */
function defaultGenerate(repoRoot: string): ((signal: AbortSignal) => Promise<void>) | undefined {
  const script = ['scripts/generate.mjs', 'scripts/generate.ts'].map((p) => join(repoRoot, p)).find((p) => existsSync(p));
  if (!script) return undefined;
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  return (signal) =>
    new Promise((resolveRun, reject) => {
      execFile(process.execPath, args, { cwd: repoRoot, signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${stderr}\n${stdout}\n${error.message}`)) : resolveRun(),
      );
    });
}

/**
 * Watches the spec sources (present only in a checkout: openapi/ and the generate script), regenerates the
 * bundle on a change and reloads it; a failed run keeps the previous spec served and logs one line.
 */
export function watchSources(
  repoRoot: string,
  reload: () => Promise<void>,
  log: (line: string) => void,
  options: WatchOptions = {},
): SourceWatcher | undefined {
  const sources = options.sourcesDir ?? join(repoRoot, 'openapi');
  const generate = options.generate ?? defaultGenerate(repoRoot);
  if (!existsSync(sources) || !generate) {
    log('Serving the packaged spec; restart the mock to pick up a different one.');
    return undefined;
  }
  const pollMs = options.pollMs ?? 1000;
  const settleMs = options.settleMs ?? 150;
  const abort = new AbortController();
  const folders = new Map<string, FSWatcher>();
  let last: Snapshot = new Map();
  let closed = false;
  let dirty = false; // sources changed since the last rebuild started
  let settleTimer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  let rescan = false;
  let building: Promise<void> | undefined;
  let buildAgain = false;

  const wake = () => {
    if (closed) return;
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => void scan(), settleMs);
  };

  const follow = (dirs: string[]) => {
    for (const [dir, watcher] of folders) {
      if (dirs.includes(dir)) continue;
      watcher.close();
      folders.delete(dir);
    }
    for (const dir of dirs) {
      if (folders.has(dir)) continue;
      try {
        const watcher = watchFolder(dir, wake);
        // A watched folder that goes away errors on some platforms: the next scan drops or re-adds it.
        watcher.on('error', () => (watcher.close(), folders.delete(dir), wake()));
        folders.set(dir, watcher);
      } catch {
        // gone already; the poll still sees its files come back
      }
    }
  };

  const rebuild = (): void => {
    if (building) return void (buildAgain = true);
    building = (async () => {
      try {
        await generate(abort.signal);
        if (closed) return;
        await reload();
        log('spec changed: regenerated and reloaded');
      } catch (error) {
        if (closed) return;
        log(
          `spec changed but regenerating or reloading failed; still serving the previous spec: ${summarizeFailure(String((error as Error)?.message ?? error))}`,
        );
      }
    })().finally(() => {
      building = undefined;
      if (buildAgain && !closed) {
        buildAgain = false;
        rebuild();
      }
    });
  };

  async function scan(): Promise<void> {
    if (closed) return;
    if (scanning) return void (rescan = true);
    scanning = (async () => {
      await ready; // compare against the first snapshot, never against nothing
      const next = await takeSnapshot(sources);
      if (closed) return;
      follow(next.dirs);
      const moved = !isEmptyDiff(diffSnapshots(last, next.files));
      last = next.files;
      if (moved) {
        dirty = true;
        wake(); // rebuild once nothing moves for settleMs
      } else if (dirty) {
        dirty = false;
        rebuild();
      }
    })().finally(() => {
      scanning = undefined;
      if (rescan && !closed) {
        rescan = false;
        void scan();
      }
    });
    return scanning;
  }

  const ready = takeSnapshot(sources).then((first) => {
    if (closed) return;
    last = first.files;
    follow(first.dirs);
  });
  // Not unref'd: close() is what ends it, and the test sees it gone.
  const poll = setInterval(() => void scan(), pollMs);
  log(`Watching ${sources} for spec changes.`);

  return {
    ready,
    async close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(settleTimer);
      for (const watcher of folders.values()) watcher.close();
      folders.clear();
      abort.abort(); // a generate run in progress is killed
      await Promise.allSettled([ready, scanning, building]);
    },
  };
}
