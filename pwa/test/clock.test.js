import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { localDate, localDateOf, now, nowIso, resetClock, setClock, today, todayIso } from "../src/clock.js";

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

  it("gives a moment's date where the device is, as today is read", () => {
    expect(localDateOf("2026-06-30T23:30:00Z")).toBe("2026-07-01"); // 00:30 BST
    expect(localDateOf("2026-06-30T22:59:59.000Z")).toBe("2026-06-30");
    expect(localDateOf("2026-12-31T23:30:00+00:00")).toBe("2026-12-31"); // GMT in winter
    expect(localDateOf("2026-07-01")).toBe("2026-07-01"); // a date alone stays as it is
  });

  it("follows the system again once reset", () => {
    setClock(() => 0);
    resetClock();
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
  });
});

describe("reading the time", () => {
  // The present, read anywhere but clock.js, escapes the frozen clock of the
  // tests and can disagree with the rest of the app about "today".
  const READS_THE_SYSTEM = /\bDate\.now\s*\(|\bnew\s+Date\s*\(\s*\)|(?<![\w.])Date\s*\(\s*\)/;

  function sources(folder) {
    return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? sources(path) : path.endsWith(".js") ? [path] : [];
    });
  }

  it("happens only in clock.js", () => {
    const root = fileURLToPath(new URL("../src/", import.meta.url));
    const files = sources(root);
    expect(files.length).toBeGreaterThan(30);
    const offenders = files
      .filter((path) => path !== join(root, "clock.js"))
      .flatMap((path) =>
        readFileSync(path, "utf8")
          .split("\n")
          .map((line, index) => [`${path.slice(root.length)}:${index + 1}`, line])
          .filter(([, line]) => READS_THE_SYSTEM.test(line))
          .map(([where]) => where),
      );
    expect(offenders).toEqual([]);
  });

  it("is caught in each of its forms", () => {
    for (const line of ["const t = Date.now();", "const d = new Date();", "const d = new Date ( );", "const s = Date();"]) {
      expect(READS_THE_SYSTEM.test(line)).toBe(true);
    }
    for (const line of ["new Date(text)", "now()", "new Date(Date.UTC(2026, 0, 1))", "nowMs()", "toDate()"]) {
      expect(READS_THE_SYSTEM.test(line)).toBe(false);
    }
  });
});
