// Who has worked with a family: the table on the family's page and on the
// handover screen, read from the device (it works offline).

import { ALLOCATED_WORKER } from "../domain/team.js";
import { html } from "./html.js";
import { formatDate } from "./layout.js";
import { responsiveTable } from "./tables.js";
import { todayIso } from "../clock.js";
import { t } from "../i18n.js";

/** Return the family's assignments, the current ones first, then the newest. */
export function assignmentHistory(data, familyId) {
  return data
    .ofFamily("assignment", familyId)
    .sort((a, b) => Number(Boolean(a.ended_on)) - Number(Boolean(b.ended_on)) || (b.started_on || "").localeCompare(a.started_on || ""));
}

/** The table of who has worked with the family: worker, role, from, to, why it changed and the handover note. */
export function assignmentHistorySection(context, familyId) {
  const { data, label, staffName, user } = context;
  const rows = assignmentHistory(data, familyId);
  const today = todayIso();
  return html`<section aria-labelledby="assignments-heading" id="assignment-history">
    <h2 class="govuk-heading-m" id="assignments-heading">${t("Who has worked with the family")}</h2>
    ${rows.length
      ? responsiveTable({
          caption: t("Workers of this family, the current ones first"),
          classes: "app-assignment-history",
          columns: [t("Worker"), t("Role"), t("From"), t("To"), t("Why it changed"), t("Handover note")],
          rows: rows.map((a) => [
            { content: staffName(a.worker_id), header: true },
            label("assignment_role", a.role || ALLOCATED_WORKER),
            formatDate(a.started_on),
            a.ended_on && a.ended_on <= today ? formatDate(a.ended_on) : t("Now"),
            a.change_reason ? label("handover_reason", a.change_reason) : "",
            { content: a.handover_note || "", classes: "app-pre-wrap" },
          ]),
        })
      : html`<p class="govuk-body">${t("No worker has been allocated yet.")}</p>`}
    ${user?.role === "supervisor"
      ? html`<p class="govuk-body"><a class="govuk-link" href="#/family/${familyId}/handover">${t("Assign or hand over the family")}<span class="govuk-visually-hidden"> ${t("to another worker")}</span></a></p>`
      : ""}
  </section>`;
}
