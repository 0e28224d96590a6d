// Strategy discussions and the section 47 enquiries they start: the same
// rules as the server's server/domain/strategy.py. The ICPC is due 15
// working days after the discussion that started the enquiry (icpcDue, tested
// against the shared table tests/fixtures/timescales.json).

import { localDateOf } from "../clock.js";
import { formatDate, icpcDue, parseDate, workingDaysBetween } from "./timescales.js";

// Decisions that start a section 47 enquiry (and so an ICPC's timescale).
export const STARTS_S47 = new Set(["joint_s47", "single_agency_s47", "immediate_protection"]);

export function startsS47(decision) {
  return STARTS_S47.has(decision);
}

/**
 * Return a discussion's enquiry, or null when its decision starts none:
 * { started, due, held } as YYYY-MM-DD. The server's dates are used once
 * synced; before then the device works them out with the same rules.
 */
export function enquiryOf(discussion) {
  if (!discussion || discussion.deleted_at || !startsS47(discussion.decision) || !discussion.discussed_at) {
    return null;
  }
  const started = discussion.s47_started_on || localDateOf(discussion.discussed_at);
  const due = discussion.icpc_due_on || formatDate(icpcDue(parseDate(started)));
  return { started, due, held: discussion.icpc_held_on || null };
}

/**
 * Return the open section 47 enquiries of the given families (ICPC not yet
 * held), the soonest due first: { family, discussion, started, due, late,
 * workingDaysLeft }. ``today`` is a Date at midnight UTC.
 */
export function openEnquiries(data, families, today) {
  const day = formatDate(today);
  const rows = [];
  for (const family of families) {
    for (const discussion of data.ofFamily("strategy_discussion", family.id)) {
      const enquiry = enquiryOf(discussion);
      if (!enquiry || enquiry.held) continue;
      rows.push({
        family,
        discussion,
        ...enquiry,
        late: enquiry.due < day,
        workingDaysLeft: workingDaysBetween(today, parseDate(enquiry.due)),
      });
    }
  }
  return rows.sort((a, b) => a.due.localeCompare(b.due) || a.family.display_name.localeCompare(b.family.display_name));
}
