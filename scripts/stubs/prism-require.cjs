// Build-time replacement of `node:module` for src/mock (scripts/mock-bundle.mjs): src/mock/fast-path.ts takes
// Prism's own ajv, ajv-formats and two Prism internals through `createRequire(require.resolve(
// '@stoplight/prism-http'))`, a run-time resolution that esbuild cannot follow and that would find no Prism
// where the bundle is installed. Here the same modules are required statically; the bundler resolves them from
// @stoplight/prism-http's directory, so the bundle holds the very copies Prism uses, once.
'use strict';

const PRISM = '@stoplight/prism-http';
const modules = {
  ajv: () => require('ajv'),
  'ajv-formats': () => require('ajv-formats'),
  '@stoplight/prism-http/dist/validator/validators/dateTime': () => require('@stoplight/prism-http/dist/validator/validators/dateTime'),
  '@stoplight/prism-http/dist/utils/filterRequiredProperties': () => require('@stoplight/prism-http/dist/utils/filterRequiredProperties'),
};

function bundledRequire(id) {
  const load = modules[id];
  if (!load) {
    throw new Error(
      `graph-sponsors-mock: require("${id}") is not in the mock's bundle; add it to scripts/stubs/prism-require.cjs`,
    );
  }
  return load();
}
// The only resolution src/mock makes is Prism's entry point, to require relative to it again.
bundledRequire.resolve = (id) => {
  if (id !== PRISM) throw new Error(`graph-sponsors-mock: require.resolve("${id}") is not supported in the mock's bundle`);
  return PRISM;
};

module.exports = { createRequire: () => bundledRequire };
