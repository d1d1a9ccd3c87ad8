// The server's contract (Node only): the bundled spec read from its file, Prism as the engine, the request
// validators compiled with runtime ajv from Prism's operations, and the fast routes built from Prism's own
// answers. compileContract (contract.ts) does the rest, as it does for a host without Node.
import { readFileSync } from 'node:fs';
import type { IHttpOperation, IHttpPathParam } from '@stoplight/types';
import type { Spec } from '../spec/walk.js';
import { compileContract, type Contract } from './contract.js';
import { fastRoute, type FastRoute } from './fast-path.js';
import { createPrismAdapter, isRefusal } from './prism.js';
import { compileValidators } from './validators.js';

/** The server's contract: Prism's operations kept for the fast path (the engine itself is a RequestEngine). */
export interface ServerContract extends Contract {
  prismOperations: IHttpOperation[];
}

/** Reads and compiles a bundled spec (JSON). Throws with the file's name when it cannot. */
export async function loadContract(specPath: string): Promise<ServerContract> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
  const prism = await createPrismAdapter(spec);
  const contract = compileContract(spec, { engine: prism, validators: compileValidators(prism.operations) });
  return Object.assign(contract, { prismOperations: prism.operations });
}

const BEARER_TYPES = new Set(['oauth2', 'bearer', 'openIdConnect']);

/**
 * Builds the fast routes: for each operation, Prism's own answer to its documented example request (so the
 * fast path serves exactly what Prism would), kept when the operation's checks are replicated exactly.
 */
export async function buildFastRoutes(contract: ServerContract): Promise<FastRoute[]> {
  const built: FastRoute[] = [];
  for (const op of contract.prismOperations) {
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
    const verdict = await contract.engine.ask(
      {
        method: op.method,
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
