// What the mock knows of the contract, compiled once per spec (and again on reload): the routes, the engine that
// routes, checks and negotiates (engine.ts), the request validators, the documented examples it answers with,
// and the fast routes. Pure and browser-safe: the engine and the validators come in compiled (the server's from
// Prism and runtime ajv in load-contract.ts, the MSW handlers' precompiled), the rest is read from the spec.
import { documentedErrors, exampleStatus, namedExample, operationsOf, type DocumentedError, type Spec } from '../spec/walk.js';
import type { Operation } from '../spec/openapi.js';
import { entraRoleTemplates } from '../../generated/entra-roles.js';
import { compilePermissions, type OperationPermissions } from './permissions.js';
import { compileRules, type OperationRules } from './rules.js';
import type { RequestEngine } from './engine.js';
import { compileRoutes, type Routes } from './routes.js';
import type { OperationValidators } from './operation-validators.js';
import type { FastRoute } from './fast-path.js';
import { deprecationHeaders, headersOnEveryAnswer } from './graph-headers.js';

export interface Contract {
  spec: Spec;
  routes: Routes;
  /** Routes, checks security and validation, and negotiates the documented answer (Prism on the server). */
  engine: RequestEngine;
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
  /** Filled by the server's buildFastRoutes() (load-contract.ts); while empty, every request takes the whole pipeline. */
  fastRoutes: FastRoute[];
  /** The headers Graph sends on every answer (graph-headers.ts); the host adds them to each one. */
  everyAnswer: Record<string, string>;
  /** operationId → the deprecation headers a deprecated operation sends on every answer (graph-headers.ts). */
  deprecation: Map<string, Record<string, string>>;
}

/** The engine and validators a contract is compiled with: they are what a host brings (Prism's, or precompiled). */
export interface ContractPieces {
  engine: RequestEngine;
  validators: Map<string, OperationValidators>;
}

/** Compiles a bundled spec (an object) with the engine and validators given. No file, no Prism, no ajv. */
export function compileContract(spec: Spec, { engine, validators }: ContractPieces): Contract {
  const errors = documentedErrors(spec);
  return {
    spec,
    routes: compileRoutes(spec),
    engine,
    validators,
    exampleStatus: exampleStatus(spec),
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
