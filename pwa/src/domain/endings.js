// Ending our work with a family: the rules the app checks before a proposal is
// queued (the server checks the same, field by field), and what a closed family
// means for this device (domain.endings on the server).

import { t } from "../i18n.js";

export const DEFAULT_CLEARING_DAYS = 28;
const TEXT_MAX = 20_000;
const FIELDS = new Set(["kind", "closure_reason", "closing_visit_id", "child_view", "family_view", "changes", "if_worries_return", "to_team_id", "handover_note", "decision"]);

/** Return the council's clearing period, as the server gave it (or the default). */
export function clearingDays(data) {
  const days = data.reference?.ending_settings?.clearing_days;
  return Number.isInteger(days) ? days : DEFAULT_CLEARING_DAYS;
}

/** Return the day (ISO) a closed family leaves the devices that held it. */
export function clearedOn(closedOn, days) {
  const day = new Date(`${closedOn}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** Return the family's proposal still waiting for a supervisor, if there is one. */
export function waitingEnding(data, familyId) {
  return data
    .ofFamily("judgment", familyId)
    .find((j) => j.ending && !j.deleted_at && (j.state !== "signed" || !j.status || ["draft", "awaiting_approval"].includes(j.status)) && !decidedHere(data, j));
}

/** Whether a supervisor's answer to the proposal is on this device (not yet synced, perhaps). */
export function decidedHere(data, judgment) {
  return data.ofFamily("review", judgment.family_id).some((r) => r.target_id === judgment.id && ["approve", "decline"].includes(r.review_kind));
}

/** Whether the user is the family's allocated worker now (only they propose an ending). */
export function isFamilysWorker(data, familyId, user) {
  return data.ofFamily("assignment", familyId).some((a) => a.worker_id === user?.id && !a.ended_on);
}

/** Return the council's teams other than the family's, from the staff list. */
export function otherTeams(directory, teamId) {
  const teams = new Map();
  for (const person of Object.values(directory || {})) {
    if (person.team_id && person.team_id !== teamId && person.team_name) teams.set(person.team_id, person.team_name);
  }
  return [...teams].sort((a, b) => a[1].localeCompare(b[1]));
}

/** Check a proposal as the server will, so the worker hears of a gap at once. */
export function checkEnding(values, goals) {
  const errors = {};
  const blank = (name) => !(values[name] || "").trim();
  if (!values.kind) {
    errors.kind = t("Choose how our work with the family ends");
    return errors;
  }
  if (blank("decision")) errors.decision = t("Say what you propose and why");
  if (values.kind === "transfer") {
    if (!values.to_team_id) errors.to_team_id = t("Choose the team the family moves to");
    if (blank("handover_note")) errors.handover_note = t("Write a handover note: what matters to this family, and what is in hand");
  } else {
    if (!values.closure_reason) errors.closure_reason = t("Choose why our work is ending");
    if (!values.closing_visit_id) errors.closing_visit_id = t("Choose the closing visit");
    if (blank("child_view")) errors.child_view = t("Say what the children think of our work ending");
    if (blank("family_view")) errors.family_view = t("Say what the family think of our work ending");
    if (!goals.some((_, index) => (values[`change_${index}`] || "").trim()) && blank("change_other")) {
      errors.changes = t("Say what has changed against at least one of the family's goals, in their words");
    }
    if (blank("if_worries_return")) errors.if_worries_return = t("Say what the family can do if worries come back");
  }
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string" && value.length > TEXT_MAX) errors[FIELDS.has(name) ? name : "decision"] = t("This must be 20,000 characters or fewer");
  }
  return errors;
}

/**
 * Return the decision a proposal is sent as. `reasonEdition` is the edition of the
 * closure_reason list the reason was chosen from, as the server last sent it (null
 * when this device has not heard it: the server then refuses a code whose meaning
 * changed, and the worker chooses again).
 */
export function proposalRecord(values, { familyId, goals, kindLabel, reasonEdition = null }) {
  const transfer = values.kind === "transfer";
  const changes = goals
    .map((goal, index) => ({ goal, in_their_words: (values[`change_${index}`] || "").trim() }))
    .filter((change) => change.in_their_words);
  if ((values.change_other || "").trim()) changes.push({ goal: "Something else", in_their_words: values.change_other.trim() });
  return {
    family_id: familyId,
    interaction_id: transfer ? null : values.closing_visit_id || null,
    question: `Is it time to end our work: ${kindLabel.toLowerCase()}?`,
    category: values.kind,
    decision: values.decision.trim(),
    family_view: transfer ? null : values.family_view.trim(),
    child_view: transfer ? null : values.child_view.trim(),
    ending: {
      kind: values.kind,
      closure_reason: transfer ? null : values.closure_reason,
      closure_reason_edition: transfer ? null : reasonEdition,
      closing_visit_id: transfer ? null : values.closing_visit_id,
      changes: transfer ? [] : changes,
      if_worries_return: transfer ? null : values.if_worries_return.trim(),
      to_team_id: transfer ? values.to_team_id : null,
      handover_note: transfer ? values.handover_note.trim() : null,
    },
  };
}
