// The supervisor's team view: relational health and compliance in two
// separate panels, from the team's families on this device (works offline).
// Each family links to its page.

import { TEAM_CONTACT_DAYS } from "../../config.js";
import { learningCounts } from "../../domain/decision-reviews.js";
import { parseContactDays, teamView } from "../../domain/team.js";
import { button, errorSummary, textInput } from "../forms.js";
import { html, mount } from "../html.js";
import { formatDate, tag } from "../layout.js";
import { responsiveTable } from "../tables.js";
import { t, tn } from "../../i18n.js";

const days = (count) => tn("{count} day", "{count} days", count);

/** The domain's length of a relationship ("1 year, 3 months") in the app's language. */
function lengthWords(english) {
  const units = {
    day: (count) => days(count),
    month: (count) => tn("{count} month", "{count} months", count),
    year: (count) => tn("{count} year", "{count} years", count),
  };
  return english.replace(/(\d+) (day|month|year)s?/g, (_whole, count, unit) => units[unit](Number(count)));
}

/** The domain's message for a number of days that will not do, in the app's language. */
// The supervisor's N, kept while the app is open (never in the address).
let chosen = { days: TEAM_CONTACT_DAYS, by: null };

function familyCell(row) {
  return {
    header: true,
    content: html`<a class="govuk-link" href="#/family/${row.family.id}">${row.family.display_name}</a>
      ${row.family.local_reference ? html`<br><span class="govuk-body-s">${row.family.local_reference}</span>` : ""}`,
  };
}

function table(caption, headings, rows, cells, empty) {
  if (!rows.length) {
    return html`<p class="govuk-body">${empty}</p>`;
  }
  return responsiveTable({
    caption,
    columns: headings,
    rows: rows.map((row) => ({ attributes: html`data-family="${row.family.id}"`, cells: [familyCell(row), ...cells(row)] })),
  });
}

function contactText(row) {
  return row.daysSinceContact === null ? t("None recorded") : html`${formatDate(row.lastContact)} (${tn("{count} day ago", "{count} days ago", row.daysSinceContact)})`;
}

function relationalPanel(context, view) {
  const worker = (row) => (row.worker ? context.staffName(row.worker) : t("No worker allocated"));
  const { withoutContact, workerChanged, relationships } = view.relational;
  return html`<section class="app-team-panel" aria-labelledby="relational-heading" id="relational-panel">
    <h2 class="govuk-heading-l" id="relational-heading">${t("Relational health")}</h2>
    <p class="govuk-body">${t("How each family's relationship with the service is going: contact, continuity of worker and how long it has lasted.")}</p>

    <h3 class="govuk-heading-m" id="no-contact-heading">${t("No meaningful contact for more than {days}", { days: days(view.contactDays) })}</h3>
    ${table(
      t("Families with no meaningful contact for more than {days}, the longest first", { days: days(view.contactDays) }),
      [t("Family"), t("Worker now"), t("Last meaningful contact")],
      withoutContact,
      (row) => [worker(row), contactText(row)],
      t("Every family has had a meaningful contact in the last {days}.", { days: days(view.contactDays) }),
    )}

    <h3 class="govuk-heading-m">${t("Worker changed in the last 12 months")}</h3>
    ${table(
      t("Families whose worker changed in the last 12 months, the most changes first"),
      [t("Family"), t("Times the worker changed"), t("Worker now")],
      workerChanged,
      (row) => [String(row.workerChanges), worker(row)],
      t("No family's worker changed in the last 12 months."),
    )}

    <h3 class="govuk-heading-m">${t("Length of the current relationship")}</h3>
    ${table(
      t("How long each family has had its current worker, the newest relationships first"),
      [t("Family"), t("Worker now"), t("Since"), t("Length")],
      relationships,
      (row) => (row.relationship ? [worker(row), formatDate(row.relationship.since), lengthWords(row.relationship.length)] : [tag(t("No worker allocated"), "orange"), "", ""]),
      t("There are no open families on this device."),
    )}
  </section>`;
}

function visitCells(context, row) {
  const { check, child, due, overdue, inDays } = row.nextVisit;
  return [
    `${check}: ${child}`,
    overdue ? html`${tag(t("Overdue"), "red")} ${formatDate(due)}` : html`${formatDate(due)} (${inDays === 0 ? t("today") : tn("in {count} day", "in {count} days", inDays)})`,
    row.worker ? context.staffName(row.worker) : t("No worker allocated"),
  ];
}

function icpcCells(context, row) {
  const when = row.late
    ? html`${tag(t("Late"), "red")} ${formatDate(row.due)}`
    : html`${formatDate(row.due)} (${tn("{count} working day left", "{count} working days left", row.workingDaysLeft)})`;
  return [formatDate(row.started), when, row.worker ? context.staffName(row.worker) : t("No worker allocated")];
}

function compliancePanel(context, view) {
  const { overdue, due, dueWithinDays, enquiries } = view.compliance;
  return html`<section class="app-team-panel" aria-labelledby="compliance-heading" id="compliance-panel">
    <h2 class="govuk-heading-l" id="compliance-heading">${t("Compliance")}</h2>
    <p class="govuk-body">${t("Statutory visits of children on a plan, from each child's plan and your council's checklist templates. A family with no child on a plan has none.")}</p>
    <h3 class="govuk-heading-m">${t("Statutory visits overdue")}</h3>
    ${table(
      t("Families whose statutory visit is overdue, the longest overdue first"),
      [t("Family"), t("Check and child"), t("Was due"), t("Worker now")],
      overdue,
      (row) => visitCells(context, row),
      t("No statutory visit is overdue."),
    )}
    <h3 class="govuk-heading-m">${t("Statutory visits due in the next {days}", { days: days(dueWithinDays) })}</h3>
    ${table(
      t("Families with a statutory visit due in the next {days}, the soonest first", { days: days(dueWithinDays) }),
      [t("Family"), t("Check and child"), t("Due"), t("Worker now")],
      due,
      (row) => visitCells(context, row),
      t("No statutory visit is due in the next {days}.", { days: days(dueWithinDays) }),
    )}
    <h3 class="govuk-heading-m" id="s47-heading">${t("Section 47 enquiries: initial child protection conference due")}</h3>
    <p class="govuk-body">${t("The conference is due within 15 working days of the strategy discussion that started the enquiry. Record the day it was held on the strategy discussion.")}</p>
    ${table(
      t("Open section 47 enquiries and when each initial child protection conference is due, the soonest first"),
      [t("Family"), t("Enquiry started"), t("Conference due"), t("Worker now")],
      enquiries.map((row) => ({ ...row, worker: view.workerOf(row.family.id) })),
      (row) => icpcCells(context, row),
      t("No section 47 enquiry is waiting for its initial child protection conference."),
    )}
  </section>`;
}

// Counts of what happened, for the team as a whole: never by worker, never ranked.
function learningPanel(counts) {
  const figure = (id, count, text) => html`<div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">${text}</dt>
      <dd class="govuk-summary-list__value" id="${id}">${String(count)}</dd></div>`;
  return html`<section class="app-team-panel" aria-labelledby="learning-heading" id="learning-panel">
    <h2 class="govuk-heading-l" id="learning-heading">${t("Supervision and learning")}</h2>
    <p class="govuk-body">${t("What the team talked about and looked back on in the last {days}, from the records on this device. These are counts of conversations held, not a measure of anyone and not a target.", { days: days(counts.days) })}</p>
    <dl class="govuk-summary-list">
      ${figure("talked-about-count", counts.talkedAbout, t("Notes and decisions talked about in supervision"))}
      ${figure("reviewed-count", counts.reviewed, t("Decisions reviewed"))}
      ${figure("review-waiting-count", counts.waiting, t("Decisions past their review date, not yet reviewed"))}
    </dl>
  </section>`;
}

function notForCaseworkers(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Team view")}</h1>
      <p class="govuk-body">${t("The team view is for supervisors.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
  );
}

export async function teamViewScreen(context) {
  const { main, data, user } = context;
  if (user?.role !== "supervisor") {
    return notForCaseworkers(main);
  }
  if (chosen.by !== user.id) {
    chosen = { days: TEAM_CONTACT_DAYS, by: user.id };
  }
  let typed = null; // what is in the days box, kept through redraws
  let error = null;

  function draw({ afterSubmit = false } = {}) {
    const view = teamView(data, { contactDays: chosen.days });
    const total = data.all("family").filter((family) => family.status !== "closed").length;
    mount(
      main,
      html`<div id="team-view">
        ${errorSummary(error ? { "contact-days": error } : {})}
        <h1 class="govuk-heading-l">${t("Your team")}</h1>
        <p class="govuk-body">${tn("{count} open family on this device, as at the last sync. Relational health and compliance are shown separately: one does not stand in for the other.", "{count} open families on this device, as at the last sync. Relational health and compliance are shown separately: one does not stand in for the other.", total)}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/transfers">${t("Families joining your team from another team")}</a></p>
        <p class="govuk-body"><a class="govuk-link" href="#/closed-families">${t("Closed families")}</a>: ${t("find a family after our work ended, read its history, reopen it")}</p>
        <form id="contact-days-form" novalidate class="govuk-!-margin-bottom-6">
          ${textInput({
            name: "contact_days",
            id: "contact-days",
            label: t("Show families with no meaningful contact for more than this many days"),
            hint: t("A whole number from 1 to 365. The usual is {days}.", { days: TEAM_CONTACT_DAYS }),
            value: typed ?? String(chosen.days),
            error,
            width: 3,
            inputmode: "numeric",
          })}
          ${button(t("Show families"), { secondary: true })}
        </form>
        ${relationalPanel(context, view)}
        <hr class="govuk-section-break govuk-section-break--xl govuk-section-break--visible">
        ${compliancePanel(context, view)}
        <hr class="govuk-section-break govuk-section-break--xl govuk-section-break--visible">
        ${learningPanel(learningCounts(data))}
      </div>`,
    );
    const form = main.querySelector("#contact-days-form");
    form.addEventListener("input", () => {
      typed = form.elements.contact_days.value;
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const parsed = parseContactDays(form.elements.contact_days.value);
      if (parsed.error) {
        error = parsed.error;
        typed = form.elements.contact_days.value;
        draw({ afterSubmit: true });
        main.querySelector(".govuk-error-summary")?.focus();
        return;
      }
      error = null;
      typed = null;
      chosen = { days: parsed.days, by: user.id };
      draw({ afterSubmit: true });
      const heading = main.querySelector("#no-contact-heading");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    });
    if (!afterSubmit) {
      const summary = main.querySelector(".govuk-error-summary");
      if (summary) summary.dataset.disableAutoFocus = "true";
    }
    context.enhance();
    document.title = `${error ? t("Error: ") : ""}${t("Your team")} – Family Fieldwork`;
  }

  draw();
  const onChange = () => {
    const active = document.activeElement?.id;
    draw();
    if (active) {
      document.getElementById(active)?.focus();
    }
  };
  data.addEventListener("change", onChange);
  return () => data.removeEventListener("change", onChange);
}
