import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { draftFromNote, readability, sharingFlags, unresolved } from "../src/domain/family-copy.js";

// The same table of cases as tests/domain/test_family_copy.py.
const fixture = JSON.parse(readFileSync(new URL("../../tests/fixtures/family_copy.json", import.meta.url)));

const flagsOf = (c) =>
  sharingFlags(c.sections, { thirdParties: c.third_parties, householdNames: c.household_names, restricted: c.restricted || [] });

describe("readability", () => {
  for (const c of fixture.readability) {
    it(c.name, () => {
      expect(readability(c.text, fixture.glossary)).toEqual(c.expected);
    });
  }
});

describe("sharing flags", () => {
  for (const c of fixture.flags) {
    it(c.name, () => {
      expect(flagsOf(c)).toEqual(c.expected);
    });
  }
  for (const c of fixture.unresolved) {
    it(c.name, () => {
      const flags = flagsOf(fixture.flags[c.flag_case]);
      expect(unresolved(flags, c.confirmed).map((flag) => flag.key)).toEqual(c.expected_keys);
    });
  }
});

describe("drafting from a note", () => {
  it("takes what happened, the family's view and next steps, never the worker's reflection", () => {
    const note = { sections: { what_happened: "We met.", family_view: "Kerry feels heard.", reflection: "I worry.", next_steps: "Meet again." } };
    const actions = [
      { who: "Kerry", task: "Ring the school", due_on: "2026-12-10", status: "on_track" },
      { who: "Sam", task: "Book the room", due_on: null, status: "done" },
    ];
    const draft = draftFromNote(note, actions, (d) => d.split("-").reverse().join("/"));
    expect(draft).toEqual({
      what_happened: "We met.",
      your_view: "Kerry feels heard.",
      next_steps: "Meet again.",
      who_does_what: "Kerry: Ring the school by 10/12/2026",
    });
    expect(JSON.stringify(draft)).not.toContain("I worry");
  });
});
