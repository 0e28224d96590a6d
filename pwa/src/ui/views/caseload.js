// The caseload: the worker's families, ordered by what needs attention,
// leading with relationships; each row says why it is where it is.

import { Reason, caseload, dueWords, reasonWords, search } from "../../domain/caseload.js";
import { decisionsToReview } from "../../domain/decision-reviews.js";
import { html, mount } from "../html.js";
import { formatDate, tag } from "../layout.js";
import { responsiveTable } from "../tables.js";
import { t, tn } from "../../i18n.js";

function contactText(row) {
  if (row.daysSinceContact === null) {
    return t("No meaningful contact recorded");
  }
  if (row.daysSinceContact === 0) {
    return t("Today");
  }
  return tn("{count} day ago", "{count} days ago", row.daysSinceContact);
}

function visitText(row) {
  if (!row.nextVisit) {
    return t("No statutory visit set");
  }
  const { overdue, workingDays, others } = row.nextVisit;
  const more = others ? html`<br><span class="govuk-body-s">${tn("and {count} more check set", "and {count} more checks set", others)}</span>` : "";
  if (overdue) {
    return html`${dueWords(row.nextVisit)}${more}`;
  }
  return html`${workingDays <= 2 ? html`${tag(t("Due soon"), "yellow")} ` : ""}${dueWords(row.nextVisit)}${more}`;
}

function reasonsText(row) {
  if (!row.reasons.length) {
    return html`<span class="govuk-body-s">${t("Nothing waiting")}</span>`;
  }
  const lines = row.reasons.map((reason) =>
    reason.kind === Reason.VISIT_OVERDUE ? html`${tag(t("Overdue"), "red")} ${reasonWords(reason)}` : reasonWords(reason),
  );
  return lines.length === 1 ? lines[0] : html`<ul class="govuk-list govuk-list--bullet govuk-!-margin-bottom-0">${lines.map((line) => html`<li>${line}</li>`)}</ul>`;
}

/** Decisions that reached their review date: on the caseload until they are reviewed. */
function decisionsDue(data, user) {
  const due = decisionsToReview(data, user);
  if (!due.length) return "";
  return html`<h2 class="govuk-heading-m" id="decisions-to-review-heading">${t("Decisions to review")}</h2>
    <ul class="govuk-list govuk-list--spaced" id="decisions-to-review" aria-labelledby="decisions-to-review-heading">
      ${due.map(
        (judgment) => html`<li><a class="govuk-link" href="#/judgment/${judgment.id}/review">${judgment.question}</a>
          <br><span class="govuk-body-s">${t("{family}: review date {day}", { family: data.get("family", judgment.family_id)?.display_name || t("A family"), day: formatDate(judgment.review_date) })}</span></li>`,
      )}
    </ul>`;
}

export async function caseloadView(context, state = { query: "" }) {
  const { main, data, user } = context;
  const rows = search(caseload(data, undefined, { me: user?.id ?? null }), state.query);
  const total = data.all("family").length;
  mount(
    main,
    html`<h1 class="govuk-heading-l">${user?.role === "supervisor" ? t("Your team's families") : t("Your caseload")}</h1>
      ${decisionsDue(data, user)}
      <form id="search" role="search" class="govuk-!-margin-bottom-6" novalidate>
        <div class="govuk-form-group">
          <label class="govuk-label" for="q">${t("Search by family name or reference")}</label>
          <input class="govuk-input govuk-input--width-20" id="q" name="q" type="search" value="${state.query}" autocomplete="off">
        </div>
      </form>
      ${total === 0
        ? html`<p class="govuk-body">${t("No families yet. When a family is assigned to you it appears here after the next sync.")}</p>`
        : html`<p class="govuk-body" role="status">${tn("{shown} of {count} family, the ones needing attention first.", "{shown} of {count} families, the ones needing attention first.", total, { shown: rows.length })}</p>
          ${responsiveTable({
            caption: t("Families, the ones needing attention first"),
            id: "caseload",
            columns: [t("Family"), t("Why it needs attention"), t("Last meaningful contact"), t("Next statutory visit")],
            rows: rows.map((row) => [
              {
                header: true,
                content: html`<a class="govuk-link" href="#/family/${row.family.id}">${row.family.display_name}</a>
                  ${row.family.local_reference ? html`<br><span class="govuk-body-s">${row.family.local_reference}</span>` : ""}`,
              },
              reasonsText(row),
              row.contactOverdue && row.daysSinceContact !== null ? tag(contactText(row), "orange") : contactText(row),
              visitText(row),
            ]),
          })}`}`,
  );
  const input = main.querySelector("#q");
  main.querySelector("#search").addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("input", () => {
    const cursor = input.selectionStart;
    caseloadView(context, { query: input.value }).then(() => {
      const again = main.querySelector("#q");
      again.focus();
      again.setSelectionRange(cursor, cursor);
    });
  });
  const onChange = () => caseloadView(context, state);
  data.addEventListener("change", onChange, { once: true });
  return () => data.removeEventListener("change", onChange);
}
