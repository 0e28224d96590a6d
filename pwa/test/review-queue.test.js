import { describe, expect, it } from "vitest";
import { filterQueue, reviewQueue } from "../src/domain/review-queue.js";
import { LocalData } from "../src/store.js";

const FAMILY = "f0000000-0000-4000-8000-000000000001";
const WORKER = "u0000000-0000-4000-8000-000000000001";
const SUPERVISOR = "u0000000-0000-4000-8000-000000000002";

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, created_by_id: WORKER, ...data } };
}

const signed = (entity, id, at, extra = {}) =>
  record(entity, id, { family_id: FAMILY, state: "signed", signed_at: `2026-11-${at}T10:00:00+00:00`, ...extra });

function queueOf(records) {
  const data = new LocalData();
  data.load({ records: [record("family", FAMILY, { display_name: "Okoro" }), ...records], outbox: [], notices: [] });
  return reviewQueue(data, { me: SUPERVISOR });
}

describe("the review queue", () => {
  it("holds what waits for supervision, oldest signed first", () => {
    const queue = queueOf([
      signed("note", "n-new", "20", { review_status: "not_reviewed" }),
      signed("judgment", "j-red", "10", { light: "red", status: "awaiting_approval" }),
      signed("judgment", "j-yellow", "15", { light: "yellow", status: "awaiting_discussion" }),
      signed("judgment", "j-green", "12", { light: "green", status: "logged" }),
    ]);
    expect(queue.map((entry) => entry.record.id)).toEqual(["j-red", "j-green", "j-yellow", "n-new"]);
  });

  it("leaves out drafts, closed entries, green ones already answered and the supervisor's own", () => {
    const queue = queueOf([
      record("note", "n-draft", { family_id: FAMILY, state: "draft" }),
      signed("note", "n-discussed", "01", { review_status: "discussed" }),
      signed("judgment", "j-approved", "02", { light: "red", status: "approved" }),
      signed("judgment", "j-declined", "03", { light: "red", status: "declined" }),
      signed("judgment", "j-discussed", "04", { light: "yellow", status: "discussed" }),
      signed("judgment", "j-green-seen", "05", { light: "green", status: "logged" }),
      record("review", "r1", { family_id: FAMILY, target_kind: "judgment", target_id: "j-green-seen", review_kind: "comment" }),
      signed("note", "n-mine", "06", { review_status: "not_reviewed", created_by_id: SUPERVISOR }),
    ]);
    expect(queue).toEqual([]);
  });

  it("filters by worker, kind, light and approval", () => {
    const queue = queueOf([
      signed("note", "n1", "01", { review_status: "not_reviewed" }),
      signed("judgment", "j-red", "02", { light: "red", status: "awaiting_approval" }),
      signed("judgment", "j-yellow", "03", { light: "yellow", status: "awaiting_discussion", created_by_id: "someone-else" }),
    ]);
    const ids = (filters) => filterQueue(queue, filters).map((entry) => entry.record.id);
    expect(ids({ kinds: ["judgment"] })).toEqual(["j-red", "j-yellow"]);
    expect(ids({ lights: ["yellow"] })).toEqual(["j-yellow"]);
    expect(ids({ worker: WORKER })).toEqual(["n1", "j-red"]);
    expect(ids({ awaitingApproval: true })).toEqual(["j-red"]);
    expect(ids({})).toEqual(["n1", "j-red", "j-yellow"]);
  });
});
