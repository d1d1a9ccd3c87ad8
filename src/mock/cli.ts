#!/usr/bin/env node
// `npm run mock` / `npx graph-sponsors-mock`: serves the contract on http://127.0.0.1:4010 (PORT, HOST).
// In a checkout of this repository it watches openapi/ and regenerates + reloads the bundle on change.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSpecPath, startMockServer } from './server.js';

const started = performance.now();
const port = Number(process.env.PORT ?? 4010);
const host = process.env.HOST ?? '127.0.0.1';
const specPath = defaultSpecPath();
const mock = await startMockServer({ port, host, specPath });
const startupMs = Math.round(performance.now() - started);

const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const lines = [`Graph sponsors mock listening on ${mock.url} (ready in ${startupMs} ms)`, 'Operations:'];
for (const [path, item] of Object.entries<Record<string, { operationId?: string; deprecated?: boolean }>>(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!op?.operationId) continue;
    lines.push(`  ${method.toUpperCase()} ${mock.url}${path}  (${op.operationId}${op.deprecated ? ', deprecated' : ''})`);
  }
}
lines.push(`Send 'Authorization: Bearer <anything>'; pick an error with 'Prefer: code=<status>, example=<name>' (see README).`);
console.log(lines.join('\n'));

// Watching needs the spec sources and the generate script, which exist only in a checkout of the repository.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const sources = join(repoRoot, 'openapi');
const generate = join(repoRoot, 'scripts/generate.mjs');
if (existsSync(sources) && existsSync(generate)) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const rebuild = () => {
    if (running) return void (again = true);
    running = true;
    execFile(process.execPath, [generate], { cwd: repoRoot }, (error, _stdout, stderr) => {
      const done = () => {
        running = false;
        if (again) {
          again = false;
          rebuild();
        }
      };
      if (error) {
        console.error(`spec changed but regenerating failed; still serving the previous spec:\n${stderr}`);
        return done();
      }
      mock.reload().then(
        () => console.log('spec changed: regenerated generated/openapi.json and reloaded'),
        (reloadError: unknown) => console.error(`spec reload failed; still serving the previous spec: ${reloadError}`),
      ).finally(done);
    });
  };
  watch(sources, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(rebuild, 200);
  });
  console.log(`Watching ${sources} for spec changes.`);
} else {
  console.log('Serving the packaged spec; restart the mock to pick up a different one.');
}

const stop = () => {
  mock.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
