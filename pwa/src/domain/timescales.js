// Statutory visit timescales and working days: the same rules as the
// server's server/domain/timescales.py (a shared table of cases tests both),
// counting the bank holidays the server sends (./bank-holidays.js).

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

export function addInterval(start, interval, extraHolidays = new Set()) {
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

export function daysBetween(from, to) {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}
