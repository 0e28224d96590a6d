import { describe, expect, it } from "vitest";
import { canReview, decisionsToReview, learningCounts, reviewDue, reviewOf } from "../src/domain/decision-reviews.js";
import { checkDecisionReview } from "../src/ui/decision-review-worker.js";
import { LocalData } from "../src/store.js";

const TODAY = "2027-03-15";
const AMARA = { id: "u-amara", role: "caseworker" };
const BEN = { id: "u-ben", role: "caseworker" };
const HANNAH = { id: "u-hannah", role: "supervisor" };

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

const decision = (id, reviewDate, extra = {}) =>
  record("judgment", id, {
    family_id: "f-okoro",
    question: `Question ${id}`,
    category: "routine_support",
    state: "signed",
    status: "logged",
    created_by_id: AMARA.id,
    review_date: reviewDate,
    ...extra,
  });

function dataOf(records, outbox = []) {
  const data = new LocalData();
  data.load({ records, outbox, notices: [] });
  return data;
}

function reviewMutation(id, targetId, reviewedOn) {
  return {
    mutation_id: 1,
    entity: "review",
    op: "create",
    id,
    data: {
      target_kind: "judgment",
      target_id: targetId,
      review_kind: "decision_review",
      body: "Keep it.",
      answers: { what_happened: "It settled.", hindsight: "right", reviewed_on: reviewedOn },
    },
    client_ts: `${reviewedOn}T10:00:00+00:00`,
  };
}

const base = () => [
  record("family", "f-okoro", { display_name: "Okoro", status: "open" }),
  record("assignment", "a1", { family_id: "f-okoro", worker_id: AMARA.id, started_on: "2026-01-01", ended_on: null }),
  decision("j-due", "2027-03-10"),
  decision("j-today", TODAY),
  decision("j-later", "2027-04-01"),
  decision("j-none", null),
  decision("j-done", "2027-03-01", { reviewed_on: "2027-03-02", review_outcome: "Fine." }),
  decision("j-draft", "2027-03-01", { state: "draft" }),
];

describe("decisions that reach their review date", () => {
  it("are on the caseload, the longest waiting first, until reviewed", () => {
    const data = dataOf(base());
    expect(decisionsToReview(data, AMARA, TODAY).map((j) => j.id)).toEqual(["j-due", "j-today"]);
    expect(reviewDue(data, data.get("judgment", "j-later"), TODAY)).toBe(false);
  });

  it("leave the caseload as soon as they are reviewed on the device, before any sync", () => {
    const data = dataOf(base(), [reviewMutation("r1", "j-due", TODAY)]);
    expect(decisionsToReview(data, AMARA, TODAY).map((j) => j.id)).toEqual(["j-today"]);
    const review = reviewOf(data, data.get("judgment", "j-due"));
    expect(review).toMatchObject({ outcome: "Keep it.", reviewedOn: TODAY, unsynced: true });
    expect(review.answers.hindsight).toBe("right");
  });

  it("are reviewed by their author or the family's worker now, not by anyone else", () => {
    const data = dataOf([...base(), record("assignment", "a2", { family_id: "f-okoro", worker_id: BEN.id, started_on: "2026-01-01", ended_on: "2026-06-01" })]);
    const due = data.get("judgment", "j-due");
    expect(canReview(data, due, AMARA)).toBe(true);
    expect(canReview(data, due, BEN)).toBe(false); // his time with the family ended
    expect(canReview(data, due, HANNAH)).toBe(false);
    expect(decisionsToReview(data, HANNAH, TODAY)).toEqual([]); // a supervisor's list is their own decisions
  });
});

describe("the team's counts", () => {
  it("move when a decision is reviewed on the device", () => {
    const before = learningCounts(dataOf(base()), TODAY);
    expect(before).toMatchObject({ reviewed: 1, waiting: 2 });
    const after = learningCounts(dataOf(base(), [reviewMutation("r1", "j-due", TODAY)]), TODAY);
    expect(after).toMatchObject({ reviewed: 2, waiting: 1 });
  });

  it("count only what happened in the window, each record talked about once", () => {
    const comment = (id, target, day, kind = "comment") =>
      record("review", id, { target_kind: "note", target_id: target, review_kind: kind, body: "x", created_at: `${day}T09:00:00+00:00` });
    const data = dataOf([
      ...base(),
      comment("c1", "n1", "2027-03-01"),
      comment("c2", "n1", "2027-03-02", "reply"),
      comment("c3", "n2", "2026-11-01"), // too long ago
      comment("c4", "n3", "2027-03-03", "approve"), // a decision, not a conversation
    ]);
    expect(learningCounts(data, TODAY).talkedAbout).toBe(1);
    expect(learningCounts(data, "2027-06-29").reviewed).toBe(0); // 2 March is more than 90 days before
  });
});

describe("the review form", () => {
  const filled = {
    what_happened: "It settled.",
    hindsight: "partly",
    outcome: "Continue.",
    "reviewed_on-day": "15",
    "reviewed_on-month": "3",
    "reviewed_on-year": "2027",
  };

  it("accepts a complete review", () => {
    expect(checkDecisionReview(filled, TODAY)).toEqual({});
  });

  it("asks for what happened, a view with hindsight, the outcome and a date not in the future", () => {
    expect(Object.keys(checkDecisionReview({ "reviewed_on-day": "16", "reviewed_on-month": "3", "reviewed_on-year": "2027" }, TODAY))).toEqual([
      "what_happened",
      "hindsight",
      "outcome",
      "reviewed_on",
    ]);
    expect(checkDecisionReview({ ...filled, "reviewed_on-day": "16" }, TODAY).reviewed_on).toBe("The date of the review must be today or in the past");
    expect(checkDecisionReview({ ...filled, "reviewed_on-day": "31", "reviewed_on-month": "2" }, TODAY).reviewed_on).toMatch(/Enter the date/);
  });
});
