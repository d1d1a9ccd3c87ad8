// Build-time stand-in for json-schema-faker in the mock's bundle (scripts/mock-bundle.mjs). Prism generates fake
// data with it only in dynamic mode, which the mock never uses (static mode: the spec's examples, or
// json-schema-sampler for a schema without one). Prism's generator module configures it as it loads
// (`JSONSchemaFaker.extend('faker', ...)`, `JSONSchemaFaker.option({...})`): those calls are accepted and have
// nothing to configure; anything else, generating above all, throws like every unused module.
'use strict';

const { unusedModule } = require('./unused.cjs');

const unused = unusedModule('json-schema-faker', 'fake data is generated only in dynamic mode', ['JSONSchemaFaker']).JSONSchemaFaker;
const JSONSchemaFaker = new Proxy(
  {},
  {
    get: (_target, key) => (key === 'extend' || key === 'option' ? () => JSONSchemaFaker : unused[key]),
  },
);

module.exports = { JSONSchemaFaker };
