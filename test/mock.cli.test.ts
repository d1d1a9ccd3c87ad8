// The mock as a process (`npm run mock` runs this CLI) and its spec reload: prints its URLs, serves, and
// leaves nothing listening once stopped; a reloaded spec changes what it serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requestExamples } from '../src/spec/walk.js';
import { startMockServer } from '../src/mock/server.js';
import { loadSpec, repoRoot } from './support/spec.js';
import { accepts } from './support/net.js';

const spec = loadSpec();
const user = requestExamples(spec).find((r) => r.operationId === 'addUserSponsor')!;

function post(url: string) {
  return fetch(`${url}${user.path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
    body: JSON.stringify(user.body),
  });
}

describe('CLI (npm run mock)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the base URL and the four operation URLs, serves on 127.0.0.1, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/mock/cli.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk) => {
        output += chunk;
        // The operations list ends with the line about Prefer; wait for all of it.
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Prefer/.exec(output);
        if (match) resolve(match[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`mock exited (${code}) before listening:\n${output}`)));
    });
    for (const path of Object.keys(spec.paths)) expect(output).toContain(`${url}${path}`);

    const response = await post(url);
    expect(response.status).toBe(204);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await accepts(url)).toBe(false);
  });
});

describe('defaults', () => {
  it('binds to loopback when no host is given', async () => {
    const mock = await startMockServer({ port: 0 });
    try {
      expect(new URL(mock.url).hostname).toBe('127.0.0.1');
      expect((await post(mock.url)).status).toBe(204);
    } finally {
      await mock.close();
    }
  });
});

describe('spec reload', () => {
  it('serves what the spec file says after reload()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-spec-'));
    const specPath = join(dir, 'openapi.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const mock = await startMockServer({ port: 0, host: '127.0.0.1', specPath });
    try {
      expect((await post(mock.url)).status).toBe(204);
      // Drop the operation from the file: after reload the path is an unknown segment, as Graph would say.
      const edited = structuredClone(spec);
      delete edited.paths[user.template];
      writeFileSync(specPath, JSON.stringify(edited));
      await mock.reload();
      const response = await post(mock.url);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('BadRequest');
    } finally {
      await mock.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await accepts(mock.url)).toBe(false);
  });
});
