// Spec-derived facts about the operations (types from generated/, never hand-copied), the id checks, the
// `@odata.id` builder, and the one table every client method is built from.
import type { components, operations as OperationTypes } from '../generated/types.js';
import { clouds, routes, type operations } from '../generated/operations.js';
import { oneOf } from './check.js';
import { InvalidIdError } from './errors.js';

export type Cloud = keyof typeof clouds;
type Operations = typeof operations;
export type OperationId = keyof Operations;
/** The Graph versions the spec's operations carry (`x-graph-version`). */
export type GraphVersion = Operations[OperationId]['version'];

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

/** The JSON body an operation takes. */
export type RequestBody<Op extends OperationId> = OperationTypes[Op] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
/** The JSON body of an operation's success answer; `void` when it has none (204). */
export type SuccessBody<Op extends OperationId> = OperationTypes[Op]['responses'][Operations[Op]['successStatus'] &
  keyof OperationTypes[Op]['responses']] extends {
  content: { 'application/json': infer B };
}
  ? B
  : void;

export type ConnectedOrganizationBody = RequestBody<'addConnectedOrganization'>;
/** A connected organization as Graph answers it (the create's 201 body). */
export type ConnectedOrganization = components['schemas']['connectedOrganization'];
/** An item of a sponsors collection: its `@odata.type` names the object's real type. */
export type DirectoryObject = components['schemas']['directoryObject'];

/** The operations of one Graph version. */
type OperationOfVersion<V extends GraphVersion> = { [K in OperationId]: Operations[K]['version'] extends V ? K : never }[OperationId];

interface MethodRow {
  /** The operation per Graph version: the `version` call option picks one; else the first, v1.0 where the row has it (a test checks the order). */
  readonly ops: { readonly [V in GraphVersion]?: OperationOfVersion<V> };
  /** Label of the owner id (the path's first parameter) in error messages; absent for a create. */
  readonly owner?: string;
}

/**
 * One row per client method: its operation in each Graph version, and the label its owner id gets in error
 * messages. What the method does (add, list, remove or create) is read from the operation's metadata, so the
 * client builds every method from its row and tests read the same table. The JSDoc of a row is the method's.
 */
export const sponsorMethods = {
  /** POST …/connectedOrganizations/{id}/internalSponsors/$ref */
  addInternalSponsor: {
    ops: { 'v1.0': 'addConnectedOrganizationInternalSponsor', beta: 'addConnectedOrganizationInternalSponsorBeta' },
    owner: 'connectedOrganizationId',
  },
  /** POST /users/{id}/sponsors/$ref */
  addUserSponsor: { ops: { 'v1.0': 'addUserSponsor', beta: 'addUserSponsorBeta' }, owner: 'userId' },
  /** POST /applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors/$ref */
  addAgentIdentityBlueprintSponsor: {
    ops: { 'v1.0': 'addAgentIdentityBlueprintSponsorV1', beta: 'addAgentIdentityBlueprintSponsor' },
    owner: 'applicationId',
  },
  /** GET /users/{id}/sponsors, every page */
  listUserSponsors: { ops: { 'v1.0': 'listUserSponsors' }, owner: 'userId' },
  /** GET …/connectedOrganizations/{id}/internalSponsors, every page */
  listInternalSponsors: { ops: { 'v1.0': 'listConnectedOrganizationInternalSponsors' }, owner: 'connectedOrganizationId' },
  /** GET /applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors, every page */
  listAgentIdentityBlueprintSponsors: { ops: { 'v1.0': 'listAgentIdentityBlueprintSponsors' }, owner: 'applicationId' },
  /** DELETE /users/{id}/sponsors/{sponsorId}/$ref */
  removeUserSponsor: { ops: { 'v1.0': 'removeUserSponsor' }, owner: 'userId' },
  /** DELETE …/connectedOrganizations/{id}/internalSponsors/{sponsorId}/$ref */
  removeInternalSponsor: { ops: { 'v1.0': 'removeConnectedOrganizationInternalSponsor' }, owner: 'connectedOrganizationId' },
  /** DELETE /applications/{id}/microsoft.graph.agentIdentityBlueprint/sponsors/{sponsorId}/$ref */
  removeAgentIdentityBlueprintSponsor: { ops: { 'v1.0': 'removeAgentIdentityBlueprintSponsor' }, owner: 'applicationId' },
  /** POST …/connectedOrganizations: resolves the created connectedOrganization (201) */
  createConnectedOrganization: { ops: { 'v1.0': 'createConnectedOrganization', beta: 'createConnectedOrganizationBeta' } },
  /** @deprecated The published Graph API creates a connected organization with POST …/connectedOrganizations (201): use createConnectedOrganization. */
  addConnectedOrganization: { ops: { beta: 'addConnectedOrganization' } },
} as const satisfies Record<string, MethodRow>;

export type SponsorMethodName = keyof typeof sponsorMethods;

/** An operation's Graph version from its path: the first segment (scripts/generate.mjs checks every path starts with it). */
export const versionOf = (path: string): string => path.split('/')[1]!;

/**
 * Refuses ids that would send a wrong URL: `.`/`..` collapse the path, empty leaves `{id}` in it, and a lone
 * surrogate cannot be percent-encoded (encodeURIComponent would throw a URIError).
 */
export function assertValidId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidIdError(`${what} must be a string, got ${typeof value}`);
  if (/^\.{0,2}$/.test(value)) {
    throw new InvalidIdError(`${what} must not be empty, "." or ".." (got ${JSON.stringify(value)})`);
  }
  // isWellFormed (ES2024): false exactly when a surrogate is unpaired. Node 20.0+, Chrome 111+, Safari 16.4+, Firefox 119+ (MDN).
  if (!value.isWellFormed()) throw new InvalidIdError(`${what} contains a lone UTF-16 surrogate`);
}

/** `@odata.id` read URL of a sponsor: cloud origin / operation version / entity set / encoded id. */
export function sponsorODataId<Op extends SponsorOperationId>(cloud: Cloud, operationId: Op, sponsor: Sponsor<Op>): string {
  const { sponsorKinds, path } = routes[operationId];
  const set = oneOf(`${operationId}: sponsor kind`, sponsorKinds, sponsor?.kind);
  assertValidId(sponsor.id, 'sponsor id');
  return `${clouds[cloud]}/${versionOf(path)}/${set}/${encodeURIComponent(sponsor.id)}`;
}
