import { describe, expect, it } from "vitest";
import { checkEntry, chronologyEvents, latestStory, storySections, storyVersions } from "../src/domain/chronology.js";

const SAM = "a0000000-0000-4000-8000-000000000002";
const MIA = "a0000000-0000-4000-8000-000000000003";

describe("the story so far", () => {
  const first = { id: "s1", previous_id: null, created_at: "2026-01-05T10:00:00+00:00", device_written_at: "2026-01-05T09:59:00+00:00" };
  const second = { id: "s2", previous_id: "s1", created_at: "2026-03-05T10:00:00+00:00", device_written_at: null };

  it("is the version no other follows, even if an older clock says otherwise", () => {
    const skewed = { ...second, device_written_at: "2025-12-01T10:00:00+00:00" };
    expect(latestStory([first, skewed]).id).toBe("s2");
  });

  it("takes the later of two versions written offline after the same one", () => {
    const theirs = { id: "s3", previous_id: "s1", created_at: "2026-03-06T10:00:00+00:00", device_written_at: "2026-03-05T12:00:00+00:00" };
    expect(latestStory([first, second, theirs]).id).toBe("s3");
    expect(storyVersions([first, second, theirs]).map((v) => v.id)).toEqual(["s3", "s2", "s1"]);
  });

  it("is none before anyone writes it", () => {
    expect(latestStory([])).toBeNull();
  });

  it("keeps only the parts written", () => {
    expect(storySections({ who: " Alex and Sam ", worries: "  " })).toEqual({ who: "Alex and Sam" });
    expect(storySections({ who: "" })).toBeNull();
  });
});

describe("the chronology", () => {
  const proposed = [
    { key: "plan_episode:e1:start", on: "2026-02-01", title: "Sam: Child in need plan started", child_ids: [SAM], proposed: true },
    { key: "conference:c1:referred", on: "2026-03-01", title: "Referred for a family group conference", child_ids: [], proposed: true },
    { key: "plan_episode:e2:start", on: "2026-04-01", title: "Mia: Child in need plan started", child_ids: [MIA], proposed: true },
    // The server's copy of a worker's entry: the device's own copy is shown instead.
    { key: "chronology_entry:x:", on: "2026-03-01", title: "Old copy", child_ids: [], proposed: false },
  ];
  const entries = [{ id: "n1", occurred_on: "2026-03-01", event: "Sam was excluded for a day.", source: "School", child_ids: [SAM] }];

  it("puts the proposed events and the worker's in date order, proposed first on a day", () => {
    const events = chronologyEvents(proposed, entries, "");
    expect(events.map((event) => event.title)).toEqual([
      "Sam: Child in need plan started",
      "Referred for a family group conference",
      "Sam was excluded for a day.",
      "Mia: Child in need plan started",
    ]);
  });

  it("for one child keeps the family's events and drops the other children's", () => {
    const titles = chronologyEvents(proposed, entries, MIA).map((event) => event.title);
    expect(titles).toEqual(["Referred for a family group conference", "Mia: Child in need plan started"]);
  });

  it("shows the worker's entries while offline, with nothing proposed", () => {
    expect(chronologyEvents(null, entries, SAM).map((event) => event.source)).toEqual(["School"]);
  });

  it("asks for the date, what happened and who said so", () => {
    expect(checkEntry({ occurred_on: "", event: " ", source: "", child_ids: [] }, [SAM], "2026-06-10")).toEqual({
      occurred_on: "Enter the date it happened",
      event: "Say what happened",
      source: "Say where the information came from",
    });
    expect(checkEntry({ occurred_on: "2026-06-11", event: "x", source: "y", child_ids: ["z"] }, [SAM], "2026-06-10")).toEqual({
      occurred_on: "The date cannot be in the future",
      child_ids: "Choose children of this family",
    });
    expect(checkEntry({ occurred_on: null, event: "x", source: "y", child_ids: [SAM] }, [SAM], "2026-06-10")).toEqual({
      occurred_on: "Enter a real date, like 27 3 2026",
    });
  });
});
