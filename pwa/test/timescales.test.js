import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { isBankHoliday, useBankHolidays } from "../src/domain/bank-holidays.js";
import {
  addInterval,
  childSeenOnVisit,
  childVisitDue,
  countedVisitDays,
  formatDate,
  icpcDue,
  isWorkingDay,
  nextVisitDue,
  parseDate,
  workingDaysBetween,
} from "../src/domain/timescales.js";

// The same table the server's tests use: the two copies of the rules cannot drift.
const cases = JSON.parse(readFileSync(new URL("../../tests/fixtures/timescales.json", import.meta.url)));

// The table as GET /api/bank-holidays sends it; the server's tests hold the
// fixture's years to the holidays package.
const years = Object.keys(cases.holidays).map(Number);
const table = { first_year: Math.min(...years), last_year: Math.max(...years), days: Object.values(cases.holidays).flat() };

beforeEach(() => {
  useBankHolidays(table);
  return () => useBankHolidays(null);
});

describe("statutory timescales", () => {
  it("counts the bank holidays the server sends, one-offs too", () => {
    for (const day of cases.holidays["2023"]) {
      expect(isWorkingDay(parseDate(day))).toBe(false);
    }
    expect(isBankHoliday("2023-05-08")).toBe(true); // the coronation
    expect(isWorkingDay(parseDate("2022-05-30"))).toBe(true); // the spring holiday moved to 2 June
    expect(isWorkingDay(parseDate("2023-05-09"))).toBe(true);
  });

  it("counts 10 working days after 28 April 2023 to 16 May, past both May holidays", () => {
    expect(formatDate(addInterval(parseDate("2023-04-28"), { count: 10, unit: "working_days" }))).toBe("2023-05-16");
  });

  it("knows no bank holiday before the table arrives", () => {
    useBankHolidays(null);
    expect(isWorkingDay(parseDate("2023-05-08"))).toBe(true);
    expect(isWorkingDay(parseDate("2023-05-06"))).toBe(false); // a Saturday all the same
  });

  it("adds days, weeks and working days as the server does", () => {
    for (const c of cases.intervals) {
      expect(formatDate(addInterval(parseDate(c.start), { count: c.count, unit: c.unit }))).toBe(c.result);
    }
  });

  it("finds the day an initial child protection conference is due as the server does", () => {
    expect(cases.icpc_due.length).toBeGreaterThanOrEqual(8);
    for (const c of cases.icpc_due) {
      expect(formatDate(icpcDue(parseDate(c.discussed_on))), c.why).toBe(c.result);
    }
  });

  it("finds the next visit due as the server does", () => {
    for (const c of cases.due) {
      const due = nextVisitDue(c.rule, { started: parseDate(c.started), lastVisit: c.last_visit ? parseDate(c.last_visit) : null });
      expect(formatDate(due)).toBe(c.result);
    }
  });

  it("finds each child's next visit from their plan as the server does", () => {
    expect(cases.child_due.length).toBeGreaterThanOrEqual(20);
    for (const c of cases.child_due) {
      const due = childVisitDue(c.rule, c.episode, c.visits.map(parseDate));
      expect(due ? formatDate(due) : null, c.why).toBe(c.result);
    }
  });

  it("finds the last visit where each child was seen, from their own answers, as the server does", () => {
    expect(cases.seen_due.length).toBeGreaterThanOrEqual(15);
    for (const c of cases.seen_due) {
      const seen = c.visits.map((visit) => childSeenOnVisit(c.child_id, visit.participants, visit.answers));
      expect(seen, c.why).toEqual(c.seen);
      const days = countedVisitDays(c.rule, c.child_id, c.visits.map((visit) => ({ ...visit, day: parseDate(visit.day) })));
      const due = childVisitDue(c.rule, c.episode, days);
      expect(due ? formatDate(due) : null, c.why).toBe(c.result);
    }
  });

  it("counts working days between two days, as the server does", () => {
    for (const c of cases.intervals.filter((interval) => interval.unit === "working_days")) {
      expect(workingDaysBetween(parseDate(c.start), parseDate(c.result))).toBe(c.count);
    }
    expect(workingDaysBetween(parseDate("2025-03-14"), parseDate("2025-03-10"))).toBe(-4);
    expect(workingDaysBetween(parseDate("2025-04-17"), parseDate("2025-04-21"))).toBe(0);
  });
});
