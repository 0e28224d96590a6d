import { describe, expect, it } from "vitest";
import {
  allocations,
  currentAllocation,
  durationWords,
  parseContactDays,
  teamView,
  workerChangesSince,
} from "../src/domain/team.js";
import { parseDate } from "../src/domain/timescales.js";
import { LocalData } from "../src/store.js";

const TODAY = parseDate("2027-03-15");
const AMARA = "u-amara";
const BEN = "u-ben";
const CHLOE = "u-chloe";

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

const family = (id, name, extra = {}) => record("family", id, { display_name: name, status: "open", created_at: "2026-01-05T09:00:00+00:00", ...extra });
const assignment = (id, familyId, worker, startedOn, endedOn = null, extra = {}) =>
  record("assignment", id, { family_id: familyId, worker_id: worker, role: "allocated_worker", started_on: startedOn, ended_on: endedOn, ...extra });
const contact = (id, familyId, occurredAt, meaningful = true) =>
  record("interaction", id, { family_id: familyId, occurred_at: `${occurredAt}T10:00:00+00:00`, meaningful });
const template = record("checklist_template", "t-visit", {
  key: "statutory_visit",
  purpose: "statutory_visit",
  name: "Statutory visit",
  active: true,
  timescale: { every: { count: 4, unit: "weeks" } },
});
const child = (id, familyId, name) => [
  record("person", id, { given_name: name, family_name: "X", is_child: true }),
  record("membership", `m-${id}`, { family_id: familyId, person_id: id }),
];
const plan = (id, familyId, personId, planType, startedOn, extra = {}) =>
  record("plan_episode", id, { family_id: familyId, person_id: personId, plan_type: planType, started_on: startedOn, ...extra });
const visit = (id, familyId, day, seen) =>
  record("interaction", id, {
    family_id: familyId,
    occurred_at: `${day}T10:00:00+00:00`,
    purpose: "statutory_visit",
    participants: seen.map((personId) => ({ person_id: personId, present: true, seen: true })),
  });

function dataOf(records) {
  const data = new LocalData();
  data.load({ records, outbox: [], notices: [] });
  return data;
}

function team() {
  return dataOf([
    template,
    // Okoro: a long relationship, seen last week, visited on time.
    family("f-okoro", "Okoro"),
    assignment("a1", "f-okoro", AMARA, "2025-01-10"),
    contact("i1", "f-okoro", "2027-03-08"),
    ...child("p-ade", "f-okoro", "Ade"),
    plan("e1", "f-okoro", "p-ade", "child_in_need", "2026-06-01"),
    visit("v1", "f-okoro", "2027-03-05", ["p-ade"]),
    // Singh: handed over twice this year, last meaningful contact 30 days ago
    // (a later phone call was not meaningful), statutory visit overdue.
    family("f-singh", "Singh"),
    assignment("a2", "f-singh", AMARA, "2025-06-01", "2026-06-01", { change_reason: "workload", handover_note: "Knows the school" }),
    assignment("a3", "f-singh", BEN, "2026-06-01", "2027-01-10", { change_reason: "worker_left", handover_note: "Gran helps" }),
    assignment("a4", "f-singh", CHLOE, "2027-01-10"),
    contact("i2", "f-singh", "2027-02-13"),
    contact("i3", "f-singh", "2027-03-10", false),
    ...child("p-priya", "f-singh", "Priya"),
    ...child("p-dev", "f-singh", "Dev"), // no plan: no visit due for him
    plan("e2", "f-singh", "p-priya", "child_protection", "2026-09-01", { cp_category: "NEG" }),
    visit("v2", "f-singh", "2027-01-20", ["p-priya"]),
    // Patel: never seen, no worker; a plan from 20 February: the first visit due within the fortnight.
    family("f-patel", "Patel", { created_at: "2020-02-20T09:00:00+00:00" }),
    ...child("p-mo", "f-patel", "Mo"),
    plan("e3", "f-patel", "p-mo", "early_help", "2027-02-20"),
    // Byrne: the plan ended, so nothing is due, however long ago the last visit.
    family("f-byrne", "Byrne"),
    assignment("a6", "f-byrne", AMARA, "2025-01-10"),
    contact("i4", "f-byrne", "2027-03-11"),
    ...child("p-kit", "f-byrne", "Kit"),
    plan("e4", "f-byrne", "p-kit", "child_in_need", "2025-02-01", { ended_on: "2026-12-01", end_reason: "aims_met" }),
    // A closed family is out of the view.
    family("f-closed", "Closed", { status: "closed" }),
    assignment("a5", "f-closed", AMARA, "2020-01-01"),
  ]);
}

const names = (rows) => rows.map((row) => row.family.display_name);

describe("the team view", () => {
  it("lists families without a meaningful contact for more than N days, never-seen first", () => {
    const view = teamView(team(), { today: TODAY });
    expect(view.contactDays).toBe(20);
    expect(names(view.relational.withoutContact)).toEqual(["Patel", "Singh"]);
    expect(view.relational.withoutContact[1].daysSinceContact).toBe(30);
    expect(names(teamView(team(), { today: TODAY, contactDays: 30 }).relational.withoutContact)).toEqual(["Patel"]);
    expect(names(teamView(team(), { today: TODAY, contactDays: 5 }).relational.withoutContact)).toEqual(["Patel", "Singh", "Okoro"]);
  });

  it("counts the worker changes of the last 12 months", () => {
    const view = teamView(team(), { today: TODAY });
    expect(view.relational.workerChanged.map((row) => [row.family.display_name, row.workerChanges])).toEqual([["Singh", 2]]);
    // A year later the June change has dropped out of the window.
    const later = teamView(team(), { today: parseDate("2027-06-02") });
    expect(later.relational.workerChanged.map((row) => row.workerChanges)).toEqual([1]);
  });

  it("gives each family the length of its current relationship, from the current worker's start", () => {
    const rows = teamView(team(), { today: TODAY }).relational.relationships;
    expect(rows.map((row) => [row.family.display_name, row.worker, row.relationship?.since, row.relationship?.length])).toEqual([
      ["Patel", null, undefined, undefined],
      ["Singh", CHLOE, "2027-01-10", "2 months"],
      ["Byrne", AMARA, "2025-01-10", "2 years, 2 months"],
      ["Okoro", AMARA, "2025-01-10", "2 years, 2 months"],
    ]);
  });

  it("finds each child's statutory visits overdue and due, from their plans", () => {
    const { compliance } = teamView(team(), { today: TODAY });
    expect(compliance.overdue.map((row) => [row.family.display_name, row.nextVisit.child, row.nextVisit.due])).toEqual([["Singh", "Priya", "2027-02-17"]]);
    // Mo's first visit: 4 weeks after his plan began. Ade's next: 4 weeks after he was last seen.
    expect(compliance.due.map((row) => [row.family.display_name, row.nextVisit.child, row.nextVisit.due])).toEqual([["Patel", "Mo", "2027-03-20"]]);
    expect(compliance.dueWithinDays).toBe(14);
    const later = teamView(team(), { today: parseDate("2027-03-20") }).compliance;
    expect(names(later.due)).toEqual(["Patel", "Okoro"]);
  });
});

describe("assignments", () => {
  it("keeps allocated workers only, oldest first, and finds the one running today", () => {
    const data = dataOf([
      assignment("x2", "f", BEN, "2026-05-01"),
      assignment("x1", "f", AMARA, "2026-01-01", "2026-05-01"),
      assignment("x3", "f", CHLOE, "2026-02-01", null, { role: "family_support" }),
    ]);
    const list = allocations(data, "f");
    expect(list.map((a) => a.id)).toEqual(["x1", "x2"]);
    expect(currentAllocation(list, parseDate("2026-04-30")).id).toBe("x1");
    expect(currentAllocation(list, parseDate("2026-05-01")).id).toBe("x2");
    expect(currentAllocation(list, parseDate("2025-12-31"))).toBeNull();
  });

  it("does not count the first allocation, or a new spell with the same worker, as a change", () => {
    const list = [
      { worker_id: AMARA, started_on: "2027-01-01" },
      { worker_id: AMARA, started_on: "2027-02-01" },
      { worker_id: BEN, started_on: "2027-03-01" },
    ];
    expect(workerChangesSince(list, parseDate("2026-03-15"))).toBe(1);
    expect(workerChangesSince(list.slice(0, 1), parseDate("2026-03-15"))).toBe(0);
  });
});

describe("words and numbers", () => {
  it("says how long a relationship has lasted", () => {
    expect(durationWords(parseDate("2027-03-15"), TODAY)).toBe("0 days");
    expect(durationWords(parseDate("2027-03-14"), TODAY)).toBe("1 day");
    expect(durationWords(parseDate("2027-02-16"), TODAY)).toBe("27 days");
    expect(durationWords(parseDate("2027-02-15"), TODAY)).toBe("1 month");
    expect(durationWords(parseDate("2026-03-15"), TODAY)).toBe("1 year");
    expect(durationWords(parseDate("2024-01-20"), TODAY)).toBe("3 years, 1 month");
  });

  it("reads the supervisor's number of days", () => {
    expect(parseContactDays("20")).toEqual({ days: 20 });
    expect(parseContactDays(" 7 ")).toEqual({ days: 7 });
    expect(parseContactDays("")).toEqual({ error: "Enter a number of days" });
    expect(parseContactDays("2.5").error).toMatch(/whole number/);
    expect(parseContactDays("0").error).toMatch(/between 1 and 365/);
    expect(parseContactDays("366").error).toMatch(/between 1 and 365/);
  });
});
