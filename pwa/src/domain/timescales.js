// Statutory visit timescales and working days, for each child from their
// plan: the same rules as the server's server/domain/timescales.py (a shared
// table of cases, tests/fixtures/timescales.json, tests both).

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

export function easterSunday(year) {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const g = Math.floor((8 * b + 13) / 25);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 19 * l) / 433);
  const month = Math.floor((h + l - 7 * m + 90) / 25);
  const day = (h + l - 7 * m + 33 * month + 19) % 32;
  return new Date(Date.UTC(year, month - 1, day));
}

function mondayOnOrAfter(date) {
  return addDays(date, (7 - weekday(date)) % 7);
}

function substituteIfWeekend(date) {
  return weekday(date) < 5 ? date : mondayOnOrAfter(date);
}

function lastMonday(year, monthIndex) {
  const last = new Date(Date.UTC(year, monthIndex + 1, 0));
  return addDays(last, -weekday(last));
}

const holidayCache = new Map();

export function englandBankHolidays(year) {
  if (!holidayCache.has(year)) {
    const easter = easterSunday(year);
    let christmas = new Date(Date.UTC(year, 11, 25));
    let boxing = new Date(Date.UTC(year, 11, 26));
    if (weekday(christmas) >= 5 || weekday(boxing) >= 5) {
      christmas = substituteIfWeekend(christmas);
      const dayAfter = addDays(christmas, 1);
      boxing = substituteIfWeekend(boxing > dayAfter ? boxing : dayAfter);
    }
    const days = [
      substituteIfWeekend(new Date(Date.UTC(year, 0, 1))),
      addDays(easter, -2),
      addDays(easter, 1),
      mondayOnOrAfter(new Date(Date.UTC(year, 4, 1))),
      lastMonday(year, 4),
      lastMonday(year, 7),
      christmas,
      boxing,
    ];
    holidayCache.set(year, new Set(days.map(formatDate)));
  }
  return holidayCache.get(year);
}

export function isWorkingDay(date, extraHolidays = new Set()) {
  const text = formatDate(date);
  return weekday(date) < 5 && !englandBankHolidays(date.getUTCFullYear()).has(text) && !extraHolidays.has(text);
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
