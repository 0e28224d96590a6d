import { beforeEach, describe, expect, it } from "vitest";
import { openDB } from "idb";
import { LocalDatabase, STORES, deleteLocalData } from "../src/db/database.js";

let name = "";
let db;

beforeEach(async () => {
  name = `test-${Math.random()}`;
  db = await LocalDatabase.open(name);
  return async () => {
    db.close();
    await deleteLocalData(name);
  };
});

describe("the local database", () => {
  it("creates every store", () => {
    expect([...db.idb.objectStoreNames].sort()).toEqual(Object.values(STORES).sort());
  });

  it("adds the attachment stores to a version 1 database, keeping what it holds", async () => {
    const older = `test-v1-${Math.random()}`;
    const v1 = await openDB(older, 1, {
      upgrade(database) {
        for (const store of ["device", "state", "records", "drafts", "notices"]) database.createObjectStore(store, { keyPath: "key" });
        database.createObjectStore("outbox", { keyPath: "mutation_id" });
      },
    });
    await v1.put("records", { key: "note/1", data: "kept" });
    v1.close();
    const upgraded = await LocalDatabase.open(older);
    expect((await upgraded.get(STORES.records, "note/1")).data).toBe("kept");
    expect([...upgraded.idb.objectStoreNames]).toContain(STORES.attachmentChunks);
    upgraded.close();
    await deleteLocalData(older);
  });

  it("writes several stores in one transaction", async () => {
    await db.write([
      { store: STORES.records, put: [{ key: "note/1", data: 1 }, { key: "note/2", data: 2 }] },
      { store: STORES.state, put: [{ key: "sync", cursor: "abc" }] },
    ]);
    expect(await db.count(STORES.records)).toBe(2);
    expect((await db.get(STORES.state, "sync")).cursor).toBe("abc");
  });

  it("writes nothing when any part of a transaction fails", async () => {
    await db.write([{ store: STORES.records, put: [{ key: "note/1", data: "before" }] }]);
    await expect(
      db.write([
        { store: STORES.records, put: [{ key: "note/1", data: "after" }] },
        { store: STORES.state, put: [{ cursor: "no key path" }] },
      ]),
    ).rejects.toThrow();
    expect((await db.get(STORES.records, "note/1")).data).toBe("before");
  });

  it("deletes and clears", async () => {
    await db.write([{ store: STORES.outbox, put: [{ mutation_id: 1 }, { mutation_id: 2 }, { mutation_id: 3 }] }]);
    await db.write([{ store: STORES.outbox, delete: [1, 3] }]);
    expect((await db.all(STORES.outbox)).map((row) => row.mutation_id)).toEqual([2]);
    await db.write([{ store: STORES.outbox, clear: true }]);
    expect(await db.count(STORES.outbox)).toBe(0);
  });
});

describe("read-then-update", () => {
  it("never loses a change made through another connection (another tab)", async () => {
    const other = await LocalDatabase.open(name);
    await db.write([{ store: STORES.device, put: [{ key: "device", next_mutation_id: 1, failed_unlocks: 0 }] }]);
    const bump = (connection) =>
      connection.update(STORES.device, "device", (row) => ({ ...row, next_mutation_id: row.next_mutation_id + 1 }));
    await Promise.all([bump(db), bump(other), bump(db), bump(other)]);
    expect((await db.get(STORES.device, "device")).next_mutation_id).toBe(5);
    other.close();
  });

  it("stores nothing when the change says so, and nothing at all when it throws", async () => {
    await db.write([{ store: STORES.device, put: [{ key: "device", failed_unlocks: 3 }] }]);
    expect(await db.update(STORES.device, "device", () => null)).toEqual({ key: "device", failed_unlocks: 3 });
    expect(await db.update(STORES.device, "missing", (row) => (row ? { ...row, seen: true } : null))).toBeUndefined();
    await expect(
      db.update(STORES.device, "device", () => {
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await db.get(STORES.device, "device")).toEqual({ key: "device", failed_unlocks: 3 });
  });

  it("gives each outbox row its own id, in the order the rows are stored", async () => {
    const other = await LocalDatabase.open(name);
    await db.write([{ store: STORES.device, put: [{ key: "device", next_mutation_id: 7 }] }]);
    const ids = await Promise.all([db.addToOutbox({ data: "a" }), other.addToOutbox({ data: "b" })]);
    expect(ids.sort()).toEqual([7, 8]);
    expect((await db.all(STORES.outbox)).map((row) => row.mutation_id)).toEqual([7, 8]);
    expect((await db.get(STORES.device, "device")).next_mutation_id).toBe(9);
    other.close();
  });
});
