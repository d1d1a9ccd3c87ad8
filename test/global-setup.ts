// Starts one mock for the whole suite on a free loopback port, hands its URL to the tests
// (inject('mockUrl')), and stops it whatever happens; teardown fails if the port still accepts connections.
import type { TestProject } from 'vitest/node';
import { startMockServer } from '../src/mock/server.js';
import { accepts } from './support/net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const mock = await startMockServer({ port: 0, host: '127.0.0.1' });
  project.provide('mockUrl', mock.url);
  return async () => {
    await mock.close();
    if (await accepts(mock.url)) throw new Error(`mock at ${mock.url} still accepts connections after close()`);
  };
}
