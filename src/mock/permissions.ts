// What a token must hold to call an operation, read from the spec (never listed here), and the check itself.
// compilePermissions() reads each operation's `security` (scheme microsoftIdentityPlatform) and its
// `x-permissions`; authorize() answers Graph's 403 when the token falls short. Pure: no I/O.

import { operationsOf, type Operation, type Spec } from '../spec/walk.js';
import type { AuthFailure, JwtClaims } from './token.js';

/** The accepted permissions and admin roles (template ids) of one operation. Empty lists check nothing. */
export interface OperationPermissions {
  delegated: string[];
  application: string[];
  /** Roles one of which a delegated caller carrying `wids` must hold (Global Administrator always counts). */
  delegatedRoles: string[];
  /** Roles that let an app call without the application permission (held in the app token's `wids`). */
  applicationRoles: string[];
  /**
   * Delegated roles that count only when the path's target is an agent user (the sponsor pages' "Agent ID
   * Administrator - For agent users": `leastPrivilegedRolesForAgentUsers`).
   */
  agentUserRoles: string[];
  /** Property of the target object listing its owners, when owners need no admin role (the spec's ownerRule). */
  ownerProperty?: string;
}

/** The part of a directory object authorize() reads (a DirectoryObject of src/mock/directory.ts fits). */
interface Target {
  type?: string;
  properties: Record<string, unknown>;
}

/** The OAuth scheme of the spec whose scopes are Graph permissions. */
const SCHEME = 'microsoftIdentityPlatform';

/**
 * Global Administrator's template id. The role holds every directory permission
 * (microsoft.directory/allEntities/allProperties/allTasks in Microsoft's built-in roles reference), so it passes
 * wherever a least-privileged role is named; the seed pages list only the least-privileged ones.
 */
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** least- and higher-privileged permissions of one `x-permissions` entry. */
const listed = (entry: unknown): string[] => [...strings(record(entry).leastPrivileged), ...strings(record(entry).higherPrivileged)];

/** The scopes the operation's (or the document's) security requirements name for the Graph scheme. */
function securityScopes(spec: Spec, op: Operation): string[] {
  const requirements = op.security ?? spec.security;
  return Array.isArray(requirements) ? requirements.flatMap((requirement) => strings(record(requirement)[SCHEME])) : [];
}

const unique = (values: string[]): string[] => [...new Set(values)];

/** Role names → template ids through the generated table; a name it lacks is a bug of the spec or table. */
function roleIds(names: string[], roleTemplates: Record<string, string>, operationId: string): string[] {
  return names.map((name) => {
    const id = roleTemplates[name];
    if (id === undefined) throw new Error(`${operationId}: role "${name}" has no template id in the role table`);
    return id;
  });
}

/** operationId → what the operation accepts, for every operation of the spec. */
export function compilePermissions(spec: Spec, roleTemplates: Record<string, string>): Map<string, OperationPermissions> {
  const compiled = new Map<string, OperationPermissions>();
  for (const { operationId, op } of operationsOf(spec)) {
    const permissions = record(op['x-permissions']);
    const adminRoles = record(permissions.adminRoles);
    const scopes = securityScopes(spec, op);
    const entry: OperationPermissions = {
      delegated: unique([...scopes, ...listed(permissions.delegatedWorkOrSchool)]),
      application: unique([...scopes, ...listed(permissions.application)]),
      delegatedRoles: roleIds(strings(record(adminRoles.delegatedWorkOrSchool).leastPrivilegedRoles), roleTemplates, operationId),
      applicationRoles: roleIds(strings(record(adminRoles.application).leastPrivilegedRoles), roleTemplates, operationId),
      agentUserRoles: roleIds(strings(record(adminRoles.delegatedWorkOrSchool).leastPrivilegedRolesForAgentUsers), roleTemplates, operationId),
    };
    // The blueprint page: owners "can modify only the resources they own, even without an Agent ID role".
    // Applications list their owners in `owners` (Graph's navigation property of that name).
    if (adminRoles.ownerRule !== undefined) entry.ownerProperty = 'owners';
    compiled.set(operationId, entry);
  }
  return compiled;
}

// Graph's 403 for a token without the permission or the role, observed in many threads (e.g.
// github.com/microsoftgraph/python-sample-auth/issues/12) and held by the spec as authorizationRequestDenied.
const denied: AuthFailure = { status: 403, example: 'authorizationRequestDenied', headers: {} };

/** Permission names compare case-insensitively, as Entra treats scope values. */
const holdsOne = (held: readonly string[], accepted: readonly string[]): boolean => {
  const wanted = new Set(accepted.map((p) => p.toLowerCase()));
  return held.some((p) => wanted.has(p.toLowerCase()));
};

const isOwner = (perms: OperationPermissions, claims: JwtClaims, target: Target | undefined): boolean =>
  perms.ownerProperty !== undefined &&
  typeof claims.oid === 'string' &&
  strings(target?.properties[perms.ownerProperty]).some((id) => id.toLowerCase() === claims.oid!.toLowerCase());

/**
 * The 403 a (valid) token earns on an operation, or undefined when it may call it.
 * - Delegated (`scp`): one accepted permission in `scp`; and when the token carries `wids` and the operation
 *   names admin roles, one of them or Global Administrator among the `wids`, unless the caller's `oid` is an
 *   owner of the target (where the operation has the owner rule), or one of the agent-user roles when the target
 *   is an agent user. A token without `wids` is not role-checked:
 *   Entra leaves the claim out for some sign-ins, and the mock then cannot know the roles.
 * - Application (`roles`, no `scp`): one accepted permission in `roles`, or one of the operation's application
 *   roles in `wids` (internal sponsors: Identity Governance Administrator instead of the permission).
 * - Neither claim: denied. (Graph then answers "Either scp or roles claim need to be present in the token." on
 *   some workloads, seen only from SharePoint-backed ones; the spec's authorizationRequestDenied is used.)
 */
export function authorize(perms: OperationPermissions, claims: JwtClaims, target?: Target): AuthFailure | undefined {
  const scp = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
  const wids = strings(claims.wids);
  if (scp.length > 0) {
    if (perms.delegated.length > 0 && !holdsOne(scp, perms.delegated)) return denied;
    if (claims.wids === undefined || perms.delegatedRoles.length === 0) return undefined;
    if (holdsOne(wids, [...perms.delegatedRoles, GLOBAL_ADMINISTRATOR])) return undefined;
    if (target?.type === 'agentUser' && holdsOne(wids, perms.agentUserRoles)) return undefined;
    return isOwner(perms, claims, target) ? undefined : denied;
  }
  const roles = strings(claims.roles);
  if (roles.length === 0 && wids.length === 0) return perms.application.length === 0 ? undefined : denied;
  if (perms.application.length === 0 || holdsOne(roles, perms.application)) return undefined;
  return holdsOne(wids, perms.applicationRoles) ? undefined : denied;
}
