// The client section of `npm run bench`: the spec's first addUserSponsor example made by plain fetch, our client,
// our raw openapi-fetch client, the Microsoft Graph JavaScript SDK (graph-js) and the Kiota-generated Graph SDK,
// against one local bare node:http server, then each client's browser bundle for that one call. Loopback only: every
// socket and fetch this process opens meanwhile is recorded (node:diagnostics_channel) and must be the server's.
import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import {
  Client,
  CustomAuthenticationProvider,
  MiddlewareFactory,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider } from '@microsoft/kiota-abstractions';
import { createGraphServiceClient, GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';
import { clouds, operations } from '../generated/operations.js';
import * as ours from '../src/index.js';
import { specOperations } from '../test/support/arbitraries.js';
import { bundleEntry, forbidden, ourClientEntry, type BundleFacts } from '../test/support/bundle-size.js';

const TARGET_RATIO = 1.05;
const TARGET_GZIP_BYTES = 6_000;
const TOKEN = 'bench';
const ROUNDS = 7;
const WARM_UP = 300;

// The call: addUserSponsor's first request example (target id and body) from the spec, as every client makes it.
const op = operations.addUserSponsor;
const example = specOperations.find((o) => o.operationId === 'addUserSponsor')!.examples[0]!;
const targetId = example.id!;
const body = example.body as { '@odata.id': string };
const sponsorMatch = /\/(users|groups)\/([^/]+)$/.exec(body['@odata.id']);
if (sponsorMatch?.[1] !== 'users') throw new Error(`the bench expects addUserSponsor's first example to name a user, not ${body['@odata.id']}`);
const sponsorId = decodeURIComponent(sponsorMatch[2]!);
const targetPath = op.path.replace('{id}', encodeURIComponent(targetId));
/** The path below the version, as the SDKs take it (graph-js puts the version in front itself). */
const pathInVersion = targetPath.slice(`/${op.version}`.length);

const versionOf = (name: string) => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
const graphJs = `@microsoft/microsoft-graph-client ${versionOf('@microsoft/microsoft-graph-client')}`;
const kiota = `@microsoft/msgraph-sdk ${versionOf('@microsoft/msgraph-sdk')} + msgraph-sdk-users`;

/**
 * The bare server: 204 to everything, counting what it answered and keeping the last request (method, URL, headers,
 * body) for `GET /_seen`, so the bench checks that each client really sent the call and how many times.
 * It prints its port once listening (port 0: no race for a free port).
 */
const countingServer = `let n = 0, last = null;
require('node:http').createServer((q, r) => {
  if (q.url === '/_seen') return r.end(JSON.stringify({ n, last }));
  n++;
  const chunks = [];
  q.on('data', (c) => chunks.push(c));
  q.on('end', () => { last = { method: q.method, url: q.url, headers: q.headers, body: Buffer.concat(chunks).toString() }; r.statusCode = 204; r.end(); });
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

interface Seen {
  n: number;
  last: { method: string; url: string; headers: Record<string, string>; body: string } | null;
}

/** Headers any fetch sends, so the table shows only what a client adds of its own. */
const ordinaryHeaders = new Set([
  'host',
  'connection',
  'content-length',
  'content-type',
  'accept',
  'accept-encoding',
  'accept-language',
  'sec-fetch-mode',
  'user-agent',
  'authorization',
]);

/** Throws unless the request the server saw last is the example call with the bearer token; returns its extra header names. */
function checkSent(seen: Seen['last'], name: string): string[] {
  const problem = !seen
    ? 'nothing'
    : seen.method !== 'POST'
      ? `method ${seen.method}`
      : decodeURIComponent(seen.url) !== decodeURIComponent(targetPath)
        ? `URL ${seen.url}`
        : seen.headers.authorization !== `Bearer ${TOKEN}`
          ? `authorization ${seen.headers.authorization}`
          : !isDeepStrictEqual(JSON.parse(seen.body || 'null'), body)
            ? `body ${seen.body}`
            : undefined;
  if (problem) throw new Error(`${name}: the server saw ${problem}, not POST ${targetPath} with the example body and the token`);
  return Object.keys(seen!.headers)
    .filter((h) => !ordinaryHeaders.has(h))
    .sort();
}

/** Records the remote of every fetch (undici) request and every TCP socket this process opens until stop(). */
function watchConnections() {
  const remotes = new Set<string>();
  const onRequest = (message: unknown) => remotes.add((message as { request: { origin: string } }).request.origin.replace(/^https?:\/\//, ''));
  const onSocket = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    socket.once('connect', () => remotes.add(`${socket.remoteAddress}:${socket.remotePort}`));
  };
  subscribe('undici:request:create', onRequest);
  subscribe('net.client.socket', onSocket);
  return {
    remotes,
    stop() {
      unsubscribe('undici:request:create', onRequest);
      unsubscribe('net.client.socket', onSocket);
    },
  };
}

/**
 * graph-js's AuthenticationHandler sends a token to https Graph (or customHosts) URLs only and strips it elsewhere,
 * so on the plain-http loopback server its default chain gets this step in that handler's place: the same provider
 * call, the header always set. The rest of the chain is the SDK's default (retry, redirect, telemetry, fetch).
 */
function loopbackAuthentication(provider: AuthenticationProvider): Middleware {
  let next: Middleware | undefined;
  return {
    async execute(context: Context) {
      const token: string = await provider.getAccessToken();
      context.options = { ...context.options, headers: { ...(context.options?.headers as Record<string, string>), Authorization: `Bearer ${token}` } };
      return next!.execute(context);
    },
    setNext(middleware) {
      next = middleware;
    },
  };
}

/** The add call made by each client against `origin`, each resolving only on a 2xx (the SDKs reject otherwise). */
function callers(origin: string): Record<string, () => Promise<unknown>> {
  const url = origin + targetPath;
  const graph = ours.createGraphClient({ baseUrl: origin, token: TOKEN });
  const raw = ours.createRawClient({ baseUrl: origin, token: TOKEN });

  const provider = new CustomAuthenticationProvider((done) => done(null, TOKEN));
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(provider);
  chain[0] = loopbackAuthentication(provider);
  const sdk = Client.initWithMiddleware({ baseUrl: origin, defaultVersion: op.version, middleware: chain });

  // Kiota's own bearer provider with its allowed-hosts check; its protocol check lets plain http through on loopback.
  const hosts = new AllowedHostsValidator(new Set([new URL(origin).hostname]));
  const adapter = new GraphRequestAdapter(
    new BaseBearerTokenAuthenticationProvider({ getAuthorizationToken: () => Promise.resolve(TOKEN), getAllowedHostsValidator: () => hosts }),
  );
  adapter.baseUrl = `${origin}/${op.version}`; // the SDK's own is https://graph.microsoft.com/v1.0: only the origin changes
  const kiotaClient = createGraphServiceClient(adapter);

  return {
    'plain fetch': async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 204) throw new Error(`plain fetch got ${res.status}`);
      await res.arrayBuffer();
    },
    'our client: `addUserSponsor`': () => graph.addUserSponsor(targetId, { kind: 'user', id: sponsorId }),
    'our raw openapi-fetch client (`createRawClient`): `POST`': async () => {
      const { response } = await raw.POST(op.path, { params: { path: { id: targetId } }, body: body as never });
      if (response.status !== 204) throw new Error(`raw got ${response.status}`);
    },
    [`${graphJs}: \`.api().post()\``]: () => sdk.api(pathInVersion).post(body),
    [`${kiota}: \`users.byUserId().sponsors.ref.post()\``]: () => kiotaClient.users.byUserId(targetId).sponsors.ref.post({ odataId: body['@odata.id'] }),
  };
}

/** Each client's app code for the one call, as an entry to bundle (resolved from the repository root). */
function bundleEntries(): Record<string, string> {
  const args = `${JSON.stringify(targetId)}, { kind: 'user', id: ${JSON.stringify(sponsorId)} }`;
  return {
    ours: ourClientEntry(args),
    [graphJs]: `import { Client } from '@microsoft/microsoft-graph-client';
const client = Client.init({ authProvider: (done) => done(null, 'TOKEN') });
await client.api(${JSON.stringify(pathInVersion)}).post(${JSON.stringify(body)});`,
    [kiota]: `import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider } from '@microsoft/kiota-abstractions';
import { createGraphServiceClient, GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';
const hosts = new AllowedHostsValidator(new Set([${JSON.stringify(new URL(clouds.global).hostname)}]));
const auth = new BaseBearerTokenAuthenticationProvider({ getAuthorizationToken: async () => 'TOKEN', getAllowedHostsValidator: () => hosts });
const client = createGraphServiceClient(new GraphRequestAdapter(auth));
await client.users.byUserId(${JSON.stringify(targetId)}).sponsors.ref.post({ odataId: ${JSON.stringify(body['@odata.id'])} });`,
  };
}

const f = (n: number, d = 1) => n.toFixed(d);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Runs the client section, writing its markdown through `say`. */
export async function clientSection(say: (line?: string) => void, { calls, root }: { calls: number; root: URL }): Promise<void> {
  const watch = watchConnections();
  const child = spawn(process.execPath, ['-e', countingServer], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [port] = (await once(child.stdout, 'data')) as [Buffer];
    const origin = `http://127.0.0.1:${port.toString().trim()}`;
    const seen = async () => (await (await fetch(`${origin}/_seen`)).json()) as Seen;
    const rows = callers(origin);
    const extras: Record<string, string[]> = {};
    for (const [name, call] of Object.entries(rows)) {
      for (let i = 0; i < WARM_UP; i++) await call(); // warm-up (JIT, sockets)
      extras[name] = checkSent((await seen()).last, name);
    }
    // Rounds interleave the rows so drift (GC, CPU frequency) hits them alike; the median round counts. After each
    // row's batch the server must have answered exactly that many requests.
    const perCall: Record<string, number[]> = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, call] of Object.entries(rows)) {
        const before = (await seen()).n;
        const t = performance.now();
        for (let i = 0; i < calls; i++) await call();
        perCall[name]!.push(((performance.now() - t) * 1000) / calls);
        const answered = (await seen()).n - before;
        if (answered !== calls) throw new Error(`${name}: ${calls} calls, but the server answered ${answered} requests`);
      }
    }
    watch.stop();
    const elsewhere = [...watch.remotes].filter((r) => r !== new URL(origin).host);
    if (elsewhere.length || !watch.remotes.size)
      throw new Error(`the client section connected to ${[...watch.remotes].join(', ') || 'nothing it saw'}: the server only`);
    const base = median(perCall['plain fetch']!);
    say(`## Client: cost per call against a local node:http server answering 204`);
    say();
    say(
      `${calls} sequential calls per round after ${WARM_UP} warm-up calls each, ${ROUNDS} interleaved rounds, median round. Every row sends the spec's first ` +
        `\`addUserSponsor\` example (\`POST ${targetPath}\`, its body, \`Authorization: Bearer …\`): the server's last request is checked after ` +
        `the warm-up and its count after every batch. The SDKs run with their default middleware, pointed at the server by origin only; ` +
        `graph-js's authentication step is replaced by one that also sends the token over plain http (its own sends it to https Graph hosts only). ` +
        `Target for our client: at most ${TARGET_RATIO}× plain fetch.`,
    );
    say();
    say(`| caller | µs per call | × plain fetch | target met | × in each round, lowest–highest | headers it adds |`);
    say(`|---|---:|---:|---|---:|---|`);
    for (const name of Object.keys(rows)) {
      const m = median(perCall[name]!);
      const met = name.startsWith('our client') ? (m / base <= TARGET_RATIO ? 'yes' : '**no**') : '';
      // The spread of the same-round ratios shows how far the machine's noise reaches: a target "met" inside it is luck.
      const ratios = perCall[name]!.map((us, round) => us / perCall['plain fetch']![round]!);
      const spread = `${f(Math.min(...ratios), 2)}–${f(Math.max(...ratios), 2)}`;
      say(`| ${name} | ${f(m)} | ${f(m / base, 2)} | ${met} | ${spread} | ${extras[name]!.map((h) => `\`${h}\``).join(', ')} |`);
    }
    say();
    say(`Every fetch and TCP socket this process opened meanwhile (node:diagnostics_channel) went to the server, ${origin}: none elsewhere.`);
    say();
  } finally {
    child.kill('SIGTERM');
    watch.stop();
  }

  say(`## Client: browser bundle of the one call`);
  say();
  say(
    `Each client's app code for the same add call (ours: \`createGraphClient({ token })\` + \`addUserSponsor\`; graph-js: \`Client.init\` + ` +
      `\`.api().post()\`; Kiota: \`GraphRequestAdapter\` with a static-token provider + the users package's \`.sponsors.ref.post\`), bundled with ` +
      `esbuild (\`bundle, minify, platform: 'browser', format: 'esm'\`), gzip level 9. A Node built-in the bundle cannot resolve for the browser ` +
      `is listed, not bundled. Target for ours: at most ${TARGET_GZIP_BYTES.toLocaleString('en')} bytes min+gzip.`,
  );
  say();
  say(`| client | min bytes | min+gzip bytes | target met | files bundled | Node built-ins needed |`);
  say(`|---|---:|---:|---|---:|---|`);
  let oursFacts: BundleFacts | undefined;
  for (const [name, entry] of Object.entries(bundleEntries())) {
    const facts = await bundleEntry(entry, fileURLToPath(root));
    if (name === 'ours') oursFacts = facts;
    const met = name === 'ours' ? (facts.gzipBytes <= TARGET_GZIP_BYTES ? 'yes' : '**no**') : '';
    say(
      `| ${name === 'ours' ? 'ours (graph-sponsors-contract)' : name} | ${facts.minBytes.toLocaleString('en')} | ${facts.gzipBytes.toLocaleString('en')} | ${met} | ${facts.inputs.length - 1} | ${facts.nodeBuiltins.join(', ') || 'none'} |`,
    );
  }
  say();
  if (oursFacts) {
    const largest = Object.entries(oursFacts.inputBytes)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 6)
      .map(([p, b]) => `${p} ${b.toLocaleString('en')}`);
    const found = Object.entries(forbidden)
      .map(([rule, check]) => [rule, check(oursFacts).length] as const)
      .filter(([, n]) => n > 0)
      .map(([rule, n]) => `${rule} (${n} files)`);
    say(`Ours, minified bytes by file (largest first): ${largest.join(', ')}. Of what the bundle test forbids, it holds: ${found.join(', ') || 'nothing'}.`);
    say();
  }
}
