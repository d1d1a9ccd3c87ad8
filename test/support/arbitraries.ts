// Request arbitraries derived from the spec, shared by the seeded fuzz in `npm test` (test/fuzz-mock.test.ts),
// the fast path's equivalence test and `npm run fuzz` (scripts/fuzz.ts). Each case is raw bytes; what it should
// get back is decided from the request alone by test/support/contract.ts, not from a label.
import fc from 'fast-check';
import { clouds, operations } from '../../generated/operations.js';
import { errorScenarios, operationsOf } from '../../src/spec/walk.js';
import { documentedRequests } from './documented.js';
import { relationKey, relationReaders } from './contract.js';
import { entraRoleTemplates } from '../../generated/entra-roles.js';
import { runTokenCommand } from '../../src/mock/token-cli.js';
import type { RawRequest } from './http.js';
import { freshSession, freshSessionName, SESSION_HEADER } from './session.js';
import { loadSpec, type Json } from './spec.js';

export const spec: Json = loadSpec();

export interface SpecOperation {
  operationId: string;
  /** Upper case. */
  method: string;
  path: string; // templated, e.g. /v1.0/users/{id}/sponsors/$ref
  statuses: number[];
  /** Whether the operation takes a body (a list or a remove does not). */
  hasBody: boolean;
  /**
   * named request examples: the full request is the path example + body example under the same name (a bodiless
   * operation's body is undefined)
   */
  examples: { name: string; id: string | undefined; pathParams: Record<string, string>; body: Json }[];
  /** entity sets that `@odata.id` may name (from x-sponsor-kinds), none for the connectedOrganization body */
  entitySets: string[];
  /** documented 4xx examples, each as the Prefer header that selects it (a 5xx picked on purpose is not a failure to find) */
  prefers: string[];
}

const requests = documentedRequests(spec);
const scenarios = errorScenarios(spec);
export const specOperations: SpecOperation[] = operationsOf(spec).map(({ template, method, operationId, op }) => ({
  operationId,
  method: method.toUpperCase(),
  path: template,
  statuses: Object.keys(op.responses ?? {}).map(Number),
  hasBody: op.requestBody !== undefined,
  examples: requests.filter((r) => r.operationId === operationId).map((r) => ({ name: r.name, id: r.pathParams.id, pathParams: r.pathParams, body: r.body })),
  entitySets: Object.values<string>((operations as Json)[operationId]?.sponsorKinds ?? {}),
  prefers: scenarios
    .filter((s) => s.operationId === operationId && s.status < 500)
    .flatMap((s) => [`code=${s.status}, example=${s.example}`, `example=${s.example}`]),
}));

/** The Graph permissions the operations accept (read from the spec's `security`), for the tokens below. */
const everyScope = [
  ...new Set(
    operationsOf(spec).flatMap(({ op }) => (op.security ?? spec.security ?? []).flatMap((requirement: Json) => Object.values<string[]>(requirement).flat())),
  ),
];

/** An unsigned JWT minted as `npm run token` does (src/mock/token-cli.ts), valid for a day from now. */
function mint(...argv: string[]): string {
  const result = runTokenCommand([...argv, ...(argv.includes('--expired') ? [] : ['--expires-in', '86400'])], Date.now(), entraRoleTemplates);
  if (result.code !== 0) throw new Error(result.stderr);
  return `Bearer ${result.stdout.trim()}`;
}

/**
 * A delegated token that holds every operation's permission and carries no `wids` (so no admin role is checked):
 * the mock decodes it and lets every operation through.
 */
export const validToken = mint('--scp', everyScope.join(' '));

/**
 * Tokens the oracle (test/support/contract.ts) judges from their claims alone: which pass, which get a 401
 * (expired, another audience, malformed) and which a 403 (no accepted permission, or neither `scp` nor `roles`).
 */
export const otherTokens: readonly string[] = [
  'Bearer opaque-token', // not a JWT: accepted by the mock's default `--auth open`
  mint('--roles', everyScope.join(',')), // an app token with every application permission
  mint('--scp', 'User.Read Mail.Read'), // delegated, none of the operations' permissions
  mint('--roles', 'Mail.Read'), // an app token without the permission
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJmdXp6In0.', // a JWT with neither scp nor roles
  mint('--scp', everyScope.join(' '), '--expired'),
  mint('--scp', everyScope.join(' '), '--aud', 'https://management.azure.com'),
  'Bearer bm90LWpzb24.eyJzdWIiOiJ4In0.c2ln', // header not JSON
  'Bearer eyJhbGciOiJub25lIn0.bm90LWpzb24.c2ln', // payload not JSON
  'Bearer a.b.c.d', // too many dots
];

/**
 * A documented request example as raw bytes (the answer is the operation's success status). It goes in a session
 * nobody has used (test/support/session.ts): the mock keeps state, and in a used session the same add again would
 * be a duplicate. Send the same object twice to get that duplicate.
 */
export function validRequest(op: SpecOperation, exampleIndex = 0): RawRequest {
  const ex = op.examples[exampleIndex % op.examples.length]!;
  const path = op.path.replace(/\{([^{}]+)\}/g, (_m, name: string) => encodeURIComponent(ex.pathParams[name] ?? ''));
  if (!op.hasBody) return { method: op.method, path, headers: { authorization: validToken, ...freshSession() }, label: 'valid example' };
  return {
    method: op.method,
    path,
    headers: { authorization: validToken, 'content-type': 'application/json', ...freshSession() },
    body: Buffer.from(JSON.stringify(ex.body)),
    label: 'valid example',
  };
}

/** The template with `{id}` filled in as given, and any other parameter (a remove's `{sponsorId}`) with `other`. */
function fillPath(template: string, encodedId: string, other = encodedId) {
  return template.replace(/\{([^{}]+)\}/g, (_m, name: string) => (name === 'id' ? encodedId : other));
}

// ---------- arbitraries ----------

const guid = fc.uuid();
const graphHosts = Object.values(clouds).map((o) => new URL(o).host);

/** An `@odata.id` the schema accepts: a Graph host, a version, one of the operation's entity sets, an id. */
export function validOdataId(entitySets: string[]) {
  return fc
    .record({
      host: fc.constantFrom(...graphHosts),
      version: fc.constantFrom('v1.0', 'beta'),
      set: fc.constantFrom(...entitySets),
      id: fc.oneof(
        guid,
        fc.stringMatching(/^[A-Za-z0-9._~@!$&'()*+,;=:-]{1,40}$/).filter((s) => s !== '.' && s !== '..'),
      ),
    })
    .map(({ host, version, set, id }) => `https://${host}/${version}/${set}/${id}`);
}

const badOdataId = fc.oneof(
  guid, // a bare id
  guid.map((g) => `http://graph.microsoft.com/v1.0/users/${g}`),
  guid.map((g) => `https://evil.example.com/v1.0/users/${g}`),
  guid.map((g) => `https://graph.microsoft.com.evil.example/v1.0/users/${g}`),
  guid.map((g) => `https://graph.microsoft.com/v2.0/users/${g}`),
  guid.map((g) => `https://graph.microsoft.com/v1.0/applications/${g}`),
  guid.map((g) => `https://graph.microsoft.com/v1.0/users/${g}?$select=id`),
  guid.map((g) => `https://graph.microsoft.com/v1.0/users/${g}#x`),
  fc.constant('https://graph.microsoft.com/v1.0/users/..'),
  fc.constant(''),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constant(`https://graph.microsoft.com/v1.0/users/${'a'.repeat(5000)}`),
);

const jsonScalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 20 }));

function deep(depth: number, kind: 'array' | 'object') {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Body bytes for an operation, from valid to hostile; labelled so the run can count what it sent. */
export function bodyArb(op: SpecOperation): fc.Arbitrary<{ body: Buffer | undefined; label: string }> {
  // A list or a remove takes no body; the fuzz sends none (what Graph does with one is not documented).
  if (!op.hasBody) return fc.constant({ body: undefined, label: 'no body' });
  const json = (label: string) => (v: unknown) => ({ body: Buffer.from(JSON.stringify(v)), label });
  const ref = op.entitySets.length ? validOdataId(op.entitySets) : fc.constant(undefined);
  return fc.oneof(
    fc.constantFrom(...op.examples.map((e) => e.body)).map(json('valid example body')),
    op.entitySets.length
      ? ref.map((id) => ({ '@odata.id': id })).map(json('valid generated body'))
      : fc.constantFrom(...op.examples.map((e) => e.body)).map(json('valid example body')),
    badOdataId.map((id) => ({ '@odata.id': id })).map(json('bad or foreign URL')),
    jsonScalar.map((v) => ({ '@odata.id': v })).map(json('wrong type')),
    fc.constant({}).map(json('missing property')),
    fc
      .tuple(fc.constantFrom(...op.examples.map((e) => e.body)), fc.string({ minLength: 1, maxLength: 10 }), jsonScalar)
      .map(([b, k, v]) => ({ ...b, [`x${k}`]: v }))
      .map(json('extra property')),
    fc.jsonValue({ maxDepth: 3 }).map(json('any JSON')),
    fc
      .integer({ min: 10_000, max: 300_000 })
      .map((n) => ({ '@odata.id': 'x'.repeat(n) }))
      .map(json('huge string')),
    fc.constant({ body: Buffer.alloc(3 * 1024 * 1024, 0x61), label: 'oversized body (3 MiB)' }),
    fc
      .tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
      .map(([d, k]) => ({ body: Buffer.from(`{"@odata.id":${deep(d, k)}}`), label: 'deep nesting' })),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({
      body: Buffer.concat([Buffer.from('{"@odata.id":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from(bytes), Buffer.from('"}')]),
      label: 'invalid UTF-8',
    })),
    fc
      .constantFrom('', 'not json', '{', '{"@odata.id":', 'null', '[]', '"x"', '<xml/>', '\u0000\u0001')
      .map((s) => ({ body: Buffer.from(s), label: 'non-JSON or bare JSON' })),
    fc.constant({ body: undefined, label: 'no body' }),
  );
}

export const idArb: fc.Arbitrary<{ encoded: string; label: string }> = fc.oneof(
  { weight: 3, arbitrary: guid.map((g) => ({ encoded: g, label: 'guid id' })) },
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => ({ encoded: encodeURIComponent(s), label: 'unicode id' })),
  fc
    .constantFrom('a%2Fb', '%2F', '%2e%2e', '%2E', '..', '.', '%ZZ', '%C0%AF', '%E2%82', 'a%2F..%2F..%2Fusers', '%252F', '%20')
    .map((encoded) => ({ encoded, label: 'odd encoded id' })),
  fc.constantFrom('%00', 'a%00', '%01', '%1F', 'a%0Ab', '%7F', '%0D%0A').map((encoded) => ({ encoded, label: 'control character in id' })),
  fc.integer({ min: 129, max: 6000 }).map((n) => ({ encoded: 'a'.repeat(n), label: 'very long id' })),
  fc.constant({ encoded: '', label: 'empty id' }),
);

const authArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string | string[] | undefined>(validToken) },
  { weight: 2, arbitrary: fc.constantFrom<string | string[] | undefined>(...otherTokens) },
  fc.constantFrom<string | string[] | undefined>(
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'bearer abc',
    'Token abc',
    'Bearer  a b c',
    [validToken, validToken],
    [validToken, 'Basic x'],
  ),
);

const contentTypeArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string | string[] | undefined>('application/json') },
  fc.constantFrom<string | string[] | undefined>(
    undefined,
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/json; charset=latin1',
    'text/plain',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'application/merge-patch+json',
    ';;;',
    '*/*',
    ['application/json', 'text/plain'],
  ),
);

// Headers that must not change the answer (an unparsable Accept is ignored, Origin only adds CORS headers).
const extraHeadersArb = fc.dictionary(
  fc.constantFrom('x-fuzz', 'accept', 'accept-encoding', 'consistencylevel', 'origin', 'x-ms-foo'),
  fc.oneof(
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
    fc.array(fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 20 }), { minLength: 2, maxLength: 3 }),
  ),
  { maxKeys: 3 },
);

/** A Prefer header: mostly none; a documented 4xx example of the operation, an unknown one, a mismatch, or one the mock ignores. */
const preferArb = (op: SpecOperation) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | undefined>(undefined) },
    fc.constantFrom<string | undefined>(...op.prefers),
    fc.constantFrom<string | undefined>(
      'example=noSuchExample',
      'code=400, example=' + (op.prefers[0]?.split('example=')[1] ?? 'x'),
      'code=999',
      'respond-async',
      'return=minimal',
    ),
  );

// Methods node's HTTP parser accepts, the operation's own most often; an unknown token never reaches the server's handler.
const methodArb = (op: SpecOperation) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(op.method) },
    fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'PURGE', 'SEARCH'),
  );

const afterVersion = (path: string, insert: string) => path.replace(/^\/(v1\.0|beta)\//, `/$1/${insert}`);

const pathArb = (op: SpecOperation, id: string, other: string) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant({ path: fillPath(op.path, id, other), label: '' }) },
    fc.constantFrom(
      { path: fillPath(op.path, id, other).replace('/v1.0/', '/v9.9/').replace('/beta/', '/v9.9/'), label: 'unknown version' },
      { path: fillPath(op.path, id, other).replace('/$ref', '/$refs'), label: 'unknown segment' },
      { path: fillPath(op.path, id, other).replace('/$ref', ''), label: 'no $ref' },
      { path: fillPath(op.path, id, other) + '?$select=id', label: 'query string' },
      { path: '/', label: 'root' },
      { path: '/v1.0/nothing/here', label: 'unknown path' },
      { path: fillPath(op.path, id, other).replace('/$ref', '/%24ref'), label: 'encoded $' },
    ),
    fc.constantFrom(
      { path: '//evil.example' + fillPath(op.path, id, other), label: 'path starting with //' },
      { path: 'http://evil.example' + fillPath(op.path, id, other), label: 'absolute-form target (other host)' },
      { path: afterVersion(fillPath(op.path, id, other), './'), label: 'dot segment /./' },
      { path: afterVersion(fillPath(op.path, id, other), 'x/../'), label: 'dot segment /../' },
      { path: afterVersion(fillPath(op.path, id, other), 'x/%2e%2e/'), label: 'dot segment %2e%2e' },
      { path: afterVersion(fillPath(op.path, id, other), '%2E/'), label: 'dot segment %2E' },
    ),
  );

/**
 * The session a fuzzed request names: mostly one nobody has used (named when the case is made, so a shrunk case
 * gets a new one too), which keeps each answer a function of the request alone; sometimes a name the mock refuses.
 */
const sessionArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined).map(() => ({ name: freshSessionName(), label: '' })) },
  fc.constantFrom('', 'has space', 'x'.repeat(65), 'semi;colon', 'ünï', 'a/b').map((name) => ({ name, label: 'bad session name' })),
);

/**
 * One fuzzed request against any operation; each carries its own client-request-id, which the answer must echo,
 * and its own session (see sessionArb).
 */
export const requestArb: fc.Arbitrary<RawRequest> = fc
  .constantFrom(...specOperations)
  .chain((op) =>
    fc.record({
      op: fc.constant(op),
      id: idArb,
      body: bodyArb(op),
      method: methodArb(op),
      other: guid,
      auth: authArb,
      contentType: contentTypeArb,
      prefer: preferArb(op),
      extra: extraHeadersArb,
      clientRequestId: fc.uuid(),
      session: sessionArb,
    }),
  )
  .chain(({ op, id, other, body, method, auth, contentType, prefer, extra, clientRequestId, session }) =>
    pathArb(op, op.path.includes('{id}') ? id.encoded : '', other).map((p) => {
      const headers: Record<string, string | string[]> = { ...extra, 'client-request-id': clientRequestId, [SESSION_HEADER]: session.name };
      if (auth !== undefined) headers.authorization = auth;
      if (contentType !== undefined) headers['content-type'] = contentType;
      if (prefer !== undefined) headers.prefer = prefer;
      const label = [
        method !== op.method ? `method ${method}` : '',
        p.label,
        op.path.includes('{id}') && id.label !== 'guid id' ? id.label : '',
        prefer !== undefined ? 'prefer' : '',
        session.label,
        body.label,
      ]
        .filter(Boolean)
        .join(' + ');
      return { method, path: p.path, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body.body, label };
    }),
  );

// ---------- sequences in one session (the rules that depend on state) ----------

/**
 * One step of a session's sequence: a valid add, the same add with a token lacking the permission, a reset, or a
 * list or remove of the same relation (its list and remove operations, where the spec has them).
 */
export interface SessionStep {
  kind: 'add' | 'denied' | 'reset' | 'list' | 'remove';
  operationId: string;
  targetId: string;
  /** The object `@odata.id` names: its id and the type it is created with (user or group). */
  reference: { id: string; type: 'user' | 'group' };
  /** `@odata.id`, spelled with any Graph host, either version and, for a user, any entity set that holds users. */
  odataId: string;
}

/** A token that passes authentication and holds none of the operations' permissions (a 403, changing nothing). */
export const deniedToken = otherTokens[2]!;

const relationOperations = specOperations.filter((o) => o.entitySets.length > 0 && o.path.includes('{id}'));
const kindsOf = (operationId: string): Record<string, string> => (operations as Json)[operationId].sponsorKinds;

/**
 * Sequences of adds in one session over small pools of ids (two targets per operation, three users, seven groups,
 * none in the fixture), so that duplicates, spelled alike or not, and a sixth group on one blueprint come up; the answers are
 * judged by SponsorModel (test/support/contract.ts).
 */
const poolSize = 2 * relationOperations.length + 3 + 7;
export const sessionSequenceArb: fc.Arbitrary<SessionStep[]> = fc.uniqueArray(guid, { minLength: poolSize, maxLength: poolSize }).chain((ids) => {
  // Each operation its own two targets: one id never names two objects (Graph's ids are unique across types).
  const targetsOf = new Map(relationOperations.map((o, i) => [o.operationId, ids.slice(2 * i, 2 * i + 2)]));
  const [users, groups] = [ids.slice(-10, -7), ids.slice(-7)];
  const step = fc
    .record({
      kind: fc.oneof(
        { weight: 12, arbitrary: fc.constant<SessionStep['kind']>('add') },
        { weight: 3, arbitrary: fc.constantFrom<SessionStep['kind']>('list', 'remove') },
        fc.constantFrom<SessionStep['kind']>('denied', 'reset'),
      ),
      // The blueprint (where the group limit is) more often than the others.
      op: fc.oneof(...relationOperations.map((o) => ({ weight: o.operationId.includes('Blueprint') ? 3 : 1, arbitrary: fc.constant(o) }))),
      // The first target more often, so that one target gathers many sponsors.
      target: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.constant(1)),
      reference: fc.oneof(
        fc.constantFrom(...users).map((id) => ({ id, type: 'user' as const })),
        { weight: 2, arbitrary: fc.constantFrom(...groups).map((id) => ({ id, type: 'group' as const })) },
      ),
      host: fc.constantFrom(...graphHosts),
      version: fc.constantFrom('v1.0', 'beta'),
      pick: fc.nat(),
    })
    .map(({ kind, op, target, reference, host, version, pick }): SessionStep => {
      const targetId = targetsOf.get(op.operationId)![target]!;
      // The entity sets through which this operation may name an object of that type (sponsorKinds).
      const kinds = kindsOf(op.operationId);
      const sets = Object.entries(kinds)
        .filter(([kind]) => (reference.type === 'group' ? kind === 'group' : kind !== 'group'))
        .map(([, set]) => set);
      const set = sets[pick % sets.length]!;
      const odataId = `https://${host}/${version}/${set}/${reference.id}`;
      // A list or a remove goes to the relation's own operation; where the spec has none, the step stays an add.
      const reader = kind === 'list' || kind === 'remove' ? relationReaders.get(relationKey(op.operationId)!)?.[kind] : undefined;
      if (reader) return { kind, operationId: reader, targetId, reference, odataId };
      return { kind: kind === 'list' || kind === 'remove' ? 'add' : kind, operationId: op.operationId, targetId, reference, odataId };
    });
  return fc.array(step, { minLength: 10, maxLength: 40, size: 'max' });
});

/** The raw request of one step, in the given session. */
export function stepRequest(step: SessionStep, session: Record<string, string>): RawRequest {
  if (step.kind === 'reset') return { method: 'POST', path: '/_mock/reset', headers: { ...session }, label: 'reset' };
  const op = specOperations.find((o) => o.operationId === step.operationId)!;
  if (step.kind === 'list' || step.kind === 'remove')
    return {
      method: op.method,
      path: fillPath(op.path, step.targetId, step.reference.id),
      headers: { authorization: validToken, ...session },
      label: `${step.kind} ${step.operationId}`,
    };
  return {
    method: 'POST',
    path: fillPath(op.path, step.targetId),
    headers: { authorization: step.kind === 'denied' ? deniedToken : validToken, 'content-type': 'application/json', ...session },
    body: Buffer.from(JSON.stringify({ '@odata.id': step.odataId })),
    label: `${step.kind} ${step.operationId}`,
  };
}
