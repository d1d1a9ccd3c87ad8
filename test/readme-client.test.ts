// The README's client section shows TypeScript an app would write: each ```ts block must compile against the
// package's real types (resolved to src/), so a renamed option or a changed signature fails here, not in a reader's
// editor. A block may use the names the surrounding prose gives it (userId, graph, credential…): they are declared
// for it, each only when the block does not declare or import that name itself.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:client -->'), readme.indexOf('<!-- /section:client -->'));

/** The ```ts blocks of the client section, in order. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** What the prose around a block stands for, by name: declared when the block does not bind the name itself. */
const given: Record<string, string> = {
  createGraphClient: `import { createGraphClient } from 'graph-sponsors-contract';`,
  GraphError: `import { GraphError } from 'graph-sponsors-contract';`,
  graph: `declare const graph: import('graph-sponsors-contract').GraphClient;`,
  credential: `declare const credential: import('graph-sponsors-contract').TokenCredential;`,
  userId: 'declare const userId: string;',
  sponsorId: 'declare const sponsorId: string;',
  applicationId: 'declare const applicationId: string;',
  userIds: 'declare const userIds: string[];',
  sponsor: `declare const sponsor: { kind: 'user'; id: string };`,
};

/** The block as a module: the prelude of what it uses but does not bind, then the block. */
export function asModule(block: string): string {
  const binds = (name: string) => new RegExp(`(?:const|let|import)[^;=]*\\b${name}\\b`).test(block);
  const prelude = Object.entries(given)
    .filter(([name, line]) => new RegExp(`\\b${name}\\b`).test(block) && !binds(name) && line)
    .map(([, line]) => line);
  return `${prelude.join('\n')}\n${block}\nexport {};\n`;
}

/** tsc's diagnostics for the modules (virtual files under test/), resolved with the repository's tsconfig. */
function diagnostics(modules: string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, baseUrl: root, paths: { 'graph-sponsors-contract': ['src/index.ts'] } };
  const files = new Map(modules.map((text, i) => [`${root}test/readme-block-${i + 1}.ts`, text]));
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

describe('README client section: every ts block compiles against the package', () => {
  const blocks = tsBlocks(section);

  it('has the blocks the section promises (an Azure Identity app, a cloud, ifExists, a scenario, a bulk add, is())', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const needle of ['DefaultAzureCredential', "cloud: 'usGovL4'", "ifExists: 'ok'", 'Prefer:', 'Sponsors(', ".is('"]) {
      expect(
        blocks.some((block) => block.includes(needle)),
        needle,
      ).toBe(true);
    }
  });

  it('the prelude declares only what a block does not bind', () => {
    expect(asModule(`const graph = createGraphClient({ token: 't' });`)).toContain(`import { createGraphClient }`);
    expect(asModule(`const graph = createGraphClient({ token: 't' });`)).not.toContain('declare const graph');
    expect(asModule(`await graph.addUserSponsor(userId, sponsor);`)).toContain('declare const graph');
  });

  it('compiles every block, and a wrong one compiled beside them fails (the check can fail)', () => {
    const wrong = asModule(`await graph.addUserSponsor(userId, { kind: 'servicePrincipal', id: sponsorId });`);
    const found = diagnostics([...blocks.map(asModule), wrong]);
    const wrongFile = `test/readme-block-${blocks.length + 1}.ts: `;
    expect(found.filter((line) => !line.startsWith(wrongFile))).toEqual([]);
    expect(found.filter((line) => line.startsWith(wrongFile))).not.toEqual([]);
  });
});
