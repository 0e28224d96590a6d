import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFERENCE_STATUSES } from "../src/domain/conference.js";
import { codeList, isOther, otherLast } from "../src/domain/options.js";
import { LIGHT_CHOICES } from "../src/domain/policy.js";
import { REASONS } from "../src/domain/review-queue.js";
import { NotificationKinds } from "../src/push.js";

// Read keeping each list's order: an object puts number-like codes ("4", "10")
// first, so every key is read with a prefix and given back without it.
const PREFIXED = JSON.parse(
  readFileSync(new URL("../../server/data/vocabularies.json", import.meta.url), "utf8").replace(/"([^"]+)":/g, '"#$1":'),
);
const unprefixed = (codes) => Object.entries(codes).map(([code, label]) => [code.slice(1), label]);
// As the server sends them to a device: [code, label] pairs in the list's order.
const SENT = Object.fromEntries(unprefixed(PREFIXED).map(([name, codes]) => [name, unprefixed(codes)]));
const VOCABULARIES = Object.fromEntries(Object.entries(SENT).map(([name, pairs]) => [name, Object.fromEntries(pairs)]));

function otherIsLast(options) {
  const labels = options.map(([, label]) => label);
  const firstOther = labels.findIndex(isOther);
  return firstOther === -1 || labels.slice(firstOther).every(isOther);
}

describe("the order of options", () => {
  it("moves the catch-all options to the end and keeps the rest in order", () => {
    const options = [
      ["other", "Other"],
      ["home_visit", "Home visit"],
      ["PROF", "Other professional"],
      ["phone", "Phone call"],
      ["WOTH", "Any other White background"],
    ];
    expect(otherLast(options).map(([code]) => code)).toEqual(["home_visit", "phone", "WOTH", "other", "PROF"]);
    expect(isOther("Otherton Road")).toBe(false);
    expect(isOther(" other ")).toBe(true);
  });

  it("shows every code list as the council keeps it: the most common first, Other last", () => {
    for (const [name, options] of Object.entries(SENT)) {
      expect(otherLast(codeList(options)), name).toEqual(options);
      expect(otherIsLast(options), name).toBe(true);
    }
    expect(otherLast(codeList(SENT.interaction_mode))[0]).toEqual(["home_visit", "Home visit"]);
    expect(otherLast(codeList(SENT.interaction_purpose)).at(-1)).toEqual(["other", "Other"]);
  });

  it("still puts Other last for a device that kept a list sorted by code", () => {
    // Before the lists came in order, a device kept each as an object with its codes sorted.
    const sorted = Object.fromEntries(Object.entries(VOCABULARIES.interaction_purpose).sort(([a], [b]) => a.localeCompare(b)));
    expect(Object.keys(sorted).at(-1)).not.toBe("other");
    const shown = otherLast(codeList(sorted));
    expect(shown.at(-1)).toEqual(["other", "Other"]);
    expect(shown).toHaveLength(Object.keys(sorted).length);
  });

  it("puts Other last in each of the app's own lists", () => {
    for (const [name, options] of Object.entries({ CONFERENCE_STATUSES, LIGHT_CHOICES, REASONS, NotificationKinds })) {
      expect(otherIsLast(options), name).toBe(true);
    }
  });
});
