import { beforeEach, describe, expect, it } from "vitest";
import { LocalDatabase, STORES, deleteLocalData } from "../src/db/database.js";
import { ASKER_KEY_HEADER, MyConsultations, askerHeaders, newAskerKey, unseenReplies } from "../src/my-consultations.js";

let name = "";
let db;
let key;

beforeEach(async () => {
  name = `test-${Math.random()}`;
  db = await LocalDatabase.open(name);
  key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  return async () => {
    db.close();
    await deleteLocalData(name);
  };
});

const posted = { id: "c1", title: "Boy refusing school", posted_at: new Date().toISOString(), replies: [] };
const withReplies = (...ids) => ({ ...posted, replies: ids.map((id) => ({ id, body: `reply ${id}` })) });

describe("the consultations this device asked", () => {
  it("are kept sealed: the device store holds no title or id in plain form", async () => {
    const mine = await new MyConsultations({ db, key }).load();
    await mine.remember(posted);
    const rows = await db.all(STORES.state);
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0], (_, value) => (value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? "<bytes>" : value));
    expect(stored).not.toContain("Boy refusing school");
    expect(stored).not.toContain("c1");
    const again = await new MyConsultations({ db, key }).load();
    expect(again.list().map((item) => item.title)).toEqual(["Boy refusing school"]);
  });

  it("cannot be read with another key", async () => {
    await (await new MyConsultations({ db, key }).load()).remember(posted);
    const other = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await expect(new MyConsultations({ db, key: other }).load()).rejects.toThrow();
  });

  it("find each new reply once, announce it, and forget it once read", async () => {
    const mine = await new MyConsultations({ db, key }).load();
    await mine.remember(posted);
    const announced = [];
    mine.addEventListener("new-replies", (event) => announced.push(event.detail.map((item) => item.id)));
    let server = withReplies();
    const fetchOne = async (id) => (id === "c1" ? server : null);

    expect(await mine.check(fetchOne)).toEqual([]);
    server = withReplies("r1");
    expect((await mine.check(fetchOne)).map((item) => item.id)).toEqual(["c1"]);
    expect(await mine.check(fetchOne)).toEqual([]); // the same reply is not news twice
    expect(mine.withNewReplies().map((item) => item.unseen)).toEqual([["r1"]]);
    expect(announced).toEqual([["c1"]]);

    await mine.markRead(server);
    expect(mine.withNewReplies()).toEqual([]);
    server = withReplies("r1", "r2");
    await mine.check(fetchOne);
    expect(mine.withNewReplies().map((item) => item.unseen)).toEqual([["r2"]]);
    // Kept across a lock and unlock.
    const reopened = await new MyConsultations({ db, key }).load();
    expect(reopened.withNewReplies().map((item) => item.unseen)).toEqual([["r2"]]);
  });

  it("stop following consultations asked long ago", async () => {
    const mine = await new MyConsultations({ db, key }).load();
    await mine.remember({ ...posted, posted_at: "2020-01-01T00:00:00+00:00" });
    const asked = [];
    await mine.check(async (id) => {
      asked.push(id);
      return withReplies("r1");
    });
    expect(asked).toEqual([]);
  });

  it("keep the asker's key, sealed, and show it to the server when looking for replies", async () => {
    const askerKey = newAskerKey();
    expect(askerKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newAskerKey()).not.toBe(askerKey);
    const mine = await new MyConsultations({ db, key }).load();
    await mine.remember(posted, askerKey);
    const stored = JSON.stringify(await db.all(STORES.state), (_, value) => (ArrayBuffer.isView(value) || value instanceof ArrayBuffer ? "<bytes>" : value));
    expect(stored).not.toContain(askerKey);
    const reopened = await new MyConsultations({ db, key }).load();
    const sent = [];
    await reopened.check(async (id, item) => {
      sent.push(askerHeaders(item));
      return withReplies();
    });
    expect(sent).toEqual([{ [ASKER_KEY_HEADER]: askerKey }]);
    expect(askerHeaders(undefined)).toEqual({}); // a peer's consultation: no key
  });

  it("count as unseen only replies not shown before", () => {
    expect(unseenReplies({ seen: ["r1"] }, withReplies("r1", "r2")).map((reply) => reply.id)).toEqual(["r2"]);
  });
});
