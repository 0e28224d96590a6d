// A family's statutory checks, child by child: each child's plan, their next
// check under the council's timescales, and the last visit where they were
// seen (by their own checklist answers, else "Who was there"). Compliance is
// kept in its own section, apart from the family's relationships and story.

import { today as clockToday } from "../clock.js";
import { currentEpisode, planName } from "../domain/plans.js";
import { childDues, childrenOf, lastSeen } from "../domain/statutory.js";
import { formatDate as isoDate, workingDaysBetween } from "../domain/timescales.js";
import { DUE_IN_WORKING_DAYS_UP_TO } from "../domain/caseload.js";
import { html } from "./html.js";
import { formatDate, tag } from "./layout.js";
import { responsiveTable } from "./tables.js";

function fullName(person) {
  return [person.given_name, person.family_name].filter(Boolean).join(" ") || "Name not known";
}

/** Say when one check is due: "Visit due in 4 working days", or that it is overdue. */
function dueText({ check, due }, today) {
  const day = isoDate(due);
  if (due < today) {
    return html`${tag("Overdue", "red")} ${check} was due ${formatDate(day)}`;
  }
  const working = workingDaysBetween(today, due);
  if (working === 0) {
    return due.getTime() === today.getTime() ? `${check} due today` : `${check} due by ${formatDate(day)}`;
  }
  if (working <= DUE_IN_WORKING_DAYS_UP_TO) {
    return `${check} due in ${working} working ${working === 1 ? "day" : "days"}`;
  }
  return `${check} due ${formatDate(day)}`;
}

/** Return the family's section of statutory checks, one row per child. */
export function statutoryChecksSection({ data, label }, familyId, today = clockToday()) {
  const children = childrenOf(data, familyId).sort((a, b) => fullName(a).localeCompare(fullName(b)));
  if (!children.length) {
    return "";
  }
  const dues = childDues(data, familyId);
  const rows = children.map((child) => {
    const episode = currentEpisode(data, child.id);
    const own = dues.filter((due) => due.child.id === child.id);
    const seen = lastSeen(data, familyId, child.id);
    return {
      cells: [
        { content: fullName(child), header: true },
        episode ? planName(episode, label) : "No plan",
        own.length ? html`${own.map((due, index) => html`${index ? html`<br>` : ""}${dueText(due, today)}`)}` : episode ? "None set for this plan" : "No statutory visit set",
        seen ? `${formatDate(seen.day)}${seen.alone ? ", seen alone" : ""}` : "Not recorded as seen",
      ],
      attributes: html`data-child="${child.id}"`,
    };
  });
  return html`<section aria-labelledby="statutory-heading" class="govuk-!-margin-bottom-8" id="statutory-checks">
    <h2 class="govuk-heading-m" id="statutory-heading">Statutory checks</h2>
    <p class="govuk-body">Each child's checks follow their own plan, counted from the last visit where they were seen.</p>
    ${responsiveTable({ caption: "Each child's statutory checks", columns: ["Child", "Plan now", "Next check", "Last seen on a visit"], rows })}
  </section>`;
}
