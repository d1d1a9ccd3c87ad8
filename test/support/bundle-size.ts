// What an app pays to ship a client: an entry (source text, resolved from a directory) bundled the way a browser app
// is (esbuild: bundle, minify, platform browser, ESM), its minified and gzipped size, and from esbuild's metafile
// which files and Node built-ins went into it. Used by `npm run bench` (the size table) and test/client-bundle.test.ts
// (what must never reach an app: Node built-ins, the mock, Prism, faker); the test asserts facts, never sizes.
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

/** What one browser bundle holds and weighs. */
export interface BundleFacts {
  /** Minified bytes of the one output file. */
  minBytes: number;
  /** The same, gzipped at level 9. */
  gzipBytes: number;
  /**
   * Every file with code in the output, as esbuild names it (relative to the resolve directory, e.g.
   * `node_modules/x/index.js`). A file the bundler read but tree-shook to nothing is not in the bundle, so not here.
   */
  inputs: string[];
  /** Minified bytes each of those files puts in the output. */
  inputBytes: Record<string, number>;
  /** Node built-ins the code imports (`node:fs`, `http`…): left external, since a browser has none of them. */
  nodeBuiltins: string[];
}

const builtins = new Set(builtinModules);

/** Whether an import path names a Node built-in (`node:fs`, `fs`, `fs/promises`). */
export function isNodeBuiltin(path: string): boolean {
  return path.startsWith('node:') || builtins.has(path) || builtins.has(path.split('/')[0]!);
}

/** Gzip size in bytes at level 9 (the best compression a server would serve). */
export function gzipSize(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).length;
}

/** The facts of a bundle from its metafile and output bytes (pure: no file system, no esbuild run). */
export function bundleFacts(metafile: Metafile, code: Uint8Array): BundleFacts {
  const imports = Object.values(metafile.outputs).flatMap((o) => o.imports);
  const nodeBuiltins = [...new Set(imports.filter((i) => i.external && isNodeBuiltin(i.path)).map((i) => i.path))].sort();
  const inputBytes: Record<string, number> = {};
  for (const o of Object.values(metafile.outputs))
    for (const [path, { bytesInOutput }] of Object.entries(o.inputs)) if (bytesInOutput > 0) inputBytes[path] = bytesInOutput;
  return { minBytes: code.length, gzipBytes: gzipSize(code), inputs: Object.keys(inputBytes).sort(), inputBytes, nodeBuiltins };
}

/** What must not be in a browser bundle of our client: a rule name → the input paths (or built-ins) that break it. */
export const forbidden: Record<string, (facts: BundleFacts) => string[]> = {
  'Node built-ins': (facts) => facts.nodeBuiltins,
  'the mock': (facts) => facts.inputs.filter((p) => /(^|\/)src\/mock\//.test(p)),
  Prism: (facts) => facts.inputs.filter((p) => /node_modules\/@stoplight\//.test(p)),
  faker: (facts) => facts.inputs.filter((p) => /node_modules\/(@faker-js\/|json-schema-faker\/)/.test(p)),
  'openapi-fetch': (facts) => facts.inputs.filter((p) => /node_modules\/openapi-fetch\//.test(p)),
};

const skip = Symbol('resolve as usual');
/**
 * A Node built-in the bundler can resolve for the browser (a package's `browser` field, or an npm polyfill of that
 * name installed) is bundled as a browser app would bundle it; one it cannot is left external and so shows in the
 * metafile's imports, where bundleFacts finds it, instead of failing the build.
 */
const builtinsExternal: Plugin = {
  name: 'node-builtins-external',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:][\w:/.-]*$/ }, async (args) => {
      if (args.pluginData === skip || !isNodeBuiltin(args.path)) return undefined;
      if (!args.path.startsWith('node:')) {
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: skip });
        if (r.errors.length === 0) return { path: r.path, namespace: r.namespace, external: r.external, sideEffects: r.sideEffects };
      }
      return { path: args.path, external: true };
    });
  },
};

/**
 * Bundles `source` (an ES module, its imports resolved from `resolveDir`) for the browser and returns its facts.
 * Node built-ins are marked external rather than failing the build, so a client that needs them still gets a size
 * and the list of what a browser app would have to polyfill.
 */
export async function bundleEntry(source: string, resolveDir: string): Promise<BundleFacts> {
  const result = await build({
    stdin: { contents: source, resolveDir, sourcefile: 'entry.ts', loader: 'ts' },
    absWorkingDir: resolveDir, // metafile paths relative to it
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [builtinsExternal],
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error(`expected one output file, got ${result.outputFiles.length}`);
  return bundleFacts(result.metafile, output.contents);
}

/**
 * Our client's app code for one add call, as an entry resolved from the repository root: `createGraphClient` with a
 * token and `addUserSponsor(args)`. The bench bundles it for its size table, test/client-bundle.test.ts for its facts.
 */
export function ourClientEntry(args = `'id', { kind: 'user', id: 'sponsor' }`): string {
  return `import { createGraphClient } from './src/index.ts';
const graph = createGraphClient({ token: 'TOKEN' });
await graph.addUserSponsor(${args});`;
}
