// Public entry point of the typed client.
export { createGraphClient } from './client.js';
export type { GraphClient, GraphClientOptions, IfExists, CallOptions, VersionOptions, AddOptions, ListOptions, ClientMethods } from './client.js';
export type { BulkAddResult, BulkMethods } from './batch.js';
export { createRawClient } from './raw.js';
export type { RawClient, RawClientOptions } from './raw.js';
export { tokenAuthorizer, callbackAuthorizer } from './auth.js';
export type { Authorizer } from './auth.js';
export { credentialAuthorizer, graphScope } from './credential.js';
export type { TokenCredential, AccessToken, GetTokenOptions } from './credential.js';
export { assertValidId, sponsorODataId } from './sponsors.js';
export type {
  Cloud,
  GraphVersion,
  OperationId,
  SponsorOperationId,
  SponsorKind,
  Sponsor,
  ConnectedOrganizationBody,
  ConnectedOrganization,
  DirectoryObject,
} from './sponsors.js';
export { GraphError, InvalidIdError, isGraphErrorBody } from './errors.js';
export type { GraphErrorBody, GraphErrorInit } from './errors.js';
export { parseRetryAfter, defaultRetry, retryableStatuses, maxAttemptsLimit } from './retry.js';
export type { RetryOptions } from './retry.js';
export { defaultTimeoutMs } from './abort.js';
export { defaultMaxPages } from './paging.js';
// Spec-derived metadata and types, so callers need no second import.
export { clouds, operations, errorExamples } from '../generated/operations.js';
export type { GraphErrorName } from '../generated/operations.js';
export type { paths, components, operations as OperationTypes } from '../generated/types.js';
