import { describe, expect, it } from "vitest";
import { inboxOf, waitingCount } from "../src/domain/inbox.js";
import { LocalData } from "../src/store.js";

const FAMILY = "f0000000-0000-4000-8000-000000000001";
const WORKER = "u0000000-0000-4000-8000-000000000001";
const SUPERVISOR = "u0000000-0000-4000-8000-000000000002";
const OTHER_WORKER = "u0000000-0000-4000-8000-000000000003";

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, family_id: FAMILY, ...data } };
}

const note = (id, author = WORKER) => record("note", id, { state: "signed", created_by_id: author });

function review(id, { on = "n1", kind = "question", by = SUPERVISOR, parent = null, at = "10" }) {
  return record("review", id, {
    target_kind: "note",
    target_id: on,
    parent_id: parent,
    review_kind: kind,
    body: `${kind} ${id}`,
    created_by_id: by,
    created_at: `2026-11-${at}T10:00:00+00:00`,
  });
}

function dataOf(records, outbox = []) {
  const data = new LocalData();
  data.load({ records: [record("family", FAMILY, { display_name: "Okoro" }), ...records], outbox, notices: [] });
  return data;
}

const ids = (entries) => entries.map((entry) => entry.root.id);

describe("the inbox", () => {
  it("holds a supervisor's questions and comments on my records until I reply", () => {
    const data = dataOf([
      note("n1"),
      note("n2"),
      note("n-other", OTHER_WORKER),
      review("q1", { at: "10" }),
      review("c1", { on: "n2", kind: "comment", at: "12" }),
      review("q-answered", { at: "05" }),
      review("r1", { kind: "reply", by: WORKER, parent: "q-answered", at: "06" }),
      review("q-not-mine", { on: "n-other" }),
      review("d1", { kind: "discussed" }),
    ]);
    const inbox = inboxOf(data, { me: WORKER });
    expect(ids(inbox.waiting)).toEqual(["c1", "q1"]);
    expect(ids(inbox.answered)).toEqual(["q-answered"]);
    expect(inbox.waiting[1].latest.id).toBe("q1");
    expect(waitingCount(data, WORKER)).toBe(2);
  });

  it("waits again when the supervisor replies to my reply, and a reply made offline counts at once", () => {
    const records = [
      note("n1"),
      review("q1", { at: "01" }),
      review("r1", { kind: "reply", by: WORKER, parent: "q1", at: "02" }),
      review("r2", { kind: "reply", by: SUPERVISOR, parent: "q1", at: "03" }),
    ];
    expect(inboxOf(dataOf(records), { me: WORKER }).waiting[0].latest.id).toBe("r2");
    const offlineReply = {
      mutation_id: 1,
      entity: "review",
      op: "create",
      id: "r3",
      data: { target_kind: "note", target_id: "n1", parent_id: "q1", review_kind: "reply", body: "Thank you" },
    };
    const inbox = inboxOf(dataOf(records, [offlineReply]), { me: WORKER });
    expect(inbox.waiting).toEqual([]);
    expect(ids(inbox.answered)).toEqual(["q1"]);
    expect(inbox.answered[0].last.id).toBe("r3");
  });

  it("brings a worker's reply to the supervisor who asked, until they answer or acknowledge it", () => {
    const records = [note("n1"), review("q1", { at: "01" }), review("r1", { kind: "reply", by: WORKER, parent: "q1", at: "02" })];
    expect(ids(inboxOf(dataOf(records), { me: SUPERVISOR }).waiting)).toEqual(["q1"]);
    // Until the worker replies, the supervisor's own question waits for nobody in their inbox.
    expect(inboxOf(dataOf(records.slice(0, 2)), { me: SUPERVISOR })).toEqual({ waiting: [], answered: [] });
    const acknowledged = [...records, review("a1", { kind: "acknowledgement", parent: "q1", at: "03" })];
    expect(inboxOf(dataOf(acknowledged), { me: SUPERVISOR }).waiting).toEqual([]);
    expect(inboxOf(dataOf(acknowledged), { me: WORKER }).waiting).toEqual([]);
  });

  it("leaves out threads whose record or family is not on the device", () => {
    const data = dataOf([review("q1", { on: "gone" })]);
    expect(inboxOf(data, { me: WORKER })).toEqual({ waiting: [], answered: [] });
    expect(waitingCount(data, null)).toBe(0);
  });
});
