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
  const h = Array.from(b, (byte) => (byte | 256).toString(16).slice(1)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
