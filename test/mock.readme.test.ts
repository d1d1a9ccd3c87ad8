// The README's mock section stays true: its curl command answers 204 against the mock (and 400 when sent again,
// as the section says), and its Prefer table lists every named error example of the spec (status, code, exact
// header) and nothing else.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { errorScenarios } from '../src/spec/walk.js';
import { loadSpec, repoRoot } from './support/spec.js';

const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:mock -->'), readme.indexOf('<!-- /section:mock -->'));
const scenarios = errorScenarios(loadSpec());

describe('README mock section', () => {
  it('exists and documents how to run it', () => {
    expect(section.length).toBeGreaterThan(0);
    for (const text of ['npm install && npm run mock', 'npx graph-sponsors-mock', 'PORT', 'HOST', 'CORS']) expect(section).toContain(text);
  });

  it.each(scenarios.map((s) => [`${s.operationId} ${s.example}`, s] as const))('lists %s with its exact header, status and code', (_label, s) => {
    const row = section.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${s.prefer}\``));
    expect(row, `no table row with \`${s.prefer}\``).toBeDefined();
    const cells = row!.split('|').map((cell) => cell.trim());
    expect(cells[3]).toMatch(new RegExp(`^${s.status}\\b`));
    expect(cells[4]).toBe(`\`${s.code}\``);
    if (s.retryAfter) expect(cells[3]).toContain(`Retry-After: ${s.retryAfter}`);
  });

  it('lists no scenario the spec lacks', () => {
    const documented = new Set(scenarios.map((s) => s.prefer));
    const listed = [...section.matchAll(/`(Prefer: code=\d{3}, example=[^`]+)`/g)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(0);
    for (const header of listed) expect(documented).toContain(header);
  });

  it("the issue's curl command, as the README shows it, answers 204 with an empty body, then 400 as a duplicate", async () => {
    const line = section.split('\n').find((l) => l.startsWith('curl '))!;
    expect(line).toBeDefined();
    const quoted = [...line.matchAll(/(-H|-d|-X)? ?'([^']*)'/g)];
    const headers = Object.fromEntries(quoted.filter((m) => m[1] === '-H').map((m) => m[2]!.split(/:\s*/, 2) as [string, string]));
    const body = quoted.find((m) => m[1] === '-d')![2];
    const url = new URL(quoted.at(-1)![2]!);
    expect(url.origin).toBe('http://127.0.0.1:4010');
    expect(section).toContain('answers 204 with an empty body (sent again: 400, the sponsor is there already)');
    // Same request, sent to the suite's mock instead of the default port, in a session of its own: the mock keeps
    // state, and the suite's other files use the same mock (the README's reader starts a fresh one).
    const session = { 'x-mock-session': `readme-${randomUUID()}` };
    const response = await fetch(`${inject('mockUrl')}${url.pathname}`, { method: 'POST', headers: { ...headers, ...session }, body });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const again = await fetch(`${inject('mockUrl')}${url.pathname}`, { method: 'POST', headers: { ...headers, ...session }, body });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('Request_BadRequest');
  });
});
