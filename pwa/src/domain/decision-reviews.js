// Decisions that get reviewed, and the worker's side of a declined decision,
// read from what the device holds (so all of it works offline). A review is
// a record on the decision's thread (review_kind "decision_review"); until it
// syncs, the decision reads as reviewed from it, and the server sets the
// decision's outcome and date of review from the same record.

import { todayIso } from "../clock.js";
import { N_ } from "../i18n.js";

export const DECISION_REVIEW = "decision_review";
export const DISAGREEMENT = "disagreement";
export const ESCALATION = "escalation";

// As the server's domain/decision_reviews.py (in English: a screen says them with t()).
export const HINDSIGHT = {
  right: N_("Yes, it was the right decision"),
  partly: N_("Partly"),
  not_right: N_("No, with hindsight it was not"),
};

// The team view counts what happened in this many days up to today.
export const LEARNING_DAYS = 90;
const CONVERSATION_KINDS = new Set(["comment", "question", "reply", "discussed", DISAGREEMENT, ESCALATION]);

function reviewsOn(data, judgmentId) {
  return data.all("review").filter((review) => review.target_id === judgmentId && !review.deleted_at);
}

/** Return the decision's review: the server's outcome and date, or the review made here. */
export function reviewOf(data, judgment) {
  const record = reviewsOn(data, judgment.id).find((review) => review.review_kind === DECISION_REVIEW);
  if (judgment.reviewed_on) {
    return { outcome: judgment.review_outcome || "", reviewedOn: judgment.reviewed_on, answers: record?.answers || null, unsynced: false };
  }
  if (!record) return null;
  return { outcome: record.body, reviewedOn: record.answers?.reviewed_on || null, answers: record.answers || null, unsynced: Boolean(record.unsynced) };
}

/** Return whether this user may review the decision: its author, or the family's worker now. */
export function canReview(data, judgment, user) {
  if (!user || judgment.state !== "signed") return false;
  if (judgment.created_by_id ? judgment.created_by_id === user.id : judgment.unsynced) return true;
  return data
    .ofFamily("assignment", judgment.family_id)
    .some((assignment) => assignment.worker_id === user.id && !assignment.ended_on && !assignment.deleted_at);
}

/** Return whether the decision has reached its review date and is not reviewed yet. */
export function reviewDue(data, judgment, today = todayIso()) {
  return Boolean(judgment.state === "signed" && !judgment.deleted_at && judgment.review_date && judgment.review_date <= today && !reviewOf(data, judgment));
}

/**
 * Return the decisions on the worker's caseload that have reached their review
 * date, the longest waiting first: a caseworker's, those of their families; a
 * supervisor's, those they made themselves (their team's are in the team view).
 */
export function decisionsToReview(data, user, today = todayIso()) {
  return data
    .all("judgment")
    .filter((judgment) => reviewDue(data, judgment, today) && canReview(data, judgment, user))
    .filter((judgment) => user?.role !== "supervisor" || judgment.created_by_id === user.id)
    .sort((a, b) => a.review_date.localeCompare(b.review_date) || a.id.localeCompare(b.id));
}

function daysBefore(iso, days) {
  const day = new Date(`${iso}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - days);
  return day.toISOString().slice(0, 10);
}

/**
 * Count, for the team on this device, what supervision and learning happened
 * in the last LEARNING_DAYS days: counts of what happened, never a ranking
 * and never by worker.
 */
export function learningCounts(data, today = todayIso(), days = LEARNING_DAYS) {
  const since = daysBefore(today, days - 1);
  const inWindow = (day) => Boolean(day) && day >= since && day <= today;
  const judgments = data.all("judgment").filter((judgment) => judgment.state === "signed" && !judgment.deleted_at);
  let reviewed = 0;
  let waiting = 0;
  for (const judgment of judgments) {
    const review = reviewOf(data, judgment);
    if (review && inWindow(review.reviewedOn)) reviewed += 1;
    if (reviewDue(data, judgment, today)) waiting += 1;
  }
  const talkedAbout = new Set(
    data
      .all("review")
      .filter((review) => CONVERSATION_KINDS.has(review.review_kind) && !review.deleted_at)
      .filter((review) => inWindow((review.device_written_at || review.created_at || `${today}T`).slice(0, 10)))
      .map((review) => review.target_id),
  );
  return { days, reviewed, waiting, talkedAbout: talkedAbout.size };
}

/** Return the disagreement and escalation made on a decision, in order. */
export function workerSideOf(data, judgment) {
  return reviewsOn(data, judgment.id).filter((review) => [DISAGREEMENT, ESCALATION].includes(review.review_kind));
}
