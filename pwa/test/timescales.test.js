import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  addInterval,
  childVisitDue,
  englandBankHolidays,
  formatDate,
  nextVisitDue,
  parseDate,
  workingDaysBetween,
} from "../src/domain/timescales.js";

// The same table the server's tests use: the two copies of the rules cannot drift.
const cases = JSON.parse(readFileSync(new URL("../../tests/fixtures/timescales.json", import.meta.url)));

describe("statutory timescales", () => {
  it("knows the bank holidays of England and Wales", () => {
    for (const [year, days] of Object.entries(cases.holidays)) {
      expect([...englandBankHolidays(Number(year))].sort()).toEqual(days);
    }
  });

  it("adds days, weeks and working days as the server does", () => {
    for (const c of cases.intervals) {
      expect(formatDate(addInterval(parseDate(c.start), { count: c.count, unit: c.unit }))).toBe(c.result);
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

  it("counts working days between two days, as the server does", () => {
    for (const c of cases.intervals.filter((interval) => interval.unit === "working_days")) {
      expect(workingDaysBetween(parseDate(c.start), parseDate(c.result))).toBe(c.count);
    }
    expect(workingDaysBetween(parseDate("2025-03-14"), parseDate("2025-03-10"))).toBe(-4);
    expect(workingDaysBetween(parseDate("2025-04-17"), parseDate("2025-04-21"))).toBe(0);
  });
});
