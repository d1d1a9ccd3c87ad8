#!/usr/bin/env node
// `npm run mock` / `npx graph-sponsors-mock`: serves the contract on http://127.0.0.1:4010 (PORT, HOST).
// In a checkout of this repository it watches openapi/ and regenerates + reloads the bundle on change.
import { readFileSync } from 'node:fs';
import { defaultSpecPath, startMockServer } from './server.js';

const started = performance.now();
const port = Number(process.env.PORT ?? 4010);
const host = process.env.HOST ?? '127.0.0.1';
const specPath = defaultSpecPath();
// Watch messages wait until the URLs are printed, so the first lines are always where to send requests.
let ready = false;
const early: string[] = [];
const log = (line: string) => (ready ? console.log(line) : early.push(line));
const mock = await startMockServer({ port, host, specPath, watch: true, log });
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
ready = true;
for (const line of early) console.log(line);

const stop = () => {
  mock.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
