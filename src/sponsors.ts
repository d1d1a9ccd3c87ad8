// Spec-derived facts about the operations (types from generated/, never hand-copied), the id checks, the
// `@odata.id` builder, and the one table the client's sponsor methods are built from.
import type { operations as OperationTypes } from '../generated/types.js';
import { clouds, operations } from '../generated/operations.js';
import { InvalidIdError } from './errors.js';

export type Cloud = keyof typeof clouds;
type Operations = typeof operations;
export type OperationId = keyof Operations;

/** Operations whose body is a sponsor reference (`@odata.id`). */
export type SponsorOperationId = {
  [K in OperationId]: Operations[K] extends { sponsorKinds: object } ? K : never;
}[OperationId];

/** The sponsor kinds an operation accepts, read from the spec's `x-sponsor-kinds`. */
export type SponsorKind<Op extends SponsorOperationId> = keyof Operations[Op]['sponsorKinds'] & string;

export interface Sponsor<Op extends SponsorOperationId> {
  kind: SponsorKind<Op>;
  /** Object id of the user, group or directoryObject; percent-encoded into the `@odata.id` URL. */
  id: string;
}

export type ConnectedOrganizationBody = OperationTypes['addConnectedOrganization']['requestBody']['content']['application/json'];

/**
 * One row per sponsor operation: client method name → operationId, and the label its owner id gets in
 * error messages. The client builds each method from its row; tests read the same table.
 */
export const sponsorMethods = {
  addInternalSponsor: { op: 'addConnectedOrganizationInternalSponsor', owner: 'connectedOrganizationId' },
  addUserSponsor: { op: 'addUserSponsor', owner: 'userId' },
  addAgentIdentityBlueprintSponsor: { op: 'addAgentIdentityBlueprintSponsor', owner: 'applicationId' },
} as const satisfies Record<string, { op: SponsorOperationId; owner: string }>;

export type SponsorMethodName = keyof typeof sponsorMethods;

// With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only
// (String.prototype.isWellFormed is ES2024: Safari 16.4+, Firefox 119+).
const loneSurrogate = /[\uD800-\uDFFF]/u;

/**
 * Refuses ids that would send a wrong URL: `.`/`..` collapse the path, empty leaves `{id}` in it, and a lone
 * surrogate cannot be percent-encoded (encodeURIComponent would throw a URIError).
 */
export function assertValidId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidIdError(`${what} must be a string, got ${typeof value}`);
  if (value === '' || value === '.' || value === '..') {
    throw new InvalidIdError(`${what} must not be empty, "." or ".." (got ${JSON.stringify(value)})`);
  }
  if (loneSurrogate.test(value)) throw new InvalidIdError(`${what} contains a lone UTF-16 surrogate, which no URL can carry`);
}

/** `@odata.id` read URL of a sponsor: cloud origin / operation version / entity set / encoded id. */
export function sponsorODataId<Op extends SponsorOperationId>(cloud: Cloud, operationId: Op, sponsor: Sponsor<Op>): string {
  const meta = operations[operationId];
  const kinds = meta.sponsorKinds as Record<string, string>;
  if (!Object.hasOwn(kinds, sponsor?.kind)) {
    throw new RangeError(`${operationId} accepts sponsor kinds ${Object.keys(kinds).join(', ')}; got ${JSON.stringify(sponsor?.kind)}`);
  }
  assertValidId(sponsor.id, 'sponsor id');
  return `${clouds[cloud]}/${meta.version}/${kinds[sponsor.kind]}/${encodeURIComponent(sponsor.id)}`;
}
