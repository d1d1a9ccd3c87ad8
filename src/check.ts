// The one shape of a refused option or argument: `<name> must be <what>; got <value>`, so every check says what it
// read and what it wanted in the same words (and an app bundle carries the phrase once).

/** A value as a message shows it: a string quoted (so '5000' does not look like 5000), a number or null as itself, else its type. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'number' || value === null ? String(value) : typeof value;
}

/** The RangeError for `name` when `value` is not `what`. */
export const mustBe = (name: string, what: string, value: unknown): RangeError => new RangeError(`${name} must be ${what}; got ${shown(value)}`);

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An option as given when `ok`, `fallback` when absent (undefined); otherwise the RangeError saying it must be `what`. */
export function option<T>(name: string, value: unknown, fallback: T, ok: boolean, what: string): T {
  if (value === undefined) return fallback;
  if (ok) return value as T;
  throw mustBe(name, what, value);
}

/** `table[key]` when the table has that own key; otherwise the RangeError saying `name` must be one of its keys. */
export function oneOf<T>(name: string, table: Readonly<Record<string, T>>, key: unknown): T {
  if (!Object.hasOwn(table, key as PropertyKey)) throw mustBe(name, `one of ${Object.keys(table).join(', ')}`, key);
  return table[key as string]!;
}
