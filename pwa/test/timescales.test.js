import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { addInterval, englandBankHolidays, formatDate, nextVisitDue, parseDate } from "../src/domain/timescales.js";

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
});
