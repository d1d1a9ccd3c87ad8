// Reads the bearer token of a request the way Microsoft Graph does, minus the signature: the mock decodes a JWT
// and checks its lifetime and audience, and answers each failure with Graph's own 401 (an example of the spec's
// Unauthorized response, by name). Pure: no clock, no I/O; `now` is passed in (milliseconds since the epoch).
//
// The order of the checks follows Microsoft.IdentityModel's JsonWebTokenHandler, which produces Graph's IDX…
// answers: shape (dots) → header → payload → lifetime → audience. The signature is NOT checked (say so to users:
// any unsigned token with the right claims passes).

/** The claims the mock reads; any other claim is kept as it is. Times are seconds since the epoch (RFC 7519). */
export interface JwtClaims {
  aud?: string | string[];
  iss?: string;
  tid?: string;
  oid?: string;
  upn?: string;
  /** Delegated permissions, space-separated. */
  scp?: string;
  /** Application permissions. */
  roles?: string[];
  /** Directory role template ids of the signed-in user (delegated) or of the app's service principal. */
  wids?: string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  [claim: string]: unknown;
}

export type BearerToken =
  | { kind: 'none' } // no Authorization / not Bearer / empty
  | { kind: 'opaque'; value: string } // not a JWT (no two dots)
  | { kind: 'malformed'; reason: string } // three parts but not base64url JSON (or too large, or too many dots)
  | { kind: 'jwt'; header: Record<string, unknown>; claims: JwtClaims };

/** A failure of authentication (401) or authorization (403): the spec example to answer with, and headers. */
export interface AuthFailure {
  status: 401 | 403;
  /** Name of an example under `components.examples` (the 401/403 response of every operation holds it). */
  example: string;
  /** Replaces the example's message; unset, the example's own message is Graph's. */
  message?: string;
  headers: Record<string, string>;
}

/**
 * The challenge Graph sends with every 401, observed in Graph's answer of 2022-09-23 quoted in
 * github.com/microsofthackathons/tdi/issues/24 and matching Microsoft's "Claims challenges" page. The spec holds
 * it as the example of components/headers/WWW-Authenticate.yaml; test/mock.token.test.ts checks the two agree.
 * Graph's 403 was not observed with a WWW-Authenticate, so a 403 carries none.
 */
const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/**
 * Bounded work: a token over 16 KiB is refused without decoding it. Entra tokens stay far below (a user in many
 * groups gets a `hasgroups` claim instead of a list), and Node's default limit on all headers is 16 KiB anyway.
 */
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Clock skew allowed on `exp` and `nbf`: 5 minutes, Microsoft.IdentityModel's TokenValidationParameters
 * .DefaultClockSkew (300 s), which Entra-protected APIs use unless they change it.
 */
const CLOCK_SKEW_SECONDS = 300;

/** Microsoft Graph's audiences: its resource URI and its application id, with or without a trailing `/`. */
const GRAPH_AUDIENCES = new Set(['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000']);

// The example (spec name) for each way a token fails; the texts and their sources are in the examples.
const MALFORMED_EXAMPLE: Record<string, string> = {
  oversize: 'tokenTooLarge',
  segments: 'tokenTooManyDots',
  header: 'tokenHeaderNotDecodable',
  payload: 'tokenPayloadNotDecodable',
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BEARER = /^Bearer[ \t]+(.*)$/is;

const utf8 = new TextDecoder();

/**
 * The UTF-8 text a base64url segment (alphabet and length already checked) encodes. atob and TextDecoder, not
 * Buffer, so the handlers run this in a browser; like Buffer, a bad UTF-8 sequence reads as U+FFFD.
 */
function base64urlText(segment: string): string {
  const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return utf8.decode(bytes);
}

/** The JSON object a base64url segment encodes, or undefined when it is not one. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  // The alphabet is checked first (a base64url segment has no '+', '/' or padding); length 4n+1 is no valid
  // base64 either.
  if (segment === '' || !BASE64URL.test(segment) || segment.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(base64urlText(segment));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isNumberOrAbsent = (value: unknown): boolean => value === undefined || (typeof value === 'number' && Number.isFinite(value));

/** What the `Authorization` header holds. The scheme is case-insensitive (RFC 9110 §11.1). */
export function readBearer(authorization: string | undefined): BearerToken {
  const match = authorization === undefined ? null : BEARER.exec(authorization.trim());
  const value = match?.[1]?.trim() ?? '';
  if (value === '') return { kind: 'none' };
  if (value.length > MAX_TOKEN_LENGTH) return { kind: 'malformed', reason: 'oversize' };
  const parts = value.split('.');
  if (parts.length < 3) return { kind: 'opaque', value };
  if (parts.length > 3) return { kind: 'malformed', reason: 'segments' };
  const header = decodeSegment(parts[0]!);
  if (!header) return { kind: 'malformed', reason: 'header' };
  const claims = decodeSegment(parts[1]!);
  // exp/nbf that are not numbers make IdentityModel fail while reading the payload, before any lifetime check.
  if (!claims || !isNumberOrAbsent(claims.exp) || !isNumberOrAbsent(claims.nbf)) return { kind: 'malformed', reason: 'payload' };
  return { kind: 'jwt', header, claims };
}

// A client sends the same token with every request, and decoding a JWT (base64url, then JSON) is most of what the
// token checks cost (~13 µs a request under the bench's load). readBearer is pure, so its last answers are kept:
// at most RECENT_TOKENS headers (each at most MAX_TOKEN_LENGTH), the oldest dropped first. Claims are only read.
const RECENT_TOKENS = 256;
const recent = new Map<string, BearerToken>();

/** readBearer, remembering the last few headers it read. */
export function readBearerCached(authorization: string | undefined): BearerToken {
  if (authorization === undefined) return readBearer(undefined);
  const known = recent.get(authorization);
  if (known) return known;
  const token = readBearer(authorization);
  if (recent.size >= RECENT_TOKENS) recent.delete(recent.keys().next().value!);
  recent.set(authorization, token);
  return token;
}

const unauthorized = (example: string): AuthFailure => ({ status: 401, example, headers: { 'www-authenticate': WWW_AUTHENTICATE } });

/** True when `aud` names Microsoft Graph (an array passes when one of its entries does). */
function isGraphAudience(aud: unknown): boolean {
  const accepted = (value: unknown) => typeof value === 'string' && GRAPH_AUDIENCES.has(value.replace(/\/$/, ''));
  return Array.isArray(aud) ? aud.some(accepted) : accepted(aud);
}

/**
 * The 401 a token earns, or undefined when it passes authentication. An opaque token passes with `auth: 'open'`
 * (the mock's default, so any `Bearer x` works as before) and fails with `auth: 'strict'`. A JWT without `exp`
 * passes (hand-made test tokens often lack it); one without `aud` passes too.
 */
export function tokenFailure(token: BearerToken, options: { auth: 'open' | 'strict'; now: number }): AuthFailure | undefined {
  switch (token.kind) {
    case 'none':
      return unauthorized('invalidAuthenticationToken');
    case 'opaque':
      if (options.auth === 'open') return undefined;
      return unauthorized(token.value.includes('.') ? 'tokenOneDot' : 'tokenNoDots');
    case 'malformed':
      return unauthorized(MALFORMED_EXAMPLE[token.reason] ?? 'tokenHeaderNotDecodable');
    case 'jwt': {
      const seconds = options.now / 1000;
      const { exp, nbf, aud } = token.claims;
      if (exp !== undefined && seconds > exp + CLOCK_SKEW_SECONDS) return unauthorized('tokenExpired');
      if (nbf !== undefined && seconds < nbf - CLOCK_SKEW_SECONDS) return unauthorized('tokenNotYetValid');
      if (aud !== undefined && !isGraphAudience(aud)) return unauthorized('invalidAudience');
      return undefined;
    }
  }
}
