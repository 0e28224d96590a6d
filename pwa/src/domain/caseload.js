// The caseload ordered by what needs attention, leading with relationships.
//
// A family is there for reasons a worker would give (docs/architecture.md,
// "The caseload's attention order"): the family asked for something and has
// not heard back; no meaningful contact for CONTACT_ATTENTION_DAYS; a
// child's statutory visit overdue; a supervision question waiting for the
// worker's reply; a child's statutory visit due within
// ATTENTION_DUE_WITHIN_WORKING_DAYS. The order:
//   1. the family asked and has had no contact since (oldest request first);
//   2. no meaningful contact and overdue visits, side by side, by the day each
//      crossed its line (the longest waiting first; on the same day, the
//      relationship first);
//   3. a supervision question waiting for a reply (oldest first);
//   4. a visit due soon (soonest first);
//   5. everyone else, the soonest visit and then the longest without contact first.
// Overdue compliance never has the top of the list to itself.

import { CONTACT_ATTENTION_DAYS } from "../config.js";
import { inboxOf } from "./inbox.js";
import { childDues, childName } from "./statutory.js";
import { daysBetween, formatDate, parseDate, workingDaysBetween } from "./timescales.js";
import { localDateOf, today as clockToday } from "../clock.js";
import { sayDate, t, tn } from "../i18n.js";

// Nearer than this, a due date is said in working days ("due in 4 working days").
export const DUE_IN_WORKING_DAYS_UP_TO = 10;
// A child's statutory visit due within this many working days is a reason for attention.
export const ATTENTION_DUE_WITHIN_WORKING_DAYS = 5;

/** Why a family needs attention, relational reasons first: the order a row names them in. */
export const Reason = Object.freeze({
  FAMILY_ASKED: "family_asked",
  NO_CONTACT: "no_contact",
  QUESTION: "question",
  VISIT_OVERDUE: "visit_overdue",
  VISIT_DUE_SOON: "visit_due_soon",
});
const REASON_ORDER = Object.values(Reason);

// The group of the attention order each reason puts a family in (see the top of this file).
const GROUP = {
  [Reason.FAMILY_ASKED]: 1,
  [Reason.NO_CONTACT]: 2,
  [Reason.VISIT_OVERDUE]: 2,
  [Reason.QUESTION]: 3,
  [Reason.VISIT_DUE_SOON]: 4,
};
const NOTHING_WAITING = 5;

function isMeaningful(interaction) {
  return interaction.meaningful !== false;
}

function lastMeaningfulContact(data, familyId) {
  let latest = null;
  for (const interaction of data.ofFamily("interaction", familyId)) {
    if (isMeaningful(interaction) && (!latest || interaction.occurred_at > latest)) {
      latest = interaction.occurred_at;
    }
  }
  return latest ? parseDate(localDateOf(latest)) : null; // the day it was here, as "today" is
}

/**
 * Return the family's oldest request not followed by a meaningful contact, or null.
 *
 * A request is a note's "What the family asked for": asked at the contact the
 * note is about (or when the note was written, if it is about none). Any later
 * meaningful contact with the family counts as getting back to them.
 */
export function unansweredRequest(data, familyId) {
  const interactions = data.ofFamily("interaction", familyId);
  let oldest = null;
  for (const note of data.ofFamily("note", familyId)) {
    if (!note.sections?.family_request?.trim()) continue;
    const at = (note.interaction_id && data.get("interaction", note.interaction_id)?.occurred_at) || note.device_written_at || note.created_at;
    if (!at) continue;
    const answered = interactions.some((interaction) => interaction.id !== note.interaction_id && isMeaningful(interaction) && interaction.occurred_at > at);
    if (!answered && (!oldest || at < oldest.at)) {
      oldest = { at, day: localDateOf(at), noteId: note.id };
    }
  }
  return oldest;
}

/** Return the supervision questions asked of me on the family's records that wait for my reply, oldest first. */
function questionsWaiting(data, familyId, me) {
  if (!me) return [];
  const askedOfMe = (entry) => entry.root.review_kind === "question" && Boolean(entry.root.created_by_id) && entry.root.created_by_id !== me;
  return inboxOf(data, { me })
    .waiting.filter((entry) => entry.family.id === familyId && askedOfMe(entry))
    .map((entry) => ({ at: entry.latest.created_at || "", day: entry.latest.created_at ? localDateOf(entry.latest.created_at) : null }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Return the family's next statutory check: the soonest due of any child on a
 * plan, naming the child and the check; null when no child is on a plan.
 */
export function nextStatutoryVisit(data, family) {
  const [first, ...others] = childDues(data, family.id);
  if (!first) {
    return null;
  }
  return {
    due: first.due,
    purpose: first.template.purpose,
    name: first.template.name,
    check: first.check,
    child: childName(first.child),
    childId: first.child.id,
    others: others.length,
  };
}

/** Say when a check is due, in working days while it is near: "Visit due in 4 working days: Mason". */
export function dueWords(nextVisit) {
  const { check, child, due, overdue, workingDays } = nextVisit;
  if (overdue) {
    return t("{check} was due {day}: {child}", { check, day: longDate(due), child });
  }
  if (workingDays === 0) {
    return nextVisit.inDays === 0 ? t("{check} due today: {child}", { check, child }) : t("{check} due by {day}: {child}", { check, day: longDate(due), child });
  }
  if (workingDays <= DUE_IN_WORKING_DAYS_UP_TO) {
    return tn("{check} due in {count} working day: {child}", "{check} due in {count} working days: {child}", workingDays, { check, child });
  }
  return t("{check} due {day}: {child}", { check, day: longDate(due), child });
}

function longDate(text) {
  return sayDate(text);
}

/** Say a reason in plain English, as the caseload row shows it. */
export function reasonWords(reason) {
  switch (reason.kind) {
    case Reason.FAMILY_ASKED:
      return t("The family asked for something on {day}: no contact since", { day: longDate(reason.day) });
    case Reason.NO_CONTACT:
      // More than CONTACT_ATTENTION_DAYS (3 weeks): said in whole weeks.
      return reason.days === null ? t("No meaningful contact recorded yet") : tn("No meaningful contact for {count} week", "No meaningful contact for {count} weeks", Math.floor(reason.days / 7));
    case Reason.QUESTION:
      return tn("A supervision question waits for your reply", "{count} supervision questions wait for your reply", reason.count);
    case Reason.VISIT_OVERDUE:
    case Reason.VISIT_DUE_SOON:
      return dueWords(reason.visit);
    default:
      return "";
  }
}

/**
 * Return why a family needs attention, each reason with how long it has
 * waited past its line in days (`waited`, for the order), relational first.
 */
function reasonsFor(row, { data, me, today }) {
  const reasons = [];
  const request = unansweredRequest(data, row.family.id);
  if (request) {
    reasons.push({ kind: Reason.FAMILY_ASKED, day: request.day, waited: daysBetween(parseDate(request.day), today) });
  }
  if (row.contactOverdue) {
    const created = row.family.created_at ? parseDate(localDateOf(row.family.created_at)) : null;
    const waited =
      row.daysSinceContact !== null
        ? row.daysSinceContact - CONTACT_ATTENTION_DAYS
        : created
          ? daysBetween(created, today) - CONTACT_ATTENTION_DAYS
          : Number.POSITIVE_INFINITY;
    reasons.push({ kind: Reason.NO_CONTACT, days: row.daysSinceContact, waited });
  }
  const questions = questionsWaiting(data, row.family.id, me);
  if (questions.length) {
    const first = questions[0].day;
    reasons.push({ kind: Reason.QUESTION, count: questions.length, waited: first ? daysBetween(parseDate(first), today) : 0 });
  }
  const visit = row.nextVisit;
  if (visit?.overdue) {
    reasons.push({ kind: Reason.VISIT_OVERDUE, visit, waited: -visit.inDays });
  } else if (visit && visit.workingDays <= ATTENTION_DUE_WITHIN_WORKING_DAYS) {
    reasons.push({ kind: Reason.VISIT_DUE_SOON, visit, waited: -visit.inDays });
  }
  return reasons.sort((a, b) => REASON_ORDER.indexOf(a.kind) - REASON_ORDER.indexOf(b.kind));
}

/**
 * Return the open families in attention order, each with its reasons.
 * me: the signed-in user's id, for the supervision questions waiting for them.
 */
export function caseload(data, today = clockToday(), { me = null } = {}) {
  const rows = data
    .all("family")
    .filter((family) => family.status !== "closed")
    .map((family) => {
      const contact = lastMeaningfulContact(data, family.id);
      const visit = nextStatutoryVisit(data, family);
      const daysSinceContact = contact ? daysBetween(contact, today) : null;
      const row = {
        family,
        lastContact: contact ? formatDate(contact) : null,
        daysSinceContact,
        nextVisit: visit
          ? {
              ...visit,
              due: formatDate(visit.due),
              overdue: visit.due < today,
              inDays: daysBetween(today, visit.due),
              workingDays: workingDaysBetween(today, visit.due),
            }
          : null,
        contactOverdue: daysSinceContact === null || daysSinceContact > CONTACT_ATTENTION_DAYS,
      };
      row.reasons = reasonsFor(row, { data, me, today });
      row.attention = attentionOf(row.reasons);
      return row;
    });
  return rows.sort(byAttention);
}

const isRelational = (reason) => reason.kind !== Reason.VISIT_OVERDUE && reason.kind !== Reason.VISIT_DUE_SOON;

/**
 * Return the family's group in the order, how long its longest-waiting reason
 * in that group has waited, and whether that reason is a relationship's.
 */
function attentionOf(reasons) {
  const group = Math.min(NOTHING_WAITING, ...reasons.map((reason) => GROUP[reason.kind]));
  const mine = reasons.filter((reason) => GROUP[reason.kind] === group);
  if (!mine.length) {
    return { group, waited: Number.NEGATIVE_INFINITY, relational: false };
  }
  const waited = Math.max(...mine.map((reason) => reason.waited));
  return { group, waited, relational: mine.some((reason) => reason.waited === waited && isRelational(reason)) };
}

function byAttention(a, b) {
  if (a.attention.group !== b.attention.group) {
    return a.attention.group - b.attention.group;
  }
  if (a.attention.group !== NOTHING_WAITING) {
    if (a.attention.waited !== b.attention.waited) {
      return b.attention.waited - a.attention.waited;
    }
    if (a.attention.relational !== b.attention.relational) {
      return a.attention.relational ? -1 : 1;
    }
    return a.family.display_name.localeCompare(b.family.display_name);
  }
  const aDue = a.nextVisit?.due ?? "9999-12-31";
  const bDue = b.nextVisit?.due ?? "9999-12-31";
  if (aDue !== bDue) {
    return aDue < bDue ? -1 : 1;
  }
  return (b.daysSinceContact ?? Infinity) - (a.daysSinceContact ?? Infinity) || a.family.display_name.localeCompare(b.family.display_name);
}

export function search(rows, text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) {
    return rows;
  }
  return rows.filter(({ family }) =>
    [family.display_name, family.local_reference].some((value) => value?.toLowerCase().includes(wanted)),
  );
}
