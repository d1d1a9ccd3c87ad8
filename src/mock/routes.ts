// The one path matcher of the mock: the spec's path templates compiled once, used by the pipeline (405's Allow,
// the segment Graph names in a 400, Prefer's operation) and by the fast path.
import { operationsOf, type Spec } from '../spec/walk.js';

export interface Route {
  operationId: string;
  /** Lower case, as in the spec. */
  method: string;
  template: string;
  /** The template as a regex, one capture per path parameter, in order. */
  pattern: RegExp;
  pathParams: string[];
}

export interface Routes {
  readonly all: readonly Route[];
  /** Routes whose template matches the path, whatever their method. */
  matching(pathname: string): Route[];
  /** The route for this method and path, if any. */
  find(method: string, pathname: string): Route | undefined;
  /** Methods the path accepts, upper case, for a 405's Allow (OPTIONS, answered by the host, included). */
  allowedMethods(pathname: string): string[];
  /** The first segment no template accepts at its position: Graph names it in its 400. */
  unknownSegment(pathname: string): string;
  /** The path with each type cast segment spelled as the templates spell it (castSpellings). */
  canonical(pathname: string): string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isParam = (segment: string) => /^\{.+\}$/.test(segment);

/** Compiles a path template: `{name}` matches one non-empty segment. */
export function compileTemplate(template: string): { pattern: RegExp; pathParams: string[] } {
  const pathParams: string[] = [];
  const source = template
    .split(/(\{[^{}]+\})/)
    .map((part) => {
      const name = /^\{(.+)\}$/.exec(part)?.[1];
      if (name === undefined) return escapeRegExp(part);
      pathParams.push(name);
      return '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), pathParams };
}

/** A type cast segment: the namespace `microsoft.graph` or its alias `graph`, then the type name. */
const CAST = /^(?:microsoft\.graph|graph)\.([A-Za-z][A-Za-z0-9_]*)$/i;

/**
 * The type cast segments of the templates (`microsoft.graph.agentIdentityBlueprint`) and, by position, each
 * spelling Graph accepts for them: the namespace in any letter case or its alias `graph.`, the type name in any
 * letter case (Graph's URL segments are case-insensitive; OData names `graph` as the alias of `microsoft.graph`).
 * Returns a function that respells a path's cast segments as the templates do, so routing, the fast path and
 * Prism see one spelling.
 */
export function castSpellings(templates: readonly string[]): (pathname: string) => string {
  const byPosition = new Map<number, Map<string, string>>();
  for (const template of templates) {
    template.split('/').forEach((segment, i) => {
      const type = CAST.exec(segment)?.[1];
      if (type === undefined) return;
      const spellings = byPosition.get(i) ?? new Map<string, string>();
      for (const namespace of ['microsoft.graph', 'graph']) spellings.set(`${namespace}.${type}`.toLowerCase(), segment);
      byPosition.set(i, spellings);
    });
  }
  if (byPosition.size === 0) return (pathname) => pathname;
  return (pathname) => {
    if (!/graph\./i.test(pathname)) return pathname; // the common path holds no cast to respell
    const segments = pathname.split('/');
    let changed = false;
    for (const [i, spellings] of byPosition) {
      const segment = segments[i];
      const canonical = segment === undefined ? undefined : spellings.get(segment.toLowerCase());
      if (canonical !== undefined && canonical !== segment) {
        segments[i] = canonical;
        changed = true;
      }
    }
    return changed ? segments.join('/') : pathname;
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function compileRoutes(spec: Spec): Routes {
  const all: Route[] = operationsOf(spec).map(({ template, method, operationId }) => ({
    operationId,
    method,
    template,
    ...compileTemplate(template),
  }));
  const templates = all.map((route) => route.template.split('/').slice(1));
  const matching = (pathname: string) => all.filter((route) => route.pattern.test(pathname));
  return {
    all,
    matching,
    canonical: castSpellings(all.map((route) => route.template)),
    find: (method, pathname) => all.find((route) => route.method === method && route.pattern.test(pathname)),
    allowedMethods: (pathname) => [...new Set(matching(pathname).map((route) => route.method.toUpperCase())), 'OPTIONS'],
    unknownSegment(pathname) {
      const segments = pathname.split('/').slice(1);
      let candidates = templates;
      for (let i = 0; i < segments.length; i++) {
        const segment = safeDecode(segments[i]!);
        const next = candidates.filter((t) => t[i] !== undefined && (t[i] === segment || isParam(t[i]!)));
        if (next.length === 0) return segment;
        candidates = next;
      }
      return segments.at(-1) ? safeDecode(segments.at(-1)!) : '';
    },
  };
}
