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

describe("drafts", () => {
  it("are written in the order asked, so a save still sealing cannot bring back a draft deleted after it", async () => {
    const session = new Session();
    await session.unlock(PASSPHRASE);
    const encrypt = crypto.subtle.encrypt.bind(crypto.subtle);
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    // The save begun as the worker typed is slow to seal; meanwhile the form is saved.
    vi.spyOn(crypto.subtle, "encrypt").mockImplementationOnce(async (...args) => {
      await held;
      return encrypt(...args);
    });
    const typing = session.saveDraft("conference/c1/actions", { task: "Sunday dinner" });
    const saved = session.deleteDraft("conference/c1/actions");
    release();
    await Promise.all([typing, saved]);
    expect(await session.loadDraft("conference/c1/actions")).toBeNull();
    expect(await otherTab.get(STORES.drafts, "conference/c1/actions")).toBeUndefined();
    session.db.close();
  });

  it("are read after the writes asked for before", async () => {
    const session = new Session();
    await session.unlock(PASSPHRASE);
    session.saveDraft("note/n1", { body: "first words" });
    const written = session.saveDraft("note/n1", { body: "first words, and more" });
    expect(await session.loadDraft("note/n1")).toEqual({ body: "first words, and more" });
    await written;
    session.db.close();
  });
});
