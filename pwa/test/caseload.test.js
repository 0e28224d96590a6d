import { beforeEach, describe, expect, it } from "vitest";
import { setClock } from "../src/clock.js";
import { caseload, dueWords } from "../src/domain/caseload.js";
import { templateForVisit } from "../src/domain/statutory.js";
import { parseDate } from "../src/domain/timescales.js";
import { LocalData } from "../src/store.js";
import { formatDate } from "../src/ui/layout.js";

const TODAY = parseDate("2026-03-02"); // a Monday

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

const FAMILY = "11111111-1111-4111-8111-111111111111";
const CHILD = "22222222-2222-4222-8222-222222222222";

// 00:30 BST on Wednesday 1 July 2026 is still Tuesday 30 June in UTC: the
// caseload counts from the day it was in England, as "today" is counted.
const HALF_PAST_MIDNIGHT = "2026-06-30T23:30:00Z";

describe("the caseload's dates", () => {
  let data;

  beforeEach(() => {
    setClock(() => Date.parse("2026-07-08T09:00:00Z"));
    data = new LocalData();
    data.putConfirmed([
      record("family", FAMILY, { family_id: FAMILY, display_name: "Okoro", status: "open", created_at: HALF_PAST_MIDNIGHT }),
      record("person", CHILD, { given_name: "Ada", family_name: "Okoro", is_child: true }),
      record("membership", "m1", { family_id: FAMILY, person_id: CHILD }),
      record("plan_episode", "e1", { family_id: FAMILY, person_id: CHILD, plan_type: "child_in_need", started_on: "2026-06-01" }),
      record("checklist_template", "t1", { key: "visit", active: true, purpose: "statutory_visit", name: "Statutory visit", timescale: { every: { count: 1, unit: "weeks" } } }),
      record("interaction", "i1", {
        family_id: FAMILY,
        occurred_at: HALF_PAST_MIDNIGHT,
        meaningful: true,
        purpose: "statutory_visit",
        participants: [{ person_id: CHILD, present: true, seen: true }],
      }),
    ]);
    data.changed();
  });

  it("counts the next visit from the day the child was seen here, not the UTC day", () => {
    const [row] = caseload(data);
    expect(row.nextVisit.due).toBe("2026-07-08"); // a week after 1 July
    expect(row.nextVisit.overdue).toBe(false);
  });

  it("dates a contact by the day it was here", () => {
    const [row] = caseload(data);
    expect(row.lastContact).toBe("2026-07-01");
    expect(row.daysSinceContact).toBe(7);
  });

  it("shows a moment on its local day, and a date as it is", () => {
    expect(formatDate(HALF_PAST_MIDNIGHT)).toBe("1 July 2026");
    expect(formatDate("2026-06-30")).toBe("30 June 2026");
  });
});

const CP_VISITS = record("checklist_template", "t1", {
  key: "statutory_visit",
  name: "Statutory visit",
  purpose: "statutory_visit",
  active: true,
  timescale: { applies_to: ["child_protection"], every: { count: 10, unit: "working_days" } },
});
const CORE_GROUP = record("checklist_template", "t2", {
  key: "core_group",
  name: "Core group meeting",
  purpose: "core_group",
  active: true,
  timescale: { applies_to: ["child_protection"], child_seen: false, first_within: { count: 10, unit: "working_days" }, every: { count: 6, unit: "weeks" } },
});

function family(id, name, children) {
  const records = [record("family", id, { display_name: name, status: "open" })];
  for (const [personId, given, episode] of children) {
    records.push(record("person", personId, { given_name: given, family_name: name, is_child: true }));
    records.push(record("membership", `m-${personId}`, { family_id: id, person_id: personId }));
    if (episode) {
      records.push(record("plan_episode", `e-${personId}`, { family_id: id, person_id: personId, ...episode }));
    }
  }
  return records;
}

function dataOf(records) {
  const data = new LocalData();
  data.load({ records, outbox: [], notices: [] });
  return data;
}

describe("the caseload's statutory visits", () => {
  it("names the child and the check, soonest first, and sets none where no child is on a plan", () => {
    const data = dataOf([
      CP_VISITS,
      CORE_GROUP,
      // Mason's plan began last Monday: his visit is due in 5 working days; the core group too.
      ...family("f1", "Okafor", [
        ["p1", "Mason", { plan_type: "child_protection", cp_category: "NEG", started_on: "2026-02-23" }],
        ["p2", "Lily", null],
      ]),
      ...family("f2", "Byrne", [["p3", "Kit", { plan_type: "child_in_need", started_on: "2025-05-01" }]]),
      ...family("f3", "Hale", [["p4", "Ruby", { plan_type: "child_protection", cp_category: "EMO", started_on: "2026-01-05", ended_on: "2026-02-20", end_reason: "stepped_down" }]]),
    ]);
    const rows = caseload(data, TODAY);
    const okafor = rows.find((row) => row.family.display_name === "Okafor");
    expect(okafor.nextVisit).toMatchObject({ child: "Mason", check: "Core group", due: "2026-03-09", workingDays: 5, overdue: false, others: 1 });
    expect(dueWords(okafor.nextVisit)).toBe("Core group due in 5 working days: Mason");
    // A child in need plan has no rule here, and an ended plan sets nothing.
    expect(rows.find((row) => row.family.display_name === "Byrne").nextVisit).toBeNull();
    expect(rows.find((row) => row.family.display_name === "Hale").nextVisit).toBeNull();
  });

  it("counts from the last visit where that child was seen", () => {
    const visit = (id, day, seen) =>
      record("interaction", id, {
        family_id: "f1",
        occurred_at: `${day}T10:00:00Z`,
        purpose: "statutory_visit",
        participants: [{ person_id: "p1", present: true, seen }],
      });
    const data = dataOf([
      CP_VISITS,
      ...family("f1", "Okafor", [["p1", "Mason", { plan_type: "child_protection", cp_category: "NEG", started_on: "2026-02-02" }]]),
      visit("v1", "2026-02-10", true),
      visit("v2", "2026-02-26", false), // there, but not seen: does not count
    ]);
    const [row] = caseload(data, TODAY);
    expect(row.nextVisit).toMatchObject({ child: "Mason", due: "2026-02-24", overdue: true });
    expect(dueWords(row.nextVisit)).toBe("Visit was due 24 February 2026: Mason");
  });

  it("says a near date in working days and a far one as a date", () => {
    const words = (workingDays, inDays, due = "2026-03-16") => dueWords({ check: "Visit", child: "Mason", due, overdue: false, workingDays, inDays });
    expect(words(10, 14)).toBe("Visit due in 10 working days: Mason");
    expect(words(1, 1)).toBe("Visit due in 1 working day: Mason");
    expect(words(0, 0)).toBe("Visit due today: Mason");
    expect(words(0, 1, "2026-03-07")).toBe("Visit due by 7 March 2026: Mason");
    expect(words(11, 15, "2026-03-17")).toBe("Visit due 17 March 2026: Mason");
  });
});

describe("the checklist of a visit", () => {
  it("is the template for the plan a child in the family is on", () => {
    const template = (id, appliesTo) =>
      record("checklist_template", id, {
        key: id,
        name: id,
        purpose: "statutory_visit",
        active: true,
        timescale: appliesTo ? { applies_to: appliesTo, every: { count: 4, unit: "weeks" } } : null,
      });
    const data = dataOf([
      template("cp_visit", ["child_protection"]),
      template("lac_visit", ["looked_after"]),
      template("any_visit", null),
      ...family("f1", "Okafor", [["p1", "Mason", { plan_type: "looked_after", legal_status: "C2", started_on: "2026-01-05" }]]),
      ...family("f2", "Byrne", [["p2", "Kit", null]]),
    ]);
    expect(templateForVisit(data, "statutory_visit", "f1").key).toBe("lac_visit");
    expect(templateForVisit(data, "statutory_visit", "f2").key).toBe("any_visit");
    expect(templateForVisit(data, "core_group", "f1")).toBeNull();
  });
});
