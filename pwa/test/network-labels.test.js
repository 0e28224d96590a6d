import { describe, expect, it } from "vitest";
import { wrapLabel } from "../src/ui/views/network.js";

// Without a canvas (as here) a letter is taken as 0.6 of the text size wide: 9 px at 15 px.
const joined = (lines) => lines.map((line) => line.text + (line.space ? " " : "")).join("");

describe("a network map label", () => {
  it("wraps between words, keeping every word", () => {
    const lines = wrapLabel("Boxing club at the leisure centre on Hillside Road", 15, 104);
    expect(lines.map((line) => line.text)).toEqual(["Boxing club", "at the", "leisure", "centre on", "Hillside", "Road"]);
    expect(joined(lines)).toBe("Boxing club at the leisure centre on Hillside Road");
    expect(lines.every((line) => line.text.length * 9 <= 104)).toBe(true);
  });

  it("breaks a word wider than the label with no space, so it reads as one word", () => {
    const lines = wrapLabel("Oluwaseunfunmilayo", 15, 60);
    expect(lines.map((line) => line.text)).toEqual(["Oluwas", "eunfun", "milayo"]);
    expect(joined(lines)).toBe("Oluwaseunfunmilayo");
  });

  it("keeps a short name on one line", () => {
    expect(wrapLabel("  Sam ", 15, 96)).toEqual([{ text: "Sam", space: false }]);
  });
});
