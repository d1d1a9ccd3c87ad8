// What the handlers serve, without Prism, a runtime ajv compile, a file or a Node built-in: the trimmed spec,
// Prism's operations and the precompiled validators that `npm run generate` writes (generated/mock-*.ts, made by
// scripts/generate-mock.mjs), put together as the server's contract is (compileContract) with the Prism-free
// engine. Built on first use, once per page or test file, and shared by every createGraphHandlers() call: the
// contract is read-only, and each call keeps its own state.
import { defaultFixture, engineOperations, mockSpec } from '../../generated/mock-contract.js';
import { exactOperations, fixtureValidator, requestValidators } from '../../generated/mock-validators.js';
import { compileContract, type Contract } from '../mock/contract.js';
import type { Fixture } from '../mock/directory.js';
import { checkFixture, withSpecSeeds, type FixtureSchemaCheck } from '../mock/fixture-check.js';
import { createStaticEngine } from '../mock/static-engine.js';
import { staticValidators } from '../mock/static/validators.js';

export interface HandlersContract {
  contract: Contract;
  /** The server's default directory: fixtures/default.yaml with the objects the spec's examples name (fixture.ts loadFixture). */
  fixture: Fixture;
  /** The fixture schema's validator, for the `fixture` option and load(). */
  fixtureSchema: FixtureSchemaCheck;
}

const SOURCE = 'fixtures/default.yaml';
let shared: HandlersContract | undefined;

export function handlersContract(): HandlersContract {
  return (shared ??= {
    contract: compileContract(mockSpec, {
      engine: createStaticEngine({ spec: mockSpec, operations: engineOperations, validators: requestValidators }),
      validators: staticValidators(engineOperations, requestValidators, exactOperations),
    }),
    // Checked as the server checks the shipped default (its schema by its own test), then completed with the seeds.
    fixture: withSpecSeeds(checkFixture(defaultFixture, SOURCE, undefined), mockSpec, SOURCE),
    fixtureSchema: fixtureValidator,
  });
}
