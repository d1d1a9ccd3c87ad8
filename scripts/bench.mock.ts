// Child process of scripts/bench.ts: our mock on PORT, started the way a program would (startMockServer).
import { startMockServer } from '../src/mock/server.js';

const server = await startMockServer({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
