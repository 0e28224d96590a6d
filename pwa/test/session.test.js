import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DATABASE_NAME } from "../src/config.js";
import { LocalDatabase, STORES, deleteLocalData } from "../src/db/database.js";
import { Session, WrongPassphrase } from "../src/session.js";

// Unlocking derives a key for a noticeable time (600,000 PBKDF2 rounds). Another
// tab may record a change meanwhile: what it wrote to the device row must stay.
const SECRET = "c2VydmVyLXNlY3JldC1mb3ItdGhpcy1kZXZpY2UtMzI";
const PASSPHRASE = "river stone lamp";

let otherTab;

beforeEach(async () => {
  const db = await LocalDatabase.open();
  await db.write([
    { store: STORES.device, put: [{ key: "device", device_id: "device-1", next_mutation_id: 1, failed_unlocks: 0, secret: SECRET }] },
  ]);
  db.close();
  const first = new Session();
  await first.setPassphrase(PASSPHRASE);
  first.lock();
  first.db.close();
  otherTab = await LocalDatabase.open();
  return async () => {
    otherTab.close();
    await deleteLocalData(DATABASE_NAME);
  };
});

afterEach(() => vi.restoreAllMocks());

/** While the key is being derived, let the other tab take a mutation id. */
function otherTabEnqueuesDuringDerivation() {
  const derive = crypto.subtle.deriveBits.bind(crypto.subtle);
  vi.spyOn(crypto.subtle, "deriveBits").mockImplementationOnce(async (...args) => {
    await otherTab.addToOutbox({ plain: { entity: "note", op: "create", id: "theirs", data: {} } });
    return derive(...args);
  });
}

describe("unlocking beside another tab", () => {
  it("keeps the other tab's mutation counter, so the next change gets a new id", async () => {
    const session = new Session();
    otherTabEnqueuesDuringDerivation();
    await session.unlock(PASSPHRASE);
    expect((await otherTab.get(STORES.device, "device")).next_mutation_id).toBe(2);
    const mine = await session.sync.enqueue("note", "create", "mine", {});
    expect(mine.mutation_id).toBe(2);
    expect((await otherTab.all(STORES.outbox)).map((row) => row.mutation_id)).toEqual([1, 2]);
    expect(session.data.outbox.map((m) => [m.mutation_id, m.id])).toEqual([[1, "theirs"], [2, "mine"]]);
    session.db.close();
  });

  it("keeps the counter when the passphrase is wrong, and counts the wrong try", async () => {
    const session = new Session();
    otherTabEnqueuesDuringDerivation();
    await expect(session.unlock("not the passphrase")).rejects.toBeInstanceOf(WrongPassphrase);
    expect(await otherTab.get(STORES.device, "device")).toMatchObject({ next_mutation_id: 2, failed_unlocks: 1 });
    session.db.close();
  });
});
