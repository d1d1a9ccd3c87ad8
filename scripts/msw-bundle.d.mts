// Types of scripts/msw-bundle.mjs for its TypeScript callers (the bench).
import type { Metafile } from 'esbuild';

export function bundleMsw(options?: { outDir?: string; writeMetafile?: boolean }): Promise<{
  code: Uint8Array;
  metafile: Metafile;
  /** Minified bytes. */
  minBytes: number;
  /** The same, gzipped at level 9. */
  gzipBytes: number;
  /** Node built-ins the code imports (left external): none may ship. */
  nodeBuiltins: string[];
}>;
