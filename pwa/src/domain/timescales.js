// Statutory visit timescales and working days, for each child from their
// plan: the same rules as the server's server/domain/timescales.py (a shared
// table of cases, tests/fixtures/timescales.json, tests both), counting the
// bank holidays the server sends (./bank-holidays.js).

import { isBankHoliday } from "./bank-holidays.js";

const DAY_MS = 86_400_000;

export function parseDate(text) {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

export function formatDate(date) {
  return date.toISOString().slice(0, 10);
}

function addDays(date, days) {
  return new Date(date.getTime() + days * DAY_MS);
}

function weekday(date) {
  return (date.getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6, as Python's weekday()
}

export function isWorkingDay(date, extraHolidays = new Set()) {
  const text = formatDate(date);
  return weekday(date) < 5 && !isBankHoliday(text) && !extraHolidays.has(text);
}

/** Return the same day some months later, or that month's last day if it has fewer. */
export function addMonths(start, months) {
  const monthIndex = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay)));
}

export function addInterval(start, interval, extraHolidays = new Set()) {
  if (interval.unit === "months") {
    return addMonths(start, interval.count);
  }
  if (interval.unit === "days") {
    return addDays(start, interval.count);
  }
  if (interval.unit === "weeks") {
    return addDays(start, 7 * interval.count);
  }
  let day = start;
  let remaining = interval.count;
  while (remaining > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, extraHolidays)) {
      remaining -= 1;
    }
  }
  return day;
}

// An initial child protection conference is due within 15 working days of the
// strategy discussion that started the section 47 enquiry.
export const ICPC_WITHIN = { count: 15, unit: "working_days" };

/** Return the last day the ICPC may be held: 15 working days after the strategy discussion. */
export function icpcDue(discussedOn, extraHolidays = new Set()) {
  return addInterval(discussedOn, ICPC_WITHIN, extraHolidays);
}

export function nextVisitDue(rule, { started, lastVisit = null }, extraHolidays = new Set()) {
  if (lastVisit === null) {
    return addInterval(started, rule.first_within || rule.every, extraHolidays);
  }
  return addInterval(lastVisit, rule.every, extraHolidays);
}

/** Return whether a rule applies to a child on this kind of plan (no list: every kind). */
export function ruleApplies(rule, planType) {
  return !rule.applies_to?.length || rule.applies_to.includes(planType);
}

/**
 * Return when a child's next visit under a rule is due (a Date), or null.
 * episode: the child's running plan ({plan_type, started_on, ended_on,
 * placement_started_on, placement_type}, dates as text) or null for none;
 * visits: the days (Dates) of the visits that count. Visits before the
 * rule's start do not count: a new plan or placement starts afresh.
 */
export function childVisitDue(rule, episode, visits, extraHolidays = new Set()) {
  if (!episode || episode.ended_on || !ruleApplies(rule, episode.plan_type)) {
    return null;
  }
  let start = parseDate(episode.started_on);
  if (rule.counts_from === "placement_start" && episode.placement_started_on) {
    start = parseDate(episode.placement_started_on);
  }
  const counted = visits.filter((day) => day >= start).sort((a, b) => a - b);
  if (!counted.length) {
    return addInterval(start, rule.first_within || rule.every, extraHolidays);
  }
  const then = rule.then || [];
  let interval = counted.length <= then.length ? then[counted.length - 1] : rule.every;
  const last = counted[counted.length - 1];
  const longTerm = rule.long_term;
  if (longTerm && longTerm.placement_types.includes(episode.placement_type) && last >= addInterval(start, longTerm.after)) {
    interval = longTerm.every;
  }
  return addInterval(last, interval, extraHolidays);
}

// What a checklist item answers from the visit's "Who was there" (a template item's from_visit).
export const VISIT_ANSWERS = ["child_seen", "child_seen_alone", "child_spoken_to"];

/** Return whether a template item is answered for each child (always so for one answered from the visit). */
export function askedOfEachChild(item) {
  return Boolean(item.per_child) || VISIT_ANSWERS.includes(item.from_visit);
}

/**
 * Return whether a child was seen on a visit, as the server's
 * child_seen_on_visit: the visit's checklist answers for this child decide
 * where given ("Child seen" yes, or failing that "Child seen alone" yes, is
 * seen; "Child seen" no or not applicable is not), otherwise "Who was there"
 * (seen, or seen alone). answers: [{child_id, from_visit, answer}] in the
 * order their checklists were made (a later answer stands); an answer for the
 * whole family (child_id null, from before answers were per child) says
 * nothing about one child.
 */
export function childSeenOnVisit(childId, participants = [], answers = []) {
  let seen = null;
  let alone = null;
  for (const item of answers) {
    if ((item.child_id || "") !== childId || item.answer == null) {
      continue;
    }
    if (item.from_visit === "child_seen") {
      seen = item.answer;
    } else if (item.from_visit === "child_seen_alone") {
      alone = item.answer;
    }
  }
  if (seen === "yes" || (seen === null && alone === "yes")) {
    return true;
  }
  if (seen !== null) {
    return false;
  }
  return (participants || []).some((p) => p.person_id === childId && Boolean(p.seen || p.seen_alone));
}

/**
 * Return the days of the visits that count for a child under a rule, as the
 * server's counted_visit_days: every one for a rule that meets without the
 * child, otherwise those where the child was seen. visits: [{day (a Date),
 * participants, answers}].
 */
export function countedVisitDays(rule, childId, visits) {
  return visits.filter((visit) => rule.child_seen === false || childSeenOnVisit(childId, visit.participants, visit.answers)).map((visit) => visit.day);
}

/** Return how many working days fall after ``from`` up to and including ``to`` (negative if earlier). */
export function workingDaysBetween(from, to, extraHolidays = new Set()) {
  const step = to >= from ? 1 : -1;
  let count = 0;
  let day = from;
  while (day.getTime() !== to.getTime()) {
    day = addDays(day, step);
    if (isWorkingDay(day, extraHolidays)) {
      count += step;
    }
  }
  return count;
}

export function daysBetween(from, to) {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}
