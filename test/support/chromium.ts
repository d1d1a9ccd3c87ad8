// Headless Debian Chromium driven by playwright-core, as the browser tests use it (test/docs.test.ts,
// test/msw.browser.test.ts): a fresh profile each time, and the flags that keep it off the network on its own
// (this machine's network is closed; without them Chromium tries Google's hosts at every start).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe, it } from 'vitest';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
/** Why a browser test skips (or, under CI=true, fails). */
export const installHint = (what: string) => `Chromium is missing at ${chromiumPath}: install it with \`apt-get install chromium\` to run ${what}`;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile, whatever happens. */
  close(): Promise<void>;
}

/** Chromium with a new empty profile (a folder under the system's temp dir named after `label`). */
export async function launchChromium(label: string, viewport: { width: number; height: number }): Promise<Chromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), `${label}-chromium-`));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: FLAGS, viewport });
    return {
      context,
      async close() {
        try {
          await context.close();
        } finally {
          rmSync(userDataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A describe block that needs Chromium: where it is missing it is skipped with the install hint, except under
 * CI=true, where it runs and its beforeAll fails (checking `hasChromium`) rather than pass by skipping.
 */
export function describeInChromium(title: string, what: string, body: () => void): void {
  if (!hasChromium && process.env.CI !== 'true') {
    const hint = installHint(what);
    console.warn(hint);
    describe.skip(`${title} (skipped: ${hint})`, () => {
      it('needs Chromium', () => {});
    });
  } else {
    describe(title, body);
  }
}
