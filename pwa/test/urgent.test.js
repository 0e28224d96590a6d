import { describe, expect, it } from "vitest";
import { approversFor, isUrgentCategory, mayConfirm, mayRecordAgreement, needsNumbers, telHref, verbalApprovalOf } from "../src/domain/urgent.js";
import { reviewQueue } from "../src/domain/review-queue.js";
import { LocalData } from "../src/store.js";

const FAMILY = "f0000000-0000-4000-8000-000000000001";
const JUDGMENT = "j0000000-0000-4000-8000-000000000001";
const WORKER = "u0000000-0000-4000-8000-000000000001";
const SUPERVISOR = "u0000000-0000-4000-8000-000000000002";
const OTHER_SUPERVISOR = "u0000000-0000-4000-8000-000000000003";
const TEAM = "t0000000-0000-4000-8000-000000000001";
const POLICY = {
  categories: [
    { key: "strategy", label: "Call a strategy discussion", light: "red", urgent: true },
    { key: "school", label: "Share with school", light: "yellow" },
  ],
};

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: FAMILY, data: { id, version: 1, family_id: FAMILY, ...data } };
}

function dataOf(records) {
  const data = new LocalData();
  data.load({ records: [record("family", FAMILY, { display_name: "Okoro", team_id: TEAM }), ...records], outbox: [], notices: [] });
  return data;
}

const decision = (extra = {}) =>
  record("judgment", JUDGMENT, { created_by_id: WORKER, state: "signed", signed_at: "2026-12-05T10:00:00+00:00", category: "strategy", light: "red", status: "awaiting_approval", ...extra });

const agreement = (extra = {}) =>
  record("review", "r0000000-0000-4000-8000-000000000001", {
    created_by_id: WORKER, target_kind: "judgment", target_id: JUDGMENT, review_kind: "verbal_approval",
    body: "Agreed by phone.", agreed_by_id: SUPERVISOR, agreed_at: "2026-12-05T10:05:00+00:00", ...extra,
  });

describe("the council's numbers", () => {
  it("dials UK numbers as written, internationally, and refuses what is not one", () => {
    expect(telHref("020 7946 0123")).toBe("tel:+442079460123");
    expect(telHref("+44 (0)161 496 0789")).toBe("tel:+441614960789");
    expect(telHref("999")).toBe("tel:999");
    expect(telHref("call the office")).toBeNull();
    expect(telHref("020 7946")).toBeNull();
    expect(telHref("+1 202 555 0100")).toBeNull();
  });

  it("shows the numbers for an urgent kind of decision or an immediate risk, not otherwise", () => {
    expect(isUrgentCategory(POLICY, "strategy")).toBe(true);
    expect(needsNumbers(POLICY, { category: "school", immediate_risk: false })).toBe(false);
    expect(needsNumbers(POLICY, { category: "school", immediate_risk: true })).toBe(true);
    expect(needsNumbers(POLICY, { category: "strategy" })).toBe(true);
    expect(needsNumbers(null, { category: "strategy" })).toBe(false);
  });
});

describe("agreement by phone", () => {
  const worker = { id: WORKER, role: "caseworker" };
  const supervisor = { id: SUPERVISOR, role: "supervisor" };

  it("is recorded by the decision's author, once, on an open urgent decision", () => {
    expect(mayRecordAgreement(dataOf([decision()]), dataOf([decision()]).get("judgment", JUDGMENT), worker, POLICY)).toBe(true);
    const ordinary = dataOf([decision({ category: "school" })]);
    expect(mayRecordAgreement(ordinary, ordinary.get("judgment", JUDGMENT), worker, POLICY)).toBe(false);
    const risky = dataOf([decision({ category: "school", immediate_risk: true })]);
    expect(mayRecordAgreement(risky, risky.get("judgment", JUDGMENT), worker, POLICY)).toBe(true);
    const agreed = dataOf([decision(), agreement()]);
    expect(mayRecordAgreement(agreed, agreed.get("judgment", JUDGMENT), worker, POLICY)).toBe(false);
    const mine = dataOf([decision()]);
    expect(mayRecordAgreement(mine, mine.get("judgment", JUDGMENT), supervisor, POLICY)).toBe(false);
    const declined = dataOf([decision({ status: "declined" })]);
    expect(mayRecordAgreement(declined, declined.get("judgment", JUDGMENT), worker, POLICY)).toBe(false);
  });

  it("names the team's supervisors, never the worker or another team's", () => {
    const directory = {
      [SUPERVISOR]: { id: SUPERVISOR, display_name: "Hannah Ward", role: "supervisor", team_id: TEAM },
      [OTHER_SUPERVISOR]: { id: OTHER_SUPERVISOR, display_name: "Elsa Berg", role: "supervisor", team_id: "elsewhere" },
      [WORKER]: { id: WORKER, display_name: "Amara Mensah", role: "caseworker", team_id: TEAM },
    };
    expect(approversFor(directory, TEAM, WORKER).map((person) => person.display_name)).toEqual(["Hannah Ward"]);
  });

  it("waits for the supervisor who agreed, at the top of their queue", () => {
    const data = dataOf([decision({ status: "verbal_approval" }), agreement()]);
    const judgment = data.get("judgment", JUDGMENT);
    expect(verbalApprovalOf(data, JUDGMENT).agreed_by_id).toBe(SUPERVISOR);
    expect(mayConfirm(data, judgment, supervisor)).toBe(true);
    expect(mayConfirm(data, judgment, { id: OTHER_SUPERVISOR, role: "supervisor" })).toBe(false);
    const [entry] = reviewQueue(data, { me: SUPERVISOR, today: "2026-12-05", policy: POLICY });
    expect(entry.forMe).toBe(true);
    expect(entry.verbal.agreed_at).toBe("2026-12-05T10:05:00+00:00");
    const [theirs] = reviewQueue(data, { me: OTHER_SUPERVISOR, today: "2026-12-05", policy: POLICY });
    expect(theirs.forMe).toBe(false);
  });
});
