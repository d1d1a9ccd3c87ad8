// The mock's directory (issue 10): the objects the rules read and the relations the `$ref` operations add to.
// One per session: sessions start from a clone() of the loaded fixture's directory, so clone() copies maps only
// (objects are frozen and shared; each relation's Set is copied). Nothing here knows an operation or a rule.
import { randomUuid, stableId } from './ids.js';
import {
  BLUEPRINT_FLAG,
  COLLECTIONS,
  COLLECTION_OF,
  CREATED_IN,
  RELATIONS,
  TYPES_IN,
  castAccepts,
  type Collection,
  type DirectoryObject,
  type EntitySet,
  type Fixture,
  type FixtureObject,
  type ObjectType,
} from './objects.js';

export type { DirectoryObject, EntitySet, Fixture, FixtureObject, ObjectType } from './objects.js';

const UPN = 'userPrincipalName';
/**
 * Ids are GUIDs, which Microsoft Entra compares without regard to case: `/users/D8AB5060-…` names the same user
 * as `/users/d8ab5060-…`. Maps are keyed by the lower-cased id; objects and relations keep the id as first given.
 */
const keyOf = (id: string): string => id.toLowerCase();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

export { stableId };
/** A fresh random id, as Graph assigns (a GUID). */
export const randomId = (): string => randomUuid();

/**
 * Where a directory's new ids come from: called once per directory and per copy (clone, withIds), it gives that
 * copy its minter (key → id; the key is a userPrincipalName or ''). A seeded source thus starts its sequence again
 * with each copy, so a session's ids after a reset are those of a fresh start.
 */
export type IdSource = () => (key: string) => string;
const randomIds: IdSource = () => randomId;

/** The object an open directory creates on first use, before it is inserted (rules check it first). */
export function firstUse(entitySet: EntitySet, key: string, cast?: ObjectType): { type: ObjectType; properties: Record<string, unknown> } {
  const type = cast ?? CREATED_IN[entitySet];
  const properties: Record<string, unknown> = {};
  // A Microsoft 365 group, so it passes the blueprint's group-type rule like the common case.
  if (type === 'group') properties.groupTypes = ['Unified'];
  // Graph resolves /users/{key} by id or by userPrincipalName; a key holding '@' is a UPN.
  if ((type === 'user' || type === 'agentUser') && key.includes('@')) properties[UPN] = key;
  return { type, properties };
}

export class Directory {
  /** keyOf(id) → object. */
  private readonly objects: Map<string, DirectoryObject>;
  /** Lower-cased userPrincipalName → id: Microsoft Entra compares UPNs case-insensitively. */
  private readonly upns: Map<string, string>;
  /** keyOf(object id) → property → related ids (as their objects have them) in the order added. */
  private readonly relations: Map<string, Map<string, Set<string>>>;
  private relationEntries: number;
  /** Where this copy's new ids come from; every copy asks `ids` for a fresh sequence (see IdSource). */
  private readonly ids: IdSource;
  private readonly mintId: (key: string) => string;

  private constructor(
    objects = new Map<string, DirectoryObject>(),
    upns = new Map<string, string>(),
    relations = new Map<string, Map<string, Set<string>>>(),
    relationEntries = 0,
    ids: IdSource = randomIds,
  ) {
    this.objects = objects;
    this.upns = upns;
    this.relations = relations;
    this.relationEntries = relationEntries;
    this.ids = ids;
    this.mintId = ids();
  }

  /** An empty directory; `ids` makes the ids of created objects (spec seeds pass `() => stableId`). */
  static empty(ids?: IdSource): Directory {
    return new Directory(undefined, undefined, undefined, 0, ids);
  }

  /** The directory of a fixture that validateFixture() accepted (ids unique, relations name its objects). */
  static fromFixture(fixture: Fixture, ids?: IdSource): Directory {
    const directory = new Directory(undefined, undefined, undefined, 0, ids);
    const pending: Array<[id: string, property: string, ids: unknown]> = [];
    for (const collection of COLLECTIONS) {
      const relations = RELATIONS[collection];
      for (const entry of fixture[collection] ?? []) {
        const { id, ...rest } = entry;
        const properties: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(rest)) {
          if (relations.includes(name)) pending.push([id, name, value]);
          else if (!(collection === 'applications' && name === BLUEPRINT_FLAG)) properties[name] = structuredClone(value);
        }
        directory.put(id, typeOf(collection, entry), properties);
      }
    }
    for (const [id, property, ids] of pending) for (const related of ids as string[]) directory.relate(id, property, related);
    return directory;
  }

  /** The object an entity set of a URL names by `key` (an id, or in `users` a userPrincipalName), of a type that set (and the cast) holds. */
  find(entitySet: EntitySet, key: string, cast?: ObjectType): DirectoryObject | undefined {
    let found = this.objects.get(keyOf(key));
    if (!found && entitySet === 'users' && key.includes('@')) {
      const id = this.upns.get(key.toLowerCase());
      found = id === undefined ? undefined : this.objects.get(keyOf(id));
    }
    if (!found || !TYPES_IN[entitySet].includes(found.type)) return undefined;
    if (cast && !castAccepts(cast, found.type)) return undefined;
    return found;
  }

  /** Creates the object an open directory lacks on first use (see firstUse); a UPN key gets a fresh id. */
  create(entitySet: EntitySet, key: string, cast?: ObjectType): DirectoryObject {
    const { type, properties } = firstUse(entitySet, key, cast);
    const id = properties[UPN] === key ? this.mintId(key) : key;
    return this.put(id, type, properties);
  }

  /** Inserts a new object with a fresh id (a create operation). */
  insert(type: ObjectType, properties: Record<string, unknown>): DirectoryObject {
    return this.put(this.mintId(''), type, structuredClone(properties));
  }

  get(id: string): DirectoryObject | undefined {
    return this.objects.get(keyOf(id));
  }

  /** The id as the directory's object has it (a relation stores that one, whatever case a request used). */
  private canonical(id: string): string {
    return this.objects.get(keyOf(id))?.id ?? id;
  }

  related(id: string, property: string): readonly string[] {
    const set = this.relations.get(keyOf(id))?.get(property);
    return set ? [...set] : [];
  }

  /** Whether the relation holds `relatedId` (the `unique` check, without copying the relation). */
  holds(id: string, property: string, relatedId: string): boolean {
    return this.relations.get(keyOf(id))?.get(property)?.has(this.canonical(relatedId)) ?? false;
  }

  /** How many related objects pass `filter`, counting no further than `stopAt` (the `maxCount` check). */
  count(id: string, property: string, filter: (object: DirectoryObject | undefined) => boolean, stopAt = Infinity): number {
    let n = 0;
    for (const related of this.relations.get(keyOf(id))?.get(property) ?? []) {
      if (filter(this.objects.get(keyOf(related))) && ++n >= stopAt) break;
    }
    return n;
  }

  /** Adds `relatedId` to the relation (once: a relation is a set, as Graph's navigation properties are). */
  relate(id: string, property: string, relatedId: string): void {
    let byProperty = this.relations.get(keyOf(id));
    if (!byProperty) this.relations.set(keyOf(id), (byProperty = new Map<string, Set<string>>()));
    let set = byProperty.get(property);
    if (!set) byProperty.set(property, (set = new Set<string>()));
    const related = this.canonical(relatedId);
    if (set.has(related)) return;
    set.add(related);
    this.relationEntries++;
  }

  /** Takes `relatedId` (any letter case) out of the relation; whether it was there. The object itself stays. */
  unrelate(id: string, property: string, relatedId: string): boolean {
    const set = this.relations.get(keyOf(id))?.get(property);
    if (!set?.delete(this.canonical(relatedId))) return false;
    this.relationEntries--;
    return true;
  }

  /** Objects plus relation entries, for the caps on a directory's size. */
  get size(): number {
    return this.objects.size + this.relationEntries;
  }

  clone(): Directory {
    return this.withIds(this.ids);
  }

  /** A copy whose created objects take their ids from `ids` (a session's own seeded sequence). */
  withIds(ids: IdSource): Directory {
    const relations = new Map<string, Map<string, Set<string>>>();
    for (const [id, byProperty] of this.relations) {
      const copy = new Map<string, Set<string>>();
      for (const [property, set] of byProperty) copy.set(property, new Set(set));
      relations.set(id, copy);
    }
    return new Directory(new Map(this.objects), new Map(this.upns), relations, this.relationEntries, ids);
  }

  /** The directory as a fixture: fromFixture(toFixture()) gives an equal directory. */
  toFixture(): Fixture {
    const fixture: Fixture = {};
    for (const object of this.objects.values()) {
      const collection = COLLECTION_OF[object.type];
      const entry: FixtureObject = { id: object.id, ...structuredClone(object.properties) };
      if (object.type === 'agentIdentityBlueprint') entry[BLUEPRINT_FLAG] = true;
      for (const [property, ids] of this.relations.get(keyOf(object.id)) ?? []) if (ids.size > 0) entry[property] = [...ids];
      (fixture[collection] ??= []).push(entry);
    }
    return fixture;
  }

  private put(id: string, type: ObjectType, properties: Record<string, unknown>): DirectoryObject {
    const object = deepFreeze({ id, type, properties });
    this.objects.set(keyOf(id), object);
    const upn = properties[UPN];
    if (typeof upn === 'string') this.upns.set(upn.toLowerCase(), id);
    return object;
  }
}

function typeOf(collection: Collection, entry: FixtureObject): ObjectType {
  if (collection === 'applications') return entry[BLUEPRINT_FLAG] === true ? 'agentIdentityBlueprint' : 'application';
  return (Object.keys(COLLECTION_OF) as ObjectType[]).find((type) => COLLECTION_OF[type] === collection)!;
}
