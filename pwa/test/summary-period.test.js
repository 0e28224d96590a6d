import { describe, expect, it } from "vitest";
import { periodErrors } from "../src/domain/summary-period.js";

const TODAY = "2026-11-29";

describe("the period of a service summary", () => {
  it("accepts a month in the past, and a single day", () => {
    expect(periodErrors("2026-10-01", "2026-10-31", TODAY)).toEqual({});
    expect(periodErrors("2026-11-29", "2026-11-29", TODAY)).toEqual({});
  });

  it("asks for missing and impossible dates by field", () => {
    expect(periodErrors("", null, TODAY)).toEqual({
      first_day: "Enter the first day of the period",
      last_day: "The last day must be a real date",
    });
  });

  it("refuses a period back to front, in the future, or over 366 days", () => {
    expect(periodErrors("2026-10-31", "2026-10-01", TODAY).last_day).toMatch(/same as or after/);
    expect(periodErrors("2026-11-01", "2026-11-30", TODAY).last_day).toMatch(/today or earlier/);
    expect(periodErrors("2025-11-27", "2026-11-28", TODAY).last_day).toMatch(/366 days/);
    expect(periodErrors("2025-11-28", "2026-11-28", TODAY)).toEqual({});
  });

});
