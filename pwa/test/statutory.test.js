import { describe, expect, it } from "vitest";
import { childDues, seenAnswersByVisit } from "../src/domain/statutory.js";
import { formatDate } from "../src/domain/timescales.js";
import { LocalData } from "../src/store.js";

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

const FAMILY = "f1";
const SAM = "p-sam";
const MIA = "p-mia";
const CP_VISITS = record("checklist_template", "t1", {
  key: "statutory_visit",
  name: "Statutory visit",
  purpose: "statutory_visit",
  active: true,
  timescale: { applies_to: ["child_protection"], every: { count: 10, unit: "working_days" } },
  items: [{ key: "child_seen", label: "Child seen", from_visit: "child_seen" }],
});

function okafor() {
  const records = [CP_VISITS, record("family", FAMILY, { display_name: "Okafor", status: "open" })];
  for (const [id, given] of [
    [SAM, "Sam"],
    [MIA, "Mia"],
  ]) {
    records.push(record("person", id, { given_name: given, family_name: "Okafor", is_child: true }));
    records.push(record("membership", `m-${id}`, { family_id: FAMILY, person_id: id }));
    // Both on a plan from Monday 2 March 2026: first visit due 16 March.
    records.push(record("plan_episode", `e-${id}`, { family_id: FAMILY, person_id: id, plan_type: "child_protection", cp_category: "NEG", started_on: "2026-03-02" }));
  }
  // Wednesday 4 March: Sam and Mia both ticked as seen.
  records.push(
    record("interaction", "i1", {
      family_id: FAMILY,
      occurred_at: "2026-03-04T11:00:00Z",
      purpose: "statutory_visit",
      participants: [
        { person_id: SAM, present: true, seen: true },
        { person_id: MIA, present: true, seen: true },
      ],
    }),
  );
  return records;
}

function dataOf(records, outbox = []) {
  const data = new LocalData();
  data.load({ records, outbox, notices: [] });
  return data;
}

function dueOf(data, childId) {
  return formatDate(childDues(data, FAMILY).find((due) => due.child.id === childId).due);
}

describe("each child's statutory visit, from their own checklist answers", () => {
  it("counts a visit for a child by 'Who was there' until the checklist answers for them", () => {
    const data = dataOf(okafor());
    expect(dueOf(data, SAM)).toBe("2026-03-18");
    expect(dueOf(data, MIA)).toBe("2026-03-18");
  });

  it("lets the answer for one child decide for that child alone", () => {
    const data = dataOf([
      ...okafor(),
      record("checklist", "c1", { family_id: FAMILY, interaction_id: "i1", template_id: "t1", child_ids: [SAM, MIA], created_at: "2026-03-04T12:00:00Z" }),
      record("checklist_item", "a1", { family_id: FAMILY, checklist_id: "c1", item_key: "child_seen", child_id: SAM, from_visit: "child_seen", answer: "yes" }),
      // Mia was ticked by mistake: the worker's answer for her says she was not seen.
      record("checklist_item", "a2", { family_id: FAMILY, checklist_id: "c1", item_key: "child_seen", child_id: MIA, from_visit: "child_seen", answer: "no" }),
    ]);
    expect(seenAnswersByVisit(data, FAMILY).get("i1")).toEqual([
      { child_id: SAM, from_visit: "child_seen", answer: "yes" },
      { child_id: MIA, from_visit: "child_seen", answer: "no" },
    ]);
    expect(dueOf(data, SAM)).toBe("2026-03-18");
    expect(dueOf(data, MIA)).toBe("2026-03-16"); // from her plan's start: no visit saw her
  });

  it("reads an answer made offline before the server made its item", () => {
    const checklist = { mutation_id: 1, entity: "checklist", op: "create", id: "c1", data: { family_id: FAMILY, interaction_id: "i1", template_id: "t1", child_ids: [SAM, MIA] } };
    const answer = {
      mutation_id: 2,
      entity: "checklist_item",
      op: "update",
      id: "a2",
      base_version: 1,
      data: { answer: "no", reason: "Asleep upstairs; not seen" },
      part_of: { entity: "checklist", id: "c1", item: { family_id: FAMILY, checklist_id: "c1", item_key: "child_seen", child_id: MIA, from_visit: "child_seen" } },
    };
    const data = dataOf(okafor(), [checklist, answer]);
    expect(data.get("checklist_item", "a2")).toMatchObject({ child_id: MIA, answer: "no", unsynced: true });
    expect(data.recordsWaiting()).toEqual([{ entity: "checklist", id: "c1" }]);
    expect(dueOf(data, MIA)).toBe("2026-03-16");
    expect(dueOf(data, SAM)).toBe("2026-03-18");
  });

  it("leaves an answer for the whole family, from before answers were per child, to 'Who was there'", () => {
    const data = dataOf([
      ...okafor(),
      record("checklist", "c1", { family_id: FAMILY, interaction_id: "i1", template_id: "t1", child_ids: [], created_at: "2026-03-04T12:00:00Z" }),
      record("checklist_item", "a1", { family_id: FAMILY, checklist_id: "c1", item_key: "child_seen", child_id: null, from_visit: null, answer: "no" }),
    ]);
    expect(dueOf(data, SAM)).toBe("2026-03-18");
    expect(dueOf(data, MIA)).toBe("2026-03-18");
  });
});
