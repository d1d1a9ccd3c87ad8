// Child process of scripts/bench.ts: our mock on PORT, started the way a program would (startMockServer).
import { startMockServer } from '../src/mock/server.js';

const server = await startMockServer({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => {
  // A failed close is left unhandled on purpose: the process then ends with an error, not with 0.
  void server.close().then(() => process.exit(0));
});
