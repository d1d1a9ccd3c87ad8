// An app that bundles our client for the browser (createGraphClient + one addUserSponsor call, esbuild for the
// browser, as `npm run bench` measures its size) gets the client and nothing of the tooling around it: no Node
// built-in, none of the mock, no Prism, no faker, and no openapi-fetch (only createRawClient needs it). Facts from esbuild's metafile, never sizes (those are the bench's).
// The checks themselves are unit-tested first on made-up metafiles, and shown to catch a real leak.
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry, bundleFacts, forbidden, isNodeBuiltin, ourClientEntry, type BundleFacts } from './support/bundle-size.js';
import { repoRoot } from './support/spec.js';

describe('isNodeBuiltin', () => {
  it.each([
    ['node:fs', true],
    ['node:test', true],
    ['fs', true],
    ['fs/promises', true],
    ['http', true],
    ['openapi-fetch', false],
    ['stream-browserify', false],
    ['./src/index.ts', false],
  ])('%s → %s', (path, expected) => expect(isNodeBuiltin(path)).toBe(expected));
});

describe('bundleFacts (from a metafile, no bundling)', () => {
  const metafile: Metafile = {
    inputs: {
      '<stdin>': { bytes: 10, imports: [] },
      'src/client.ts': { bytes: 100, imports: [] },
      'node_modules/openapi-fetch/dist/index.mjs': { bytes: 200, imports: [] },
      'src/raw.ts': { bytes: 300, imports: [] },
    },
    outputs: {
      'stdin.js': {
        bytes: 42,
        entryPoint: '<stdin>',
        exports: [],
        imports: [
          { path: 'node:fs', kind: 'import-statement', external: true },
          { path: 'http', kind: 'import-statement', external: true },
          { path: 'https://cdn.example/x.js', kind: 'import-statement', external: true },
          { path: 'node:fs', kind: 'dynamic-import', external: true },
        ],
        inputs: {
          '<stdin>': { bytesInOutput: 5 },
          'src/client.ts': { bytesInOutput: 60 },
          'node_modules/openapi-fetch/dist/index.mjs': { bytesInOutput: 150 },
          'src/raw.ts': { bytesInOutput: 0 },
        },
      },
    },
  };
  const code = new TextEncoder().encode('x'.repeat(42));
  const facts = bundleFacts(metafile, code);

  it('lists each external Node built-in once, and no other external', () => expect(facts.nodeBuiltins).toEqual(['http', 'node:fs']));
  it('lists every file with code in the output and what it adds, not one tree-shaken to nothing', () => {
    expect(facts.inputs).toEqual(['<stdin>', 'node_modules/openapi-fetch/dist/index.mjs', 'src/client.ts']);
    expect(facts.inputBytes).toEqual({ '<stdin>': 5, 'src/client.ts': 60, 'node_modules/openapi-fetch/dist/index.mjs': 150 });
  });
  it('measures the output bytes, and gzip shrinks a repetitive one', () => {
    expect(facts.minBytes).toBe(42);
    expect(facts.gzipBytes).toBeGreaterThan(0);
    expect(facts.gzipBytes).toBeLessThan(42);
  });
});

describe('the forbidden rules', () => {
  const facts = (inputs: string[], nodeBuiltins: string[] = []): BundleFacts => ({ minBytes: 0, gzipBytes: 0, inputs, inputBytes: {}, nodeBuiltins });
  it.each([
    ['Node built-ins', facts([], ['node:http']), ['node:http']],
    ['the mock', facts(['src/client.ts', 'src/mock/server.ts']), ['src/mock/server.ts']],
    ['Prism', facts(['node_modules/@stoplight/prism-http/dist/index.js', 'src/client.ts']), ['node_modules/@stoplight/prism-http/dist/index.js']],
    [
      'faker',
      facts(['node_modules/@faker-js/faker/dist/index.js', 'node_modules/json-schema-faker/dist/main.mjs']),
      ['node_modules/@faker-js/faker/dist/index.js', 'node_modules/json-schema-faker/dist/main.mjs'],
    ],
    ['openapi-fetch', facts(['node_modules/openapi-fetch/dist/index.mjs', 'src/raw.ts']), ['node_modules/openapi-fetch/dist/index.mjs']],
  ])('%s: flags exactly its own files', (rule, given, expected) => {
    expect(forbidden[rule]!(given)).toEqual(expected);
    // The client's own files break no rule.
    expect(forbidden[rule]!(facts(['<stdin>', 'src/client.ts', 'src/errors.ts', 'generated/operations.ts']))).toEqual([]);
  });
});

describe('a browser bundle', () => {
  it('of an entry that imports a Node built-in and openapi-fetch shows both', async () => {
    const facts = await bundleEntry(
      `import { createHash } from 'node:crypto'; import createClient from 'openapi-fetch'; console.log(createHash, createClient);`,
      repoRoot,
    );
    expect(forbidden['Node built-ins']!(facts)).toEqual(['node:crypto']);
    expect(forbidden['openapi-fetch']!(facts)).not.toEqual([]);
  });

  describe('of createGraphClient + addUserSponsor', () => {
    let ours: BundleFacts;
    beforeAll(async () => {
      ours = await bundleEntry(ourClientEntry(), repoRoot);
    });

    it('holds the client', () => expect(ours.inputs).toContain('src/client.ts'));
    it.each(['Node built-ins', 'the mock', 'Prism', 'faker'])('holds no %s', (rule) => expect(forbidden[rule]!(ours)).toEqual([]));
    // The methods call fetch directly; openapi-fetch is only behind createRawClient, which this app does not import.
    it('holds no openapi-fetch (it is only for createRawClient)', () => expect(forbidden['openapi-fetch']!(ours)).toEqual([]));
  });
});
