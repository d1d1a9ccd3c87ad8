// Helpers shared by the repository's scripts: where the checkout is, the environment Redocly runs
// quietly in, and running one step of a script (its output shown only when it fails). Used by generate,
// build, docs and diff.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root folder (scripts/..). */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A binary installed in node_modules/.bin. */
export const bin = (name) => join(root, 'node_modules/.bin', name);

/** Redocly without telemetry or update banners. */
export const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

/**
 * Runs one step quietly in the checkout; on failure prints the command with its output and exits 1,
 * so a script stops at its first failed step with the reason on stderr.
 */
export function step(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, { cwd: root, stdio: 'pipe', ...options });
  } catch (error) {
    process.stderr.write(`${cmd} ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
    process.exit(1);
  }
}
