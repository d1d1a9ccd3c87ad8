// Whether a request meets an operation's security: prism-http/dist/validator/validators/security/index.js and
// handlers/*.js. One alternative met is enough; when none is, the result is Prism's single diagnostic: the first
// failure, tagged with every alternative's WWW-Authenticate challenge.
import { ERROR, WARNING, type Diagnostic, type StaticOperation, type StaticScheme } from './operation.js';
import type { EngineRequest } from '../engine.js';

type Result = Diagnostic | undefined;

const unauthorised = (challenge?: string): Diagnostic => ({
  severity: ERROR,
  message: 'Invalid security scheme used',
  code: 401,
  tags: challenge ? [challenge] : [],
});
const when = (condition: unknown, challenge?: string): Result => (condition ? undefined : unauthorised(challenge));

const header = (request: EngineRequest, name: string): unknown => (request.headers as Record<string, unknown> | undefined)?.[name];

/** bearer.js: `Authorization: Bearer <something>`. */
const bearer = (challenge: string) => (request: EngineRequest) => {
  const authorization = header(request, 'authorization');
  return when(authorization != null && !!/^Bearer\s.+$/.exec(authorization as string), challenge);
};

/** Buffer.from(token, 'base64').toString() split on ':' has two parts: one ':' byte in the decoded bytes. */
function isBasicToken(token: string): boolean {
  // Node decodes base64 and base64url alike, skipping what is neither and stopping at the padding.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let bits = 0;
  let count = 0;
  let colons = 0;
  for (const char of token) {
    if (char === '=') break;
    let value = alphabet.indexOf(char);
    if (char === '-') value = 62;
    if (char === '_') value = 63;
    if (value < 0) continue;
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      if (((bits >> count) & 0xff) === 0x3a) colons++;
    }
  }
  return colons === 1;
}

const basicChallenge = 'Basic realm="*"';
const digestChallenge = 'Digest realm="*", nonce="abc123"';

/** basicAuth.js. */
function httpBasic(request: EngineRequest): Result {
  const authorization = (header(request, 'authorization') ?? '') as string;
  if (!authorization) return unauthorised(basicChallenge);
  const [scheme, token] = authorization.split(' ');
  if (scheme!.toLowerCase() !== 'basic') return unauthorised(basicChallenge);
  return when(!!(token && isBasicToken(token)));
}

/** digestAuth.js. */
function httpDigest(request: EngineRequest): Result {
  const authorization = (header(request, 'authorization') ?? '') as string;
  if (!authorization) return unauthorised(digestChallenge);
  const [scheme, ...info] = authorization.split(' ');
  const joined = info.join('');
  const given =
    joined.includes('username=') &&
    joined.includes('realm=') &&
    joined.includes('nonce=') &&
    joined.includes('uri=') &&
    joined.includes('response=') &&
    info.every((param) => /(?:'|")([a-z0-9]*)(?:'|")/.test(param));
  if (scheme!.toLowerCase() !== 'digest') return unauthorised(digestChallenge);
  return when(given);
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** apiKey.js. */
function apiKey(where: string | undefined, request: EngineRequest, name: string): Result | 'unsupported' {
  if (where === 'header') return when(!!header(request, name.toLowerCase()));
  if (where === 'query') return when((request.url.query as Record<string, unknown> | undefined)?.[name]);
  if (where === 'cookie') {
    const cookie = header(request, 'cookie');
    return when(cookie != null && new RegExp(`${escapeRegExp(name)}=.+`).test(cookie as string));
  }
  return 'unsupported';
}

const unsupported = (scheme: string): Diagnostic => ({ message: `We currently do not support this type of security scheme: ${scheme}`, severity: WARNING });

/** handlers/index.js findSecurityHandler + the handler's answer. */
function check(scheme: StaticScheme, request: EngineRequest): Result {
  switch (scheme.type) {
    case 'openIdConnect':
      return bearer('OpenID')(request);
    case 'oauth2':
      return bearer('OAuth2')(request);
    case 'http':
      if (scheme.scheme === 'bearer') return bearer('Bearer')(request);
      if (scheme.scheme === 'basic') return httpBasic(request);
      if (scheme.scheme === 'digest') return httpDigest(request);
      return unsupported(`http/${scheme.scheme}`);
    case 'apiKey': {
      const result = apiKey(scheme.in, request, scheme.name ?? '');
      return result === 'unsupported' ? unsupported(`apiKey/${scheme.in}`) : result;
    }
    case 'none':
      return none(request);
    default:
      return unsupported(scheme.type);
  }
}

/** none.js: no Authorization at all (an empty alternative). */
const none = (request: EngineRequest): Result => when(header(request, 'authorization') == undefined, 'None');

/** security/index.js validateSecurity: undefined when met, else Prism's one (tagged) diagnostic. */
export function validateSecurity(op: StaticOperation, request: EngineRequest): Diagnostic | undefined {
  const alternatives = op.security ?? [];
  if (alternatives.length === 0) return undefined;
  const failures: Diagnostic[] = [];
  for (const alternative of alternatives) {
    const found = alternative.map((scheme) => check(scheme, request)).filter((d): d is Diagnostic => d !== undefined);
    if (alternative.length === 0) {
      const optional = none(request);
      if (optional) found.push(optional);
    }
    if (found.length === 0) return undefined;
    failures.push(...found);
  }
  return { ...failures[0]!, tags: failures.flatMap((failure) => failure.tags ?? []) };
}
