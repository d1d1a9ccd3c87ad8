// The spec walker (src/spec/walk.ts) on small hand-made specs: reference resolution, the operations, the documented
// requests, error scenarios, example → status and the metadata generate writes. No socket, no file.
import { describe, expect, it } from 'vitest';
import {
  adminRolesOf,
  cloudsOf,
  deref,
  errorScenarios,
  exampleStatus,
  inline,
  namedExample,
  operationMetadata,
  operationsOf,
  requestExamples,
  resolvePointer,
  type Spec,
} from '../src/spec/walk.js';

const errorExample = (code: string) => ({ value: { error: { code, message: `${code} happened` } } });

/** Two operations on one path item (shared parameter by reference), one on a path with `/` and `~` in its key. */
const spec: Spec = {
  servers: [
    { url: 'https://graph.example', 'x-cloud': 'global' },
    { url: 'https://graph.example.us', 'x-cloud': 'usGov' },
  ],
  paths: {
    '/v1.0/things/{id}/$ref': {
      parameters: [{ $ref: '#/components/parameters/id' }],
      post: {
        operationId: 'addThing',
        'x-graph-version': 'v1.0',
        requestBody: { $ref: '#/components/requestBodies/thing' },
        responses: {
          '204': { description: 'done' },
          '404': { $ref: '#/components/responses/NotFound' },
          '429': {
            description: 'slow down',
            headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
            content: { 'application/json': { examples: { tooMany: { $ref: '#/components/examples/tooMany' } } } },
          },
        },
      },
      get: { operationId: 'getThing', deprecated: true, responses: { '200': { description: 'ok' } } },
      summary: 'not an operation',
    },
    '/beta/a~1b': { post: { responses: { '204': { description: 'no operationId: skipped' } } } },
  },
  components: {
    parameters: {
      id: { name: 'id', in: 'path', required: true, schema: { type: 'string' }, examples: { first: { value: 'a/b c' }, second: { value: 42 } } },
    },
    requestBodies: {
      thing: {
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/thing' },
            examples: { first: { value: { name: 'one' } }, second: { $ref: '#/components/examples/second' } },
          },
        },
      },
    },
    schemas: {
      thing: {
        type: 'object',
        'x-sponsor-kinds': { user: 'users' },
        properties: { child: { $ref: '#/components/schemas/thing' }, tag: { $ref: '#/components/schemas/tag' } },
      },
      tag: { type: 'string' },
      'a/b~c': { const: 'escaped' },
      '50%': { const: 'percent' },
    },
    responses: {
      NotFound: { description: 'nope', content: { 'application/json': { examples: { notFound: { $ref: '#/components/examples/notFound' } } } } },
    },
    headers: { 'Retry-After': { schema: { type: 'integer', examples: [7] } } },
    examples: {
      second: { value: { name: 'two' } },
      notFound: errorExample('Request_ResourceNotFound'),
      tooMany: errorExample('TooManyRequests'),
      alias: { $ref: '#/components/examples/notFound' },
    },
  },
};

describe('references', () => {
  it('resolves JSON pointers with ~1, ~0 and percent escapes', () => {
    expect(resolvePointer(spec, '#/components/schemas/a~1b~0c')).toEqual({ const: 'escaped' });
    expect(resolvePointer(spec, '#/components/schemas/50%25')).toEqual({ const: 'percent' });
    expect(resolvePointer(spec, '#/paths/~1beta~1a~01b')).toBe(spec.paths!['/beta/a~1b']);
    expect(resolvePointer(spec, '#')).toBe(spec);
  });

  it('refuses a reference to nothing or outside the document', () => {
    expect(() => resolvePointer(spec, '#/components/schemas/missing')).toThrow('unresolved #/components/schemas/missing');
    expect(() => resolvePointer(spec, 'other.yaml#/x')).toThrow('not a local reference');
  });

  it('deref follows a chain of references and stops at a loop', () => {
    expect(deref(spec, { $ref: '#/components/examples/alias' })).toEqual(errorExample('Request_ResourceNotFound'));
    expect(deref(spec, { name: 'plain' })).toEqual({ name: 'plain' });
    expect(deref(spec, undefined)).toBeUndefined();
    const loop: Spec = { a: { $ref: '#/b' }, b: { $ref: '#/a' } };
    expect(() => deref(loop, { $ref: '#/a' })).toThrow('reference cycle');
  });

  it('inline resolves deeply and keeps a recursive reference as a reference', () => {
    expect(inline(spec, { $ref: '#/components/schemas/thing' })).toEqual({
      type: 'object',
      'x-sponsor-kinds': { user: 'users' },
      properties: { child: { $ref: '#/components/schemas/thing' }, tag: { type: 'string' } },
    });
    expect(inline(spec, [{ $ref: '#/components/schemas/tag' }, 1, null])).toEqual([{ type: 'string' }, 1, null]);
  });
});

describe('operations', () => {
  it('lists operations with an operationId, in path then method order', () => {
    expect(operationsOf(spec).map((o) => [o.template, o.method, o.operationId])).toEqual([
      ['/v1.0/things/{id}/$ref', 'get', 'getThing'],
      ['/v1.0/things/{id}/$ref', 'post', 'addThing'],
    ]);
  });

  it('pairs each body example with the path examples of the same name, percent-encoded', () => {
    expect(requestExamples(spec).map(({ name, path, pathParams, body }) => ({ name, path, pathParams, body }))).toEqual([
      { name: 'first', path: '/v1.0/things/a%2Fb%20c/$ref', pathParams: { id: 'a/b c' }, body: { name: 'one' } },
      { name: 'second', path: '/v1.0/things/42/$ref', pathParams: { id: '42' }, body: { name: 'two' } },
    ]);
  });

  it('refuses a body example whose path parameter has no example of that name', () => {
    const broken = structuredClone(spec);
    delete (broken.components as { parameters: { id: { examples: Record<string, unknown> } } }).parameters.id.examples.second;
    expect(() => requestExamples(broken)).toThrow('addThing: path parameter id has no example second');
  });

  it('lists error scenarios with their Prefer header and documented Retry-After', () => {
    expect(errorScenarios(spec).map(({ status, example, code, prefer, retryAfter }) => ({ status, example, code, prefer, retryAfter }))).toEqual([
      { status: 404, example: 'notFound', code: 'Request_ResourceNotFound', prefer: 'Prefer: code=404, example=notFound', retryAfter: undefined },
      { status: 429, example: 'tooMany', code: 'TooManyRequests', prefer: 'Prefer: code=429, example=tooMany', retryAfter: '7' },
    ]);
  });

  it('maps each example name to the status that documents it', () => {
    expect(exampleStatus(spec)).toEqual(
      new Map([
        ['getThing', new Map()],
        [
          'addThing',
          new Map([
            ['notFound', 404],
            ['tooMany', 429],
          ]),
        ],
      ]),
    );
  });

  it('gives a named component example, or throws for an unknown name', () => {
    expect(namedExample(spec, 'alias')).toEqual({ error: { code: 'Request_ResourceNotFound', message: 'Request_ResourceNotFound happened' } });
    expect(() => namedExample(spec, 'nope')).toThrow('spec has no example nope');
  });

  it('derives the metadata generated/operations.ts holds', () => {
    expect(operationMetadata(spec)).toEqual({
      getThing: { method: 'get', path: '/v1.0/things/{id}/$ref', version: undefined, deprecated: true, pathParams: ['id'], successStatus: 200 },
      addThing: {
        method: 'post',
        path: '/v1.0/things/{id}/$ref',
        version: 'v1.0',
        deprecated: false,
        pathParams: ['id'],
        sponsorKinds: { user: 'users' },
        successStatus: 204,
      },
    });
    expect(cloudsOf(spec)).toEqual({ global: 'https://graph.example', usGov: 'https://graph.example.us' });
  });

  it('reads a create (201), a list (200) and a remove with two path parameters; only bodies make request examples', () => {
    const crud: Spec = {
      paths: {
        '/v1.0/things': {
          post: {
            operationId: 'createThing',
            'x-graph-version': 'v1.0',
            requestBody: { content: { 'application/json': { examples: { made: { value: { name: 'new' } } } } } },
            responses: { '201': { description: 'created' }, '400': { description: 'bad' } },
          },
        },
        '/v1.0/things/{id}/children': {
          parameters: [{ name: 'id', in: 'path', required: true, examples: { listed: { value: 't1' } } }],
          get: { operationId: 'listChildren', 'x-graph-version': 'v1.0', responses: { '200': { description: 'ok' }, '404': { description: 'no' } } },
        },
        '/v1.0/things/{id}/children/{childId}/$ref': {
          parameters: [
            { name: 'id', in: 'path', required: true },
            { name: 'childId', in: 'path', required: true },
          ],
          delete: { operationId: 'removeChild', 'x-graph-version': 'v1.0', responses: { '204': { description: 'gone' } } },
        },
      },
    };
    const meta = operationMetadata(crud);
    expect(meta.createThing).toMatchObject({ method: 'post', pathParams: [], successStatus: 201 });
    expect(meta.listChildren).toMatchObject({ method: 'get', pathParams: ['id'], successStatus: 200 });
    expect(meta.removeChild).toMatchObject({
      method: 'delete',
      path: '/v1.0/things/{id}/children/{childId}/$ref',
      pathParams: ['id', 'childId'],
      successStatus: 204,
    });
    expect(requestExamples(crud).map((e) => [e.operationId, e.name, e.path])).toEqual([['createThing', 'made', '/v1.0/things']]);
  });
});

describe('admin roles', () => {
  it('collects every leastPrivilegedRoles list under x-permissions.adminRoles, once each and sorted', () => {
    const withRoles: Spec = {
      paths: {
        '/a': {
          post: {
            operationId: 'a',
            'x-permissions': {
              adminRoles: {
                delegatedWorkOrSchool: {
                  leastPrivilegedRoles: ['User Administrator', 'Directory Writers'],
                  leastPrivilegedRolesForAgentUsers: ['Agent ID Administrator'],
                  entitlementManagementRoles: ['Catalog reader'],
                },
                application: { leastPrivilegedRoles: ['Directory Writers', 7] },
                ownerRule: 'owners pass',
              },
            },
          },
        },
        '/b': { post: { operationId: 'b', 'x-permissions': {} } },
        '/c': { post: { operationId: 'c' } },
      },
    };
    // Entitlement-management roles (not Microsoft Entra roles, no template id) are not collected.
    expect(adminRolesOf(withRoles)).toEqual(['Agent ID Administrator', 'Directory Writers', 'User Administrator']);
    expect(adminRolesOf(spec)).toEqual([]);
  });
});
