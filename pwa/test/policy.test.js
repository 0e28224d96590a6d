import { describe, expect, it } from "vitest";
import { describeChanges, keyFromLabel, policyChanges, readPolicyForm, unchanged } from "../src/domain/policy.js";

const CURRENT = [
  { key: "routine_support", label: "Routine support", light: "green" },
  { key: "share_with_school", label: "Share information with school", light: "yellow" },
];

describe("the decision policy form", () => {
  it("makes keys from labels", () => {
    expect(keyFromLabel("Leave a child at home alone")).toBe("leave_a_child_at_home_alone");
    expect(keyFromLabel("  Café visits / out-of-hours! ")).toBe("cafe_visits_out_of_hours");
    expect(keyFromLabel("???")).toBe("");
    expect(keyFromLabel("x".repeat(70)).length).toBe(60);
  });

  it("keeps existing keys, applies changes and removals, and adds new rows", () => {
    const { categories, errors } = readPolicyForm(
      {
        "label-0": "Routine support ",
        "light-0": "green",
        "remove-0": [],
        "label-1": "Share with school",
        "light-1": "red",
        "remove-1": ["yes"],
        "new-label-0": "Leave a child at home alone",
        "new-key-0": "",
        "new-light-0": "red",
        "new-label-1": "",
        "new-key-1": "",
        "new-light-1": "",
      },
      CURRENT,
      2,
    );
    expect(errors).toEqual({});
    expect(categories).toEqual([
      { key: "routine_support", label: "Routine support", light: "green" },
      { key: "leave_a_child_at_home_alone", label: "Leave a child at home alone", light: "red" },
    ]);
  });

  it("refuses what the server would refuse, naming the field", () => {
    const { errors } = readPolicyForm(
      {
        "label-0": "",
        "light-0": "green",
        "label-1": "Share",
        "light-1": "yellow",
        "new-label-0": "Another",
        "new-key-0": "share_with_school",
        "new-light-0": "",
        "new-label-1": "",
        "new-key-1": "Bad Key",
        "new-light-1": "red",
      },
      CURRENT,
      2,
    );
    expect(Object.keys(errors).sort()).toEqual(["label-0", "new-key-0", "new-key-1", "new-label-1", "new-light-0"]);
    expect(errors["new-key-0"]).toMatch(/already has the key/);
    expect(errors["new-light-0"]).toBe("Choose a light for the new category");
  });

  it("needs at least one category", () => {
    const { errors } = readPolicyForm({ "remove-0": ["yes"], "remove-1": ["yes"] }, CURRENT, 1);
    expect(errors).toEqual({ "new-label-0": "The policy needs at least one category" });
  });

  it("says what a new version changes", () => {
    const next = [
      { key: "routine_support", label: "Everyday support", light: "yellow" },
      { key: "leave_alone", label: "Leave alone", light: "red" },
    ];
    const changes = policyChanges(CURRENT, next);
    expect(changes.added.map((c) => c.key)).toEqual(["leave_alone"]);
    expect(changes.removed.map((c) => c.key)).toEqual(["share_with_school"]);
    expect(changes.relit).toEqual([{ ...next[0], from: "green" }]);
    expect(changes.renamed).toEqual([{ ...next[0], from: "Routine support" }]);
  });
});

describe("what a new version of the policy changes, in words", () => {
  const current = [
    { key: "routine_support", label: "Routine support", light: "green" },
    { key: "share_with_school", label: "Share information with school", light: "yellow" },
    { key: "safety_plan_change", label: "Change the safety plan", light: "red" },
  ];

  it("names each category whose light changes, from and to, and each one added, renamed or removed", () => {
    const next = [
      { key: "routine_support", label: "Routine support", light: "green" },
      { key: "share_with_school", label: "Share with school", light: "red" },
      { key: "home_alone", label: "Leave a child at home alone", light: "red" },
    ];
    expect(describeChanges(current, next)).toEqual([
      {
        key: "share_with_school",
        label: "Share with school",
        text: "Light changes from yellow to red, and renamed from ‘Share information with school’",
        sentence: "‘Share information with school’ is renamed ‘Share with school’ and goes from yellow to red.",
      },
      {
        key: "home_alone",
        label: "Leave a child at home alone",
        text: "New: red light",
        sentence: "‘Leave a child at home alone’ is added, with a red light.",
      },
      {
        key: "safety_plan_change",
        label: "Change the safety plan",
        text: "Removed (its light was red)",
        sentence: "‘Change the safety plan’ is removed (it was red).",
      },
    ]);
    const relit = current.map((category) => (category.key === "routine_support" ? { ...category, light: "yellow" } : category));
    expect(describeChanges(current, relit).map((line) => line.sentence)).toEqual(["‘Routine support’ goes from green to yellow."]);
    expect(unchanged(policyChanges(current, next))).toBe(false);
  });

  it("says nothing changed when nothing did", () => {
    expect(describeChanges(current, current)).toEqual([]);
    expect(unchanged(policyChanges(current, current.map((category) => ({ ...category }))))).toBe(true);
  });
});
