// Build-time stand-in for a module Prism loads for a feature the mock never uses (scripts/mock-bundle.mjs puts
// it in the bundle in place of the real module). Loading it is harmless; using it throws, naming the module,
// so a Prism change that starts to need one fails loudly instead of returning undefined.
'use strict';

/**
 * The stand-in for module `name`. Reads the interop keys compilers and bundlers probe at load time
 * (`__esModule`, symbols) as undefined; `exposed` lists properties that are read at load time and must
 * exist, each itself a stand-in; any other property read, call or `new` throws.
 */
function unusedModule(name, reason, exposed = []) {
  const fail = (what) => {
    throw new Error(
      `graph-sponsors-mock: ${what} of "${name}", which is not part of the mock's bundle (${reason}; ` +
        'replaced at build time by scripts/mock-bundle.mjs). The mock serves the spec statically; ' +
        'this Prism feature is not available in it.',
    );
  };
  const standIn = (path) =>
    new Proxy(function unused() {}, {
      get(_target, key) {
        if (typeof key === 'symbol' || key === '__esModule' || key === 'then') return undefined;
        if (path === name && exposed.includes(key)) return standIn(`${name}.${key}`);
        return fail(`read of ${path}.${key}`);
      },
      has: (_target, key) => key === 'prototype',
      ownKeys: () => ['prototype'],
      apply: () => fail(`call of ${path}()`),
      construct: () => fail(`new ${path}()`),
      set: () => fail(`write to ${path}`),
    });
  return standIn(name);
}

module.exports = { unusedModule };
