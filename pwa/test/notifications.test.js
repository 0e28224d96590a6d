import { describe, expect, it } from "vitest";
import { screenFor } from "../src/ui/views/notifications.js";
import { LocalData } from "../src/store.js";

const FAMILY = "f0000000-0000-4000-8000-000000000001";
const SAM = "a0000000-0000-4000-8000-000000000002";
const PLAN = "e0000000-0000-4000-8000-000000000003";

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

function device(records) {
  const data = new LocalData();
  data.load({ records, outbox: [], notices: [] });
  return data;
}

describe("opening a visit reminder", () => {
  const onDevice = device([
    record("family", FAMILY, { display_name: "Okoro" }),
    record("plan_episode", PLAN, { family_id: FAMILY, person_id: SAM, plan_type: "child_protection", started_on: "2026-06-01" }),
  ]);

  it("finds the family from the child's plan episode the push names", () => {
    expect(screenFor(onDevice, "visit_due", PLAN)).toBe(`#/family/${FAMILY}`);
    expect(screenFor(onDevice, "visit_overdue", PLAN)).toBe(`#/family/${FAMILY}`);
  });

  it("still opens a reminder that named the family, as earlier ones did", () => {
    expect(screenFor(onDevice, "visit_due", FAMILY)).toBe(`#/family/${FAMILY}`);
  });

  it("opens nothing while the plan is not on this device yet", () => {
    expect(screenFor(device([]), "visit_overdue", PLAN)).toBeNull();
  });
});
