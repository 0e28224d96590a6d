import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalDatabase, STORES, deleteLocalData } from "../src/db/database.js";
import { open } from "../src/crypto/keys.js";
import { LocalData } from "../src/store.js";
import { SyncService, SyncState } from "../src/sync/sync-service.js";

const FAMILY = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const PERSON = "33333333-3333-4333-8333-333333333333";

let name;
let db;
let key;
let data;
let service;
let server; // the fake server: a queue of replies, and the requests it saw

function reply(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

beforeEach(async () => {
  name = `sync-${Math.random()}`;
  db = await LocalDatabase.open(name);
  await db.write([{ store: STORES.device, put: [{ key: "device", device_id: "device-1", next_mutation_id: 1 }] }]);
  key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  data = new LocalData();
  service = new SyncService({ db, key, data, deviceId: "device-1" });
  server = { replies: [], requests: [] };
  globalThis.fetch = vi.fn(async (path, init) => {
    server.requests.push({ path, body: JSON.parse(init.body) });
    const next = server.replies.shift();
    if (!next) throw new TypeError("Failed to fetch");
    return typeof next === "function" ? next(JSON.parse(init.body)) : next;
  });
});

afterEach(async () => {
  service.stop();
  db.close();
  await deleteLocalData(name);
});

const page = (changes, { cursor = "c1", has_more = false, remaining = null } = {}) =>
  reply(200, { changes, cursor, has_more, remaining });
const upsert = (entity, id, version, fields, familyId = FAMILY) => ({
  entity, id, op: "upsert", version, family_id: familyId, data: { id, version, family_id: familyId, ...fields },
});

describe("the outbox", () => {
  it("keeps each change sealed on the device with increasing ids", async () => {
    const first = await service.enqueue("plan_action", "create", "p1", { family_id: FAMILY, task: "CANARY walk to school", who: "Gran" });
    const second = await service.enqueue("plan_action", "update", "p1", { task: "Walk" });
    expect([first.mutation_id, second.mutation_id]).toEqual([1, 2]);
    expect(first.base_version).toBeNull();
    expect(second.base_version).toBe(1);
    const rows = await db.all(STORES.outbox);
    expect(rows.map((row) => row.mutation_id)).toEqual([1, 2]);
    expect(JSON.stringify(rows)).not.toContain("CANARY");
    expect((await open(key, rows[0])).data.task).toBe("CANARY walk to school");
  });

  it("reads its own writes before they are sent", async () => {
    await service.enqueue("plan_action", "create", "p1", { family_id: FAMILY, task: "Call school", who: "Mum" });
    await service.enqueue("plan_action", "update", "p1", { task: "Call the school" });
    expect(data.get("plan_action", "p1")).toMatchObject({ task: "Call the school", unsynced: true });
    expect(data.ofFamily("plan_action", FAMILY)).toHaveLength(1);
  });
});

describe("two tabs", () => {
  let otherDb;
  let otherData;
  let other; // a second tab: its own connection, memory and service on the same database

  beforeEach(async () => {
    otherDb = await LocalDatabase.open(name);
    otherData = new LocalData();
    other = new SyncService({ db: otherDb, key, data: otherData, deviceId: "device-1" });
  });

  afterEach(() => {
    other.stop();
    otherDb.close();
  });

  it("keep both changes made at the same moment, each with its own id", async () => {
    const [mine, theirs] = await Promise.all([
      service.enqueue("plan_action", "create", "p1", { family_id: FAMILY, task: "Mine", who: "Mum" }),
      other.enqueue("plan_action", "create", "p2", { family_id: FAMILY, task: "Theirs", who: "Dad" }),
    ]);
    expect(mine.mutation_id).not.toBe(theirs.mutation_id);
    const rows = await db.all(STORES.outbox);
    expect(rows.map((row) => row.mutation_id).sort()).toEqual([mine.mutation_id, theirs.mutation_id].sort());
    const kept = await Promise.all(rows.map((row) => open(key, row)));
    expect(kept.map((m) => m.data.task).sort()).toEqual(["Mine", "Theirs"]);
    expect((await db.get(STORES.device, "device")).next_mutation_id).toBe(3);
  });

  it("send every tab's changes in order, whichever tab syncs", async () => {
    await other.enqueue("plan_action", "create", "p2", { family_id: FAMILY, task: "Theirs", who: "Dad" });
    await service.enqueue("plan_action", "create", "p1", { family_id: FAMILY, task: "Mine", who: "Mum" });
    server.replies.push(
      reply(200, {
        last_mutation_id: 2,
        results: [
          { mutation_id: 1, status: "applied", version: 1 },
          { mutation_id: 2, status: "applied", version: 1 },
        ],
      }),
    );
    await service.push();
    // The server answers an id below one it has seen as a duplicate: the other
    // tab's change (id 1) had to go first, with this tab's (id 2).
    expect(server.requests[0].body.mutations.map((m) => [m.mutation_id, m.data.task])).toEqual([
      [1, "Theirs"],
      [2, "Mine"],
    ]);
    expect(await db.count(STORES.outbox)).toBe(0);
    expect(data.get("plan_action", "p2")).toMatchObject({ task: "Theirs", version: 1 });
  });
});

describe("what waits to be sent", () => {
  const CHECKLIST = "44444444-4444-4444-8444-444444444444";

  it("counts each record once, and a checklist once with its answers", async () => {
    await service.enqueue("interaction", "create", "i1", { family_id: FAMILY });
    await service.enqueue("note", "create", "n1", { family_id: FAMILY, sections: {} });
    await service.enqueue("note", "update", "n1", { sections: { reflection: "More" } });
    await service.enqueue("note", "sign", "n1");
    await service.enqueue("checklist", "create", CHECKLIST, { family_id: FAMILY });
    for (const item of ["a1", "a2", "a3"]) {
      await service.enqueue("checklist_item", "update", item, { answer: "yes" }, 1, { partOf: { entity: "checklist", id: CHECKLIST } });
    }
    expect(data.outbox).toHaveLength(8);
    expect(data.recordsWaiting()).toEqual([
      { entity: "interaction", id: "i1" },
      { entity: "note", id: "n1" },
      { entity: "checklist", id: CHECKLIST },
    ]);
  });

  it("finds the checklist of an answer from the item the device holds", async () => {
    data.putConfirmed([{ entity: "checklist_item", id: "a1", version: 1, family_id: FAMILY, data: { id: "a1", checklist_id: CHECKLIST } }]);
    await service.enqueue("checklist_item", "update", "a1", { answer: "no" }, 1);
    await service.enqueue("checklist_item", "update", "a9", { answer: "no" }, 1); // unknown: counted as itself
    expect(data.recordsWaiting()).toEqual([
      { entity: "checklist", id: CHECKLIST },
      { entity: "checklist_item", id: "a9" },
    ]);
  });

  it("keeps the record an answer belongs to on the device, never sending it", async () => {
    await service.enqueue("checklist_item", "update", "a1", { answer: "yes" }, 1, { partOf: { entity: "checklist", id: CHECKLIST } });
    expect((await open(key, (await db.all(STORES.outbox))[0])).part_of).toEqual({ entity: "checklist", id: CHECKLIST });
    server.replies.push(reply(200, { last_mutation_id: 1, results: [{ mutation_id: 1, status: "applied", version: 2 }] }));
    await service.push();
    expect(server.requests[0].body.mutations[0]).not.toHaveProperty("part_of");
    expect(data.recordsWaiting()).toEqual([]);
  });
});

describe("push", () => {
  beforeEach(async () => {
    await service.enqueue("plan_action", "create", "p1", { family_id: FAMILY, task: "A", who: "B" });
    await service.enqueue("family", "update", FAMILY, { preferred_language: "Welsh" }, 3);
    await service.enqueue("note", "create", "n1", { family_id: FAMILY, sections: { reflection: "" } });
  });

  it("removes every processed change, keeps rejections and conflicts to show", async () => {
    server.replies.push(
      reply(200, {
        last_mutation_id: 3,
        results: [
          { mutation_id: 1, status: "applied", version: 1 },
          { mutation_id: 2, status: "conflict", version: 5, overwritten: { preferred_language: "English" } },
          { mutation_id: 3, status: "rejected", reason: "invalid", message: "Check it", errors: { sections: ["Bad"] } },
        ],
      }),
    );
    await service.push();
    expect(server.requests[0].body.mutations.map((m) => m.mutation_id)).toEqual([1, 2, 3]);
    expect(await db.count(STORES.outbox)).toBe(0);
    expect(data.outbox).toEqual([]);
    expect(data.notices.map((n) => n.kind).sort()).toEqual(["conflict", "rejected"]);
    const sealed = await db.all(STORES.notices);
    const rejected = await Promise.all(sealed.map((row) => open(key, row)));
    expect(rejected.find((n) => n.kind === "rejected").mutation.data.sections).toEqual({ reflection: "" });
    expect(data.get("plan_action", "p1")).toMatchObject({ task: "A", version: 1 });
  });

  it("keeps the whole outbox when the server cannot take it", async () => {
    server.replies.push(reply(503, { code: "sync_unavailable", message: "Later" }, { "Retry-After": "5" }));
    await expect(service.push()).rejects.toMatchObject({ status: 503, retryAfter: 5 });
    expect(await db.count(STORES.outbox)).toBe(3);
  });
});

describe("pull", () => {
  it("stores every page with its cursor until there is no more", async () => {
    server.replies.push(
      page([upsert("family", FAMILY, 1, { display_name: "CANARY Okoro" })], { cursor: "c1", has_more: true, remaining: 1 }),
      page([upsert("note", "n1", 1, { sections: {} })], { cursor: "c2" }),
    );
    const progress = [];
    service.addEventListener("progress", (event) => progress.push(event.detail));
    expect(await service.pull()).toBe(2);
    expect(server.requests.map((r) => r.body.cursor)).toEqual([null, "c1"]);
    expect(data.get("family", FAMILY).display_name).toBe("CANARY Okoro");
    expect(JSON.stringify(await db.all(STORES.records))).not.toContain("CANARY");
    const state = await open(key, await db.get(STORES.state, "sync"));
    expect(state.cursor).toBe("c2");
    expect(progress[0]).toEqual({ received: 1, total: 2 });
  });

  it("evicts a family that left the caseload, and people no other family holds", async () => {
    server.replies.push(
      page([
        upsert("family", FAMILY, 1, { display_name: "Okoro" }),
        upsert("family", OTHER, 1, { display_name: "Singh" }, OTHER),
        upsert("person", PERSON, 1, { given_name: "Sam" }),
        upsert("membership", "m1", 1, { person_id: PERSON }),
        upsert("note", "n1", 1, { sections: {} }),
      ]),
      page([{ entity: "family", id: FAMILY, op: "evict", version: null, family_id: FAMILY, data: null }], { cursor: "c2" }),
    );
    await service.pull();
    await service.pull();
    expect(data.get("family", FAMILY)).toBeNull();
    expect(data.get("note", "n1")).toBeNull();
    expect(data.get("person", PERSON)).toBeNull();
    expect(data.get("family", OTHER)).not.toBeNull();
    expect((await db.all(STORES.records)).length).toBe(1);
  });

  it("keeps a foster carer another family's map still names, and forgets one no map names", async () => {
    const CARER = "55555555-5555-4555-8555-555555555555";
    const FORMER = "66666666-6666-4666-8666-666666666666";
    server.replies.push(
      page([
        upsert("family", FAMILY, 1, { display_name: "Okoro" }),
        upsert("family", OTHER, 1, { display_name: "Singh" }, OTHER),
        upsert("person", PERSON, 1, { given_name: "Sam" }, OTHER),
        upsert("membership", "m1", 1, { person_id: PERSON }, OTHER),
        // Foster carers: in no family, named by the relationships of a child in care.
        upsert("person", CARER, 1, { given_name: "Jean" }, OTHER),
        upsert("relationship", "r1", 1, { from_person_id: PERSON, to_person_id: CARER, type: "FSTPRN" }, OTHER),
        upsert("person", FORMER, 1, { given_name: "Ruth" }),
        upsert("relationship", "r2", 1, { from_person_id: PERSON, to_person_id: FORMER, type: "FSTPRN" }),
      ]),
      page([{ entity: "family", id: FAMILY, op: "evict", version: null, family_id: FAMILY, data: null }], { cursor: "c2" }),
    );
    await service.pull();
    await service.pull();
    expect(data.get("person", CARER)).not.toBeNull();
    expect(data.get("person", FORMER)).toBeNull();
  });

  it("evicts a group supervision session alone, keeping the family's discussion", async () => {
    const SESSION = "44444444-4444-4444-8444-444444444444";
    server.replies.push(
      page([
        upsert("family", FAMILY, 1, { display_name: "Okoro" }),
        upsert("supervision_session", SESSION, 1, { title: "Fathers" }, null),
        upsert("supervision_discussion", "d1", 1, { session_id: SESSION, questions: [], actions: [] }),
      ]),
      page([{ entity: "supervision_session", id: SESSION, op: "evict", version: null, family_id: null, data: null }], { cursor: "c2" }),
    );
    await service.pull();
    expect(data.get("supervision_session", SESSION)).not.toBeNull();
    await service.pull();
    expect(data.get("supervision_session", SESSION)).toBeNull();
    expect(data.get("supervision_discussion", "d1")).not.toBeNull();
    expect(data.get("family", FAMILY)).not.toBeNull();
    expect((await db.all(STORES.records)).map((r) => r.key).sort()).toEqual([`family/${FAMILY}`, "supervision_discussion/d1"]);
  });

  it("starts again from nothing when the server asks, keeping the outbox", async () => {
    await service.enqueue("plan_action", "create", "p9", { family_id: FAMILY, task: "Keep me", who: "Mum" });
    service.cursor = "stale";
    await db.write([{ store: STORES.records, put: [{ key: "note/old", iv: new Uint8Array(12), data: new ArrayBuffer(1) }] }]);
    server.replies.push(
      reply(409, { code: "reset_required", message: "Again" }),
      page([upsert("family", FAMILY, 1, { display_name: "Okoro" })], { cursor: "fresh" }),
    );
    await service.pull();
    expect(server.requests.map((r) => r.body.cursor)).toEqual(["stale", null]);
    expect((await db.all(STORES.records)).map((r) => r.key)).toEqual([`family/${FAMILY}`]);
    expect(await db.count(STORES.outbox)).toBe(1);
  });

  it("shows a rejection the server kept, once", async () => {
    const rejection = {
      entity: "rejection", id: "r1", op: "upsert", version: null, family_id: null,
      data: { mutation_id: 7, entity: "note", op: "create", record_id: "n7", reason: "not_in_caseload", message: "Gone", errors: {}, data: { sections: { what_happened: "kept" } } },
    };
    server.replies.push(page([rejection], { cursor: "c1" }), page([rejection], { cursor: "c2" }));
    await service.pull();
    await service.pull();
    expect(data.notices).toHaveLength(1);
    expect(data.notices[0].mutation.data.sections.what_happened).toBe("kept");
  });
});

describe("when to give up for now", () => {
  it("goes offline, keeps everything and retries later", async () => {
    await service.enqueue("plan_action", "create", "p1", { family_id: FAMILY, task: "A", who: "B" });
    await service.syncNow("button");
    expect(service.state).toBe(SyncState.OFFLINE);
    expect(await db.count(STORES.outbox)).toBe(1);
  });

  it("tells the app to wipe when the device was revoked", async () => {
    const revoked = vi.fn();
    service.addEventListener("revoked", revoked);
    server.replies.push(reply(401, { code: "device_revoked", error: "device_revoked", wipe: true, message: "Revoked" }));
    await service.syncNow("button");
    expect(revoked).toHaveBeenCalled();
  });

  it("asks to sign in again when the session ended, keeping the outbox", async () => {
    await service.enqueue("plan_action", "create", "p1", { family_id: FAMILY, task: "A", who: "B" });
    server.replies.push(reply(401, { code: "not_authenticated", message: "Sign in" }));
    await service.syncNow("button");
    expect(service.state).toBe(SyncState.SIGNED_OUT);
    expect(await db.count(STORES.outbox)).toBe(1);
  });
});
