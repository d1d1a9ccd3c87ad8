// The README's "Frontend: MSW" section stays true: each ```ts block compiles against the package's real types
// (`graph-sponsors-contract` and `graph-sponsors-contract/msw` resolved to src/), and the vitest example's calls,
// replayed through setupServer with the handlers, answer what it asserts (204, then the duplicate it names).
import { readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDiagnostics } from './support/compile-blocks.js';
import { unhandledIsError } from './support/msw.js';
import { createGraphClient, GraphError, type GraphErrorName } from '../src/index.js';
import { createGraphHandlers } from '../src/msw/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:msw -->'), readme.indexOf('<!-- /section:msw -->'));
const MSW_PATHS = { 'graph-sponsors-contract': ['src/index.ts'], 'graph-sponsors-contract/msw': ['src/msw/index.ts'] };
const blocks = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);

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
    const found = blockDiagnostics(
      [...blocks, wrong].map((text) => `${text}\nexport {};\n`),
      { prefix: 'readme-msw-block', paths: MSW_PATHS },
    );
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
