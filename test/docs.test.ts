// The rendered reference (`npm run docs`), opened in a real headless Chromium with every non-loopback
// request blocked: the page must be self-contained and show the operations, their permissions, the
// national clouds, every named example and the departures table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeInChromium, hasChromium, installHint as chromiumHint, launchChromium, type Chromium } from './support/chromium.js';
import { loadSpec, namedExamples, operations, repoRoot, type Json } from './support/spec.js';

const spec = loadSpec();
const tmp = mkdtempSync(join(tmpdir(), 'docs-test-'));
const html = join(tmp, 'index.html');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run docs', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(repoRoot, 'scripts/docs.mjs'), '--output', html], { cwd: repoRoot, stdio: 'pipe' });
  });

  it('writes one page that loads nothing from elsewhere: no script, stylesheet, image, font or telemetry', () => {
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<title>Microsoft Graph sponsors contract: reference</title>');
    const external = `(?:https?:)?//[^"'\`\\s)]+`;
    // Every way an HTML page, its CSS or Redoc's inlined components name a resource to load; links (<a href>)
    // and the spec's own URLs in text are not loads.
    const loads = [
      new RegExp(`<(?:script|img|iframe|source|video|audio)[^>]+src=["']${external}`, 'g'),
      new RegExp(`<link[^>]+href=["']${external}`, 'g'),
      new RegExp(`srcset=["'][^"']*${external}`, 'g'),
      new RegExp(`url\\(\\s*["']?${external}`, 'g'),
      new RegExp(`@import\\s+(?:url\\()?["']?${external}`, 'g'),
      new RegExp(`\\bsrc:\\s*(?:[\\w.]+\\s*\\?\\s*)?[\`"']${external}`, 'g'),
    ];
    for (const pattern of loads) expect(page.match(pattern) ?? [], String(pattern)).toEqual([]);
    // Redoc's footer logo came from its CDN; scripts/docs.mjs inlines it.
    expect(page).not.toMatch(/cdn\.redoc\.ly/);
    expect(page).toMatch(/alt:`redocly logo`[^}]*src:e\?`data:image\/svg\+xml,/);
    // build-docs turns Redoc's OpenTelemetry export (otel.cloud.redocly.com) off.
    expect(page).toMatch(/__redoc_options = \{[^}]*"disableTelemetry":true/);
  });

  it('leaves the committed bundle without the docs-only tables (the decorator is not in openapi/redocly.yaml)', () => {
    for (const { op } of operations(spec)) expect(op.description).not.toContain('### Permissions');
  });
});

const what = 'the browser test of the reference';
const installHint = chromiumHint(what);

describeInChromium('rendered reference in Chromium', what, () => {
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  let browser: Chromium | undefined;
  const blocked: string[] = [];
  let base: string;

  beforeAll(async () => {
    // Under CI=true a missing browser is a failure, not a skip.
    if (!hasChromium) throw new Error(installHint);
    const body = readFileSync(html);
    server = createServer((req, res) => {
      if (req.url === '/' || req.url === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium('docs', { width: 1400, height: 1000 });
    context = browser.context;
    // The page must work offline: anything not served by the local server is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    page = await context.newPage();
    base = `${origin}/`;
    await page.goto(base, { waitUntil: 'load' });
    await page.getByRole('heading', { name: spec.info.title }).first().waitFor({ state: 'visible' });
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    }
  });

  // At least one rendered, visible element of `scope` shows `text`.
  const visible = (scope: Locator | Page, text: string) => scope.getByText(text, { exact: false }).filter({ visible: true });
  // Redoc 3 renders a tag's operations on its own client-side route, `#/<tag>/<operationId>` in lower
  // case; the operation's block carries that slug as its id.
  const openOperation = async ({ op, operationId }: { op: Json; operationId: string }) => {
    const slug = `${op.tags[0]}/${operationId}`.toLowerCase();
    await page.goto(`${base}#/${slug}`);
    const block = page.locator(`[id="${slug}"]`);
    await block.getByRole('heading', { name: op.summary }).first().waitFor({ state: 'visible' });
    return block;
  };

  it('shows every operation (the four seeded ones and the thirteen beyond the seeds) with its method and path', async () => {
    expect(operations(spec).filter((o) => o.op['x-beyond-seeds'] === undefined)).toHaveLength(4);
    expect(operations(spec)).toHaveLength(17);
    for (const operation of operations(spec)) {
      const { op, path } = operation;
      const scope = await openOperation(operation);
      await expect(visible(scope, op.summary).count(), op.summary).resolves.toBeGreaterThan(0);
      await expect(visible(scope, path).count(), path).resolves.toBeGreaterThan(0);
    }
  });

  it("shows each operation's permissions: least and higher privileged, delegated and application, admin roles", async () => {
    for (const operation of operations(spec)) {
      const { operationId, op } = operation;
      const block = await openOperation(operation);
      const perms: Json = op['x-permissions'];
      const table = block.locator('table', { hasText: 'higher privileged' }).filter({ visible: true });
      await expect(table.count(), operationId).resolves.toBe(1);
      const rows = {
        'Delegated (work or school account)': perms.delegatedWorkOrSchool,
        'Delegated (personal Microsoft account)': perms.delegatedPersonalMicrosoftAccount,
        Application: perms.application,
      };
      const rendered = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td as HTMLElement).innerText.trim())));
      for (const [label, entry] of Object.entries<Json>(rows)) {
        const matching = rendered.filter((cells) => cells[0] === label);
        expect(matching, `${operationId} ${label}`).toHaveLength(1);
        const cells = matching[0]!;
        if (entry.supported === false) expect(cells.slice(1)).toEqual(['Not supported.', 'Not supported.']);
        else {
          for (const permission of entry.leastPrivileged) expect(cells[1]).toContain(permission);
          for (const permission of entry.higherPrivileged) expect(cells[2]).toContain(permission);
        }
      }
      for (const scenario of Object.values<Json>(perms.adminRoles ?? {})) {
        for (const role of scenario.leastPrivilegedRoles ?? []) {
          await expect(visible(block.locator('table', { hasText: 'least privileged roles' }), role).count(), role).resolves.toBeGreaterThan(0);
        }
      }
    }
  });

  it('shows the national clouds with their hosts', async () => {
    expect(spec.servers).toHaveLength(4);
    for (const operation of operations(spec)) {
      const { operationId } = operation;
      const table = (await openOperation(operation)).locator('table', { hasText: 'available' }).filter({ visible: true });
      for (const server of spec.servers) {
        const row = table.locator('tr', { hasText: server.url });
        await expect(row.count(), `${operationId} ${server.url}`).resolves.toBe(1);
        await expect(row.innerText()).resolves.toContain(server.description);
      }
    }
  });

  it('shows every named example by name', async () => {
    const names = [...new Set(namedExamples(spec).map((e) => e.name))];
    expect(names.length).toBeGreaterThan(20);
    // Each operation's block lists its own; together they must list every name in the spec.
    const seen = new Set<string>();
    for (const operation of operations(spec)) {
      const block = await openOperation(operation);
      for (const name of names) if ((await visible(block, name).count()) > 0) seen.add(name);
    }
    expect(names.filter((name) => !seen.has(name))).toEqual([]);
  });

  it('shows the table of departures from the source pages', async () => {
    await page.goto(base);
    const heading = page.getByRole('heading', { name: 'Where this contract departs from the source pages' });
    await expect(heading.filter({ visible: true }).count()).resolves.toBe(1);
    const table = page.locator('table', { hasText: 'the contract does' }).filter({ visible: true }).first();
    // One row per departure listed in info.description (header and separator lines excluded).
    const section = spec.info.description.split('## Where this contract departs from the source pages')[1] as string;
    const documentedRows = section.split('\n').filter((line: string) => line.startsWith('|')).length - 2;
    await expect(table.locator('tbody tr').count()).resolves.toBe(documentedRows);
    await expect(table.innerText()).resolves.toContain('HTTP forbids a body on 204');
  });

  it('loads nothing from the network and saves screenshots', async () => {
    // Leaving the page flushes whatever waits for it (telemetry batches are sent on pagehide).
    await page.goto('about:blank');
    expect(blocked).toEqual([]);
    const artifacts = join(repoRoot, 'test/.artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.goto(base);
    await page.screenshot({ path: join(artifacts, 'docs.png') });
    const block = await openOperation(operations(spec).find((o) => o.op.summary === 'Add sponsor') ?? operations(spec)[0]!);
    await block.locator('table', { hasText: 'higher privileged' }).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'docs-permissions.png') });
    expect(readFileSync(join(artifacts, 'docs-permissions.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});
