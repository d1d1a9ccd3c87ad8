// Which operation answers a request: prism-http/dist/router/index.js and matchPath.js, without a base URL (the
// pipeline hands Prism the path only, so servers are never matched). Refusals carry Prism's types and details.
import { Problem, type StaticOperation } from './operation.js';

type Match = 'concrete' | 'templated' | 'no-match';

export const isTemplated = (fragment: string | undefined): boolean => /{(.+)}/.test(String(fragment));

function decodePathFragment(fragment: string): string {
  try {
    return fragment && decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

function fragmentize(path: string): string[] {
  if (path.length === 0 || !path.startsWith('/')) throw new Error(`Malformed path '${path}'`);
  return path.split('/').slice(1).map(decodePathFragment);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** matchPath.js: whether the request path fits the operation's template, literally or through its variables. */
export function matchPath(requestPath: string, operationPath: string): Match {
  const operationFragments = fragmentize(operationPath);
  const requestFragments = fragmentize(requestPath);
  if (operationFragments.length != requestFragments.length) return 'no-match';
  let templated = false;
  for (const requestFragment of requestFragments) {
    const operationFragment = operationFragments.shift()!;
    if (!isTemplated(operationFragment)) {
      if (operationFragment === requestFragment) continue;
      return 'no-match';
    }
    // Unanchored, as Prism's: `{id}` takes any fragment, the empty one included.
    const capture = escapeRegExp(operationFragment).replace(/\\\{[^\\]+\\\}/g, '(.*)');
    if (new RegExp(capture).exec(requestFragment) == null) return 'no-match';
    templated = true;
  }
  return templated ? 'templated' : 'concrete';
}

function matchScore(endpoint: string, request: string): number {
  const endpointParts = endpoint.split('/');
  const requestParts = request.split('/');
  let score = 0;
  for (let i = 0; i < endpointParts.length; i++) {
    if (endpointParts[i] === requestParts[i]) score++;
    else if (isTemplated(endpointParts[i])) score += 0.5;
    else break;
  }
  return score;
}

/** router/index.js route(): the operation for a method and path, or Prism's refusal. */
export function route(operations: readonly StaticOperation[], method: string, path: string): StaticOperation | Problem | Error {
  // fp-ts's sort is Array#sort (stable) by ascending score; Prism then reverses it.
  const sorted = operations
    .map((op) => ({ op, score: matchScore(op.path, path) }))
    .sort((a, b) => a.score - b.score)
    .map(({ op }) => op)
    .reverse();
  if (!path.startsWith('/')) return new Error(`The request path '${path}' must start with a slash.`);
  if (sorted.length === 0) {
    return new Problem(
      'NO_RESOURCE_PROVIDED_ERROR',
      'Route not resolved, no resource provided',
      'The current document does not have any resource to match with.',
    );
  }
  const pathMatches: Array<{ op: StaticOperation; match: Match }> = [];
  for (const op of sorted) {
    const match = matchPath(path, op.path);
    if (match !== 'no-match') pathMatches.push({ op, match });
  }
  if (pathMatches.length === 0) {
    return new Problem('NO_PATH_MATCHED_ERROR', 'Route not resolved, no path matched', `The route ${path} hasn't been found in the specification file`);
  }
  const methodMatches = pathMatches.filter(({ op }) => op.method.toLowerCase() === method.toLowerCase());
  if (methodMatches.length === 0) {
    return new Problem(
      'NO_METHOD_MATCHED_ERROR',
      'Route resolved, but no method matched',
      `The route ${path} has been matched, but it does not have "${method}" method defined`,
    );
  }
  // disambiguateMatches without servers: a concrete path first, else a templated one, else the first.
  return (methodMatches.find((m) => m.match === 'concrete') ?? methodMatches.find((m) => m.match === 'templated') ?? methodMatches[0]!).op;
}
