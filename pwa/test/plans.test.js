import { describe, expect, it } from "vitest";
import {
  NO_PLAN,
  checkPlanChange,
  checkPlanCorrection,
  correctableFields,
  correctionsOf,
  currentEpisode,
  episodesOf,
  isCorrectable,
  planChanges,
  planCorrection,
  planName,
} from "../src/domain/plans.js";
import { LocalData } from "../src/store.js";

const FAMILY = "f0000000-0000-4000-8000-000000000001";
const SAM = "a0000000-0000-4000-8000-000000000002";
const TODAY = "2026-06-10";

function record(entity, id, data, version = 1) {
  return { entity, id, version, family_id: data.family_id ?? null, data: { id, version, ...data } };
}

function withEpisodes(episodes, extra = []) {
  const data = new LocalData();
  data.load({
    records: [
      record("person", SAM, { given_name: "Sam", family_name: "Okoro", is_child: true }),
      ...episodes.map((episode, index) => record("plan_episode", `e${index + 1}`, { family_id: FAMILY, person_id: SAM, ...episode })),
      ...extra,
    ],
    outbox: [],
    notices: [],
  });
  return data;
}

const label = (vocabulary, code) => ({ child_protection: "Child protection plan", NEG: "Neglect", child_in_need: "Child in need plan" })[code] || code;

const answer = (values) => ({
  plan_type: "",
  cp_category: "",
  legal_status: "",
  placement_type: "",
  placement_started_on: "",
  started_on: TODAY,
  end_reason: "",
  ...values,
});

describe("a child's plan episodes", () => {
  it("knows the plan running now, and that a child with only ended plans has none", () => {
    const data = withEpisodes([
      { plan_type: "child_in_need", started_on: "2025-01-06", ended_on: "2026-03-02", end_reason: "stepped_up" },
      { plan_type: "child_protection", cp_category: "NEG", started_on: "2026-03-02" },
    ]);
    expect(currentEpisode(data, SAM).id).toBe("e2");
    expect(planName(currentEpisode(data, SAM), label)).toBe("Child protection plan (Neglect)");
    expect(episodesOf(data, SAM).map((episode) => episode.id)).toEqual(["e2", "e1"]);
    const ended = withEpisodes([{ plan_type: "early_help", started_on: "2025-01-06", ended_on: "2026-03-02", end_reason: "aims_met" }]);
    expect(currentEpisode(ended, SAM)).toBeNull();
    expect(planName(null, label)).toBe("No plan");
  });

  it("reads an ended plan as its amendments corrected it", () => {
    const data = withEpisodes(
      [{ plan_type: "child_in_need", started_on: "2025-01-06", ended_on: "2026-03-02", end_reason: "stepped_up" }],
      [record("amendment", "a1", { family_id: FAMILY, target_kind: "plan_episode", target_id: "e1", reason: "Typo", changes: { started_on: "2025-01-07" }, created_at: "2026-04-01T10:00:00Z" })],
    );
    const [episode] = episodesOf(data, SAM);
    expect(episode.started_on).toBe("2025-01-07");
    expect(episode.amended).toBe(true);
    expect(data.get("plan_episode", "e1").started_on).toBe("2025-01-06"); // the original is unchanged
  });
});

describe("Plan now", () => {
  it("starts a plan for a child with none", () => {
    const values = answer({ plan_type: "child_protection", cp_category: "NEG" });
    expect(checkPlanChange(values, null, TODAY)).toEqual({});
    const changes = planChanges({ familyId: FAMILY, personId: SAM, current: null, values, newId: () => "new" });
    expect(changes).toEqual([
      {
        entity: "plan_episode",
        op: "create",
        id: "new",
        data: { family_id: FAMILY, person_id: SAM, plan_type: "child_protection", started_on: TODAY, cp_category: "NEG" },
      },
    ]);
  });

  it("ends the running plan on the day the next starts, with a reason", () => {
    const data = withEpisodes([{ plan_type: "child_in_need", started_on: "2025-01-06" }]);
    const current = currentEpisode(data, SAM);
    const values = answer({ plan_type: "child_protection", cp_category: "MUL", started_on: "2026-06-08" });
    expect(checkPlanChange(values, current, TODAY)).toEqual({ end_reason: "Say why the current plan ended" });
    values.end_reason = "stepped_up";
    const changes = planChanges({ familyId: FAMILY, personId: SAM, current, values, newId: () => "new" });
    expect(changes.map((change) => [change.op, change.id])).toEqual([
      ["update", "e1"],
      ["create", "new"],
    ]);
    expect(changes[0].data).toEqual({ ended_on: "2026-06-08", end_reason: "stepped_up" });
  });

  it("ends a plan with no next one", () => {
    const data = withEpisodes([{ plan_type: "early_help", started_on: "2025-01-06" }]);
    const values = answer({ plan_type: NO_PLAN, end_reason: "aims_met" });
    const changes = planChanges({ familyId: FAMILY, personId: SAM, current: currentEpisode(data, SAM), values, newId: () => "new" });
    expect(changes).toEqual([{ entity: "plan_episode", op: "update", id: "e1", data: { ended_on: TODAY, end_reason: "aims_met" } }]);
  });

  it("changes the running plan's details when the same plan is chosen again", () => {
    const data = withEpisodes([{ plan_type: "child_protection", cp_category: "NEG", started_on: "2026-01-06" }]);
    const current = currentEpisode(data, SAM);
    expect(checkPlanChange(answer({ plan_type: "child_protection", cp_category: "NEG" }), current, TODAY)).toEqual({
      plan_type: "This is the plan the child is on now: change its details, or choose another plan",
    });
    const values = answer({ plan_type: "child_protection", cp_category: "MUL" });
    expect(checkPlanChange(values, current, TODAY)).toEqual({});
    expect(planChanges({ familyId: FAMILY, personId: SAM, current, values, newId: () => "new" })).toEqual([
      { entity: "plan_episode", op: "update", id: "e1", data: { cp_category: "MUL" } },
    ]);
  });

  it("asks for what each plan needs, and refuses dates that cannot be", () => {
    expect(checkPlanChange(answer({}), null, TODAY)).toEqual({ plan_type: "Choose the plan the child is on now" });
    expect(checkPlanChange(answer({ plan_type: "child_protection" }), null, TODAY)).toEqual({
      cp_category: "Choose the category of the child protection plan",
    });
    expect(checkPlanChange(answer({ plan_type: "looked_after", placement_started_on: "2026-07-01" }), null, TODAY)).toEqual({
      legal_status: "Choose the child's legal status",
      placement_started_on: "A placement cannot start in the future",
    });
    expect(checkPlanChange(answer({ plan_type: "early_help", started_on: null }), null, TODAY)).toEqual({
      started_on: "Enter a real date, like 27 3 2026",
    });
    expect(checkPlanChange(answer({ plan_type: "early_help", started_on: "2026-06-11" }), null, TODAY)).toEqual({
      started_on: "The date cannot be in the future",
    });
    expect(checkPlanChange(answer({ plan_type: NO_PLAN }), null, TODAY)).toEqual({
      plan_type: "The child has no plan now: choose a plan to start one",
    });
  });
});

describe("correcting an ended plan", () => {
  const ended = { id: "e1", plan_type: "child_protection", cp_category: "NEG", started_on: "2025-09-01", ended_on: "2026-03-02", end_reason: "stepped_down" };
  const correction = (values) => ({ fields: [], started_on: "", ended_on: "", placement_started_on: "", end_reason: "", cp_category: "", legal_status: "", placement_type: "", reason: "", ...values });

  it("offers what the kind of plan records, and only once the plan has ended", () => {
    expect(correctableFields(ended).map(([name]) => name)).toEqual(["started_on", "ended_on", "end_reason", "cp_category", "initial_conference_on"]);
    expect(correctableFields({ ...ended, plan_type: "looked_after" }).map(([name]) => name)).toEqual([
      "started_on",
      "ended_on",
      "end_reason",
      "legal_status",
      "placement_started_on",
      "placement_type",
    ]);
    expect(isCorrectable(ended)).toBe(true);
    expect(isCorrectable({ ...ended, ended_on: null })).toBe(false);
  });

  it("makes an amendment of the chosen fields, with the reason", () => {
    const values = correction({ fields: ["started_on", "cp_category"], started_on: "2025-08-29", cp_category: "EMO", end_reason: "aims_met", reason: " Read from the conference minutes " });
    expect(checkPlanCorrection(values, ended, TODAY)).toEqual({});
    // A value typed under a box left unticked is not part of the correction.
    expect(planCorrection(values, ended)).toEqual({
      target_kind: "plan_episode",
      target_id: "e1",
      reason: "Read from the conference minutes",
      changes: { started_on: "2025-08-29", cp_category: "EMO" },
    });
  });

  it("asks what is wrong, each corrected value and why, and refuses dates that cannot be", () => {
    expect(checkPlanCorrection(correction({}), ended, TODAY)).toEqual({
      fields: "Choose what is wrong with the plan",
      reason: "Enter why you are correcting the plan",
    });
    expect(checkPlanCorrection(correction({ fields: ["end_reason", "started_on"], started_on: null, reason: "x" }), ended, TODAY)).toEqual({
      end_reason: "Choose why the plan ended",
      started_on: "Enter a real date, like 27 3 2026",
    });
    expect(checkPlanCorrection(correction({ fields: ["cp_category"], cp_category: "NEG", reason: "x" }), ended, TODAY)).toEqual({
      cp_category: "The plan already says this: correct the category, or untick it",
    });
    expect(checkPlanCorrection(correction({ fields: ["ended_on"], ended_on: "2026-06-11", reason: "x" }), ended, TODAY)).toEqual({
      ended_on: "The date cannot be in the future",
    });
    expect(checkPlanCorrection(correction({ fields: ["ended_on"], ended_on: "2025-08-31", reason: "x" }), ended, TODAY)).toEqual({
      ended_on: "The plan cannot end before it started",
    });
    expect(checkPlanCorrection(correction({ fields: ["started_on"], started_on: "2026-03-03", reason: "x" }), ended, TODAY)).toEqual({
      started_on: "The plan cannot end before it started",
    });
    expect(checkPlanCorrection(correction({ fields: ["end_reason"], end_reason: "aims_met", reason: "x".repeat(2001) }), ended, TODAY)).toEqual({
      reason: "The reason must be 2000 characters or fewer",
    });
  });

  it("lists an episode's corrections oldest first, those not synced yet last", () => {
    const data = withEpisodes(
      [{ plan_type: "child_in_need", started_on: "2025-01-06", ended_on: "2026-03-02", end_reason: "stepped_up" }],
      [
        record("amendment", "a2", { family_id: FAMILY, target_kind: "plan_episode", target_id: "e1", reason: "Later", changes: { end_reason: "aims_met" } }),
        record("amendment", "a1", { family_id: FAMILY, target_kind: "plan_episode", target_id: "e1", reason: "First", changes: { started_on: "2025-01-07" }, created_at: "2026-04-01T10:00:00Z" }),
        record("amendment", "a3", { family_id: FAMILY, target_kind: "note", target_id: "e1", reason: "Not a plan's", changes: { reflection: "x" }, created_at: "2026-04-01T09:00:00Z" }),
      ],
    );
    expect(correctionsOf(data, "e1").map((amendment) => amendment.id)).toEqual(["a1", "a2"]);
    const [episode] = episodesOf(data, SAM);
    expect([episode.started_on, episode.end_reason, episode.amended]).toEqual(["2025-01-07", "aims_met", true]);
  });
});

describe("a child protection plan's initial conference", () => {
  const answer = (values) => ({ plan_type: "child_protection", cp_category: "NEG", started_on: "2026-03-10", placement_started_on: "", end_reason: "", ...values });

  it("is checked and sent with the plan", () => {
    expect(checkPlanChange(answer({ initial_conference_on: "2026-03-11" }), null, "2026-03-20")).toEqual({ initial_conference_on: "The initial conference comes before the plan starts" });
    expect(checkPlanChange(answer({ initial_conference_on: null }), null, "2026-03-20")).toEqual({ initial_conference_on: "Enter a real date, like 27 3 2026" });
    const values = answer({ initial_conference_on: "2026-03-10" });
    expect(checkPlanChange(values, null, "2026-03-20")).toEqual({});
    const [change] = planChanges({ familyId: "f", personId: "p", current: null, values, newId: () => "e" });
    expect(change.data.initial_conference_on).toBe("2026-03-10");
  });

  it("is added to a running plan that lacks it", () => {
    const current = { id: "e1", plan_type: "child_protection", cp_category: "NEG", started_on: "2026-03-10", initial_conference_on: null };
    const values = answer({ started_on: "", initial_conference_on: "2026-03-10" });
    expect(checkPlanChange(values, current, "2026-03-20")).toEqual({});
    expect(planChanges({ familyId: "f", personId: "p", current, values, newId: () => "x" })).toEqual([
      { entity: "plan_episode", op: "update", id: "e1", data: { initial_conference_on: "2026-03-10" } },
    ]);
  });
});
