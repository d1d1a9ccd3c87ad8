// The operations the static engine runs on: what Prism's IHttpOperation (as @stoplight/http-spec derives it from
// the spec, prism-http/dist/utils/operations.js) holds that routing, security, validation and negotiation read.
// scripts/generate-mock.mjs writes them from Prism's own operations into generated/mock-contract.ts.

/** A request parameter: how it is read (validator/deserializers) and the schema type the reading depends on. */
export interface StaticParam {
  name: string;
  style?: string;
  explode?: boolean;
  deprecated?: boolean;
  /** The parameter schema's `type` (the deserializers branch on it). */
  type?: unknown;
  /** The parameter schema's property names (form style, exploded objects). */
  properties?: string[];
}

/** A security scheme, as the security handlers read it. */
export interface StaticScheme {
  type: string;
  scheme?: string;
  in?: string;
  name?: string;
}

/** A response example: its key and either its value or a JSON pointer to it in the trimmed spec. */
export interface StaticExample {
  key: string;
  ref?: string;
  value?: unknown;
}

export interface StaticContent {
  mediaType: string;
  examples?: StaticExample[];
  /** Whether the content has a schema (the negotiator falls back to it). */
  schema?: boolean;
  /** Prism's static sample of the schema (json-schema-sampler), where an answer may be generated from it. */
  sample?: unknown;
}

export interface StaticResponse {
  code: string;
  /** Each header's mocked value (mocker/index.js computeMockedHeaders), in the order Prism's output has them. */
  headers: Record<string, unknown>;
  contents?: StaticContent[];
}

export interface StaticOperation {
  /** Prism's `iid`: the spec's operationId. */
  id: string;
  method: string;
  path: string;
  deprecated?: boolean;
  security?: StaticScheme[][];
  request?: {
    body?: { required?: boolean; contents?: Array<{ mediaType: string; schema?: boolean; formProperties?: string[] }> };
    headers?: StaticParam[];
    query?: StaticParam[];
    path?: StaticParam[];
  };
  responses: StaticResponse[];
}

/** One finding of security or validation, as Prism's IPrismDiagnostic has it. */
export interface Diagnostic {
  code?: string | number;
  path?: Array<string | number>;
  message: string;
  /** 0 error, 1 warning (@stoplight/types DiagnosticSeverity). */
  severity: number;
  tags?: string[];
}

export const ERROR = 0;
export const WARNING = 1;

/** Prism's ProblemJsonError, as the adapter reports it: the type after `#` and the detail. */
export class Problem extends Error {
  constructor(
    readonly type: string,
    title: string,
    readonly detail: string,
  ) {
    super(title);
    // Prism's ProblemJsonError names itself by its type's URL; `${error}` (a fallback's message) shows it.
    this.name = `https://stoplight.io/prism/errors#${type}`;
  }
}
