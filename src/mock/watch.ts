// Watch mode of the mock (checkout only): regenerate the bundled spec when openapi/ changes, then reload it.
import { execFile } from 'node:child_process';
import { existsSync, watch as watchFiles, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/**
 * Watches the spec sources (present only in a checkout: openapi/ and scripts/generate.mjs next to src/),
 * regenerates the bundle on a change and reloads it; a failed run keeps the previous spec served.
 */
export function watchSources(repoRoot: string, reload: () => Promise<void>, log: (line: string) => void): FSWatcher | undefined {
  const sources = join(repoRoot, 'openapi');
  const generate = join(repoRoot, 'scripts/generate.mjs');
  if (!existsSync(sources) || !existsSync(generate)) {
    log('Serving the packaged spec; restart the mock to pick up a different one.');
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const rebuild = () => {
    if (running) return void (again = true);
    running = true;
    execFile(process.execPath, [generate], { cwd: repoRoot }, (error, _stdout, stderr) => {
      const done = () => {
        running = false;
        if (again) {
          again = false;
          rebuild();
        }
      };
      if (error) {
        log(`spec changed but regenerating failed; still serving the previous spec:\n${stderr}`);
        return done();
      }
      reload().then(
        () => log('spec changed: regenerated generated/openapi.json and reloaded'),
        (reloadError: unknown) => log(`spec reload failed; still serving the previous spec: ${reloadError}`),
      ).finally(done);
    });
  };
  const watcher = watchFiles(sources, { recursive: true }, () => {
    // Editors write a file in several steps: one rebuild per burst of events.
    clearTimeout(timer);
    timer = setTimeout(rebuild, 200);
  });
  watcher.on('close', () => clearTimeout(timer));
  log(`Watching ${sources} for spec changes.`);
  return watcher;
}

