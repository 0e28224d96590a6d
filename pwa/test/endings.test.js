import { describe, expect, it } from "vitest";
import { checkEnding, clearedOn, clearingDays, otherTeams, proposalRecord, waitingEnding } from "../src/domain/endings.js";
import { LocalData } from "../src/store.js";

const GOALS = ["Keep the children at school", "Less shouting at home"];
const STEP_DOWN = {
  kind: "step_down",
  decision: "Step down to the early help hub.",
  closure_reason: "RC7",
  closing_visit_id: "i-1",
  child_view: "Ada is glad.",
  family_view: "Mum feels ready.",
  change_0: "They go every day now.",
  change_1: "",
  change_other: "",
  if_worries_return: "Call the hub.",
};

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

describe("proposing an ending", () => {
  it("accepts a step down with all it needs", () => {
    expect(checkEnding(STEP_DOWN, GOALS)).toEqual({});
  });

  it("asks for each missing part, field by field", () => {
    const errors = checkEnding({ ...STEP_DOWN, closure_reason: "", closing_visit_id: "", change_0: " ", if_worries_return: "" }, GOALS);
    expect(Object.keys(errors).sort()).toEqual(["changes", "closing_visit_id", "closure_reason", "if_worries_return"]);
    expect(checkEnding({}, GOALS)).toEqual({ kind: "Choose how our work with the family ends" });
  });

  it("asks a transfer for the team and a handover note, not the closing visit", () => {
    const errors = checkEnding({ kind: "transfer", decision: "Move to Children in Care.", to_team_id: "", handover_note: "" }, GOALS);
    expect(Object.keys(errors).sort()).toEqual(["handover_note", "to_team_id"]);
  });

  it("sends only the goals something was said against, in the family's words", () => {
    const sent = proposalRecord(STEP_DOWN, { familyId: "f-1", goals: GOALS, kindLabel: "Step down to early help" });
    expect(sent.ending.changes).toEqual([{ goal: "Keep the children at school", in_their_words: "They go every day now." }]);
    expect(sent.interaction_id).toBe("i-1");
    expect(sent.ending.to_team_id).toBeNull();
    expect(sent.question).toBe("Is it time to end our work: step down to early help?");
  });

  it("says which edition of the reasons list the reason was chosen from, and none it does not know", () => {
    const options = { familyId: "f-1", goals: GOALS, kindLabel: "Step down to early help" };
    const sent = proposalRecord(STEP_DOWN, { ...options, reasonEdition: 2 });
    expect([sent.ending.closure_reason, sent.ending.closure_reason_edition]).toEqual(["RC7", 2]);
    // A device that has not fetched the lists since they gained editions says nothing:
    // the server reads only the codes that mean the same in every edition.
    expect(proposalRecord(STEP_DOWN, options).ending.closure_reason_edition).toBeNull();
    const transfer = proposalRecord({ ...STEP_DOWN, kind: "transfer", to_team_id: "t-2", handover_note: "x" }, { ...options, reasonEdition: 2 });
    expect([transfer.ending.closure_reason, transfer.ending.closure_reason_edition]).toEqual([null, null]);
  });
});

describe("after an ending", () => {
  it("counts the clearing period from the day the family closed", () => {
    expect(clearedOn("2027-01-31", 28)).toBe("2027-02-28");
    expect(clearedOn("2026-03-20", 28)).toBe("2026-04-17"); // across the clocks going forward
    expect(clearingDays({ reference: { ending_settings: { clearing_days: 7 } } })).toBe(7);
    expect(clearingDays({ reference: {} })).toBe(28);
  });

  it("knows a proposal is waiting until a supervisor answers it", () => {
    const data = new LocalData();
    const judgment = { family_id: "f-1", ending: { kind: "step_down" }, state: "signed", status: "awaiting_approval" };
    data.load({ records: [record("judgment", "j-1", judgment)], outbox: [], notices: [] });
    expect(waitingEnding(data, "f-1")?.id).toBe("j-1");
    data.load({ records: [record("judgment", "j-1", judgment), record("review", "r-1", { family_id: "f-1", target_id: "j-1", review_kind: "approve" })], outbox: [], notices: [] });
    expect(waitingEnding(data, "f-1")).toBeUndefined();
  });

  it("offers the council's other teams to transfer to", () => {
    const directory = {
      a: { team_id: "t-north", team_name: "North" },
      b: { team_id: "t-care", team_name: "Children in Care" },
      c: { team_id: null, team_name: null },
    };
    expect(otherTeams(directory, "t-north")).toEqual([["t-care", "Children in Care"]]);
  });
});
