// The vocabulary of the mock's directory (issue 10): object types, the entity sets of Graph's URLs that hold
// them, and the fixture collections they are filed under. The fixture's JSON Schema (fixtures/fixture.schema.json)
// is the one place that says which properties are relations, so the directory, the fixture reader and the rules
// agree on it.
import schemaJson from '../../fixtures/fixture.schema.json' with { type: 'json' };

export type ObjectType = 'user' | 'agentUser' | 'group' | 'servicePrincipal' | 'application' | 'agentIdentityBlueprint' | 'connectedOrganization';
export type EntitySet = 'users' | 'groups' | 'servicePrincipals' | 'applications' | 'connectedOrganizations' | 'directoryObjects';

export const OBJECT_TYPES: readonly ObjectType[] = [
  'user',
  'agentUser',
  'group',
  'servicePrincipal',
  'application',
  'agentIdentityBlueprint',
  'connectedOrganization',
];
export const ENTITY_SETS: readonly EntitySet[] = ['users', 'groups', 'servicePrincipals', 'applications', 'connectedOrganizations', 'directoryObjects'];

/** An object of the directory. `properties` are its Graph properties (not its id, not its relations); frozen. */
export interface DirectoryObject {
  id: string;
  type: ObjectType;
  properties: Record<string, unknown>;
}

/** One entry of a fixture collection: an id, Graph properties, and relations as arrays of ids. */
export interface FixtureObject {
  id: string;
  [property: string]: unknown;
}
/** A fixture (fixtures/fixture.schema.json), grouped like Graph's collections. */
export interface Fixture {
  users?: FixtureObject[];
  agentUsers?: FixtureObject[];
  groups?: FixtureObject[];
  servicePrincipals?: FixtureObject[];
  applications?: FixtureObject[];
  connectedOrganizations?: FixtureObject[];
}
export type Collection = keyof Fixture;

/**
 * Object type → fixture collection. A blueprint is an application (microsoft.graph.agentIdentityBlueprint
 * derives from application) filed under `applications` with `agentIdentityBlueprint: true`.
 */
export const COLLECTION_OF: Readonly<Record<ObjectType, Collection>> = {
  user: 'users',
  agentUser: 'agentUsers',
  group: 'groups',
  servicePrincipal: 'servicePrincipals',
  application: 'applications',
  agentIdentityBlueprint: 'applications',
  connectedOrganization: 'connectedOrganizations',
};
export const COLLECTIONS: readonly Collection[] = ['users', 'agentUsers', 'groups', 'servicePrincipals', 'applications', 'connectedOrganizations'];
/** The fixture property that marks an application as a blueprint. */
export const BLUEPRINT_FLAG = 'agentIdentityBlueprint';

/**
 * The types an entity set of a URL holds. `users` holds agent users too (agentUser inherits from user:
 * https://learn.microsoft.com/en-us/graph/api/resources/agentuser), `applications` holds blueprints, and
 * `directoryObjects` every directory object, but not connected organizations (entitlement management objects,
 * not directory objects).
 */
export const TYPES_IN: Readonly<Record<EntitySet, readonly ObjectType[]>> = {
  users: ['user', 'agentUser'],
  groups: ['group'],
  servicePrincipals: ['servicePrincipal'],
  applications: ['application', 'agentIdentityBlueprint'],
  connectedOrganizations: ['connectedOrganization'],
  directoryObjects: ['user', 'agentUser', 'group', 'servicePrincipal', 'application', 'agentIdentityBlueprint'],
};

/**
 * The type an object created on first use gets in an entity set (an open directory): a cast wins, else the
 * set's plain type; `directoryObjects` makes a user, the common case of a sponsor.
 */
export const CREATED_IN: Readonly<Record<EntitySet, ObjectType>> = {
  users: 'user',
  groups: 'group',
  servicePrincipals: 'servicePrincipal',
  applications: 'application',
  connectedOrganizations: 'connectedOrganization',
  directoryObjects: 'user',
};

/** A type cast `microsoft.graph.{type}` accepts the type and the types derived from it. */
export function castAccepts(cast: ObjectType, type: ObjectType): boolean {
  if (cast === type) return true;
  return (cast === 'user' && type === 'agentUser') || (cast === 'application' && type === 'agentIdentityBlueprint');
}

export const isObjectType = (value: unknown): value is ObjectType => OBJECT_TYPES.includes(value as ObjectType);
export const isEntitySet = (value: unknown): value is EntitySet => ENTITY_SETS.includes(value as EntitySet);

/**
 * fixtures/fixture.schema.json. Imported as a module, so the mock's bundle carries it; typed loosely so the
 * emitted declarations do not import the JSON file (which the package ships under fixtures/, not dist/).
 */
export const fixtureSchema: Readonly<Record<string, unknown>> = schemaJson;

type SchemaNode = { $ref?: string; items?: SchemaNode; properties?: Record<string, SchemaNode> };
const defs = (fixtureSchema as { $defs: Record<string, SchemaNode> }).$defs;
const rootProps = (fixtureSchema as { properties: Record<string, SchemaNode> }).properties;

/** Collection → its relation properties: those the schema types as `#/$defs/relation`. */
export const RELATIONS: Readonly<Record<Collection, readonly string[]>> = Object.fromEntries(
  COLLECTIONS.map((collection) => {
    const ref = rootProps[collection]?.items?.$ref ?? '';
    const item = defs[ref.replace('#/$defs/', '')];
    if (!item) throw new Error(`fixture.schema.json: no item schema for ${collection}`);
    const names = Object.entries(item.properties ?? {})
      .filter(([, schema]) => schema.$ref === '#/$defs/relation')
      .map(([name]) => name);
    return [collection, names];
  }),
) as unknown as Record<Collection, readonly string[]>;
