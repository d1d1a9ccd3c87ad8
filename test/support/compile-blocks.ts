// tsc over code blocks taken from the README: each block becomes a virtual module under test/, compiled with the
// repository's tsconfig and the package's names mapped to src/, and only the blocks' own diagnostics are returned
// (test/readme-client.test.ts, test/msw.readme.test.ts).
import ts from 'typescript';
import { repoRoot } from './spec.js';

/**
 * tsc's diagnostics for `modules`, each compiled as `test/<prefix>-<n>.ts`; `paths` maps package specifiers to
 * files of the repository (e.g. `{ 'graph-sponsors-contract': ['src/index.ts'] }`).
 */
export function blockDiagnostics(modules: string[], options: { prefix: string; paths: Record<string, string[]> }): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${repoRoot}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const compilerOptions: ts.CompilerOptions = { ...config.options, noEmit: true, baseUrl: repoRoot, paths: options.paths };
  const files = new Map(modules.map((text, i) => [`${repoRoot}test/${options.prefix}-${i + 1}.ts`, text]));
  const host = ts.createCompilerHost(compilerOptions);
  const disk = ts.createCompilerHost(compilerOptions);
  host.fileExists = (name) => files.has(name) || disk.fileExists(name);
  host.readFile = (name) => files.get(name) ?? disk.readFile(name);
  host.getSourceFile = (name, version, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : disk.getSourceFile(name, version, ...rest);
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => `${d.file!.fileName.slice(repoRoot.length)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
