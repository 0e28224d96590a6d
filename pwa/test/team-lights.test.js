import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  isNewlyQualified,
  newlyQualifiedUntil,
  policyForWorker,
  signedInWorker,
  stricter,
  trialRunning,
  useWorker,
  workerLight,
} from "../src/domain/team-lights.js";

// The same table the server's tests use: the two copies of the rule cannot drift.
const fixture = JSON.parse(readFileSync(new URL("../../tests/fixtures/team_lights.json", import.meta.url)));

afterEach(() => useWorker(null));

describe("the light a worker's decision gets", () => {
  for (const entry of fixture.cases) {
    it(entry.name, () => {
      const { light } = workerLight(fixture.policy, entry.category, {
        teamId: entry.team_id,
        trials: fixture.trials,
        narrower: fixture.narrower[entry.team_id || ""] || {},
        newlyQualified: isNewlyQualified(entry.qualified_on, entry.today),
        today: entry.today,
      });
      expect(light).toBe(entry.light);
    });
  }

  it("says why: the running trial, or the narrowing of a newly qualified worker's light", () => {
    const options = { teamId: "north", trials: fixture.trials, narrower: fixture.narrower.north, today: "2027-03-01" };
    const tried = workerLight(fixture.policy, "change_visit_frequency", { ...options, newlyQualified: false });
    expect(tried).toMatchObject({ light: "green", council: "yellow", narrowed: false });
    expect(tried.trial.ends_on).toBe("2027-04-15");
    const narrowed = workerLight(fixture.policy, "routine_support", { ...options, newlyQualified: true });
    expect(narrowed).toMatchObject({ light: "yellow", council: "green", trial: null, narrowed: true });
  });
});

describe("newly qualified workers and trials", () => {
  it("counts the first year from the day a worker qualified", () => {
    expect(newlyQualifiedUntil(null)).toBe(null);
    expect(newlyQualifiedUntil("2024-02-29")).toBe("2025-02-28");
    expect(isNewlyQualified("2026-03-02", "2027-03-01")).toBe(true);
    expect(isNewlyQualified("2026-03-01", "2027-03-01")).toBe(false);
    expect(isNewlyQualified(null, "2027-03-01")).toBe(false);
  });

  it("runs a trial to the day before its end", () => {
    const trial = { starts_on: "2027-01-01", ends_on: "2027-01-03" };
    expect(["2027-01-01", "2027-01-02", "2027-01-03"].map((day) => trialRunning(trial, day))).toEqual([true, true, false]);
  });

  it("picks the stricter light", () => {
    expect(stricter("green", "yellow")).toBe("yellow");
    expect(stricter("red", "yellow")).toBe("red");
  });
});

describe("the policy as the signed-in worker's device uses it", () => {
  const policy = { version: 3, categories: fixture.policy };
  const settings = [{ team_id: "north", categories: [{ key: "routine_support", light: "yellow" }] }];

  it("gives a North worker North's trial and a South worker the council's light", () => {
    useWorker({ id: "u1", team_id: "north", qualified_on: null });
    expect(signedInWorker()).toEqual({ team_id: "north", qualified_on: null });
    const north = policyForWorker(policy, { trials: fixture.trials, narrowerSettings: settings, today: "2027-03-01" });
    expect(north.version).toBe(3);
    expect(north.categories.find((c) => c.key === "change_visit_frequency")).toMatchObject({ light: "green", council_light: "yellow" });
    expect(north.categories.find((c) => c.key === "routine_support").light).toBe("green");

    useWorker({ id: "u2", team_id: "south", qualified_on: null });
    const south = policyForWorker(policy, { trials: fixture.trials, narrowerSettings: settings, today: "2027-03-01" });
    expect(south.categories.find((c) => c.key === "change_visit_frequency")).toMatchObject({ light: "yellow", trial: null });
  });

  it("narrows a newly qualified worker's lights, and the trial ends by itself", () => {
    useWorker({ id: "u3", team_id: "north", qualified_on: "2026-09-01" });
    const today = policyForWorker(policy, { trials: fixture.trials, narrowerSettings: settings, today: "2027-03-01" });
    expect(today.categories.find((c) => c.key === "routine_support")).toMatchObject({ light: "yellow", narrowed: true });
    useWorker({ id: "u1", team_id: "north", qualified_on: null });
    const later = policyForWorker(policy, { trials: fixture.trials, narrowerSettings: settings, today: "2027-04-15" });
    expect(later.categories.find((c) => c.key === "change_visit_frequency")).toMatchObject({ light: "yellow", trial: null });
  });

  it("leaves the policy as it is with no one signed in", () => {
    expect(policyForWorker(policy, { trials: fixture.trials, narrowerSettings: settings, today: "2027-03-01" })).toBe(policy);
    expect(policyForWorker(null, { trials: [], narrowerSettings: [], today: "2027-03-01" })).toBe(null);
  });
});
