// The `@odata.id` forms table of the spec (`x-odata-id-forms` on userOrGroupReference, issue 11 section 3), end to
// end: each form's example, sent to every operation whose body is a userOrGroupReference (the v1.0 adds and their
// beta twins), gets the answer the table states: the operation's success for an accepted form, the named error
// example (status and code) for a refused one. The cases are read from the spec, never copied here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock/server.js';
import { namedExample, operationsOf } from '../src/spec/walk.js';
import { successStatus } from './support/documented.js';
import { freshId, freshSession, parityFetch, pathOf, startParityServer } from './support/e2e.js';
import { loadSpec, type Json } from './support/spec.js';

const spec: Json = loadSpec();
const REFERENCE = '#/components/schemas/userOrGroupReference';
const forms = (spec.components.schemas.userOrGroupReference['x-odata-id-forms'] ?? []) as Array<{
  form: string;
  example: string;
  accepted: boolean;
  answer?: string;
}>;
const operations = operationsOf(spec)
  .filter(({ op }) => (op.requestBody as Json)?.content?.['application/json']?.schema?.$ref === REFERENCE)
  .map(({ operationId }) => operationId);

let mock: MockServer;
beforeAll(async () => {
  mock = await startParityServer({});
});
afterAll(async () => {
  await mock?.close();
});

describe('the @odata.id forms of userOrGroupReference', () => {
  it('are a table with accepted and refused forms, sent to the adds that take the schema', () => {
    expect(forms.filter((f) => f.accepted).length).toBeGreaterThan(0);
    expect(forms.filter((f) => !f.accepted).length).toBeGreaterThan(0);
    // Every refused form names the error example it answers with.
    for (const form of forms.filter((f) => !f.accepted)) expect(namedExample(spec, form.answer!), form.form).toBeDefined();
    expect(operations).toEqual(expect.arrayContaining(['addUserSponsor', 'addConnectedOrganizationInternalSponsor']));
  });

  const cases = operations.flatMap((operationId) => forms.map((form) => [`${operationId}: ${form.form}`, operationId, form] as const));
  it.each(cases)('%s', async (_label, operationId, form) => {
    // A target nobody has used (created on first use), in a session nobody has used: only the form decides.
    const response = await parityFetch(`${mock.url}${pathOf(operationId, freshId())}`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json', 'x-mock-session': freshSession('odata-id') },
      body: JSON.stringify({ '@odata.id': form.example }),
    });
    const text = await response.text();
    if (form.accepted) {
      expect(response.status, text).toBe(successStatus(operationId));
      return;
    }
    const { error } = namedExample(spec, form.answer!) as { error: { code: string; message: string } };
    expect(response.status, text).toBe(400);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code, text).toBe(error.code);
    expect(body.error.message, text).toBe(error.message);
  });
});
