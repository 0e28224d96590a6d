// Group supervision on the device: who can attend, who may own an action,
// which sessions and actions a person sees, and the changes the screen makes
// to a discussion. The server holds the same rules (server/domain/group_supervision.py);
// here they shape the forms so a session run offline is accepted when it syncs.

export const ACTION_STATUS = {
  not_started: "Not started",
  in_progress: "In progress",
  done: "Done",
};

const PRACTICE_ROLES = new Set(["caseworker", "supervisor"]);

/** Return the practitioners of a team from the staff directory, by name. */
export function teamPractitioners(directory, teamId) {
  return Object.values(directory || {})
    .filter((person) => person.team_id === teamId && PRACTICE_ROLES.has(person.role))
    .sort((a, b) => a.display_name.localeCompare(b.display_name));
}

/** Return who may own an action on a family: someone there who works with the family. */
export function actionOwners(data, session, familyId, directory) {
  const present = new Set([session.facilitator_id, ...(session.attendee_ids || [])]);
  const workers = new Set(
    data
      .ofFamily("assignment", familyId)
      .filter((assignment) => !assignment.ended_on)
      .map((assignment) => assignment.worker_id),
  );
  return [...present].filter((id) => {
    const person = directory?.[id];
    if (person?.role === "supervisor" && person.team_id === session.team_id) return true;
    return workers.has(id);
  });
}

/** Return the sessions on this device, the most recent first. */
export function sessionsNewestFirst(data) {
  return data.all("supervision_session").sort((a, b) => (b.held_at || "").localeCompare(a.held_at || ""));
}

/** Return the discussions of a session that this device holds (families it may see). */
export function discussionsOf(data, sessionId) {
  return data.all("supervision_discussion").filter((discussion) => discussion.session_id === sessionId);
}

/** Return the actions a person owns, with their family and session, open ones first by due date. */
export function actionsOwnedBy(data, userId) {
  const owned = [];
  for (const discussion of data.all("supervision_discussion")) {
    for (const action of discussion.actions || []) {
      if (action.owner_id === userId) {
        owned.push({ action, discussion });
      }
    }
  }
  const rank = (entry) => (entry.action.status === "done" ? 1 : 0);
  return owned.sort(
    (a, b) => rank(a) - rank(b) || (a.action.due_on || "9999").localeCompare(b.action.due_on || "9999"),
  );
}

/** Return the judgment entries decided in a discussion. */
export function decisionsOf(data, discussion) {
  return data.ofFamily("judgment", discussion.family_id).filter((judgment) => judgment.supervision_discussion_id === discussion.id);
}

/** Return a session's time from a date (YYYY-MM-DD) and a 24-hour time (HH:MM), as ISO text. */
export function heldAt(date, time) {
  const [hours, minutes] = (time || "").split(":").map(Number);
  const when = new Date(`${date}T00:00:00`);
  when.setHours(hours, minutes, 0, 0);
  return when.toISOString();
}

/** Check the form that starts a session; return errors by field. */
export function checkSession({ title, date, time, families }) {
  const errors = {};
  if (!title?.trim()) errors.title = "Enter a title or theme for the session";
  else if (title.length > 200) errors.title = "The title must be 200 characters or fewer";
  if (date === null) errors.held_on = "The date of the session must be a real date";
  else if (!date) errors.held_on = "Enter the date of the session";
  if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test((time || "").trim())) errors.time = "Enter the time as hours and minutes, for example 14:00";
  if (!families?.length) errors.families = "Choose at least one family to discuss";
  return errors;
}

/** Check a new action; return errors by field. */
export function checkAction({ task, owner_id: owner, due_on: due }, owners) {
  const errors = {};
  if (!task?.trim()) errors.task = "Enter what needs to be done";
  if (!owner) errors.owner_id = "Choose who will do it";
  else if (!owners.includes(owner)) errors.owner_id = "Choose someone who attended and works with this family";
  if (due === null) errors.due_on = "The due date must be a real date";
  return errors;
}

/** Return a discussion's questions with one more question (and its answer, if given). */
export function withQuestion(discussion, id, question, answer) {
  return [...(discussion.questions || []), { id, question: question.trim(), answer: answer?.trim() || null }];
}

/** Return a discussion's questions with one answer changed. */
export function withAnswer(discussion, questionId, answer) {
  return (discussion.questions || []).map((item) => (item.id === questionId ? { ...item, answer: answer.trim() || null } : item));
}

/** Return a discussion's actions with one more action. */
export function withAction(discussion, id, { task, owner_id: owner, due_on: due }) {
  return [...(discussion.actions || []), { id, task: task.trim(), owner_id: owner, due_on: due || null, status: "not_started" }];
}

/** Return a discussion's actions with one action's status changed. */
export function withActionStatus(discussion, actionId, status) {
  return (discussion.actions || []).map((item) => (item.id === actionId ? { ...item, status } : item));
}
