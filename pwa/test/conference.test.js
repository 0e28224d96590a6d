import { describe, expect, it } from "vitest";
import {
  baseVersion,
  changedFields,
  chosenInvitees,
  inviteeChoices,
  inviteeKey,
  networkInvitees,
  planActionsOf,
} from "../src/domain/conference.js";
import { LocalData } from "../src/store.js";

const FAMILY = "f0000000-0000-4000-8000-000000000001";
const ALEX = "a0000000-0000-4000-8000-000000000001";
const SAM = "a0000000-0000-4000-8000-000000000002";

function record(entity, id, data, version = 1) {
  return { entity, id, version, family_id: data.family_id ?? null, data: { id, version, ...data } };
}

function familyWithNetwork() {
  const data = new LocalData();
  data.load({
    records: [
      record("family", FAMILY, { display_name: "Okoro" }),
      record("person", ALEX, { given_name: "Alex", family_name: "Okoro" }),
      record("person", SAM, { given_name: "Sam", family_name: "Okoro", is_child: true }),
      record("membership", "m1", { family_id: FAMILY, person_id: ALEX }),
      record("membership", "m2", { family_id: FAMILY, person_id: SAM }),
      record("relationship", "r1", { family_id: FAMILY, from_person_id: SAM, to_person_id: ALEX, type: "MTH" }),
      record("relationship", "r2", { family_id: FAMILY, from_person_id: SAM, to_organisation: "Hillside School", type: "TEACHER" }),
      record("relationship", "r3", { family_id: FAMILY, from_person_id: SAM, to_organisation: "Old School", type: "TEACHER", deleted_at: "2026-01-01T00:00:00Z" }),
    ],
    outbox: [],
    notices: [],
  });
  return data;
}

const label = (vocabulary, code) => ({ MTH: "Mother", TEACHER: "Teacher or school" })[code] || code;

describe("who can be invited to a family group conference", () => {
  it("offers the family's people and the organisations on their network map, once each", () => {
    const invitees = networkInvitees(familyWithNetwork(), FAMILY, label);
    expect(invitees).toEqual([
      { name: "Alex Okoro", person_id: ALEX, role: "Mother of Sam" },
      { name: "Sam Okoro", person_id: SAM, role: "Child" },
      { name: "Hillside School", relationship_id: "r2", role: "Teacher or school for Sam" },
    ]);
  });

  it("keeps someone already invited who is no longer on the map", () => {
    const network = networkInvitees(familyWithNetwork(), FAMILY, label);
    const choices = inviteeChoices(network, [{ name: "Auntie Bisi", role: "Aunt" }]);
    expect(choices.map(inviteeKey)).toContain("name:Auntie Bisi");
    expect(chosenInvitees(choices, ["name:Auntie Bisi", `person:${SAM}`])).toEqual([
      { name: "Sam Okoro", person_id: SAM, role: "Child" },
      { name: "Auntie Bisi", role: "Aunt" },
    ]);
  });
});

describe("saving a section", () => {
  it("sends only the fields that changed, treating empty and missing alike", () => {
    const conference = { status: "offered", child_advocate: null, referral: { referrer: "", questions: ["Who helps?"] } };
    expect(
      changedFields(conference, { status: "offered", child_advocate: "", referral: { referrer: "", questions: ["Who helps?", "When?"] } }),
    ).toEqual({ referral: { referrer: "", questions: ["Who helps?", "When?"] } });
  });

  it("bases a change to a record made on this device on version 1, as the server counts", async () => {
    const data = familyWithNetwork();
    data.setOutbox([{ mutation_id: 1, entity: "conference", op: "create", id: "c1", data: { family_id: FAMILY } }]);
    expect(data.record("conference", "c1").version).toBe(0);
    expect(baseVersion(data, "conference", "c1")).toBe(1);
    expect(baseVersion(data, "family", FAMILY)).toBe(1);
  });

  it("lists a plan's actions soonest due first, leaving out removed ones", () => {
    const data = familyWithNetwork();
    data.putConfirmed([
      record("plan_action", "p1", { family_id: FAMILY, conference_id: "c1", task: "Later", due_on: "2027-06-08" }),
      record("plan_action", "p2", { family_id: FAMILY, conference_id: "c1", task: "Sooner", due_on: "2027-06-01" }),
      record("plan_action", "p3", { family_id: FAMILY, conference_id: "c1", task: "No date" }),
      record("plan_action", "p4", { family_id: FAMILY, conference_id: "c2", task: "Another conference" }),
    ]);
    data.setOutbox([{ mutation_id: 1, entity: "plan_action", op: "delete", id: "p1", data: {} }]);
    expect(planActionsOf(data, "c1").map((action) => action.task)).toEqual(["Sooner", "No date"]);
  });
});
