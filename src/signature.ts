// The signature of a named error answer, so GraphError#is compares a few characters per documented example
// instead of carrying every name and message into an app bundle. scripts/generate.mjs computes the examples'
// with this same function.

/** Wildcards: from the first single quote to the last (the property name or id Graph puts there), and GUIDs. */
const wildcards = /'.*'|[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}/gis;

/** FNV-1a (32 bits, over UTF-16 code units) of the name, status, code and message with its wildcards blanked, base 36. */
export function errorSignature(name: string, status: number, code: string, message: string): string {
  const text = `${name} ${status} ${code} ${message.replace(wildcards, '*')}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}
