// Welsh in the app: the PO's six plural forms chosen through Intl.PluralRules,
// dates in Welsh, and English whenever a message has no translation.
import { afterEach, describe, expect, it, vi } from "vitest";
import { currentLanguage, inLanguage, sayDate, sayDateTime, t, tn, useCatalogue } from "../src/i18n.js";

const WAITING = ["Dim newidiadau'n aros", "{count} newid yn aros", "{count} newid (dau) yn aros", "{count} newid (tri) yn aros", "{count} newid (chwech) yn aros", "{count} newid (eraill) yn aros"];

afterEach(() => useCatalogue("en"));

describe("plural forms", () => {
  it("maps Welsh counts to the PO's forms as Babel's Plural-Forms header numbers them", () => {
    useCatalogue("cy", { "{count} change waiting": WAITING });
    const said = (count) => tn("{count} change waiting", "{count} changes waiting", count);
    expect(said(0)).toBe("Dim newidiadau'n aros");
    expect(said(1)).toBe("1 newid yn aros");
    expect(said(2)).toBe("2 newid (dau) yn aros");
    expect(said(3)).toBe("3 newid (tri) yn aros");
    expect(said(6)).toBe("6 newid (chwech) yn aros");
    for (const other of [4, 5, 7, 10, 11, 100]) {
      expect(said(other)).toBe(`${other} newid (eraill) yn aros`);
    }
  });

  it("uses English's two forms in English, and English when Welsh lacks the message", () => {
    expect(tn("{count} change waiting", "{count} changes waiting", 1)).toBe("1 change waiting");
    expect(tn("{count} change waiting", "{count} changes waiting", 0)).toBe("0 changes waiting");
    useCatalogue("cy", {});
    expect(tn("{count} problem", "{count} problems", 2)).toBe("2 problems");
    expect(t("Sync now")).toBe("Sync now");
  });

  it("fills named values in a translation", () => {
    useCatalogue("cy", { "Signed in as {username}.": "Wedi mewngofnodi fel {username}." });
    expect(t("Signed in as {username}.", { username: "cw.amara" })).toBe("Wedi mewngofnodi fel cw.amara.");
  });
});

describe("dates", () => {
  it("says a date in Welsh month names", () => {
    useCatalogue("cy", {});
    expect(sayDate("2026-12-06")).toBe("6 Rhagfyr 2026");
    expect(sayDate("2026-07-01")).toBe("1 Gorffennaf 2026");
    expect(sayDateTime("2026-03-02T09:05:00Z")).toContain("Mawrth 2026");
  });

  it("says the same date in English", () => {
    expect(sayDate("2026-12-06")).toBe("6 December 2026");
  });
});

describe("another language for a moment", () => {
  it("draws a family copy in Welsh for an English-speaking worker, then speaks English again", () => {
    useCatalogue("cy", { "Next steps": "Camau nesaf" });
    useCatalogue("en");
    const drawn = inLanguage("cy", () => `${t("Next steps")}, ${sayDate("2026-07-01")}`);
    expect(drawn).toBe("Camau nesaf, 1 Gorffennaf 2026");
    expect(currentLanguage()).toBe("en");
    expect(t("Next steps")).toBe("Next steps");
  });

  it("draws in English for a Welsh-speaking worker", () => {
    useCatalogue("cy", { "Next steps": "Camau nesaf" });
    expect(inLanguage("en", () => t("Next steps"))).toBe("Next steps");
    expect(t("Next steps")).toBe("Camau nesaf");
  });
});

describe("Welsh dates without Welsh in the browser's Intl", () => {
  it("says Welsh month names itself", () => {
    const spy = vi.spyOn(Intl.DateTimeFormat, "supportedLocalesOf").mockReturnValue([]);
    try {
      useCatalogue("cy", {});
      expect(sayDate("2026-12-31")).toBe("31 Rhagfyr 2026");
      expect(sayDateTime("2026-03-02T09:05:00")).toBe("2 Mawrth 2026, 09:05");
      useCatalogue("en");
      expect(sayDate("2026-12-31")).toBe("31 December 2026");
    } finally {
      spy.mockRestore();
    }
  });
});
