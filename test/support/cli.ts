// The mock's CLI as a child process, from source (`node --import tsx src/mock/cli.ts`, as `npm run mock` runs
// its bundle): the tests that start it share this. Each started child is pushed onto `children`, which the
// calling test file ends in its afterAll, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './spec.js';

export interface CliRun {
  child: ChildProcess;
  /** The exit code, once the process has ended (null when a signal ended it). */
  exited: Promise<number | null>;
  /** The base URL, once the first start-up line is printed; rejects if the process ends first. */
  listening: Promise<string>;
  output: () => { stdout: string; stderr: string };
}

/** Starts the CLI with `args` and exactly `env` as its environment. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, children: ChildProcess[]): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/mock/cli.ts', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`mock exited (${code}) before listening:\n${stdout}${stderr}`)));
  });
  listening.catch(() => undefined); // a test that expects the exit never awaits it
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}
