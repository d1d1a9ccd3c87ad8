// Public entry point of the typed client.
export { createGraphClient, assertValidId, sponsorODataId } from './client.js';
export type {
  GraphClient,
  GraphClientOptions,
  CallOptions,
  Cloud,
  OperationId,
  SponsorOperationId,
  SponsorKind,
  Sponsor,
  ConnectedOrganizationBody,
} from './client.js';
export { GraphError, InvalidIdError, isGraphErrorBody } from './errors.js';
export type { GraphErrorBody, GraphErrorInit } from './errors.js';
export { parseRetryAfter, defaultRetry, retryableStatuses } from './retry.js';
export type { RetryOptions } from './retry.js';
// Spec-derived metadata and types, so callers need no second import.
export { clouds, operations } from '../generated/operations.js';
export type { paths, components, operations as OperationTypes } from '../generated/types.js';
