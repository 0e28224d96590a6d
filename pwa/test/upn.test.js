import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkLetter, isTemporary, LETTERS, upnProblem } from "../src/domain/upn.js";

const { cases } = JSON.parse(readFileSync(new URL("../../tests/fixtures/upn.json", import.meta.url)));

describe("unique pupil numbers", () => {
  for (const item of cases) {
    it(`${item.upn || "empty"}: ${item.why}`, () => {
      expect(upnProblem(item.upn)).toBe(item.problem);
      if (item.problem === null) {
        expect(isTemporary(item.upn)).toBe(item.temporary);
      }
    });
  }

  it("accepts the computed check letter and refuses every other", () => {
    const rest = "30120010100A";
    const good = checkLetter(rest);
    for (const letter of LETTERS) {
      expect(upnProblem(letter + rest)).toBe(letter === good ? null : "check_letter");
    }
  });
});
