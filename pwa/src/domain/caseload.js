// The caseload ordered by what needs attention: a child's statutory check
// overdue or due soonest first, then the longest without a meaningful contact.

import { CONTACT_ATTENTION_DAYS } from "../config.js";
import { childDues, childName } from "./statutory.js";
import { daysBetween, formatDate, parseDate, workingDaysBetween } from "./timescales.js";
import { localDateOf, today as clockToday } from "../clock.js";

// Nearer than this, a due date is said in working days ("due in 4 working days").
export const DUE_IN_WORKING_DAYS_UP_TO = 10;

function lastMeaningfulContact(data, familyId) {
  let latest = null;
  for (const interaction of data.ofFamily("interaction", familyId)) {
    if (interaction.meaningful !== false && (!latest || interaction.occurred_at > latest)) {
      latest = interaction.occurred_at;
    }
  }
  return latest ? parseDate(localDateOf(latest)) : null; // the day it was here, as "today" is
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
    return `${check} was due ${longDate(due)}: ${child}`;
  }
  if (workingDays === 0) {
    return nextVisit.inDays === 0 ? `${check} due today: ${child}` : `${check} due by ${longDate(due)}: ${child}`;
  }
  if (workingDays <= DUE_IN_WORKING_DAYS_UP_TO) {
    return `${check} due in ${workingDays} working ${workingDays === 1 ? "day" : "days"}: ${child}`;
  }
  return `${check} due ${longDate(due)}: ${child}`;
}

function longDate(text) {
  return parseDate(text).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

export function caseload(data, today = clockToday()) {
  const rows = data
    .all("family")
    .filter((family) => family.status !== "closed")
    .map((family) => {
      const contact = lastMeaningfulContact(data, family.id);
      const visit = nextStatutoryVisit(data, family);
      const daysSinceContact = contact ? daysBetween(contact, today) : null;
      return {
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
    });
  return rows.sort(byAttention);
}

function byAttention(a, b) {
  const aDue = a.nextVisit?.due ?? "9999-12-31";
  const bDue = b.nextVisit?.due ?? "9999-12-31";
  if (a.nextVisit?.overdue !== b.nextVisit?.overdue) {
    return a.nextVisit?.overdue ? -1 : 1;
  }
  if (aDue !== bDue) {
    return aDue < bDue ? -1 : 1;
  }
  return (b.daysSinceContact ?? Infinity) - (a.daysSinceContact ?? Infinity);
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
