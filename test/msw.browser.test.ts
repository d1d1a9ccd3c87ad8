// The MSW handlers in a real browser: test/browser/app.ts (bundled here by esbuild) starts MSW's service worker
// (setupWorker) with createGraphHandlers' handlers, then calls Graph's real origin through the typed client: adds
// a user's sponsor, adds it again (the duplicate, read with GraphError#is), lists the sponsors, reads the journal.
// Headless Chromium opens the page on http://localhost (a secure context, which a service worker needs); the test
// reads each step's result from the page and checks it against the spec, proves no request for Graph left the
// browser, and saves a screenshot.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clouds, routes } from '../generated/operations.js';
import { documentedErrors } from '../src/spec/walk.js';
import { describeInChromium, hasChromium, installHint as chromiumHint, launchChromium, type Chromium } from './support/chromium.js';
import { serveFiles, type StaticServer } from './browser/serve.js';
import { loadSpec, repoRoot, type Json } from './support/spec.js';

const what = 'the MSW browser test';
const installHint = chromiumHint(what);

const spec = loadSpec();
const addOperation = 'addUserSponsor';
const addOp = Object.values<Record<string, { operationId?: string; 'x-rules'?: { checks: Array<{ unique?: boolean; example: string }> } }>>(spec.paths)
  .flatMap((item) => Object.values(item))
  .find((op) => op?.operationId === addOperation);
// The example the add's `unique` rule answers with (the duplicate reference), and the error the spec documents for it.
const duplicateName = addOp?.['x-rules']?.checks.find((check) => check.unique)?.example;
const duplicate = duplicateName === undefined ? undefined : documentedErrors(spec).get(addOperation)?.get(duplicateName);
const graphOrigin = clouds.global;
/** The request line of an operation for the user `id`, from the generated routes (the spec's method and path). */
const requestLine = (operationId: 'addUserSponsor' | 'listUserSponsors', id: string) =>
  `${routes[operationId].method.toUpperCase()} ${routes[operationId].path.replace('{id}', id)}`;

describeInChromium('MSW handlers in Chromium: setupWorker + the typed client against https://graph.microsoft.com', what, () => {
  let tmp: string | undefined;
  let browser: Chromium | undefined;
  let server: StaticServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const user = randomUUID();
  const sponsor = randomUUID();
  const clientRequestId = randomUUID();
  /** Requests that reached Playwright's routing for anything but the local server: refused, and must stay none. */
  const offsite: string[] = [];
  /** Every request for Graph's origin the browser made (the page's or the service worker's). */
  const graphRequests: Request[] = [];
  const consoleErrors: string[] = [];

  /** The result the page wrote for `step`: its outcome and its detail (JSON). */
  async function result(step: string): Promise<{ outcome: string | undefined; detail: Json }> {
    const section = page.locator(`section[data-step="${step}"]`);
    // Fail at once (not after a locator's timeout) when the app stopped before this step.
    if ((await section.count()) !== 1) throw new Error(`the page shows no result for ${step}; status: ${await page.locator('#status').textContent()}`);
    return { outcome: (await section.getAttribute('data-outcome')) ?? undefined, detail: JSON.parse((await section.locator('pre').textContent()) ?? 'null') };
  }

  beforeAll(async () => {
    // Under CI=true a missing browser is a failure, not a skip.
    if (!hasChromium) throw new Error(installHint);
    if (!duplicate) throw new Error(`${addOperation}: the spec documents no error for its unique rule`);
    tmp = mkdtempSync(join(tmpdir(), 'msw-browser-'));
    await build({
      entryPoints: [join(repoRoot, 'test/browser/app.ts')],
      outfile: join(tmp, 'app.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    });
    // msw's own worker script, found through its package.json exports (the file `msw init` copies).
    const workerScript = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');
    const js = 'text/javascript; charset=utf-8';
    server = await serveFiles({
      '/': { file: join(repoRoot, 'test/browser/index.html'), type: 'text/html; charset=utf-8' },
      '/app.js': { file: join(tmp, 'app.js'), type: js },
      '/mockServiceWorker.js': { file: workerScript, type: js },
    });
    const origin = `http://localhost:${server.port}`;
    browser = await launchChromium('msw', { width: 1000, height: 900 });
    context = browser.context;
    // Anything for elsewhere than the local server that reaches the network stack is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      offsite.push(`${route.request().method()} ${url}`);
      return route.abort();
    });
    context.on('request', (request) => {
      if (request.url().startsWith(`${graphOrigin}/`)) graphRequests.push(request);
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      // Chromium logs every answer with an error status it loads; the duplicate's 400 from Graph's origin is
      // the one the app asks for, any other error message is a failure.
      const expected = message.text().includes(`status of ${duplicate.status}`) && message.location().url.startsWith(`${graphOrigin}/`);
      if (message.type() === 'error' && !expected) consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    const query = new URLSearchParams({ user, sponsor, duplicate: duplicateName!, clientRequestId });
    await page.goto(`${origin}/?${query}`, { waitUntil: 'load' });
    await page.locator('#status').filter({ hasNotText: 'starting' }).waitFor();
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('runs the app to its end with no error in the page', async () => {
    expect(await page.locator('#status').textContent()).toBe('done');
    expect(consoleErrors).toEqual([]);
  });

  it('adds the sponsor: the call resolves', async () => {
    expect(await result('add')).toEqual({ outcome: 'resolved', detail: null });
  });

  it(`adds it again: the call rejects with the spec's duplicate (GraphError#is('${duplicateName}'), its status, code and message)`, async () => {
    const { outcome, detail } = await result('duplicate');
    expect(outcome).toBe('rejected');
    expect(detail).toMatchObject({ name: 'GraphError', is: true, status: duplicate!.status, code: duplicate!.code, message: duplicate!.message });
    // Graph's ids: a request-id of its own, the client-request-id the call sent echoed back.
    expect(detail.requestId).toMatch(/^[0-9a-f-]{36}$/i);
    expect(detail.clientRequestId).toBe(clientRequestId);
  });

  it('lists the sponsors: the one added is there', async () => {
    const { outcome, detail } = await result('list');
    expect(outcome).toBe('resolved');
    expect((detail as Array<{ id: string }>).map((o) => o.id)).toEqual([sponsor]);
  });

  it("journals the three requests, read in the page through the handlers' requests() control", async () => {
    const { outcome, detail } = await result('journal');
    expect(outcome).toBe('resolved');
    const { detail: error } = await result('duplicate');
    expect(detail.map((e: Json) => ({ line: `${e.method} ${e.path}`, status: e.status, errorCode: e.errorCode }))).toEqual([
      { line: requestLine(addOperation, user), status: routes[addOperation].successStatus },
      { line: requestLine(addOperation, user), status: duplicate!.status, errorCode: duplicate!.code },
      { line: requestLine('listUserSponsors', user), status: routes.listUserSponsors.successStatus },
    ]);
    // The duplicate's entry is the answer the client read: the same request-id, the client-request-id it sent.
    expect(detail[1]).toMatchObject({ requestId: error.requestId, clientRequestId });
  });

  it("sent nothing for Graph to the network: the worker answered the page's three requests", async () => {
    expect(offsite).toEqual([]);
    expect(graphRequests.map((r) => `${r.method()} ${r.url().slice(graphOrigin.length)}`)).toEqual([
      requestLine(addOperation, user),
      requestLine(addOperation, user),
      requestLine('listUserSponsors', user),
    ]);
    // Each made by the page and answered by the worker's fetch handler (FetchEvent.respondWith). A request the
    // worker itself sends (msw's passthrough of an unhandled one) is seen by Playwright as the service worker's,
    // and reaches the routing above: tried with onUnhandledRequest 'bypass', it showed in `offsite`.
    for (const request of graphRequests) {
      expect(request.serviceWorker(), request.url()).toBeNull();
      expect((await request.response())?.fromServiceWorker(), request.url()).toBe(true);
    }
    // The local server saw the page, the bundle and the worker script, nothing else.
    expect(new Set(server!.served)).toEqual(new Set(['/', '/app.js', '/mockServiceWorker.js']));
  });

  it('saves a screenshot of the page to test/.artifacts/msw-browser.png', async () => {
    const artifacts = join(repoRoot, 'test/.artifacts');
    mkdirSync(artifacts, { recursive: true });
    const path = join(artifacts, 'msw-browser.png');
    await page.screenshot({ path, fullPage: true });
    expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
  });
});
