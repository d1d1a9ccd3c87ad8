// npm run token -- …: prints an unsigned JWT for the mock (src/mock/token-cli.ts; `--help` lists the options).
// Role names given to --wids are mapped to their template ids with the generated table.
import { entraRoleTemplates } from '../generated/entra-roles.js';
import { runTokenCommand } from '../src/mock/token-cli.js';

const result = runTokenCommand(process.argv.slice(2), Date.now(), entraRoleTemplates);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
