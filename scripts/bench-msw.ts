// The bench's MSW section: the handlers' browser bundle (scripts/msw-bundle.mjs, the shipped dist/msw/index.js)
// minified and gzipped, msw itself left out (the app's own copy), against issue 13's target, with the files that
// weigh most. The bundle test (test/msw.bundle.test.ts) asserts what may not be in it; this prints the figures.
import { bundleMsw } from './msw-bundle.mjs';

/** Issue 13's target for the handlers' bundle, min+gzip, msw not included (kB = 1,000 B, as the client's 6,000 B). */
const TARGET_GZIP_BYTES = 60_000;

export async function mswSection(say: (line?: string) => void): Promise<void> {
  const started = performance.now();
  const { metafile, minBytes, gzipBytes, nodeBuiltins } = await bundleMsw();
  const took = performance.now() - started;
  const output = Object.values(metafile.outputs)[0]!;
  const files = Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0);
  const largest = files
    .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
    .slice(0, 8)
    .map(([path, input]) => `${path} ${input.bytesInOutput.toLocaleString('en')}`);
  say(`## MSW handlers: browser bundle`);
  say();
  say(
    `\`createGraphHandlers\` (\`graph-sponsors-contract/msw\`) bundled as it ships (scripts/msw-bundle.mjs: esbuild \`bundle, minify, ` +
      `platform: 'browser', format: 'esm'\`, \`msw\` external), gzip level 9, in ${(took / 1000).toFixed(1)} s. ` +
      `Target: at most ${TARGET_GZIP_BYTES.toLocaleString('en')} bytes min+gzip without msw.`,
  );
  say();
  say(`| bundle | min bytes | min+gzip bytes | target met | files bundled | Node built-ins needed |`);
  say(`| --- | --: | --: | --- | --: | --- |`);
  say(
    `| MSW handlers (dist/msw/index.js) | ${minBytes.toLocaleString('en')} | ${gzipBytes.toLocaleString('en')} | ${gzipBytes <= TARGET_GZIP_BYTES ? 'yes' : '**no**'} | ${files.length} | ${nodeBuiltins.join(', ') || 'none'} |`,
  );
  say();
  say(`Minified bytes by file (largest first): ${largest.join(', ')}.`);
  say();
}
