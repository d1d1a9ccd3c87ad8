// A static file server for the browser test: a fixed table of URL paths to files on disk, nothing else (no
// directory listing, no path from the URL ever reaches the file system). Listens on 127.0.0.1 port 0.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticFile {
  /** Absolute path of the file served. */
  file: string;
  /** Its content-type. */
  type: string;
}

export interface StaticServer {
  port: number;
  /** Every request path the server was asked for, in order (what the browser fetched from the network). */
  served: string[];
  close(): Promise<void>;
}

/** Serves `files` (URL path → file), 404 for anything else. `Cache-Control: no-store` so every run reads fresh files. */
export async function serveFiles(files: Record<string, StaticFile>): Promise<StaticServer> {
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    served.push(path);
    const entry = Object.hasOwn(files, path) ? files[path] : undefined;
    if (!entry || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    readFile(entry.file).then(
      (body) => res.writeHead(200, { 'content-type': entry.type, 'cache-control': 'no-store' }).end(body),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    served,
    // closeAllConnections: Chromium keeps its connections alive; close() alone would wait for them.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
