// Test tokens for the mock's end-to-end tests: the CLI's own builder (runTokenCommand, with the generated role
// table) for the common cases, and a raw builder for claims the CLI does not offer (an nbf in the future).
// Unsigned (alg "none"): the mock decodes a JWT and does not check its signature.
import { entraRoleTemplates } from '../../generated/entra-roles.js';
import { runTokenCommand } from '../../src/mock/token-cli.js';

/** A token from `npm run token -- …argv` at time `now`; throws with the CLI's stderr when it refuses the arguments. */
export function token(argv: string[], now: number = Date.now()): string {
  const { stdout, stderr, code } = runTokenCommand(argv, now, entraRoleTemplates);
  if (code !== 0) throw new Error(`token ${argv.join(' ')}: ${stderr}`);
  return stdout.trim();
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** An unsigned JWT with exactly these claims (nothing added). */
export function rawJwt(claims: Record<string, unknown>): string {
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims)}.`;
}

/** The claims of a token (its second segment), to check what the builder put in. */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A role's template id, from the generated table (the names are the spec's). */
export function roleId(name: string): string {
  const id = (entraRoleTemplates as Record<string, string>)[name];
  if (id === undefined) throw new Error(`no role ${name} in generated/entra-roles.ts`);
  return id;
}
