// Starts one mock for the whole suite on a free loopback port, hands its URL to the tests
// (inject('mockUrl')), and stops it whatever happens; teardown fails if the port still accepts connections.
import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startMockServer } from '../src/mock/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export default async function setup(project: TestProject) {
  const mock = await startMockServer({ port: 0, host: '127.0.0.1' });
  project.provide('mockUrl', mock.url);
  return async () => {
    await mock.close();
    if (await accepts(mock.url)) throw new Error(`mock at ${mock.url} still accepts connections after close()`);
  };
}
