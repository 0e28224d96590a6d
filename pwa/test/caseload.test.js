import { beforeEach, describe, expect, it } from "vitest";
import { setClock } from "../src/clock.js";
import { Reason, caseload, dueWords, reasonWords } from "../src/domain/caseload.js";
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

describe("the caseload's attention order", () => {
  const ME = "99999999-9999-4999-8999-999999999999";
  const SUPERVISOR = "88888888-8888-4888-8888-888888888888";
  const contact = (id, familyId, day, extra = {}) =>
    record("interaction", id, { family_id: familyId, occurred_at: `${day}T10:00:00Z`, meaningful: true, purpose: "direct_work", participants: [], ...extra });
  const cpPlan = (started) => ({ plan_type: "child_protection", cp_category: "NEG", started_on: started });

  // As a worker's caseload looks on a Monday: one family asked for something
  // on Friday, one has not been seen for six weeks, two have a child's visit
  // overdue, one has a supervisor's question waiting, one a visit due this week.
  const records = [
    CP_VISITS,
    ...family("f-asked", "Adeyemi", [["c1", "Tomi", null]]),
    contact("i-asked", "f-asked", "2026-02-27", { mode: "phone" }),
    record("note", "n-asked", { family_id: "f-asked", interaction_id: "i-asked", sections: { family_request: "Help with the school meeting" } }),
    ...family("f-quiet", "Brennan", [["c2", "Aoife", null]]),
    contact("i-quiet", "f-quiet", "2026-01-19"),
    // Due 20 February: ten days overdue, but waiting less long than the Brennans.
    ...family("f-overdue", "Castillo", [["c3", "Mateo", cpPlan("2026-02-06")]]),
    contact("i-overdue", "f-overdue", "2026-02-25"),
    // Due 30 January: overdue for a month, longer than the Brennans have waited.
    ...family("f-long", "Dimitrov", [["c4", "Ivo", cpPlan("2026-01-16")]]),
    contact("i-long", "f-long", "2026-02-25"),
    ...family("f-question", "Ekwueme", [["c5", "Ada", null]]),
    contact("i-question", "f-question", "2026-02-26"),
    record("note", "n-question", { family_id: "f-question", created_by_id: ME, sections: { reflection: "Quiet visit" } }),
    record("review", "r-question", { target_kind: "note", target_id: "n-question", review_kind: "question", body: "What did Ada say?", created_by_id: SUPERVISOR, created_at: "2026-02-27T12:00:00Z" }),
    ...family("f-soon", "Farouk", [["c6", "Zain", cpPlan("2026-02-18")]]),
    contact("i-soon", "f-soon", "2026-02-26"),
    // Asked, and the worker was back in touch since: nothing waiting.
    ...family("f-answered", "Gallagher", [["c7", "Niamh", null]]),
    contact("i-answered-1", "f-answered", "2026-02-20"),
    record("note", "n-answered", { family_id: "f-answered", interaction_id: "i-answered-1", sections: { family_request: "A call back" } }),
    contact("i-answered-2", "f-answered", "2026-02-24"),
  ];

  it("leads with the family's own request, then relationships and overdue visits by how long each has waited", () => {
    const rows = caseload(dataOf(records), TODAY, { me: ME });
    expect(rows.map((row) => row.family.display_name)).toEqual(["Adeyemi", "Dimitrov", "Brennan", "Castillo", "Ekwueme", "Farouk", "Gallagher"]);
  });

  it("says why each family is there in plain English", () => {
    const rows = caseload(dataOf(records), TODAY, { me: ME });
    const why = Object.fromEntries(rows.map((row) => [row.family.display_name, row.reasons.map(reasonWords)]));
    expect(why).toEqual({
      Adeyemi: ["The family asked for something on 27 February 2026: no contact since"],
      Brennan: ["No meaningful contact for 6 weeks"],
      Castillo: ["Visit was due 20 February 2026: Mateo"],
      Dimitrov: ["Visit was due 30 January 2026: Ivo"],
      Ekwueme: ["A supervision question waits for your reply"],
      Farouk: ["Visit due in 2 working days: Zain"],
      Gallagher: [],
    });
  });

  it("names a family's relational reasons before its statutory ones", () => {
    const quietAndOverdue = [
      CP_VISITS,
      ...family("f1", "Hughes", [["c1", "Ella", cpPlan("2026-02-06")]]),
      contact("i1", "f1", "2026-01-19"),
      record("note", "n1", { family_id: "f1", interaction_id: "i1", sections: { family_request: "Respite" } }),
    ];
    const [row] = caseload(dataOf(quietAndOverdue), TODAY);
    expect(row.reasons.map((reason) => reason.kind)).toEqual([Reason.FAMILY_ASKED, Reason.NO_CONTACT, Reason.VISIT_OVERDUE]);
  });

  it("puts the relationship first when it crossed its line on the day a visit fell overdue", () => {
    // Both lines crossed on Saturday 21 February: 22 days after 30 January, the day after 20 February.
    const sameDay = [
      CP_VISITS,
      ...family("f1", "Abbott", [["c1", "Lou", cpPlan("2026-02-06")]]),
      contact("i1", "f1", "2026-02-25"),
      ...family("f2", "Zeller", [["c2", "Max", null]]),
      contact("i2", "f2", "2026-01-30"),
    ];
    const rows = caseload(dataOf(sameDay), TODAY);
    expect(rows.map((row) => row.family.display_name)).toEqual(["Zeller", "Abbott"]);
  });

  it("counts no supervision question without knowing who is signed in", () => {
    const rows = caseload(dataOf(records), TODAY);
    expect(rows.find((row) => row.family.display_name === "Ekwueme").reasons).toEqual([]);
  });

  it("counts a question for the one it was asked of, not for the supervisor who asked it", () => {
    const replied = [
      ...records,
      record("review", "r-reply", { target_kind: "note", target_id: "n-question", parent_id: "r-question", review_kind: "reply", body: "She spoke about her friends.", created_by_id: ME, created_at: "2026-02-28T09:00:00Z" }),
    ];
    const ekwueme = (me) => caseload(dataOf(replied), TODAY, { me }).find((row) => row.family.display_name === "Ekwueme");
    expect(ekwueme(SUPERVISOR).reasons).toEqual([]); // the worker's reply waits for her, but no question does
    expect(ekwueme(ME).reasons).toEqual([]); // answered
    expect(caseload(dataOf(records), TODAY, { me: ME }).find((row) => row.family.display_name === "Ekwueme").reasons.map((reason) => reason.kind)).toEqual([Reason.QUESTION]);
  });
});
