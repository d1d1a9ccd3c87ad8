// Fast path of the mock (issue 5: throughput). Prism's request pipeline (fp-ts, per-request uri-template
// compilation, negotiation) costs most of the mock's CPU per request. For the common valid request only, the
// same checks Prism makes are precompiled once per spec here, with Prism's own ajv, formats and schema
// normalisation, and the answer is the one Prism itself gave for the operation's documented example at load
// time. Anything else (Prefer, query, Accept, encoded ids, other content types, any failure) goes to Prism.
// test/mock.fast-path.test.ts proves both paths answer alike.
import { createRequire } from 'node:module';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface FastOutput {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
}

export interface FastRoute {
  operationId: string;
  method: string;
  /** The path template as a regex; one capture per path parameter, in order. */
  pattern: RegExp;
  pathParams: string[];
  /** Prism's documented success answer for a valid request. */
  output: FastOutput;
  matches(pathname: string, headers: Record<string, string | string[] | undefined>, body: unknown): boolean;
}

const require = createRequire(import.meta.url);
const prismRequire = createRequire(require.resolve('@stoplight/prism-http'));

// Prism's validators (prism-http/dist/validator/validators/utils.js): ajv 8 with these options, ajv-formats and
// Prism's own date-time format; draft-07 schemas (what getHttpOperationsFromSpec emits) use the plain Ajv class.
function prismAjv(coerceTypes: boolean) {
  const Ajv = prismRequire('ajv').default;
  const addFormats = prismRequire('ajv-formats').default;
  const dateTime = prismRequire('@stoplight/prism-http/dist/validator/validators/dateTime');
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, allowMatchingProperties: true, strict: false, coerceTypes, logger: false });
  addFormats(ajv);
  ajv.addFormat('date-time', dateTime.fmtDef(dateTime.date_time, dateTime.compareDateTime));
  return ajv;
}

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
/** Ids served by the fast path: unreserved characters only, so the raw segment is the decoded value. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
const BEARER = /^Bearer\s.+$/; // Prism's oauth2/bearer check (validators/security/handlers/bearer.js)

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiles the fast routes of the operations Prism serves. `answer(op)` returns Prism's output for the
 * operation's documented example request (a 2xx), or undefined to leave the operation to Prism.
 */
export async function compileFastRoutes(operations: Json[], answer: (op: Json) => Promise<FastOutput | undefined>): Promise<FastRoute[]> {
  const { stripReadOnlyProperties } = prismRequire('@stoplight/prism-http/dist/utils/filterRequiredProperties');
  const noCoerce = prismAjv(false);
  const coerce = prismAjv(true);
  const routes: FastRoute[] = [];
  for (const op of operations) {
    const req = op.request ?? {};
    const contents: Json[] = req.body?.contents ?? [];
    const json = contents.find((c) => c.mediaType === 'application/json');
    const schemas = [json?.schema, ...(req.path ?? []).map((p: Json) => p.schema), ...(req.headers ?? []).map((p: Json) => p.schema)];
    // Only what is replicated exactly: one JSON body, draft-07 schemas without refs or allOf, no query params,
    // OAuth2/bearer security only.
    const plain = schemas.every((s) => s && DRAFT_07.test(String(s.$schema)) && !/"(\$ref|allOf)"/.test(JSON.stringify(s)));
    const securityOk =
      Array.isArray(op.security) && op.security.length > 0 && op.security.every((alt: Json[]) => alt.length > 0 && alt.every((s) => ['oauth2', 'bearer', 'openIdConnect'].includes(s.type) || (s.type === 'http' && s.scheme === 'bearer')));
    if (!json || contents.length !== 1 || !plain || !securityOk || (req.query ?? []).length > 0 || (req.cookie ?? []).length > 0) continue;
    const output = await answer(op);
    if (!output || output.statusCode < 200 || output.statusCode > 299) continue;

    // Prism validates the body against this normalised schema, or not at all when it comes out empty (None).
    const stripped = stripReadOnlyProperties(json.schema);
    if (stripped._tag !== 'Some') continue;
    const bodyValidator = noCoerce.compile(stripped.value);
    const pathParams: string[] = [];
    const pattern = new RegExp(
      '^' +
        op.path
          .split(/(\{[^{}]+\})/)
          .map((part: string) => {
            const name = /^\{(.+)\}$/.exec(part)?.[1];
            if (name === undefined) return escapeRegExp(part);
            pathParams.push(name);
            return '([^/]+)';
          })
          .join('') +
        '$',
    );
    const paramSchema = (params: Json[] | undefined) => ({
      type: 'object',
      properties: Object.fromEntries((params ?? []).map((p) => [p.name.toLowerCase(), p.schema])),
      required: (params ?? []).filter((p) => p.required).map((p) => p.name.toLowerCase()),
    });
    const pathValidator = coerce.compile(paramSchema(req.path));
    const headerParams: Json[] = req.headers ?? [];
    const headerValidator = coerce.compile(paramSchema(headerParams));
    const declaredPath: string[] = (req.path ?? []).map((p: Json) => p.name);
    if (declaredPath.join('/') !== pathParams.join('/')) continue;

    routes.push({
      operationId: op.iid,
      method: op.method,
      pattern,
      pathParams,
      output,
      matches(pathname, headers, body) {
        const match = this.pattern.exec(pathname);
        if (!match) return false;
        const values: Record<string, string> = {};
        for (let i = 0; i < pathParams.length; i++) {
          const raw = match[i + 1]!;
          if (!PLAIN_SEGMENT.test(raw)) return false;
          values[pathParams[i]!.toLowerCase()] = raw;
        }
        const authorization = headers.authorization;
        if (typeof authorization !== 'string' || !BEARER.test(authorization)) return false;
        const headerValues: Record<string, unknown> = {};
        for (const p of headerParams) {
          const value = headers[p.name.toLowerCase()];
          if (value === undefined) continue;
          if (typeof value !== 'string') return false;
          headerValues[p.name.toLowerCase()] = value;
        }
        return pathValidator(values) && headerValidator(headerValues) && bodyValidator(body);
      },
    });
  }
  return routes;
}
