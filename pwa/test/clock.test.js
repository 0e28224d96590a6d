import { afterEach, describe, expect, it } from "vitest";
import { localDate, now, nowIso, resetClock, setClock, today, todayIso } from "../src/clock.js";

describe("the app's clock", () => {
  afterEach(() => resetClock());

  it("reads the moment it is given, not the system's", () => {
    setClock(() => Date.parse("2024-02-29T10:15:00Z"));
    expect(nowIso()).toBe("2024-02-29T10:15:00.000Z");
    expect(now().getTime()).toBe(Date.parse("2024-02-29T10:15:00Z"));
    expect(todayIso()).toBe("2024-02-29");
  });

  it("gives today as the date in England, not in UTC", () => {
    // 23:30 UTC on 30 June is 00:30 BST on 1 July.
    setClock(() => Date.parse("2026-06-30T23:30:00Z"));
    expect(todayIso()).toBe("2026-07-01");
    expect(today().toISOString()).toBe("2026-07-01T00:00:00.000Z");
    // In winter London keeps UTC: 23:30 on 31 December is still that day.
    setClock(() => Date.parse("2026-12-31T23:30:00Z"));
    expect(todayIso()).toBe("2026-12-31");
  });

  it("counts the day the clocks change as one day", () => {
    setClock(() => Date.parse("2026-03-29T00:59:00Z"));
    expect(todayIso()).toBe("2026-03-29");
    setClock(() => Date.parse("2026-03-29T23:30:00Z"));
    expect(todayIso()).toBe("2026-03-30");
    expect(localDate(new Date(2026, 9, 25, 1, 30))).toBe("2026-10-25");
  });

  it("follows the system again once reset", () => {
    setClock(() => 0);
    resetClock();
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
  });
});
