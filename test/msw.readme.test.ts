// The README's "Frontend: MSW" section stays true: each ```ts block compiles against the package's real types
// (`graph-sponsors-contract` and `graph-sponsors-contract/msw` resolved to src/), and the vitest example's calls,
// replayed through setupServer with the handlers, answer what it asserts (204, then the duplicate it names).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unhandledIsError } from './support/msw.js';
import { createGraphClient, GraphError, type GraphErrorName } from '../src/index.js';
import { createGraphHandlers } from '../src/msw/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:msw -->'), readme.indexOf('<!-- /section:msw -->'));
const blocks = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);

/** tsc's diagnostics for the blocks as modules (virtual files under test/), with the repository's tsconfig. */
function diagnostics(modules: string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const paths = { 'graph-sponsors-contract': ['src/index.ts'], 'graph-sponsors-contract/msw': ['src/msw/index.ts'] };
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, baseUrl: root, paths };
  const files = new Map(modules.map((text, i) => [`${root}test/readme-msw-block-${i + 1}.ts`, `${text}\nexport {};\n`]));
  const host = ts.createCompilerHost(options);
  const disk = ts.createCompilerHost(options);
  host.fileExists = (name) => files.has(name) || disk.fileExists(name);
  host.readFile = (name) => files.get(name) ?? disk.readFile(name);
  host.getSourceFile = (name, version, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : disk.getSourceFile(name, version, ...rest);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => `${d.file!.fileName.slice(root.length)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('README "Frontend: MSW"', () => {
  it('shows setupServer (vitest), setupWorker with `npx msw init`, the controls, and when to pick which mock', () => {
    for (const needle of [
      "from 'msw/node'",
      'setupServer(',
      "from 'msw/browser'",
      'setupWorker(',
      'npx msw init',
      '.queue(',
      '.load(',
      'MSW or the server mock?',
    ])
      expect(section, needle).toContain(needle);
  });

  it('compiles every ts block against the package, and a wrong one beside them fails (the check can fail)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const wrong = `import { createGraphHandlers } from 'graph-sponsors-contract/msw';\ncreateGraphHandlers({ directory: 'loose' });`;
    const found = diagnostics([...blocks, wrong]);
    expect(found.filter((d) => !d.startsWith(`test/readme-msw-block-${blocks.length + 1}.ts`))).toEqual([]);
    expect(found.some((d) => d.startsWith(`test/readme-msw-block-${blocks.length + 1}.ts`))).toBe(true);
  }, 120_000);

  describe('the vitest example, replayed', () => {
    const example = blocks.find((block) => block.includes("from 'msw/node'"))!;
    const call = /addUserSponsor\('([^']+)', \{ kind: '(\w+)', id: '([^']+)' \}\)/.exec(example);
    const name = /\.is\('(\w+)'\)/.exec(example)?.[1] as GraphErrorName | undefined;
    const statuses = /toEqual\(\[([\d, ]+)\]\)/.exec(example)?.[1]?.split(', ').map(Number);
    const graphMock = createGraphHandlers();
    const server = setupServer(...graphMock.handlers);
    beforeAll(() => server.listen(unhandledIsError));
    afterAll(() => server.close());

    it('adds the sponsor, then reads the duplicate it names, and the journal holds the statuses it asserts', async () => {
      expect(call && name && statuses).toBeTruthy();
      const [, user, kind, sponsor] = call!;
      const graph = createGraphClient({ token: 'any-token' });
      await graph.addUserSponsor(user!, { kind: kind as 'group', id: sponsor! });
      const again = await graph.addUserSponsor(user!, { kind: kind as 'group', id: sponsor! }).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(GraphError);
      expect((again as GraphError).is(name!)).toBe(true);
      expect(graphMock.requests().map((r) => r.status)).toEqual(statuses);
    });
  });
});
