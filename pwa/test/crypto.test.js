import { describe, expect, it } from "vitest";
import { createDataKey, deriveWrappingKey, open, seal, unwrapDataKey } from "../src/crypto/keys.js";

const SECRET = "c2VydmVyLXNlY3JldC1mb3ItdGhpcy1kZXZpY2UtMzI";
const FAST = 1_000; // iterations: the app uses 600,000; the tests need not wait for them

describe("encryption at rest", () => {
  it("seals and opens a record, with nothing readable in between", async () => {
    const wrapping = await deriveWrappingKey("river stone lamp", new Uint8Array(16), SECRET, FAST);
    const { key } = await createDataKey(wrapping);
    const sealed = await seal(key, { sections: { what_happened: "CANARY-1234" } });
    expect(new TextDecoder().decode(sealed.data)).not.toContain("CANARY-1234");
    expect(await open(key, sealed)).toEqual({ sections: { what_happened: "CANARY-1234" } });
  });

  it("keeps the data key non-extractable", async () => {
    const wrapping = await deriveWrappingKey("river stone lamp", new Uint8Array(16), SECRET, FAST);
    const { key } = await createDataKey(wrapping);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("raw", key)).rejects.toThrow();
  });

  it("needs both the passphrase and the server's secret to unwrap", async () => {
    const salt = new Uint8Array(16).fill(7);
    const right = await deriveWrappingKey("river stone lamp", salt, SECRET, FAST);
    const { wrapped, iv, key } = await createDataKey(right);
    const sealed = await seal(key, "hello");
    const again = await unwrapDataKey(wrapped, iv, await deriveWrappingKey("river stone lamp", salt, SECRET, FAST));
    expect(await open(again, sealed)).toBe("hello");
    const wrongPassphrase = await deriveWrappingKey("river stone lump", salt, SECRET, FAST);
    await expect(unwrapDataKey(wrapped, iv, wrongPassphrase)).rejects.toThrow();
    const wrongSecret = await deriveWrappingKey("river stone lamp", salt, SECRET.replace("c2", "d2"), FAST);
    await expect(unwrapDataKey(wrapped, iv, wrongSecret)).rejects.toThrow();
  });

  it("uses a fresh IV for every record", async () => {
    const wrapping = await deriveWrappingKey("river stone lamp", new Uint8Array(16), SECRET, FAST);
    const { key } = await createDataKey(wrapping);
    const [a, b] = await Promise.all([seal(key, "same"), seal(key, "same")]);
    expect(a.iv).not.toEqual(b.iv);
  });
});
