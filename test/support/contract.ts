// What the mock must answer, decided from the spec and the raw request alone (never from how the case was
// generated): the oracle `expectedAnswer`, the shape every answer must have (`checkResponse`), and both
// together (`checkAnswer`), used by the seeded fuzz in `npm test` and by `npm run fuzz`.
//
// Order, as Graph checks a request: an oversized body is refused first (from the headers), then the request
// target, the mock's session header, routing (400 / 405), then `Prefer` naming an example the operation lacks,
// then authentication (no token, or a JWT that is expired, for another audience or malformed: 401) and, unless a
// documented `Prefer` chose the answer, the token's permissions (403), then the body (400, 415), then the answer a
// documented `Prefer` selects, else the success status.
//
// State. The mock keeps a directory per session, so an answer depends on what came before in that session (a
// second identical add is a 400 duplicate). This oracle stays a function of the request alone: every fuzzed
// request carries a session nobody has used (test/support/arbitraries.ts), and in a fresh session every valid
// fuzzed request passes the directory's rules: ids the fixture lacks are created on first use, a user (`users`,
// `directoryObjects`) or a Microsoft 365 group (`groups`), which every operation accepts (spec `x-rules`), and a
// new target holds no sponsor yet, so no duplicate or count limit applies. Choosing that over teaching the oracle
// the rules keeps it independent of the mock's directory code, which it would otherwise have to mirror (ids by
// UPN, casts, creation on first use); the rules that depend on state (the duplicate, the group limit) are checked
// by a model of their own on sequences in one session (`SponsorModel` below, test/fuzz-mock.test.ts).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { namedExample, errorScenarios, exampleStatus, operationsOf, parametersOf, deref, type Spec } from '../../src/spec/walk.js';
import { operations } from '../../generated/operations.js';
import { errorCode, type RawRequest, type RawResponse } from './http.js';
import { SESSION_HEADER } from './session.js';
import { createAjv, inline, loadSpec, repoRoot, type Json } from './spec.js';

const spec: Spec = loadSpec();
const ajv = createAjv();
export const validateODataError = ajv.compile(inline(spec, (spec.components as Json).schemas.odataError));

/** Statuses a fuzzed request may get: every documented one, plus 405 for a wrong method. */
export const documentedStatuses = new Set<number>([...operationsOf(spec).flatMap(({ op }) => Object.keys(op.responses ?? {}).map(Number)), 405]);

/**
 * Rules of the oracle the mock does not follow yet (issue 9 item 8, being added to the mock by the lead). A case
 * one of these decides is checked for the answer's shape only, and counted by name, until its name is removed
 * here; test/fuzz-mock.test.ts has an `it.fails` per name that turns red once the mock follows the rule.
 */
export const pendingMockChanges: readonly string[] = [];

const errorOf = (name: string) => (namedExample(spec, name) as { error: { code: string; message: string } }).error;
const errorCodeOf = (name: string): string => errorOf(name).code;

/** A session name the mock accepts: the pattern of `x-mock-session` in the control API's spec. */
const controlSpec: Json = parseYaml(readFileSync(`${repoRoot}openapi/mock-control.yaml`, 'utf8'));
const sessionParameter: Json = Object.values<Json>(controlSpec.components.parameters).find((p) => p.name === SESSION_HEADER);
const sessionName = new RegExp(String(sessionParameter.schema.pattern));

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The permissions each operation accepts, read from the spec: the scopes of its `security` and the least- and
 * higher-privileged entries of `x-permissions` (delegated for `scp`, application for `roles`).
 */
const acceptedPermissions = new Map(
  operationsOf(spec).map(({ operationId, op }) => {
    const scopes = ((op.security ?? spec.security ?? []) as Json[]).flatMap((requirement) => Object.values<string[]>(requirement).flat());
    const listed = (entry: Json) => [...strings(entry?.leastPrivileged), ...strings(entry?.higherPrivileged)];
    const permissions = (op['x-permissions'] ?? {}) as Json;
    const lower = (values: string[]) => new Set(values.map((v) => v.toLowerCase()));
    return [
      operationId,
      { delegated: lower([...scopes, ...listed(permissions.delegatedWorkOrSchool)]), application: lower([...scopes, ...listed(permissions.application)]) },
    ] as const;
  }),
);

/**
 * Microsoft Graph's audience: its resource URI or its application id, with or without a trailing slash
 * (learn.microsoft.com, "Microsoft Graph permissions reference" and the access token claims reference).
 */
const graphAudiences = new Set(['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000']);

function jsonSegment(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a bearer token earns on an operation, judged from its claims (the signature is not checked, as the mock
 * documents): undefined when it passes. An opaque token (not three dot-separated parts) passes: the mock's default
 * is `--auth open`. Tokens of the fuzz are valid for a day or expired an hour ago, far from the clock skew Entra
 * allows (5 minutes), which is applied here too.
 */
function judgeToken(authorization: string, operationId: string, now: number): Expected | undefined {
  const parts = authorization
    .replace(/^Bearer +/, '')
    .trim()
    .split('.');
  const unauthorized = (example: string): Expected => ({ status: 401, codes: [errorCodeOf(example)], example, rule: `token: ${example}` });
  if (parts.length < 3) return undefined;
  if (parts.length > 3) return unauthorized('tokenTooManyDots');
  if (!jsonSegment(parts[0]!)) return unauthorized('tokenHeaderNotDecodable');
  const claims = jsonSegment(parts[1]!);
  if (!claims) return unauthorized('tokenPayloadNotDecodable');
  const seconds = now / 1000;
  if (typeof claims.exp === 'number' && claims.exp + 300 < seconds) return unauthorized('tokenExpired');
  if (typeof claims.nbf === 'number' && claims.nbf - 300 > seconds) return unauthorized('tokenNotYetValid');
  const audiences = [claims.aud ?? []].flat();
  if (claims.aud !== undefined && !audiences.some((a) => typeof a === 'string' && graphAudiences.has(a.replace(/\/$/, ''))))
    return unauthorized('invalidAudience');
  // Delegated (`scp`, space-separated) or application (`roles`); neither is denied. The fuzz's tokens carry no
  // `wids`, so no admin role is required of them.
  const accepted = acceptedPermissions.get(operationId)!;
  // An operation with no permission of its own (a JSON batch: each of its requests needs its own) checks none.
  if (accepted.delegated.size === 0 && accepted.application.size === 0) return undefined;
  const scp = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
  const held = scp.length > 0 ? { values: scp, accepted: accepted.delegated } : { values: strings(claims.roles), accepted: accepted.application };
  if (held.values.some((p) => held.accepted.has(p.toLowerCase()))) return undefined;
  return { status: 403, codes: [errorCodeOf('authorizationRequestDenied')], example: 'authorizationRequestDenied', rule: 'token without the permission' };
}

interface Route {
  template: string[];
  method: string;
  operationId: string;
  successStatus: number;
  /** Whether the operation takes a body (a list or a remove does not). */
  hasBody: boolean;
  validateBody: (value: unknown) => boolean;
  validateParams: (params: Record<string, string>) => boolean;
  /** A JSON batch (`x-batch`). */
  batch: boolean;
}

/**
 * What a JSON batch needs beyond its schema (learn.microsoft.com/graph/json-batching): ids unique without regard to
 * case, and each dependsOn naming an earlier request (Graph's 400 otherwise, as the spec's examples show).
 */
function batchReadable(body: unknown): boolean {
  const seen = new Set<string>();
  for (const { id, dependsOn = [] } of (body as { requests: Array<{ id: string; dependsOn?: string[] }> }).requests) {
    if (seen.has(id.toLowerCase()) || dependsOn.some((d) => !seen.has(d.toLowerCase()))) return false;
    seen.add(id.toLowerCase());
  }
  return true;
}

const routes: Route[] = operationsOf(spec).map((entry) => {
  const media = deref(spec, entry.op.requestBody)?.content?.['application/json'];
  const bodySchema = ajv.compile((inline(spec, media?.schema) ?? {}) as object);
  const pathParams = parametersOf(spec, entry).filter((p) => p.in === 'path');
  const paramSchemas = pathParams.map((p) => ({ name: p.name, validate: ajv.compile((inline(spec, p.schema) ?? {}) as object) }));
  return {
    template: entry.template.split('/'),
    method: entry.method.toUpperCase(),
    operationId: entry.operationId,
    successStatus: (operations as Record<string, { successStatus: number }>)[entry.operationId]!.successStatus,
    hasBody: entry.op.requestBody !== undefined,
    validateBody: (value) => bodySchema(value) === true,
    validateParams: (params) => paramSchemas.every(({ name, validate }) => validate(params[name]) === true),
    batch: entry.op['x-batch'] === true,
  };
});
const statusOfExample = exampleStatus(spec);

/**
 * The removes, read from the spec's `x-rules`: the path parameters naming the target and the related object, and
 * the relation. In a fresh session a remove succeeds only where the mock's default fixture (fixtures/default.yaml,
 * read here as written) already holds the relation; the spec's seeds add objects, never relations.
 */
const removes = new Map(
  operationsOf(spec).flatMap(({ operationId, op }) => {
    const rules = op['x-rules'] as Json;
    return rules?.removes
      ? [
          [
            operationId,
            { target: rules.target.parameter as string, related: rules.removes.parameter as string, property: rules.removes.property as string },
          ] as const,
        ]
      : [];
  }),
);
/** The adds whose `x-rules.reference` names an `invalid` answer, and the body property holding the read URL. */
const invalidReferences = new Map(
  operationsOf(spec).flatMap(({ operationId, op }) => {
    const reference = (op['x-rules'] as Json)?.reference;
    return reference?.invalid ? [[operationId, { from: reference.from as string, example: reference.invalid as string }] as const] : [];
  }),
);
/** The hosts of the spec's servers (a host compares without regard to case). */
const serverHosts = new Set((spec.servers ?? []).map((server) => new URL(server.url).hostname.toLowerCase()));
const defaultFixture: Json = parseYaml(readFileSync(`${repoRoot}fixtures/default.yaml`, 'utf8'));
const fixtureRelations = new Set<string>(
  Object.values<Json[]>(defaultFixture).flatMap((entries) =>
    (Array.isArray(entries) ? entries : []).flatMap((entry: Json) =>
      Object.entries<unknown>(entry).flatMap(([property, ids]) =>
        Array.isArray(ids) ? ids.map((id) => `${String(entry.id).toLowerCase()}/${property}/${String(id).toLowerCase()}`) : [],
      ),
    ),
  ),
);
const fixtureHolds = (property: string, target: string, related: string): boolean =>
  fixtureRelations.has(`${target.toLowerCase()}/${property}/${related.toLowerCase()}`);

export interface Expected {
  status: number;
  /** Graph error codes the answer may carry (absent: not an error, or any code). */
  codes?: string[];
  /** The Allow header a 405 must carry. */
  allow?: string;
  /** The spec example (components/examples) whose message the error must carry. */
  example?: string;
  /** The oracle rule that decided it (for the counts and for `pendingMockChanges`). */
  rule: string;
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
const header = (req: RawRequest, name: string) => first(Object.entries(req.headers).find(([key]) => key.toLowerCase() === name)?.[1]);

// RFC 9110 §12.5.1: media-range *( OWS ";" OWS parameter ); an Accept that does not parse says nothing and is ignored.
const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const mediaRange = new RegExp(`^\\s*${token}/${token}\\s*(;\\s*${token}\\s*=\\s*(${token}|"(?:[^"\\\\]|\\\\.)*")\\s*)*$`);

/** Whether the request's Accept admits a JSON answer (absent or unparsable: yes). */
function acceptsJson(req: RawRequest): boolean {
  const accept = [req.headers.accept ?? []].flat().join(',');
  if (accept === '' || !accept.split(',').every((part) => mediaRange.test(part))) return true;
  return accept.split(',').some((part) => ['*/*', 'application/*', 'application/json'].includes(part.split(';')[0]!.trim().toLowerCase()));
}

/** The answer the request should get, given the body limit of the mock under test (and the clock, for tokens). */
export function expectedAnswer(req: RawRequest, limits: { maxBodyBytes: number }, now = Date.now()): Expected {
  const badRequest = (rule: string): Expected => ({ status: 400, codes: ['BadRequest'], rule });
  const method = req.method.toUpperCase();
  if (method === 'OPTIONS') return { status: 204, rule: 'CORS preflight' };
  const bodyLength = req.body?.length ?? 0;
  if (bodyLength > limits.maxBodyBytes) return { status: 413, codes: [errorCodeOf('requestEntityTooLarge')], rule: 'body too large' };

  // The request target.
  if (/^[a-z][a-z0-9+.-]*:/i.test(req.path)) return badRequest('absolute-form target');
  if (req.path.startsWith('//')) return badRequest('path starting with //');
  const rawPath = req.path.split('?')[0]!;
  let decoded: string[];
  try {
    decoded = rawPath.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return badRequest('malformed percent-encoding');
  }
  if (decoded.some((segment) => segment === '.' || segment === '..')) return badRequest('dot segment');
  if (decoded.some((segment) => [...segment].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)))
    return badRequest('control character in the path');

  // The mock's session: absent is the default one; a name it cannot hold is refused before routing.
  const session = req.headers[SESSION_HEADER];
  if (session !== undefined && (typeof session !== 'string' || !sessionName.test(session))) return badRequest('bad session name');

  // Routing: `%24ref` is read as `$ref`; a parameter takes one non-empty segment.
  const segments = rawPath.replace(/\/%24ref$/i, '/$ref').split('/');
  const routesOf = (emptyParam: boolean) =>
    routes.filter(
      (r) => r.template.length === segments.length && r.template.every((t, i) => (/^\{.+\}$/.test(t) ? emptyParam || segments[i] !== '' : t === segments[i])),
    );
  const matching = routesOf(false);
  if (matching.length === 0) return badRequest(routesOf(true).length > 0 ? 'empty id segment' : 'unknown path');
  const route = matching.find((r) => r.method === method);
  if (!route) return { status: 405, codes: ['Request_BadRequest'], allow: [...matching.map((r) => r.method), 'OPTIONS'].join(', '), rule: 'wrong method' };

  // Prefer naming an example the operation does not document, or documenting it under another status.
  const prefer: { code?: number; example?: string } = {};
  for (const part of [req.headers.prefer ?? []].flat().join(',').split(',')) {
    const [key, ...rest] = part.split('=');
    const value = rest.join('=').trim();
    if (key?.trim() === 'code' && /^\d{3}$/.test(value)) prefer.code = Number(value);
    if (key?.trim() === 'example' && value) prefer.example = value;
  }
  const exampleAt = prefer.example === undefined ? undefined : statusOfExample.get(route.operationId)?.get(prefer.example);
  if (prefer.example !== undefined && exampleAt === undefined) return badRequest('Prefer: unknown example');
  if (exampleAt !== undefined && prefer.code !== undefined && prefer.code !== exampleAt) return badRequest('Prefer: example under another status');

  // Authorization: a bearer token (Node keeps the first of repeated Authorization headers).
  const authorization = header(req, 'authorization') ?? '';
  if (!/^Bearer +\S/.test(authorization)) return { status: 401, codes: [errorCodeOf('invalidAuthenticationToken')], rule: 'no or bad Authorization' };
  // The token's claims, unless Prefer chose the answer (a scripted answer takes precedence over permissions).
  if (prefer.code === undefined && prefer.example === undefined) {
    const verdict = judgeToken(authorization, route.operationId, now);
    if (verdict) return verdict;
  }

  // The body: media type, encoding, JSON, then the schemas of the body and the path parameters.
  const schemaViolation: Expected = {
    status: 400,
    codes: ['BadRequest', errorCodeOf('invalidUrlFormat'), errorCodeOf('invalidRequestBody')],
    rule: 'schema violation',
  };
  const params = Object.fromEntries(route.template.flatMap((t, i) => (/^\{.+\}$/.test(t) ? [[t.slice(1, -1), decoded[i]!] as const] : [])));
  let parsed: unknown;
  if (!route.hasBody) {
    // A list or a remove: no body to read (the fuzz sends none), only the path parameters' schemas.
    if (!route.validateParams(params)) return schemaViolation;
  } else if (bodyLength > 0) {
    const [type = '', ...mediaParams] = (header(req, 'content-type') ?? '').split(';');
    const mediaType = type.trim().toLowerCase();
    const charset = mediaParams
      .map((p) => p.trim().split('='))
      .find(([k]) => k?.toLowerCase() === 'charset')?.[1]
      ?.replace(/"/g, '')
      .toLowerCase();
    const encoding = (header(req, 'content-encoding') ?? 'identity').trim().toLowerCase();
    const unsupported: Expected = { status: 415, codes: [errorCodeOf('unsupportedMediaType')], rule: 'unsupported content type' };
    // Graph's 400 (unreadableJsonPayload) to a body without Content-Type or with any Content-Encoding.
    if (mediaType === '' || (encoding !== 'identity' && encoding !== ''))
      return { status: 400, codes: [errorCodeOf('unreadableJsonPayload')], rule: 'unreadable payload' };
    if (!(mediaType === 'application/json' || /^application\/[\w.+-]*\+json$/.test(mediaType))) return unsupported;
    if (charset !== undefined && !['utf-8', 'utf8'].includes(charset)) return unsupported;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.body));
    } catch {
      return badRequest('invalid JSON');
    }
    if (!route.validateBody(parsed) || !route.validateParams(params)) return schemaViolation;
    if (route.batch && !batchReadable(parsed)) return badRequest('batch: a repeated id or a dependsOn naming no earlier request');
  } else {
    return schemaViolation; // the body is required
  }

  if (exampleAt !== undefined) return { status: exampleAt, rule: acceptsJson(req) ? 'Prefer: documented example' : 'Prefer under an Accept without JSON' };
  if (prefer.code !== undefined) {
    if (!documentedStatuses.has(prefer.code) || prefer.code === 405) return badRequest('Prefer: undocumented status');
    return { status: prefer.code, rule: acceptsJson(req) || prefer.code < 300 ? 'Prefer: documented status' : 'Prefer under an Accept without JSON' };
  }
  // An `@odata.id` the schema takes (any https host) on a host that is none of the servers: the rules' `invalid`.
  const invalid = invalidReferences.get(route.operationId);
  const odataId = invalid && typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[invalid.from] : undefined;
  const host = typeof odataId === 'string' ? /^https:\/\/([^/:?#]+)/i.exec(odataId)?.[1]?.toLowerCase() : undefined;
  if (invalid && host !== undefined && !serverHosts.has(host))
    return { status: 400, codes: [errorCodeOf(invalid.example)], example: invalid.example, rule: "reference on a host none of the spec's servers" };
  const removal = removes.get(route.operationId);
  if (removal && !fixtureHolds(removal.property, params[removal.target]!, params[removal.related]!))
    return { status: 404, codes: [errorCodeOf('resourceNotFound')], rule: 'remove of a relation the session lacks' };
  return { status: route.successStatus, rule: 'valid request' };
}

/** Returns why a response breaks the contract every answer shares (status, ids, Graph's shape), or undefined. */
export function checkResponse(req: RawRequest, res: RawResponse): string | undefined {
  if (res.status >= 500) return `5xx: ${res.status} ${res.body.toString('utf8', 0, 300)}`;
  // The answer must be this request's: the mock echoes a client-request-id it was sent.
  const sentId = req.headers['client-request-id'];
  if (typeof sentId === 'string' && res.headers['client-request-id'] !== sentId)
    return `client-request-id ${String(res.headers['client-request-id'])} is not the one sent (${sentId})`;
  if (req.method === 'OPTIONS' && res.status < 300) return undefined; // CORS preflight: answered, no Graph body
  if (!documentedStatuses.has(res.status)) return `undocumented status ${res.status}`;
  if (!res.headers['request-id']) return `no request-id header on ${res.status}`;
  if (res.status === 204) return res.body.length === 0 ? undefined : `204 with a body of ${res.body.length} bytes`;
  if (req.method === 'HEAD') return undefined; // no body by definition
  let parsed: { error?: { innerError?: Record<string, unknown> } };
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    return `${res.status} body is not JSON: ${res.body.toString('utf8', 0, 200)}`;
  }
  // A list's 200 and a create's 201: a JSON object (test/mock.examples checks it against the documented schema).
  if (res.status < 300) return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? undefined : `${res.status} body is no JSON object`;
  if (!validateODataError(parsed))
    return `${res.status} body is not Graph's error shape: ${ajv.errorsText(validateODataError.errors)} in ${res.body.toString('utf8', 0, 300)}`;
  if (typeof sentId === 'string' && parsed.error?.innerError?.['client-request-id'] !== sentId)
    return `innerError names another request (${String(parsed.error?.innerError?.['client-request-id'])})`;
  return undefined;
}

export interface Verdict {
  /** Why the answer is wrong, or undefined. */
  broken?: string;
  expected: Expected;
  /** Set when a rule in `pendingMockChanges` decided the case and the mock answered otherwise. */
  pending?: string;
}

/** The shape every answer must have, and the answer this request should get. */
export function checkAnswer(req: RawRequest, res: RawResponse, limits: { maxBodyBytes: number }): Verdict {
  const expected = expectedAnswer(req, limits);
  const message = (() => {
    try {
      return String(JSON.parse(res.body.toString('utf8'))?.error?.message);
    } catch {
      return '-';
    }
  })();
  const shape = checkResponse(req, res);
  if (shape) return { broken: shape, expected };
  const code = errorCode(res);
  const wrong =
    res.status !== expected.status
      ? `expected ${expected.status} (${expected.rule}), got ${res.status} ${code}`
      : expected.codes && req.method !== 'HEAD' && !expected.codes.includes(code)
        ? `expected code ${expected.codes.join(' or ')} (${expected.rule}), got ${code}`
        : expected.allow !== undefined && res.headers.allow !== expected.allow
          ? `expected Allow: ${expected.allow}, got ${res.headers.allow}`
          : expected.example !== undefined && req.method !== 'HEAD' && message !== errorOf(expected.example).message
            ? `expected the message of ${expected.example} (${expected.rule}), got ${message.slice(0, 120)}`
            : expected.status === 401 && !String(res.headers['www-authenticate'] ?? '').startsWith('Bearer ')
              ? `a 401 without Graph's WWW-Authenticate challenge (${expected.rule})`
              : undefined;
  if (wrong && pendingMockChanges.includes(expected.rule)) return { expected, pending: expected.rule };
  return wrong ? { broken: wrong, expected } : { expected };
}

// ---------- the rules that depend on state, as a model of one session ----------

interface RelationRules {
  /** Where the relation lives: the target's entity set and the property the `$ref` adds to. */
  entitySet: string;
  property: string;
  /** The `unique` and `maxCount` checks of the operation's `x-rules`, in order, with the example each names. */
  checks: Array<{ unique?: true; maxCount?: number; whenType?: string; example: string }>;
}

/** The operations whose `x-rules` add to a relation of the object their path names, read from the spec. */
export const relationRules = new Map<string, RelationRules>(
  operationsOf(spec).flatMap(({ operationId, op }) => {
    const rules = op['x-rules'] as Json;
    if (!rules?.target || !rules?.reference) return [];
    const checks = (rules.checks ?? [])
      .filter((c: Json) => c.unique === true || typeof c.maxCount === 'number')
      .map((c: Json) => ({ unique: c.unique, maxCount: c.maxCount, whenType: c.when?.type, example: c.example }));
    return [[operationId, { entitySet: rules.target.entitySet, property: rules.reference.property, checks }] as const];
  }),
);

/**
 * The list and remove operations of each relation (`entitySet/property`, read from their `x-rules`), so that a
 * sequence can read back, or take out, what the adds to that relation made.
 */
export const relationReaders = new Map<string, { list?: string; remove?: string }>();
for (const { operationId, op } of operationsOf(spec)) {
  const rules = op['x-rules'] as Json;
  const property = rules?.lists?.property ?? rules?.removes?.property;
  if (!rules?.target || property === undefined) continue;
  const key = `${rules.target.entitySet}/${property}`;
  relationReaders.set(key, { ...relationReaders.get(key), [rules.lists ? 'list' : 'remove']: operationId });
}

/** The relation (`entitySet/property`) an add, a list or a remove works on. */
export function relationKey(operationId: string): string | undefined {
  const rules = operationsOf(spec).find((o) => o.operationId === operationId)?.op['x-rules'] as Json;
  const property = rules?.reference?.property ?? rules?.lists?.property ?? rules?.removes?.property;
  return rules?.target && property !== undefined ? `${rules.target.entitySet}/${property}` : undefined;
}

const scenarios = errorScenarios(spec);

/** The documented error an operation answers with for one of its examples (status, code, message). */
export function documentedError(operationId: string, example: string): { status: number; code: string; message: string } {
  const found = scenarios.find((s) => s.operationId === operationId && s.example === example);
  if (!found) throw new Error(`${operationId} documents no example ${example}`);
  return { status: found.status, code: found.code, message: found.message };
}

/**
 * A model of one session's sponsor relations, for sequences of valid adds: the objects are ones the fixture
 * lacks (created on first use: users, and Microsoft 365 groups, which pass every type check), so only the checks
 * that read the relation can fail: `unique` (the duplicate) and `maxCount` (e.g. at most 5 groups on a
 * blueprint), in the order the operation's `x-rules` list them. A rejected request changes nothing; a reset
 * empties the session.
 */
export class SponsorModel {
  readonly #relations = new Map<string, Array<{ id: string; type: string }>>();

  /** The answer an add should get (and, when it succeeds, the relation grows). */
  add(operationId: string, targetId: string, reference: { id: string; type: string }): { status: number; code?: string; message?: string; example?: string } {
    const rules = relationRules.get(operationId);
    if (!rules) throw new Error(`${operationId} adds to no relation`);
    const key = `${relationKey(operationId)}/${targetId}`;
    const held = this.#relations.get(key) ?? [];
    for (const check of rules.checks) {
      const fails = check.unique
        ? held.some((r) => r.id === reference.id)
        : (check.whenType === undefined || check.whenType === reference.type) &&
          held.filter((r) => check.whenType === undefined || r.type === check.whenType).length >= check.maxCount!;
      if (fails) return { ...documentedError(operationId, check.example), example: check.example };
    }
    this.#relations.set(key, [...held, reference]);
    return { status: (operations as Record<string, { successStatus: number }>)[operationId]!.successStatus };
  }

  /** The ids a list of the target's relation should answer, in the order they were added. */
  list(operationId: string, targetId: string): string[] {
    return (this.#relations.get(`${relationKey(operationId)}/${targetId}`) ?? []).map((r) => r.id);
  }

  /** The answer a remove should get: 204 (the relation shrinks), or the documented 404 naming the related id. */
  remove(operationId: string, targetId: string, relatedId: string): { status: number; code?: string; message?: string; example?: string } {
    const key = `${relationKey(operationId)}/${targetId}`;
    const held = this.#relations.get(key) ?? [];
    if (!held.some((r) => r.id === relatedId)) {
      const example = (operationsOf(spec).find((o) => o.operationId === operationId)!.op['x-rules'] as Json).removes.notFound as string;
      const notFound = documentedError(operationId, example);
      // Graph's not-found text names the missing object.
      return { ...notFound, message: notFound.message.replace(/'[^']*'/, `'${relatedId}'`), example };
    }
    this.#relations.set(
      key,
      held.filter((r) => r.id !== relatedId),
    );
    return { status: 204 };
  }

  reset(): void {
    this.#relations.clear();
  }
}
