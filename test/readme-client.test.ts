// The README's client section shows TypeScript an app would write: each ```ts block must compile against the
// package's real types (resolved to src/), so a renamed option or a changed signature fails here, not in a reader's
// editor. A block may use the names the surrounding prose gives it (userId, graph, credential…): they are declared
// for it, each only when the block does not declare or import that name itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockDiagnostics } from './support/compile-blocks.js';

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
    const found = blockDiagnostics([...blocks.map(asModule), wrong], { prefix: 'readme-block', paths: { 'graph-sponsors-contract': ['src/index.ts'] } });
    const wrongFile = `test/readme-block-${blocks.length + 1}.ts: `;
    expect(found.filter((line) => !line.startsWith(wrongFile))).toEqual([]);
    expect(found.filter((line) => line.startsWith(wrongFile))).not.toEqual([]);
  });
});
