// The caseload ordered by what needs attention: a statutory visit overdue or
// due soonest first, then the longest without a meaningful contact.

import { CONTACT_ATTENTION_DAYS } from "../config.js";
import { daysBetween, formatDate, nextVisitDue, parseDate } from "./timescales.js";
import { localDateOf, today as clockToday } from "../clock.js";

function lastMeaningfulContact(data, familyId) {
  let latest = null;
  for (const interaction of data.ofFamily("interaction", familyId)) {
    if (interaction.meaningful !== false && (!latest || interaction.occurred_at > latest)) {
      latest = interaction.occurred_at;
    }
  }
  return latest ? parseDate(localDateOf(latest)) : null; // the day it was here, as "today" is
}

/** Return the next statutory visit due for a family, from the templates' timescales. */
export function nextStatutoryVisit(data, family) {
  let earliest = null;
  for (const template of data.all("checklist_template")) {
    if (!template.active || !template.timescale) {
      continue;
    }
    let lastVisit = null;
    for (const checklist of data.ofFamily("checklist", family.id)) {
      // A checklist made offline has no purpose yet (the server sets it): use its template's.
      const purpose = checklist.purpose ?? data.get("checklist_template", checklist.template_id)?.purpose;
      if (purpose === template.purpose && checklist.completed_on) {
        if (!lastVisit || checklist.completed_on > lastVisit) {
          lastVisit = checklist.completed_on;
        }
      }
    }
    const started = parseDate(localDateOf(family.created_at));
    const due = nextVisitDue(template.timescale, { started, lastVisit: lastVisit ? parseDate(lastVisit) : null });
    if (!earliest || due < earliest.due) {
      earliest = { due, purpose: template.purpose, name: template.name };
    }
  }
  return earliest;
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
        nextVisit: visit ? { ...visit, due: formatDate(visit.due), overdue: visit.due < today, inDays: daysBetween(today, visit.due) } : null,
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
