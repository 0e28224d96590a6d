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
