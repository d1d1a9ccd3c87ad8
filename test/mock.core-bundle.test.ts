// The mock's core is browser-safe, proven mechanically: esbuild bundles src/mock/core.ts for the browser with
// nothing external, as a host without Node uses it (compileContract with a stand-in engine, the host's answers,
// the shared option checks), and the metafile names no Node built-in, no Prism (@stoplight), no ajv (its
// compiler), no yaml. A Node-only module bundled the same way is caught, so the check can fail. (The MSW
// handlers' own bundle test checks the final bundle.)
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/spec.js';

const FORBIDDEN = [/^node:/, /node_modules\/@stoplight\//, /node_modules\/ajv(-formats)?\//, /node_modules\/yaml\//];
/** Node's globals, which a browser bundle resolves nothing for (esbuild leaves them as they are), and a bare unref(). */
const NODE_GLOBALS = [/\bBuffer\b/, /\bsetImmediate\b/, /[^.\w]process\./, /[^.\w]require\(/, /\b__(dirname|filename)\b/, /[^?]\.unref\(\)/];

/** The inputs of a browser bundle of `source` (an ES module in the repository root), or the errors esbuild gave. */
async function browserInputs(source: string): Promise<{ inputs: string[]; code: string; errors: string[] }> {
  try {
    const result = await build({
      stdin: { contents: source, resolveDir: repoRoot, loader: 'ts', sourcefile: 'host.ts' },
      absWorkingDir: repoRoot,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      // Minified: comments go, global names stay.
      minify: true,
      logLevel: 'silent',
    });
    return { inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0]!.text, errors: [] };
  } catch (error) {
    return { inputs: [], code: '', errors: ((error as { errors?: Array<{ text: string }> }).errors ?? []).map((e) => e.text) };
  }
}

const forbidden = (inputs: string[]) => inputs.filter((input) => FORBIDDEN.some((pattern) => pattern.test(input)));

describe('the core in a browser bundle', () => {
  it('bundles with a stand-in engine and reaches no Node built-in, Prism, ajv or yaml, nor a Node global', async () => {
    const { inputs, code, errors } = await browserInputs(`
      import { compileContract } from './src/mock/contract.ts';
      import { createMockCore } from './src/mock/core.ts';
      import { checkFixture } from './src/mock/fixture-check.ts';
      import { respond } from './src/mock/host-answers.ts';
      import { requestIds } from './src/mock/ids.ts';
      import { resolveSharedOptions } from './src/mock/option-checks.ts';
      import spec from './generated/openapi.json';
      const engine = { ask: async () => ({ refused: 'NO_PATH_MATCHED_ERROR', detail: 'stand-in' }) };
      const contract = compileContract(spec, { engine, validators: new Map() });
      const options = resolveSharedOptions({ idSeed: 'x' });
      export const core = createMockCore(contract, { fixture: checkFixture({}, 'stand-in', undefined), ...options });
      export const answer = (request) => respond(core, request, requestIds(undefined), options);
    `);
    expect(errors).toEqual([]);
    expect(inputs).toEqual(expect.arrayContaining(['src/mock/core.ts', 'src/mock/pipeline.ts', 'src/mock/contract.ts', 'src/mock/option-checks.ts']));
    expect(forbidden(inputs)).toEqual([]);
    expect(NODE_GLOBALS.filter((pattern) => pattern.test(code))).toEqual([]);
  });

  it('catches a Node global in the same check', async () => {
    const { code } = await browserInputs(`export const bytes = (text) => Buffer.byteLength(text); export const later = (f) => setTimeout(f).unref();`);
    expect(NODE_GLOBALS.filter((pattern) => pattern.test(code))).toHaveLength(2);
  });

  it('catches a Node-only module (the server contract loader) bundled the same way', async () => {
    const { inputs, errors } = await browserInputs(`export { loadContract } from './src/mock/load-contract.ts';`);
    // esbuild refuses node: built-ins for the browser; were they resolved, the metafile check would name them.
    expect(errors.length > 0 || forbidden(inputs).length > 0).toBe(true);
  });
});
