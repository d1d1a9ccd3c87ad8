// Build-time stand-in for chalk in the mock's bundle (scripts/mock-bundle.mjs). Prism's mocker colours the
// prefixes of its per-request log lines (`chalk.grey('> ')`) even when, as in the mock, the logger discards
// them; this is chalk with colour level 0: any chain of styles returns its arguments as plain text. So the
// bundle carries no terminal probing (supports-color) and no colour tables for lines nobody reads.
'use strict';

const plain = new Proxy(function chalk() {}, {
  get(_target, key) {
    if (typeof key === 'symbol' || key === '__esModule' || key === 'then') return undefined;
    if (key === 'level') return 0;
    if (key === 'supportsColor') return false;
    return plain; // chalk.grey, chalk.bold.red, ...
  },
  apply: (_target, _self, args) => args.join(' '),
});

module.exports = plain;
