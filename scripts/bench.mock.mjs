// Child process of scripts/bench.ts: our mock on PORT, started the way a program would (startMockServer), from
// the module named on the command line. The bench passes the esbuild bundle dist/mock/server.js, the code the
// package ships and `npm run mock` runs. Plain JavaScript run by plain node, so no loader (tsx) sits in the
// measured process.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const modulePath = process.argv[2];
if (!modulePath) throw new Error('usage: PORT=<n> node scripts/bench.mock.mjs dist/mock/server.js');
const { startMockServer } = await import(pathToFileURL(resolve(modulePath)).href);
const server = await startMockServer({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => {
  // A failed close is left unhandled on purpose: the process then ends with an error, not with 0.
  void server.close().then(() => process.exit(0));
});
