// A stand-in for the mock's Directory with only what the session store and the control API use of it: a
// fixture-shaped object, copied on clone, sized as objects + relation entries.
import type { SessionDirectory } from '../../src/mock/sessions.js';

export type FakeFixture = Record<string, Array<Record<string, unknown>>>;

export class FakeDirectory implements SessionDirectory {
  constructor(readonly fixture: FakeFixture = {}) {}

  clone(): FakeDirectory {
    return new FakeDirectory(structuredClone(this.fixture));
  }

  toFixture(): FakeFixture {
    return structuredClone(this.fixture);
  }

  get size(): number {
    let size = 0;
    for (const objects of Object.values(this.fixture)) {
      for (const object of objects)
        size +=
          1 +
          Object.values(object)
            .filter(Array.isArray)
            .reduce((n, list) => n + list.length, 0);
    }
    return size;
  }

  /** Adds an object (one more to the size), as a request that creates one would. */
  add(collection: string, object: Record<string, unknown>): void {
    (this.fixture[collection] ??= []).push(object);
  }
}

/** `count` users with no relations: a directory of that size. */
export const usersFixture = (count: number): FakeFixture => ({ users: Array.from({ length: count }, (_, i) => ({ id: `user-${i}` })) });
