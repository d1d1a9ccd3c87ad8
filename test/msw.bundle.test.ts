// The MSW handlers' browser bundle (scripts/msw-bundle.mjs, shipped as dist/msw/index.js) from its esbuild
// metafile: what must never reach a browser app (Prism, faker, Node's built-ins and Node-only packages, ajv's
// compiler, a YAML parser), msw left to the app, and the weight target (issue 13: at most 60 kB gzip without msw).
// Then the bundle itself, imported as an app imports it, answers through setupServer as the source does.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unhandledIsError } from './support/msw.js';
import type * as Source from '../src/msw/index.js';
import { checkExample, freshId, pathOf, refBody } from './support/e2e.js';
import { repoRoot } from './support/spec.js';

/** Issue 13's target for the handlers' bundle, minified and gzipped, msw not included (kB = 1,000 B, as the client's 6,000 B). */
const GZIP_TARGET_BYTES = 60_000;

// Inside the repository (test/.artifacts, ignored), so the bundle's `import 'msw'` resolves to the installed msw.
mkdirSync(join(repoRoot, 'test/.artifacts'), { recursive: true });
const tmp = mkdtempSync(join(repoRoot, 'test/.artifacts/msw-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Summary {
  minBytes: number;
  gzipBytes: number;
  nodeBuiltins: string[];
}
let summary: Summary;
let metafile: Metafile;
let inputs: string[];

beforeAll(() => {
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts/msw-bundle.mjs'), '--out-dir', tmp], { cwd: repoRoot, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  summary = JSON.parse(run.stdout) as Summary;
  metafile = JSON.parse(readFileSync(join(tmp, 'metafile.json'), 'utf8')) as Metafile;
  // The files with code in the output (a file read but tree-shaken to nothing is not in the bundle).
  inputs = Object.values(metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([path]) => path),
  );
}, 120_000);

const matching = (pattern: RegExp) => inputs.filter((path) => pattern.test(path));

describe('the handlers\u2019 browser bundle', () => {
  it('is one ESM file for the browser whose only import is msw', () => {
    const outputs = Object.values(metafile.outputs);
    expect(outputs).toHaveLength(1);
    const imports = outputs[0]!.imports;
    expect(imports.every((i) => i.external)).toBe(true);
    expect([...new Set(imports.map((i) => i.path))]).toEqual(['msw']);
    expect(inputs.filter((path) => /node_modules\/msw\//.test(path))).toEqual([]);
  });

  it('holds nothing of Prism, faker, ajv\u2019s compiler, a YAML parser or a Node built-in', () => {
    expect(summary.nodeBuiltins).toEqual([]);
    expect(matching(/node_modules\/@stoplight\//)).toEqual([]);
    expect(matching(/node_modules\/(@faker-js\/|json-schema-faker\/)/)).toEqual([]);
    // Standalone validators need ajv's small run-time helpers (ajv/dist/runtime/) at most, never its compiler.
    expect(matching(/node_modules\/ajv\/dist\/(ajv|2019|2020|jtd|core|compile|vocabularies)\b/)).toEqual([]);
    expect(matching(/node_modules\/(yaml|js-yaml|@stoplight\/yaml)\//)).toEqual([]);
    // The server's Node-only modules: its host, Prism's adapter, the runtime validators, file reading, watch mode.
    expect(matching(/src\/mock\/(server|host|cli|watch|token-cli|prism|validators|load-contract|fixture)\.ts$/)).toEqual([]);
  });

  it(`weighs at most ${GZIP_TARGET_BYTES} bytes minified and gzipped`, () => {
    console.log(`msw handlers bundle: ${summary.minBytes} B minified, ${summary.gzipBytes} B gzip (${inputs.length} input files)`);
    expect(summary.gzipBytes).toBeLessThanOrEqual(GZIP_TARGET_BYTES);
    expect(summary.gzipBytes).toBeLessThan(summary.minBytes);
  });
});

describe('the bundle, imported as an app imports it', () => {
  it('answers an add, then the duplicate the spec documents, through setupServer', async () => {
    const bundle = (await import(pathToFileURL(join(tmp, 'index.js')).href)) as typeof Source;
    const graphMock = bundle.createGraphHandlers({ baseUrl: 'http://127.0.0.1:4' });
    const server = setupServer(...graphMock.handlers);
    server.listen(unhandledIsError);
    try {
      const [user, sponsor] = [freshId(), freshId()];
      const add = () =>
        fetch(`http://127.0.0.1:4${pathOf('addUserSponsor', user)}`, {
          method: 'POST',
          headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
          body: JSON.stringify(refBody('addUserSponsor', 'users', sponsor)),
        });
      expect((await add()).status).toBe(204);
      const duplicate = checkExample('addUserSponsor', (check) => check.unique === true);
      const again = await add();
      expect(again.status).toBe(duplicate.status);
      expect(((await again.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: duplicate.code, message: duplicate.message });
      expect(graphMock.requests().map((r) => r.status)).toEqual([204, duplicate.status]);
    } finally {
      server.close();
    }
  });
});
