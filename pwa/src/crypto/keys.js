// Encryption at rest. Every record is sealed with AES-GCM under a random data
// key; the data key is stored only wrapped, by a key derived from the
// worker's passphrase (PBKDF2-SHA-256) together with a secret the server
// releases at sign-in (HKDF). Keys are non-extractable and live only in memory.

import { PBKDF2_ITERATIONS } from "../config.js";

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const AES = { name: "AES-GCM", length: 256 };

export function randomBytes(length) {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function concat(...parts) {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return joined;
}

export function base64ToBytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(padded + "=".repeat((4 - (padded.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

export async function deriveWrappingKey(passphrase, salt, serverSecret, iterations = PBKDF2_ITERATIONS) {
  const material = await subtle.importKey("raw", encoder.encode(passphrase), "PBKDF2", false, [
    "deriveBits",
  ]);
  const stretched = await subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    256,
  );
  const combined = await subtle.importKey(
    "raw",
    concat(stretched, base64ToBytes(serverSecret)),
    "HKDF",
    false,
    ["deriveKey"],
  );
  return subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: encoder.encode("fieldwork data key wrap v1") },
    combined,
    AES,
    false,
    ["wrapKey", "unwrapKey"],
  );
}

export async function createDataKey(wrappingKey) {
  // Extractable only for the moment it takes to wrap it; the copy kept is not.
  const fresh = await subtle.generateKey(AES, true, ["encrypt", "decrypt"]);
  const iv = randomBytes(12);
  const wrapped = await subtle.wrapKey("raw", fresh, wrappingKey, { name: "AES-GCM", iv });
  const key = await unwrapDataKey(wrapped, iv, wrappingKey);
  return { key, wrapped, iv };
}

export function unwrapDataKey(wrapped, iv, wrappingKey) {
  // A wrong passphrase fails here: the GCM tag does not match.
  return subtle.unwrapKey("raw", wrapped, wrappingKey, { name: "AES-GCM", iv }, AES, false, [
    "encrypt",
    "decrypt",
  ]);
}

export async function seal(key, value) {
  if (key === null) {
    return { plain: value }; // only for measuring what encryption costs (bench)
  }
  const iv = randomBytes(12);
  const data = await subtle.encrypt({ name: "AES-GCM", iv }, key, encoder.encode(JSON.stringify(value)));
  return { iv, data };
}

/**
 * Seal raw bytes (a piece of a photo or document) under the data key: the
 * same AES-GCM as records, without the JSON step.
 * @param {CryptoKey|null} key
 * @param {ArrayBuffer|Uint8Array<ArrayBuffer>} bytes
 * @returns {Promise<{iv: Uint8Array<ArrayBuffer>, data: ArrayBuffer} | {plainBytes: ArrayBuffer|Uint8Array<ArrayBuffer>}>}
 */
export async function sealBytes(key, bytes) {
  if (key === null) {
    return { plainBytes: bytes }; // only for measuring what encryption costs (bench)
  }
  const iv = randomBytes(12);
  return { iv, data: await subtle.encrypt({ name: "AES-GCM", iv }, key, bytes) };
}

/**
 * Open bytes sealed by sealBytes; a changed byte fails the GCM tag and throws.
 * @param {CryptoKey|null} key
 * @param {{iv: Uint8Array<ArrayBuffer>, data: ArrayBuffer} | {plainBytes: ArrayBuffer}} sealed
 * @returns {Promise<ArrayBuffer>}
 */
export async function openBytes(key, sealed) {
  if ("plainBytes" in sealed) {
    return sealed.plainBytes;
  }
  return subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.data);
}

export async function open(key, sealed) {
  if ("plain" in sealed) {
    return sealed.plain;
  }
  const bytes = await subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.data);
  return JSON.parse(decoder.decode(bytes));
}
