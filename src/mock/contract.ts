// What the mock knows of the contract, loaded once per spec (and again on reload): the routes, Prism's
// operations, the compiled validators, the documented examples it answers with, and the fast routes.
import { readFileSync } from 'node:fs';
import { documentedErrors, exampleStatus, namedExample, operationsOf, type DocumentedError, type Spec } from '../spec/walk.js';
import type { Operation } from '../spec/openapi.js';
import { entraRoleTemplates } from '../../generated/entra-roles.js';
import { compilePermissions, type OperationPermissions } from './permissions.js';
import { compileRules, type OperationRules } from './rules.js';
import type { HttpMethod, IHttpPathParam } from '@stoplight/types';
import { createPrismAdapter, isRefusal, type PrismAdapter } from './prism.js';
import { compileRoutes, type Routes } from './routes.js';
import { compileValidators, type OperationValidators } from './validators.js';
import { fastRoute, type FastRoute } from './fast-path.js';
import { deprecationHeaders, headersOnEveryAnswer } from './graph-headers.js';

export interface Contract {
  spec: Spec;
  routes: Routes;
  prism: PrismAdapter;
  validators: Map<string, OperationValidators>;
  /** operationId → example name → status, to turn `Prefer: example=` into a status Prism can negotiate. */
  exampleStatus: Map<string, Map<string, number>>;
  /** The spec's named error example, for failures the mock raises itself (401, 415, bad `@odata.id`). */
  error(name: string): { code: string; message: string };
  /** The spec's operations by operationId (their extensions: `x-rules`, `x-permissions`). */
  operations: Map<string, Operation>;
  /** The operation's own documented error of that name (the rules and the token checks answer with them). */
  documented(operationId: string, name: string): DocumentedError | undefined;
  /** Each operation's `x-rules`, compiled (rules.ts). */
  rules: Map<string, OperationRules>;
  /** Each operation's accepted permissions and admin roles (permissions.ts). */
  permissions: Map<string, OperationPermissions>;
  /** Filled by buildFastRoutes(); empty until then, when every request takes the whole pipeline. */
  fastRoutes: FastRoute[];
  /** The headers Graph sends on every answer (graph-headers.ts); the host adds them to each one. */
  everyAnswer: Record<string, string>;
  /** operationId → the deprecation headers a deprecated operation sends on every answer (graph-headers.ts). */
  deprecation: Map<string, Record<string, string>>;
}

/** Reads and compiles a bundled spec (JSON). Throws with the file's name when it cannot. */
export async function loadContract(specPath: string): Promise<Contract> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
  const prism = await createPrismAdapter(spec);
  const errors = documentedErrors(spec);
  const statuses = exampleStatus(spec);
  return {
    spec,
    routes: compileRoutes(spec),
    prism,
    validators: compileValidators(prism.operations),
    exampleStatus: statuses,
    operations: new Map(operationsOf(spec).map(({ operationId, op }) => [operationId, op])),
    documented: (operationId, name) => errors.get(operationId)?.get(name),
    rules: compileRules(spec),
    permissions: compilePermissions(spec, entraRoleTemplates),
    error(name) {
      const { error } = namedExample(spec, name) as { error: { code: string; message: string } };
      return { code: error.code, message: error.message };
    },
    fastRoutes: [],
    everyAnswer: headersOnEveryAnswer(spec),
    deprecation: deprecationHeaders(spec),
  };
}

const BEARER_TYPES = new Set(['oauth2', 'bearer', 'openIdConnect']);

/**
 * Builds the fast routes: for each operation, Prism's own answer to its documented example request (so the
 * fast path serves exactly what Prism would), kept when the operation's checks are replicated exactly.
 */
export async function buildFastRoutes(contract: Contract): Promise<FastRoute[]> {
  const built: FastRoute[] = [];
  for (const op of contract.prism.operations) {
    const operationId = op.iid ?? op.id;
    const route = contract.routes.all.find((r) => r.operationId === operationId);
    const validators = contract.validators.get(operationId);
    const contents = op.request?.body?.contents ?? [];
    const example = contents[0]?.examples?.[0];
    if (!route || !validators || contents.length !== 1 || contents[0]!.mediaType !== 'application/json' || !example || !('value' in example)) continue;
    if ((op.request?.query ?? []).length > 0 || (op.request?.cookie ?? []).length > 0) continue;
    const bearerOnly =
      Array.isArray(op.security) &&
      op.security.length > 0 &&
      op.security.every((alt) => alt.length > 0 && alt.every((s) => BEARER_TYPES.has(s.type) || (s.type === 'http' && s.scheme === 'bearer')));
    // The path parameters' example of the same name as the body's, else their first one.
    const idExample = (param: IHttpPathParam | undefined): unknown => {
      const examples = (param?.examples ?? []).filter((e) => 'value' in e);
      return (examples.find((e) => e.key === example.key) ?? examples[0])?.value;
    };
    const params = op.request?.path ?? [];
    if (params.some((p) => typeof idExample(p) !== 'string')) continue;
    const path = op.path.replace(/\{([^{}]+)\}/g, (_: string, name: string) => encodeURIComponent(String(idExample(params.find((p) => p.name === name)))));
    const verdict = await contract.prism.ask(
      {
        method: op.method as HttpMethod,
        url: { path, query: {} },
        headers: { authorization: 'Bearer example', 'content-type': 'application/json' },
        body: structuredClone(example.value),
      },
      {},
      { validateRequest: true },
    );
    if (isRefusal(verdict) || verdict.violations.length > 0) continue;
    const fast = fastRoute(route, validators, bearerOnly, verdict.output);
    if (fast) built.push(fast);
  }
  return built;
}
