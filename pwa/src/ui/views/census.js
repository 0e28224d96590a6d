// Statutory returns, for performance officers (online only; nothing is kept on
// the device): choose a collection year, read the validation report (each
// issue with the child's reference and where their worker puts it right),
// produce the CIN census XML and Ofsted's Annex A, and download them.

import { ApiError, Offline, get, post } from "../../sync/api.js";
import { button, errorSummary, focusErrorSummary, formValues, select } from "../forms.js";
import { html, mount } from "../html.js";
import { follow, statusTag } from "../jobs.js";
import { formatDateTime } from "../layout.js";
import { responsiveTable } from "../tables.js";
import { signedInAs } from "../signed-in.js";
import { N_, t, tn } from "../../i18n.js";

const KINDS = {
  cin_census: N_("CIN census (XML)"),
  annex_a: N_("Annex A (spreadsheet)"),
};
const kindText = (kind) => (KINDS[kind] ? t(KINDS[kind]) : kind);
const YEARS_SHOWN = 5;

let stopFollowing = () => {};

const yearLabel = (year) => t("1 April {start} to 31 March {end}", { start: year - 1, end: year });

function returnCells(item) {
  return [
    kindText(item.kind),
    yearLabel(item.year),
    { content: statusTag(item.status) },
    item.finished_at ? formatDateTime(item.finished_at) : "–",
    item.ready
      ? { content: html`<a class="govuk-link" href="/api/statutory-returns/${item.id}/download" download>${t("Download")}<span class="govuk-visually-hidden"> ${kindText(item.kind)}, ${yearLabel(item.year)}</span></a>` }
      : item.status === "failed"
        ? item.error || t("Failed")
        : item.stage ? t("{progress}% done: {stage}", { progress: item.progress, stage: item.stage }) : t("{progress}% done", { progress: item.progress }),
  ];
}

function returnsTable(items) {
  if (!items.length) {
    return html`<p class="govuk-body">${t("No returns produced for this year yet.")}</p>`;
  }
  return responsiveTable({
    caption: t("Returns produced"),
    id: "returns-table",
    columns: [t("Return"), t("Collection year"), t("Status"), t("Finished"), t("File")],
    rows: items.map(returnCells),
  });
}

function reportSection(report) {
  const count = report.issues.length;
  return html`<section aria-labelledby="report-heading" id="validation-report">
    <h2 class="govuk-heading-m" id="report-heading">${t("Validation report")}</h2>
    <p class="govuk-body" id="report-summary">${tn("{count} child in the census for {period}.", "{count} children in the census for {period}.", report.children, { period: report.label })}
      ${count ? tn("{count} issue to put right before the return is sent.", "{count} issues to put right before the return is sent.", count) : t("No issues found.")}</p>
    ${count
      ? responsiveTable({
          caption: t("Issues, child by child"),
          id: "issues-table",
          columns: [t("Rule"), t("Child"), t("Family"), t("What is wrong"), t("Where to put it right")],
          rows: report.issues.map((issue) => [
            { content: html`${issue.title}${issue.dfe_code ? html`<br><span class="govuk-hint">${t("Department's rule {code}", { code: issue.dfe_code })}</span>` : ""}`, header: true },
            issue.child_reference,
            issue.family_reference || "–",
            issue.detail,
            { content: html`<a class="govuk-link" href="${issue.link}">${t("Child's record")}<span class="govuk-visually-hidden"> ${t("for {child}: {issue}", { child: issue.child_reference, issue: issue.title })}</span></a>` },
          ]),
        })
      : ""}
    <p class="govuk-body-s">${t("The child's worker opens the link in the app and puts it right; the report reads the records again each time it is shown.")}</p>
    <details class="govuk-details">
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${t("Annex A lists left empty, and why")}</span></summary>
      <div class="govuk-details__text"><ul class="govuk-list govuk-list--bullet">
        ${report.empty_lists.map((list) => html`<li><strong>${list.name}</strong>: ${list.why}</li>`)}
      </ul></div>
    </details>
  </section>`;
}

export async function censusView(context, state = {}) {
  const { main, session } = context;
  if (!(await signedInAs(session, "performance_officer"))) {
    context.go("#/sign-in");
    return null;
  }
  let problem = "";
  let listing = { latest_year: null, items: [] };
  try {
    listing = await get("/api/statutory-returns");
  } catch (error) {
    problem = error instanceof Offline ? t("You are offline. Statutory returns need a connection.") : error.message;
  }
  const latest = listing.latest_year;
  const year = state.year || latest;
  let report = null;
  const errors = { ...(state.errors || {}) };
  if (year && !problem) {
    try {
      report = await get(`/api/statutory-returns/validation?year=${year}`);
    } catch (error) {
      errors.year = error instanceof ApiError && error.errors?.year ? [].concat(error.errors.year)[0] : error.message;
    }
  }
  const years = latest ? Array.from({ length: YEARS_SHOWN }, (_, index) => latest - index) : [];
  const items = listing.items.filter((item) => item.year === year);
  mount(
    main,
    html`${errorSummary(errors, { year: "year" })}
      <h1 class="govuk-heading-l">${t("Statutory returns")}</h1>
      <p class="govuk-body">${t("The Children in Need census and Ofsted's Annex A, made from what workers record. Children are named by their reference only. Every report you read and every file you download is recorded. You need a connection to use this page.")}</p>
      ${problem ? html`<p class="govuk-body govuk-error-message">${problem}</p>` : ""}
      <form id="year-form" novalidate>
        ${select({ name: "year", label: t("Collection year"), options: years.map((value) => [String(value), yearLabel(value)]), value: String(year || ""), error: errors.year, placeholder: t("Choose a year") })}
        ${button(t("Show the validation report"), { secondary: true })}
      </form>
      ${report ? reportSection(report) : ""}
      ${report
        ? html`<section aria-labelledby="produce-heading">
            <h2 class="govuk-heading-m" id="produce-heading">${t("Produce the returns")}</h2>
            <p class="govuk-body">${t("The census file is checked against the Department's schema before it can be downloaded. Issues above are still in it: put them right first where you can.")}</p>
            <div class="govuk-button-group">
              <button type="button" class="govuk-button" data-module="govuk-button" data-kind="cin_census" id="produce-cin_census">${t("Produce the CIN census")}</button>
              <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-kind="annex_a" id="produce-annex_a">${t("Produce Annex A")}</button>
            </div>
            <div id="returns">${returnsTable(items)}</div>
          </section>`
        : ""}`,
  );
  focusErrorSummary(main);
  stopFollowing();
  const area = main.querySelector("#returns");
  const running = items.filter((item) => item.status === "queued" || item.status === "running");
  if (area && running.length) {
    stopFollowing = follow(running[0], {
      fetch: (item) => get(`/api/statutory-returns/${item.id}`),
      show: (item) => {
        const all = items.map((known) => (known.id === item.id ? item : known));
        mount(area, returnsTable(all));
        if (item.status === "done" || item.status === "failed") {
          area.querySelector("a[download]")?.focus();
        }
      },
      active: () => area.isConnected,
    });
  }
  main.querySelector("#year-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = Number(formValues(event.target).year);
    if (!chosen) {
      return censusView(context, { errors: { year: t("Choose a collection year") } });
    }
    return censusView(context, { year: chosen });
  });
  for (const producer of main.querySelectorAll("button[data-kind]")) {
    producer.addEventListener("click", async () => {
      try {
        await post("/api/statutory-returns", { kind: producer.dataset.kind, year });
      } catch (error) {
        return censusView(context, { year, errors: { year: error instanceof Offline ? t("You are offline. Connect, then try again.") : error.message } });
      }
      return censusView(context, { year });
    });
  }
  return () => stopFollowing();
}
