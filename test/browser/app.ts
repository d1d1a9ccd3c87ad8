// The page test/msw.browser.test.ts opens in Chromium (bundled by esbuild at test time): MSW's service worker
// intercepts Graph's real URLs and hands each request to createGraphHandlers' handlers, which run here in the page;
// the typed client calls those URLs as an app would. Each step's result is written into
// the page, where the test reads it. Nothing here knows Graph's answers: createGraphHandlers gives them.
import { setupWorker } from 'msw/browser';
import { createGraphClient, GraphError, errorExamples, type GraphErrorName } from '../../src/index.js';
import { createGraphHandlers } from '../../src/msw/index.js';
import { unhandledIsError } from '../support/msw.js';

const results = document.querySelector('#results')!;
const status = document.querySelector('#status')!;

/** Writes one step's outcome into the page: a section with data-step / data-outcome and its detail as JSON. */
function show(step: string, outcome: 'resolved' | 'rejected', detail: unknown): void {
  const section = document.createElement('section');
  section.dataset.step = step;
  section.dataset.outcome = outcome;
  const title = document.createElement('h2');
  title.textContent = `${step}: ${outcome}`;
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(detail ?? null, null, 2);
  section.append(title, pre);
  results.append(section);
}

/** What a step rejected with: a GraphError's fields (and, given `expected`, what GraphError#is says of it). */
const describeError =
  (expected?: GraphErrorName) =>
  (error: unknown): unknown => {
    if (error instanceof GraphError) {
      const { name, status, code, message, requestId, clientRequestId } = error;
      return { name, ...(expected && { is: error.is(expected) }), status, code, message, requestId, clientRequestId };
    }
    return { name: (error as Error)?.name, message: String((error as Error)?.message ?? error) };
  };

/** Runs a step and shows what it resolved with or rejected with. */
async function step(name: string, work: () => Promise<unknown>, describe = describeError()): Promise<void> {
  try {
    show(name, 'resolved', await work());
  } catch (error) {
    show(name, 'rejected', describe(error));
  }
}

/**
 * The page's query: the user, the sponsor to add, the duplicate's example name (the test reads it from the spec)
 * and the client-request-id the duplicate add sends.
 */
function readQuery(): { user: string; sponsor: string; duplicate: GraphErrorName; clientRequestId: string } {
  const params = new URLSearchParams(location.search);
  const [user, sponsor, duplicate, clientRequestId] = ['user', 'sponsor', 'duplicate', 'clientRequestId'].map((name) => params.get(name) ?? '') as [
    string,
    string,
    string,
    string,
  ];
  if (!Object.hasOwn(errorExamples, duplicate)) throw new Error(`the spec has no error example named ${JSON.stringify(duplicate)}`);
  return { user, sponsor, duplicate: duplicate as GraphErrorName, clientRequestId };
}

async function main(): Promise<void> {
  const { user, sponsor, duplicate, clientRequestId } = readQuery();
  // No baseUrl: the handlers answer under the global cloud's Graph origin, the client's default too.
  const graph = createGraphHandlers();
  const worker = setupWorker(...graph.handlers);
  // A request no handler answers fails in the page instead of going to the network (both majors' option names).
  await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, ...unhandledIsError, quiet: true });

  // The client's default base URL: Graph's global origin, which the worker intercepts unchanged.
  const client = createGraphClient({ token: 'browser-test-token' });
  await step('add', () => client.addUserSponsor(user, { kind: 'user', id: sponsor }));
  // ifExists is left at its default ('error'), so the duplicate rejects with the GraphError.
  await step('duplicate', () => client.addUserSponsor(user, { kind: 'user', id: sponsor }, { clientRequestId }), describeError(duplicate));
  await step('list', () => client.listUserSponsors(user));
  // The controls are plain calls in the page too: the journal of what the handlers answered.
  await step('journal', () =>
    Promise.resolve(
      graph
        .requests()
        .map(({ method, path, status, errorCode, requestId, clientRequestId }) => ({ method, path, status, errorCode, requestId, clientRequestId })),
    ),
  );
}

main().then(
  () => (status.textContent = 'done'),
  (error: unknown) => (status.textContent = `failed: ${String(error)}`),
);
