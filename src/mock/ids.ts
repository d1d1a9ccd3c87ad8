// Ids the mock makes: request ids, the GUIDs of the objects it creates, and the stable ids of the spec's seeds.
// Browser-safe (no node:crypto): the MSW handlers run this module in a page as the server runs it in Node, and
// both must make the same stable and seeded ids, so the hash is a pure SHA-256 (@noble/hashes, bundled).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Ids } from './graph-error.js';

/** A GUID-shaped id (version 4, RFC 4122 variant) from 32 hex digits. */
const guid = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;

/** A stable GUID-shaped id for a key (spec seeds keyed by a userPrincipalName stay the same across runs and hosts). */
export function stableId(key: string): string {
  return guid(bytesToHex(sha256(utf8ToBytes(key))));
}

interface WebCrypto {
  randomUUID?: () => string;
  getRandomValues?: (bytes: Uint8Array) => Uint8Array;
}

/**
 * A fresh random GUID, as Graph assigns. `crypto.randomUUID` exists in Node and in a browser's secure context;
 * a page served over plain http from another host than localhost has `getRandomValues` only.
 */
export function randomUuid(): string {
  const crypto = (globalThis as { crypto?: WebCrypto }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return guid([...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(''));
}

/**
 * Ids from a seed: the n-th is stableId(`${seed}#${n}`), so two mocks given the same seed and the same requests
 * create the same objects with the same ids (reproducible snapshots, and the parity of server and handlers).
 */
export function seededIds(seed: string): () => string {
  let next = 0;
  return () => stableId(`${seed}#${next++}`);
}

/**
 * The request's ids. A caller's `client-request-id` is echoed; without one Graph sends its own request-id in
 * both headers and in innerError (captured answers: msgraph-sdk-design middleware/CompressionHandler.md's 400,
 * microsoftgraph/msgraph-sample-blazor-clientside#94's 400).
 */
export function requestIds(clientRequestId: string | string[] | null | undefined, newId: () => string = randomUuid): Ids {
  const requestId = newId();
  return { requestId, clientRequestId: (typeof clientRequestId === 'string' && clientRequestId) || requestId };
}
