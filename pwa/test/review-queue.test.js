import { describe, expect, it } from "vitest";
import { filterQueue, mayDecide, openRequestOn, pageOf, reviewQueue, sampleToDraw } from "../src/domain/review-queue.js";
import { LocalData } from "../src/store.js";

const FAMILY = "f0000000-0000-4000-8000-000000000001";
const OTHER_FAMILY = "f0000000-0000-4000-8000-000000000002";
const WORKER = "u0000000-0000-4000-8000-000000000001";
const SUPERVISOR = "u0000000-0000-4000-8000-000000000002";
const NEWCOMER = "u0000000-0000-4000-8000-000000000003";
const TODAY = "2026-12-05";

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, created_by_id: WORKER, ...data } };
}

const signed = (entity, id, at, extra = {}) =>
  record(entity, id, { family_id: FAMILY, state: "signed", signed_at: `${at}T10:00:00+00:00`, ...extra });

const ask = (id, targetKind, targetId, at, extra = {}) =>
  record("review", id, { family_id: FAMILY, target_kind: targetKind, target_id: targetId, review_kind: "ask_to_discuss", body: "Can we talk?", created_at: `${at}T12:00:00+00:00`, ...extra });

function dataOf(records) {
  const data = new LocalData();
  data.load({
    records: [
      record("family", FAMILY, { display_name: "Okoro", local_reference: "FAM-1001" }),
      record("family", OTHER_FAMILY, { display_name: "Byrne", local_reference: "FAM-2002" }),
      ...records,
    ],
    outbox: [],
    notices: [],
  });
  return data;
}

const ids = (entries) => entries.map((entry) => entry.record.id);

describe("the supervision queue", () => {
  it("puts red decisions first, the longest waiting first, then the rest newest first", () => {
    const data = dataOf([
      signed("judgment", "j-red-new", "2026-12-01", { light: "red", status: "awaiting_approval" }),
      signed("judgment", "j-red-old", "2026-11-01", { light: "red", status: "awaiting_approval" }),
      signed("judgment", "j-yellow", "2026-11-20", { light: "yellow", status: "awaiting_discussion" }),
      signed("note", "n-asked", "2026-10-01"),
      ask("r-ask", "note", "n-asked", "2026-12-02"),
    ]);
    const queue = reviewQueue(data, { me: SUPERVISOR, today: TODAY });
    expect(ids(queue)).toEqual(["j-red-old", "j-red-new", "n-asked", "j-yellow"]);
    expect(queue[0].ageDays).toBe(34);
    expect(ids(reviewQueue(data, { me: SUPERVISOR, today: TODAY, order: "oldest" }))).toEqual(["j-red-old", "j-red-new", "j-yellow", "n-asked"]);
  });

  it("leaves out signed notes, green decisions, closed items and the supervisor's own", () => {
    const data = dataOf([
      signed("note", "n-plain", "2026-12-01"),
      signed("judgment", "j-green", "2026-12-01", { light: "green", status: "logged" }),
      signed("judgment", "j-approved", "2026-12-01", { light: "red", status: "approved" }),
      signed("judgment", "j-discussed", "2026-12-01", { light: "yellow", status: "discussed" }),
      signed("note", "n-talked", "2026-12-01"),
      ask("r-closed", "note", "n-talked", "2026-12-01"),
      record("review", "r-done", { family_id: FAMILY, target_kind: "note", target_id: "n-talked", parent_id: "r-closed", review_kind: "discussed", body: "Done" }),
      signed("judgment", "j-mine", "2026-12-01", { light: "yellow", status: "awaiting_discussion", created_by_id: SUPERVISOR }),
    ]);
    expect(reviewQueue(data, { me: SUPERVISOR, today: TODAY })).toEqual([]);
    expect(openRequestOn(data, "n-talked")).toBeNull();
  });

  it("lets unrequested items age out after the team's setting, but keeps asks and red", () => {
    const data = dataOf([
      signed("judgment", "j-yellow-old", "2026-09-01", { light: "yellow", status: "awaiting_discussion" }),
      signed("judgment", "j-red-old", "2026-01-01", { light: "red", status: "awaiting_approval" }),
      signed("note", "n-asked-long-ago", "2026-01-01"),
      ask("r-old-ask", "note", "n-asked-long-ago", "2026-01-02"),
    ]);
    expect(ids(reviewQueue(data, { me: SUPERVISOR, today: TODAY }))).toEqual(["j-red-old", "n-asked-long-ago"]);
    const longer = { queue_age_days: 120, sample_size: 2, sample_size_new: 4 };
    expect(ids(reviewQueue(data, { me: SUPERVISOR, today: TODAY, settings: longer }))).toContain("j-yellow-old");
    const found = reviewQueue(data, { me: SUPERVISOR, today: TODAY, includeOld: true });
    expect(found.find((entry) => entry.record.id === "j-yellow-old").old).toBe(true);
  });

  it("filters by worker, family name or reference, reason and what waits for me", () => {
    const data = dataOf([
      signed("judgment", "j-red", "2026-12-01", { light: "red", status: "awaiting_approval" }),
      signed("judgment", "j-yellow", "2026-12-02", { light: "yellow", status: "awaiting_discussion", family_id: OTHER_FAMILY, created_by_id: NEWCOMER }),
      signed("note", "n-asked", "2026-12-03"),
      ask("r1", "note", "n-asked", "2026-12-03"),
    ]);
    const queue = reviewQueue(data, { me: SUPERVISOR, today: TODAY });
    expect(ids(filterQueue(queue, { worker: NEWCOMER }))).toEqual(["j-yellow"]);
    expect(ids(filterQueue(queue, { family: "byr" }))).toEqual(["j-yellow"]);
    expect(ids(filterQueue(queue, { family: "fam-1001" }))).toEqual(["j-red", "n-asked"]);
    expect(ids(filterQueue(queue, { reasons: ["asked"] }))).toEqual(["n-asked"]);
    expect(ids(filterQueue(queue, { awaitingApproval: true }))).toEqual(["j-red"]);
  });

  it("sends a red decision from group supervision to the approver the policy names", () => {
    const records = [
      record("supervision_session", "s1", { facilitator_id: SUPERVISOR, team_id: "t1" }),
      record("supervision_discussion", "d1", { family_id: FAMILY, session_id: "s1" }),
      signed("judgment", "j-group", "2026-12-01", { light: "red", status: "awaiting_approval", created_by_id: SUPERVISOR, supervision_discussion_id: "d1" }),
    ];
    const data = dataOf(records);
    const judgment = data.get("judgment", "j-group");
    const me = { id: SUPERVISOR, role: "supervisor" };
    expect(mayDecide(data, judgment, me, { group_supervision_approver: "facilitator" })).toBe(true);
    expect(mayDecide(data, judgment, { id: "someone", role: "supervisor" }, { group_supervision_approver: "facilitator" })).toBe(false);
    expect(mayDecide(data, judgment, me, { group_supervision_approver: "another_supervisor" })).toBe(false);
    const queue = reviewQueue(data, { me: SUPERVISOR, today: TODAY, policy: { group_supervision_approver: "facilitator" } });
    expect(ids(filterQueue(queue, { awaitingApproval: true }))).toEqual(["j-group"]);
  });

  it("pages the queue", () => {
    const entries = Array.from({ length: 45 }, (_, index) => ({ record: { id: `x${index}` } }));
    expect(pageOf(entries, 1).items).toHaveLength(20);
    expect(pageOf(entries, 3)).toMatchObject({ page: 3, pages: 3, total: 45 });
    expect(pageOf(entries, 3).items).toHaveLength(5);
    expect(pageOf(entries, 9).page).toBe(3);
    expect(pageOf([], 1)).toMatchObject({ page: 1, pages: 1, items: [] });
  });

  it("draws a larger sample for a worker in their first three months, once a month", () => {
    const notes = [];
    for (const worker of [WORKER, NEWCOMER]) {
      for (let day = 10; day < 30; day += 1) {
        notes.push(signed("note", `n-${worker.slice(-1)}-${day}`, `2026-11-${day}`, { created_by_id: worker }));
      }
    }
    const data = dataOf([
      ...notes,
      signed("note", "n-too-old", "2026-09-01"),
      record("assignment", "a1", { family_id: FAMILY, worker_id: WORKER, started_on: "2022-01-01" }),
      record("assignment", "a2", { family_id: FAMILY, worker_id: NEWCOMER, started_on: "2026-10-01" }),
    ]);
    const settings = { queue_age_days: 60, sample_size: 2, sample_size_new: 4 };
    const drawn = sampleToDraw(data, { me: SUPERVISOR, workers: [WORKER, NEWCOMER], settings, today: TODAY, random: () => 0.5 });
    expect(drawn.filter((item) => item.workerId === WORKER)).toHaveLength(2);
    expect(drawn.filter((item) => item.workerId === NEWCOMER)).toHaveLength(4);
    expect(drawn.map((item) => item.note.id)).not.toContain("n-too-old");
    // Once drawn this month, nothing more is drawn for that worker.
    const sampled = drawn.map((item, index) =>
      record("review", `s${index}`, { family_id: FAMILY, target_kind: "note", target_id: item.note.id, review_kind: "sampled", body: "Sample", created_by_id: SUPERVISOR, created_at: `${TODAY}T09:00:00+00:00` }),
    );
    const after = dataOf([...notes, ...sampled, record("assignment", "a2", { family_id: FAMILY, worker_id: NEWCOMER, started_on: "2026-10-01" })]);
    expect(sampleToDraw(after, { me: SUPERVISOR, workers: [WORKER, NEWCOMER], settings, today: TODAY })).toEqual([]);
    expect(reviewQueue(after, { me: SUPERVISOR, today: TODAY })).toHaveLength(6);
  });
});
