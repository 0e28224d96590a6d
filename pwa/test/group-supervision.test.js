import { describe, expect, it } from "vitest";
import {
  actionOwners,
  actionsOwnedBy,
  checkAction,
  checkSession,
  decisionsOf,
  discussionsOf,
  heldAt,
  sessionsNewestFirst,
  teamPractitioners,
  withAction,
  withActionStatus,
  withAnswer,
  withQuestion,
} from "../src/domain/group-supervision.js";
import { LocalData, applyMutation } from "../src/store.js";

const TEAM = "t0000000-0000-4000-8000-000000000001";
const OTHER_TEAM = "t0000000-0000-4000-8000-000000000002";
const OKORO = "f0000000-0000-4000-8000-000000000001";
const BYRNE = "f0000000-0000-4000-8000-000000000002";
const HANNAH = "u0000000-0000-4000-8000-000000000001";
const AMARA = "u0000000-0000-4000-8000-000000000002";
const BEN = "u0000000-0000-4000-8000-000000000003";

const DIRECTORY = {
  [HANNAH]: { id: HANNAH, display_name: "Hannah", role: "supervisor", team_id: TEAM },
  [AMARA]: { id: AMARA, display_name: "Amara", role: "caseworker", team_id: TEAM },
  [BEN]: { id: BEN, display_name: "Ben", role: "caseworker", team_id: TEAM },
  x: { id: "x", display_name: "Priya", role: "analyst", team_id: TEAM },
  y: { id: "y", display_name: "Sol", role: "caseworker", team_id: OTHER_TEAM },
};

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

function localData(records, outbox = []) {
  const data = new LocalData();
  data.load({ records, outbox, notices: [] });
  return data;
}

const SESSION = { id: "s1", team_id: TEAM, facilitator_id: HANNAH, attendee_ids: [AMARA, BEN], held_at: "2026-11-25T14:00:00Z", title: "Fathers" };

describe("group supervision on the device", () => {
  it("offers the team's practitioners as attendees, by name", () => {
    expect(teamPractitioners(DIRECTORY, TEAM).map((p) => p.display_name)).toEqual(["Amara", "Ben", "Hannah"]);
  });

  it("lets only someone there who works with the family own an action", () => {
    const data = localData([
      record("assignment", "a1", { family_id: OKORO, worker_id: AMARA, ended_on: null }),
      record("assignment", "a2", { family_id: OKORO, worker_id: BEN, ended_on: "2026-01-01" }),
    ]);
    expect(actionOwners(data, SESSION, OKORO, DIRECTORY).sort()).toEqual([HANNAH, AMARA].sort());
    expect(actionOwners(data, { ...SESSION, attendee_ids: [] }, OKORO, DIRECTORY)).toEqual([HANNAH]);
  });

  it("lists sessions newest first and a session's discussions and decisions", () => {
    const data = localData([
      record("supervision_session", "old", { held_at: "2026-10-01T14:00:00Z", title: "A" }),
      record("supervision_session", "s1", SESSION),
      record("supervision_discussion", "d1", { family_id: OKORO, session_id: "s1", actions: [] }),
      record("supervision_discussion", "d2", { family_id: BYRNE, session_id: "old", actions: [] }),
      record("judgment", "j1", { family_id: OKORO, supervision_discussion_id: "d1", question: "Q" }),
      record("judgment", "j2", { family_id: OKORO, question: "Unrelated" }),
    ]);
    expect(sessionsNewestFirst(data).map((s) => s.id)).toEqual(["s1", "old"]);
    expect(discussionsOf(data, "s1").map((d) => d.id)).toEqual(["d1"]);
    expect(decisionsOf(data, data.get("supervision_discussion", "d1")).map((j) => j.id)).toEqual(["j1"]);
  });

  it("shows a person their own actions, open ones first by due date, unsynced ones too", () => {
    const discussion = { family_id: OKORO, session_id: "s1", actions: [
      { id: "done", owner_id: AMARA, status: "done", due_on: "2026-11-01" },
      { id: "late", owner_id: AMARA, status: "not_started", due_on: "2026-12-20" },
      { id: "soon", owner_id: AMARA, status: "in_progress", due_on: "2026-12-01" },
      { id: "bens", owner_id: BEN, status: "not_started", due_on: "2026-11-02" },
    ] };
    const mutation = { mutation_id: 1, entity: "supervision_discussion", op: "create", id: "d9", data: { family_id: BYRNE, session_id: "s1", actions: [{ id: "new", owner_id: AMARA, status: "not_started", due_on: null }] } };
    const data = localData([record("supervision_discussion", "d1", discussion)], [mutation]);
    expect(actionsOwnedBy(data, AMARA).map((entry) => entry.action.id)).toEqual(["soon", "late", "new", "done"]);
  });

  it("checks the start of a session and a new action as the server will", () => {
    expect(checkSession({ title: " ", date: null, time: "2pm", families: [] })).toEqual({
      title: "Enter a title or theme for the session",
      held_on: "The date of the session must be a real date",
      time: "Enter the time as hours and minutes, for example 14:00",
      families: "Choose at least one family to discuss",
    });
    expect(checkSession({ title: "Fathers", date: "2026-11-25", time: "14:00", families: [OKORO] })).toEqual({});
    expect(checkAction({ task: "Call", owner_id: BEN, due_on: null }, [AMARA])).toEqual({
      owner_id: "Choose someone who attended and works with this family",
      due_on: "The due date must be a real date",
    });
    expect(heldAt("2026-11-25", "14:00")).toBe(new Date(2026, 10, 25, 14, 0).toISOString());
  });

  it("changes one item of a discussion's lists at a time, keeping the others", () => {
    const discussion = { questions: [{ id: "q1", question: "Why?", answer: null }], actions: [{ id: "a1", task: "Call", owner_id: AMARA, status: "not_started" }] };
    expect(withQuestion(discussion, "q2", " What helps? ", " Gran ")).toEqual([
      discussion.questions[0],
      { id: "q2", question: "What helps?", answer: "Gran" },
    ]);
    expect(withAnswer(discussion, "q1", "School")[0].answer).toBe("School");
    expect(withAction(discussion, "a2", { task: "Visit", owner_id: AMARA, due_on: "" })[1]).toEqual({ id: "a2", task: "Visit", owner_id: AMARA, due_on: null, status: "not_started" });
    expect(withActionStatus(discussion, "a1", "done")[0].status).toBe("done");
    // What the overlay shows once a change waits in the outbox: the device reads its own write.
    const shown = applyMutation(record("supervision_discussion", "d1", discussion), { op: "update", data: { actions: withActionStatus(discussion, "a1", "done") } });
    expect(shown.data.actions[0].status).toBe("done");
  });
});
