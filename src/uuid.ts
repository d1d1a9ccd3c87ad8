// A random UUID v4 for `client-request-id`, in any page: crypto.randomUUID exists only in secure contexts
// (https or localhost), so a page served over plain http from a LAN address lacks it, while
// crypto.getRandomValues is available everywhere.

/**
 * RFC 9562 version 4: 122 random bits, version nibble 4, variant bits 10. The fallback fills a template: each `0`
 * becomes a random hex digit and the variant's `8` one of 8–b (its two high bits kept), from one getRandomValues call.
 */
export function uuidV4(): string {
  let b: Uint8Array | undefined;
  let i = 0;
  return (
    crypto.randomUUID?.() ??
    '00000000-0000-4000-8000-000000000000'.replace(/[08]/g, (d) =>
      (+d ^ ((b ??= crypto.getRandomValues(new Uint8Array(31)))[i++]! & (15 >> (+d / 4)))).toString(16),
    )
  );
}
