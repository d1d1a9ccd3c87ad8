// A random UUID v4 for `client-request-id`, in any page: crypto.randomUUID exists only in secure contexts
// (https or localhost), so a page served over plain http from a LAN address lacks it, while
// crypto.getRandomValues is available everywhere.

/** RFC 9562 version 4: 122 random bits, version nibble 4, variant bits 10. */
export function uuidV4(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  // 32 hex digits (each byte as two: 256 + byte in hex, its leading 1 dropped), then the dashes after 8, 12, 16, 20.
  return Array.from(b, (byte) => (byte | 256).toString(16).slice(1))
    .join('')
    .replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
