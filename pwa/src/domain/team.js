// The supervisor's team view, from what the device holds (so it works
// offline): relational health and compliance, each in its own place.
// Meaningful contact and statutory visits come from the caseload's own rules.

import { TEAM_CONTACT_DAYS, TEAM_VISITS_DUE_WITHIN_DAYS } from "../config.js";
import { caseload } from "./caseload.js";
import { today as clockToday } from "../clock.js";
import { t } from "../i18n.js";
import { daysBetween, formatDate, parseDate } from "./timescales.js";
import { openEnquiries } from "./strategy.js";

export const ALLOCATED_WORKER = "allocated_worker";

/** Return a family's allocated-worker assignments, oldest first. */
export function allocations(data, familyId) {
  return data
    .ofFamily("assignment", familyId)
    .filter((assignment) => (assignment.role || ALLOCATED_WORKER) === ALLOCATED_WORKER && assignment.started_on)
    .sort((a, b) => a.started_on.localeCompare(b.started_on) || (a.ended_on || "9999").localeCompare(b.ended_on || "9999"));
}

/** Return the allocation running today (the latest started, if several), or null. */
export function currentAllocation(assignments, today) {
  const day = formatDate(today);
  const running = assignments.filter((a) => a.started_on <= day && (!a.ended_on || a.ended_on > day));
  return running.length ? running[running.length - 1] : null;
}

/**
 * Count the times the family's worker changed since a date: each allocation
 * that started then or later and went to another worker than the one before.
 * A family's first allocation is not a change.
 */
export function workerChangesSince(assignments, since) {
  const from = formatDate(since);
  let changes = 0;
  for (let index = 1; index < assignments.length; index += 1) {
    const assignment = assignments[index];
    if (assignment.started_on >= from && assignment.worker_id !== assignments[index - 1].worker_id) {
      changes += 1;
    }
  }
  return changes;
}

export function yearBefore(today) {
  return new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate()));
}

/** Say how long a relationship has lasted, in years, months or days. */
export function durationWords(from, to) {
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  if (to.getUTCDate() < from.getUTCDate()) {
    months -= 1;
  }
  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;
  if (months < 1) {
    return plural(Math.max(0, daysBetween(from, to)), "day");
  }
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (!years) {
    return plural(months, "month");
  }
  return rest ? `${plural(years, "year")}, ${plural(rest, "month")}` : plural(years, "year");
}

/**
 * Return both panels of the team view for the open families on the device.
 *
 * contactDays: families whose last meaningful contact is more than this many
 * days ago (or who have none) are listed. Visits due within
 * TEAM_VISITS_DUE_WITHIN_DAYS count as due; past their date, as overdue.
 */
export function teamView(data, { contactDays = TEAM_CONTACT_DAYS, today = clockToday() } = {}) {
  const since = yearBefore(today);
  const rows = caseload(data, today).map((row) => {
    const assignments = allocations(data, row.family.id);
    const current = currentAllocation(assignments, today);
    return {
      ...row,
      worker: current?.worker_id ?? null,
      relationship: current
        ? { since: current.started_on, days: daysBetween(parseDate(current.started_on), today), length: durationWords(parseDate(current.started_on), today) }
        : null,
      workerChanges: workerChangesSince(assignments, since),
    };
  });
  const byName = (a, b) => a.family.display_name.localeCompare(b.family.display_name) || a.family.id.localeCompare(b.family.id);
  const never = Number.POSITIVE_INFINITY;
  const workers = new Map(rows.map((row) => [row.family.id, row.worker]));
  return {
    contactDays,
    workerOf: (familyId) => workers.get(familyId) ?? null,
    relational: {
      withoutContact: rows
        .filter((row) => row.daysSinceContact === null || row.daysSinceContact > contactDays)
        .sort((a, b) => (b.daysSinceContact ?? never) - (a.daysSinceContact ?? never) || byName(a, b)),
      workerChanged: rows.filter((row) => row.workerChanges > 0).sort((a, b) => b.workerChanges - a.workerChanges || byName(a, b)),
      // Families with no worker first, then the newest relationships: those are the fragile ones.
      relationships: [...rows].sort((a, b) => (a.relationship?.days ?? -1) - (b.relationship?.days ?? -1) || byName(a, b)),
    },
    compliance: {
      overdue: rows.filter((row) => row.nextVisit?.overdue).sort(byDue),
      due: rows
        .filter((row) => row.nextVisit && !row.nextVisit.overdue && row.nextVisit.inDays <= TEAM_VISITS_DUE_WITHIN_DAYS)
        .sort(byDue),
      dueWithinDays: TEAM_VISITS_DUE_WITHIN_DAYS,
      // Section 47 enquiries whose initial child protection conference is still to be held.
      enquiries: openEnquiries(
        data,
        rows.map((row) => row.family),
        today,
      ),
    },
  };
}

function byDue(a, b) {
  return a.nextVisit.due.localeCompare(b.nextVisit.due) || a.family.display_name.localeCompare(b.family.display_name);
}

/** Read the supervisor's N: a whole number of days from 1 to 365, or an error message. */
export function parseContactDays(text) {
  const value = String(text ?? "").trim();
  if (!value) {
    return { error: t("Enter a number of days") };
  }
  if (!/^\d+$/.test(value)) {
    return { error: t("The number of days must be a whole number, like 20") };
  }
  const days = Number(value);
  if (days < 1 || days > 365) {
    return { error: t("The number of days must be between 1 and 365") };
  }
  return { days };
}
