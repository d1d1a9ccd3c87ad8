// The README's "Testing real flows against the mock" section stays true: every `curl` in it is run against a mock
// started for its block, and must answer what its `# →` comment says.
//
// The conventions the section follows, and this test reads:
// - Every ```sh block gets its own fresh mock (startMockServer on 127.0.0.1, port 0), closed after the block. Its
//   options come from an HTML comment right before the block, `<!-- mock: FLAGS -->`: FLAGS is what
//   `npm run mock -- FLAGS` takes, read with the CLI's own readers (node:util parseArgs and stateOptionsFromArgs);
//   leading `NAME=value` words are its environment (MOCK_FIXTURE). No comment: the defaults. A line of the block
//   that starts the mock (`npm run mock -- …`, `npx graph-sponsors-mock …`) must show the same FLAGS.
// - `<!-- file: NAME -->` before a block: the block's text is saved as NAME in a temporary folder, where `--fixture
//   NAME` and `MOCK_FIXTURE=NAME` find it.
// - `<!-- stderr: FLAGS -->` before a block: starting a mock with FLAGS fails, and the one line the CLI prints for it
//   (describeStartupError) is the block's text.
// - Every curl line ends with `# → STATUS [CODE] ["text"] [(Retry-After|Allow|Deprecation|Sunset: v)] [({json})]`: the status
//   always, `error.code` for every status from 400 (required), a part of `error.message`, a header's exact value, or
//   the exact JSON body. Anything else after the status is prose. The curls of a block run in order against its mock
//   (a duplicate needs the request before it).
// - The shell the blocks may use: single and double quotes, `$VAR`, `VAR=$(…)` lines, `$(…)` inside a word, and
//   `for i in $(seq [A] B); do curl …; done  # → …` (the answer of each run). The only commands `$(…)` may hold are
//   the token commands: `npm run -s token -- ARGS` and `npx graph-sponsors-mock token ARGS` both run as
//   runTokenCommand(ARGS, Date.now(), entraRoleTemplates), which is what scripts/token.ts and the bin run.
// - curl's flags: -i, -s, -S (ignored), -o FILE (ignored), -X, -H, -d. As curl does, -d without -X is a POST and,
//   without a Content-Type header, is sent as application/x-www-form-urlencoded. Any other flag or line fails the
//   test, so the section stays within what is checked here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { entraRoleTemplates } from '../generated/entra-roles.js';
import { describeStartupError } from '../src/mock/lifecycle.js';
import { startMockServer, type MockServerOptions } from '../src/mock/server.js';
import { STATE_FLAGS, stateOptionsFromArgs } from '../src/mock/settings.js';
import { runTokenCommand } from '../src/mock/token-cli.js';
import { parityFetch, startParityServer } from './support/e2e.js';
import { repoRoot } from './support/spec.js';

const DEFAULT_ORIGIN = 'http://127.0.0.1:4010';
const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:state -->'), readme.indexOf('<!-- /section:state -->'));

interface Block {
  lang: string;
  text: string;
  /** Line number in README.md of the opening fence, for failure messages. */
  line: number;
  heading: string;
  mock?: string;
  file?: string;
  stderr?: string;
}

/** The fenced blocks of the section, each with the HTML comments right before it and the heading it is under. */
function blocksOf(text: string, firstLine: number): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let pending: Partial<Block> = {};
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const comment = /^<!-- (mock|file|stderr): ?(.*?) ?-->$/.exec(line);
    if (comment) pending[comment[1] as 'mock' | 'file' | 'stderr'] = comment[2]!.trim();
    else if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    const fence = /^```(\w*)$/.exec(line);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${firstLine + i}: unclosed code block`);
    blocks.push({ lang: fence[1]!, text: lines.slice(i + 1, end).join('\n'), line: firstLine + i, heading, ...pending });
    pending = {};
    i = end;
  }
  return blocks;
}

const sectionLine = readme.slice(0, readme.indexOf('<!-- section:state -->')).split('\n').length;
const blocks = blocksOf(section, sectionLine);
const shellBlocks = blocks.filter((b) => b.lang === 'sh');

// The shell subset.

/** Runs `$(…)`: only the token commands are known. bash drops the output's trailing newlines. */
function substitute(command: string, vars: Map<string, string>): string {
  const words = shellWords(command, vars).words;
  const args =
    words.slice(0, 5).join(' ') === 'npm run -s token --'
      ? words.slice(5)
      : words.slice(0, 3).join(' ') === 'npx graph-sponsors-mock token'
        ? words.slice(3)
        : undefined;
  if (!args) throw new Error(`$(${command}): only the token commands are run by this test`);
  const result = runTokenCommand(args, Date.now(), entraRoleTemplates);
  expect(result, `$(${command})`).toMatchObject({ code: 0, stderr: '' });
  return result.stdout.replace(/\n+$/, '');
}

/** `$NAME`, `${NAME}` or `$(…)` at `i`: its value and the index after it. */
function expand(text: string, i: number, vars: Map<string, string>): [string, number] {
  if (text[i + 1] === '(') {
    let depth = 0;
    let quote: string | undefined;
    for (let j = i + 1; j < text.length; j++) {
      const c = text[j]!;
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return [substitute(text.slice(i + 2, j), vars), j + 1];
    }
    throw new Error(`unclosed $( in ${text}`);
  }
  const name = /^\$(?:\{(\w+)\}|(\w+))/.exec(text.slice(i));
  if (!name) throw new Error(`a bare $ in ${text}`);
  const value = vars.get(name[1] ?? name[2]!);
  if (value === undefined) throw new Error(`$${name[1] ?? name[2]} is not set in this block`);
  return [value, i + name[0].length];
}

/** A command line as bash splits it into words (no globbing; a `$(…)` result is one word), and its `#` comment. */
export function shellWords(text: string, vars: Map<string, string>): { words: string[]; comment?: string } {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const end = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      end();
      i++;
    } else if (c === '#' && word === undefined) {
      end();
      return { words, comment: text.slice(i + 1) };
    } else if (c === ';') {
      end();
      words.push(';');
      i++;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed ' in ${text}`);
      word = (word ?? '') + text.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      word ??= '';
      i++;
      while (text[i] !== '"') {
        if (i >= text.length) throw new Error(`unclosed " in ${text}`);
        if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) {
          word += text[i + 1];
          i += 2;
        } else if (text[i] === '$') {
          const [value, next] = expand(text, i, vars);
          word += value;
          i = next;
        } else word += text[i++];
      }
      i++;
    } else if (c === '$') {
      const [value, next] = expand(text, i, vars);
      word = (word ?? '') + value;
      i = next;
    } else if (c === '\\') {
      word = (word ?? '') + (text[i + 1] ?? '');
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  end();
  return { words };
}

interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** curl's words → the request it sends (the flags the section may use; see the conventions above). */
function curlRequest(words: string[]): CurlRequest {
  expect(words[0]).toBe('curl');
  const headers: Record<string, string> = {};
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (['-i', '-s', '-S', '-sS'].includes(word)) continue;
    else if (word === '-o') i++;
    else if (word === '-X') method = words[++i];
    else if (word === '-H') {
      const header = words[++i]!;
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (word === '-d') {
      if (body !== undefined) throw new Error('two -d: curl would join them with &');
      body = words[++i];
    } else if (word.startsWith('-')) throw new Error(`curl flag ${word} is not one this test reads`);
    else if (url === undefined) url = word;
    else throw new Error(`a second URL ${word}`);
  }
  if (!url?.startsWith(DEFAULT_ORIGIN)) throw new Error(`the URL ${url} is not on ${DEFAULT_ORIGIN}`);
  if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url, headers, ...(body === undefined ? {} : { body }) };
}

interface Expected {
  status: number;
  code?: string;
  message?: string;
  headers: Record<string, string>;
  json?: unknown;
}

/** The `# → …` comment of a curl line. */
export function expectedAnswer(comment: string | undefined): Expected {
  const read = /^\s*→\s*(\d{3})\b(.*)$/.exec(comment ?? '');
  if (!read) throw new Error(`no "# → STATUS" answer in "#${comment ?? ''}"`);
  const status = Number(read[1]);
  let rest = read[2]!;
  const expected: Expected = { status, headers: {} };
  if (status >= 400) {
    const code = /^\s+([A-Za-z_]+)\b/.exec(rest);
    if (!code) throw new Error(`a ${status} answer must name its error.code: "#${comment}"`);
    expected.code = code[1];
    rest = rest.slice(code[0].length);
  }
  const message = /^\s+"([^"]+)"/.exec(rest);
  if (message) expected.message = message[1];
  for (const header of rest.matchAll(/\((Retry-After|Allow|Deprecation|Sunset): ([^)]*)\)/g)) expected.headers[header[1]!.toLowerCase()] = header[2]!;
  const json = /\((\{.*\})\)\s*$/.exec(rest);
  if (json) expected.json = JSON.parse(json[1]!);
  return expected;
}

/** What `npm run mock -- FLAGS` would start, as startMockServer options; files are in `folder`. */
function mockOptions(flags: string, folder: string): MockServerOptions {
  const words = shellWords(flags, new Map()).words;
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  // The flags src/mock/cli.ts reads for the state, read the same way.
  const { values } = parseArgs({ args: words, options: STATE_FLAGS });
  const options = stateOptionsFromArgs(values, env);
  return { ...options, ...(options.fixture ? { fixture: join(folder, options.fixture) } : {}) };
}

/** The flags of a line that starts the mock, or undefined when the line does something else. */
function startFlags(line: string): string | undefined {
  const start = /^(?:npm run mock(?: --)?|npx graph-sponsors-mock)(?=\s|$)(.*)$/.exec(line);
  if (!start || /^\s*token\b/.test(start[1]!)) return undefined;
  return shellWords(start[1]!, new Map()).words.join(' ');
}

const folder = mkdtempSync(join(tmpdir(), 'readme-state-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
for (const block of blocks) if (block.file) writeFileSync(join(folder, block.file), `${block.text}\n`);

/** Sends one request to the block's mock and checks it against the README's answer. */
async function check(where: string, request: CurlRequest, expected: Expected, mockUrl: string, tokens: Set<string>) {
  const response = await parityFetch(mockUrl + request.url.slice(DEFAULT_ORIGIN.length), {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  expect(response.status, `${where}: ${text.slice(0, 300)}`).toBe(expected.status);
  for (const [name, value] of Object.entries(expected.headers)) expect(response.headers.get(name), `${where}: ${name}`).toBe(value);
  // No answer (the journal and the directory included) ever holds a token sent earlier.
  for (const token of tokens) expect(text.includes(token), `${where}: the answer holds a bearer token`).toBe(false);
  if (expected.json !== undefined) expect(JSON.parse(text), where).toEqual(expected.json);
  if (expected.status < 400) return;
  const body = JSON.parse(text) as { error: { code: string; message: string; innerError: Record<string, string> } };
  expect(body.error.code, where).toBe(expected.code);
  expect(body.error.innerError['request-id'], where).toBe(response.headers.get('request-id'));
  if (expected.message) expect(body.error.message, where).toContain(expected.message);
}

/** Runs the block's lines in order against a mock started for it. */
async function runBlock(block: Block): Promise<number> {
  const mock = await startParityServer(mockOptions(block.mock ?? '', folder));
  const vars = new Map<string, string>();
  const tokens = new Set<string>();
  let requests = 0;
  const send = async (where: string, words: string[], comment: string | undefined) => {
    const request = curlRequest(words);
    const bearer = /^Bearer (.{9,})$/.exec(request.headers.authorization ?? '');
    await check(where, request, expectedAnswer(comment), mock.url, tokens);
    if (bearer) tokens.add(bearer[1]!);
    requests++;
  };
  try {
    for (const [index, line] of block.text.split('\n').entries()) {
      const where = `README.md:${block.line + 1 + index}`;
      const loop = /^for (\w+) in \$\(seq (\d+)(?: (\d+))?\); do (.+); done(\s+#.*)?$/.exec(line);
      const assignment = /^([A-Z_][A-Z0-9_]*)=(\S.*)$/.exec(line);
      if (line.trim() === '' || line.startsWith('#')) continue;
      if (startFlags(line) !== undefined) {
        expect(startFlags(line), `${where}: the start line's flags differ from <!-- mock: … -->`).toBe(block.mock ?? '');
      } else if (loop) {
        const [from, to] = loop[3] === undefined ? [1, Number(loop[2])] : [Number(loop[2]), Number(loop[3])];
        for (let i = from; i <= to; i++) {
          vars.set(loop[1]!, String(i));
          await send(`${where} (${loop[1]}=${i})`, shellWords(loop[4]!, vars).words, loop[5]?.replace(/^\s+#/, ''));
        }
      } else if (assignment) {
        vars.set(assignment[1]!, shellWords(assignment[2]!, vars).words.join(' '));
      } else if (line.startsWith('curl ')) {
        const { words, comment } = shellWords(line, vars);
        await send(where, words, comment);
      } else throw new Error(`${where}: a line this test does not run: ${line}`);
    }
  } finally {
    await mock.close();
  }
  return requests;
}

describe('README section "Testing real flows against the mock"', () => {
  it('comes right after the mock section, and every curl in it is in a block this test runs', () => {
    expect(readme).toContain('<!-- /section:mock -->\n\n<!-- section:state -->');
    expect(section).toContain('## Testing real flows against the mock');
    const curls = section.split('\n').filter((line) => /^(for .*; do )?curl /.test(line));
    const inShellBlocks = shellBlocks.flatMap((b) => b.text.split('\n')).filter((line) => /^(for .*; do )?curl /.test(line));
    expect(curls.length).toBeGreaterThan(40);
    expect(inShellBlocks).toEqual(curls);
    for (const line of curls) expect(() => expectedAnswer(shellWords(line.replace(/\$\w+|\$\([^)]*\)/g, 'x'), new Map()).comment), line).not.toThrow();
  });

  it.each(shellBlocks.map((block) => [`README.md:${block.line} (${block.heading}${block.mock ? `; ${block.mock}` : ''})`, block] as const))(
    '%s answers as stated',
    async (_label, block) => {
      expect(await runBlock(block)).toBeGreaterThan(0);
    },
  );

  it.each(blocks.filter((b) => b.stderr !== undefined).map((block) => [`README.md:${block.line}: ${block.stderr}`, block] as const))(
    'a start with %s prints the line the README shows',
    async (_label, block) => {
      const started = await startMockServer({ port: 0, host: '127.0.0.1', ...mockOptions(block.stderr!, folder) }).then(
        async (mock) => {
          await mock.close();
          return 'started';
        },
        (error: unknown) => describeStartupError(error, { port: 0, host: '127.0.0.1' }).replaceAll(`${folder}/`, ''),
      );
      expect(started).toBe(block.text.trim());
    },
  );

  it('reads the answer comments strictly (a wrong README fails this test)', () => {
    expect(expectedAnswer(' → 400 Request_BadRequest "\'sponsors\'"')).toEqual({ status: 400, code: 'Request_BadRequest', message: "'sponsors'", headers: {} });
    expect(expectedAnswer(' → 429 TooManyRequests (Retry-After: 2.128)').headers).toEqual({ 'retry-after': '2.128' });
    expect(expectedAnswer(' → 200 ({"users":[]})').json).toEqual({ users: [] });
    expect(() => expectedAnswer(' → 404')).toThrow(/error.code/);
    expect(() => expectedAnswer(' the duplicate')).toThrow(/STATUS/);
    const vars = new Map([['i', '7']]);
    expect(shellWords(`curl -d '{"a":"x'$i'y"}' -H "A: $i" # → 204`, vars)).toEqual({ words: ['curl', '-d', '{"a":"x7y"}', '-H', 'A: 7'], comment: ' → 204' });
  });
});
