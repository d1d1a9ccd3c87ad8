// `npm run token -- …` (and `graph-sponsors-mock token …`): prints an unsigned JWT with the chosen claims, for
// calling the mock like Dev Proxy's `jwt create`. runTokenCommand() is pure (argv and clock in, text out);
// scripts/token.ts runs it. No main guard here: the mock's CLI is one esbuild bundle, where this module's
// import.meta.url would be the CLI's own and a guard would fire on every `graph-sponsors-mock` run.

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

// Microsoft's documentation placeholders for ids (learn.microsoft.com uses this pattern), so a default never
// names a real tenant or user.
const DEFAULT_TID = 'aaaabbbb-0000-cccc-1111-dddd2222eeee';
const DEFAULT_OID = '00aa00aa-bb11-cc22-dd33-44ee44ee44ee';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A year: longer lifetimes are a typo more likely than an intent (Entra's tokens live 60–90 minutes). */
const MAX_LIFETIME = 365 * 24 * 3600;

const USAGE = `Usage: npm run token -- [options]      (or: graph-sponsors-mock token [options])

Prints an unsigned JWT (alg "none") for the mock. The mock decodes it and checks the claims; it does not check
a signature, and Microsoft Graph rejects such a token.

  --scp "A B"          delegated permissions, space-separated (e.g. User.ReadWrite.All)
  --roles A,B          application permissions, comma-separated
  --wids A,B           directory roles: names (e.g. "User Administrator") or role template ids, comma-separated
  --tid ID             tenant id (default ${DEFAULT_TID})
  --oid ID             object id of the user or app (default ${DEFAULT_OID})
  --upn NAME           userPrincipalName (delegated tokens)
  --aud AUDIENCE       audience (default https://graph.microsoft.com)
  --expires-in SECONDS lifetime from now (default 3600)
  --expired            a token that expired an hour ago
  --help               this text
`;

const VALUED = ['--scp', '--roles', '--wids', '--tid', '--oid', '--upn', '--aud', '--expires-in'] as const;
type Valued = (typeof VALUED)[number];
const isValued = (name: string): name is Valued => (VALUED as readonly string[]).includes(name);

class UsageError extends Error {}

/** `--name value` and `--name=value` into a map; flags (`--expired`, `--help`) map to ''. */
function parseArgs(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (options.has(name)) throw new UsageError(`${name} given twice`);
    if (name === '--expired' || name === '--help') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      options.set(name, '');
    } else if (isValued(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
      options.set(name, value);
    } else {
      throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument ${JSON.stringify(arg)}`);
    }
  }
  return options;
}

const list = (value: string | undefined): string[] | undefined =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Role names or template ids → template ids, through the generated role table. */
function widsOf(value: string | undefined, roleTemplates: Readonly<Record<string, string>>): string[] | undefined {
  return list(value)?.map((item) => {
    if (GUID.test(item)) return item.toLowerCase();
    const id = roleTemplates[item] ?? Object.entries(roleTemplates).find(([name]) => name.toLowerCase() === item.toLowerCase())?.[1];
    if (id === undefined)
      throw new UsageError(`--wids: unknown role "${item}"; give its template id, or one of: ${Object.keys(roleTemplates).join(', ') || '(no role table)'}`);
    return id;
  });
}

function guidOption(options: Map<string, string>, name: '--tid' | '--oid', fallback: string): string {
  const value = options.get(name) ?? fallback;
  if (!GUID.test(value)) throw new UsageError(`${name} must be a GUID, not ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

/** The token's lifetime: [nbf, exp] in seconds since the epoch. */
function lifetime(options: Map<string, string>, nowSeconds: number): [number, number] {
  if (options.has('--expired')) {
    if (options.has('--expires-in')) throw new UsageError('give --expired or --expires-in, not both');
    // Expired an hour ago: well past the 5-minute clock skew the mock (like Entra's APIs) allows.
    return [nowSeconds - 7200, nowSeconds - 3600];
  }
  const raw = options.get('--expires-in') ?? '3600';
  const seconds = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds > 0 && seconds <= MAX_LIFETIME))
    throw new UsageError(`--expires-in must be whole seconds from 1 to ${MAX_LIFETIME}, not ${JSON.stringify(raw)}`);
  return [nowSeconds, nowSeconds + seconds];
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Runs `token` with its arguments at time `now` (ms since the epoch). `roleTemplates` maps role names to template
 * ids (generated/entra-roles.ts); without it, --wids takes template ids only.
 */
export function runTokenCommand(argv: string[], now: number, roleTemplates: Readonly<Record<string, string>> = {}): CommandResult {
  try {
    const options = parseArgs(argv);
    if (options.has('--help')) return { stdout: USAGE, stderr: '', code: 0 };
    const iat = Math.floor(now / 1000);
    const [nbf, exp] = lifetime(options, iat);
    const tid = guidOption(options, '--tid', DEFAULT_TID);
    const scp = options.get('--scp')?.trim().split(/\s+/).filter(Boolean).join(' ');
    const roles = list(options.get('--roles'));
    const wids = widsOf(options.get('--wids'), roleTemplates);
    const claims = {
      aud: options.get('--aud') ?? 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${tid}/`,
      iat: options.has('--expired') ? nbf : iat,
      nbf,
      exp,
      // Entra marks app-only tokens with idtyp "app" (an optional claim); the mock tells them apart by scp/roles.
      ...(scp ? {} : roles ? { idtyp: 'app' } : {}),
      oid: guidOption(options, '--oid', DEFAULT_OID),
      ...(roles ? { roles } : {}),
      ...(scp ? { scp } : {}),
      tid,
      ...(options.has('--upn') ? { upn: options.get('--upn') } : {}),
      ver: '1.0',
      ...(wids ? { wids } : {}),
    };
    return { stdout: `${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims)}.\n`, stderr: '', code: 0 };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { stdout: '', stderr: `token: ${error.message} (see --help)\n`, code: 2 };
  }
}
