// npm run token -- …: prints an unsigned JWT for the mock (src/mock/token-cli.ts; `--help` lists the options).
import { runTokenCommand } from '../src/mock/token-cli.js';

/** The generated role table (role name → template id), when this checkout has it; without it --wids takes ids. */
async function roleTemplates(): Promise<Record<string, string>> {
  const table = '../generated/entra-roles.js'; // a variable: the type check must not require the file yet
  try {
    return ((await import(table)) as { entraRoleTemplates: Record<string, string> }).entraRoleTemplates;
  } catch {
    return {};
  }
}

const result = runTokenCommand(process.argv.slice(2), Date.now(), await roleTemplates());
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
