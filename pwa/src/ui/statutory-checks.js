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
import { t, tn } from "../i18n.js";

function fullName(person) {
  return [person.given_name, person.family_name].filter(Boolean).join(" ") || t("Name not known");
}

/** Say when one check is due: "Visit due in 4 working days", or that it is overdue. */
function dueText({ check: english, due }, today) {
  const check = checkWords(english);
  const day = isoDate(due);
  if (due < today) {
    return html`${tag(t("Overdue"), "red")} ${t("{check} was due {day}", { check, day: formatDate(day) })}`;
  }
  const working = workingDaysBetween(today, due);
  if (working === 0) {
    return due.getTime() === today.getTime() ? t("{check} due today", { check }) : t("{check} due by {day}", { check, day: formatDate(day) });
  }
  if (working <= DUE_IN_WORKING_DAYS_UP_TO) {
    return tn("{check} due in {count} working day", "{check} due in {count} working days", working, { check });
  }
  return t("{check} due {day}", { check, day: formatDate(day) });
}

// The domain names a check in English ("Visit"); a template's own name stays as the council wrote it.
const CHECK_WORDS = { Visit: () => t("Visit"), "Core group": () => t("Core group"), Review: () => t("Review"), "Statutory check": () => t("Statutory check") };

function checkWords(check) {
  return CHECK_WORDS[check] ? CHECK_WORDS[check]() : check;
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
        episode ? planName(episode, label) : t("No plan"),
        own.length ? html`${own.map((due, index) => html`${index ? html`<br>` : ""}${dueText(due, today)}`)}` : episode ? t("None set for this plan") : t("No statutory visit set"),
        seen ? (seen.alone ? t("{day}, seen alone", { day: formatDate(seen.day) }) : formatDate(seen.day)) : t("Not recorded as seen"),
      ],
      attributes: html`data-child="${child.id}"`,
    };
  });
  return html`<section aria-labelledby="statutory-heading" class="govuk-!-margin-bottom-8" id="statutory-checks">
    <h2 class="govuk-heading-m" id="statutory-heading">${t("Statutory checks")}</h2>
    <p class="govuk-body">${t("Each child's checks follow their own plan, counted from the last visit where they were seen.")}</p>
    ${responsiveTable({ caption: t("Each child's statutory checks"), columns: [t("Child"), t("Plan now"), t("Next check"), t("Last seen on a visit")], rows })}
  </section>`;
}
