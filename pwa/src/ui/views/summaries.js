// Service summaries, for analysts (online only; nothing is kept on the device):
// ask for a summary of a period, watch its progress, download it in four
// formats, and find the monthly summaries.

import { onlineHome } from "../../domain/online-roles.js";
import { periodErrors } from "../../domain/summary-period.js";
import { todayIso } from "../../clock.js";
import { ApiError, Offline, get, post, setCsrfToken } from "../../sync/api.js";
import { button, dateInput, errorSummary, focusErrorSummary, formValues, readDate } from "../forms.js";
import { html, mount } from "../html.js";
import { follow, statusTag } from "../jobs.js";
import { formatDateTime } from "../layout.js";
import { signedInAs } from "../signed-in.js";
import { N_, t } from "../../i18n.js";

const FORMATS = [
  ["html", N_("Report (HTML, prints to PDF)")],
  ["csv", "CSV"],
  ["xlsx", N_("Spreadsheet (XLSX)")],
  ["json", "JSON"],
];
const FIELD_IDS = { first_day: "first_day", last_day: "last_day" };

// The one summary being followed: a new screen stops the last one's polling.
let stopFollowing = () => {};

function stageText(report) {
  return report.stage ? t("{progress}% done: {stage}", { progress: report.progress, stage: report.stage }) : t("{progress}% done", { progress: report.progress });
}

/** Make sure an analyst is signed in on the server; resume a session after a reload. */
export const signedInAnalyst = (session) => signedInAs(session, "analyst");

/** Whoever is signed in on the server, if their role works online only: their home screen. */
export async function signedInOnlineHome(session) {
  try {
    const current = await get("/api/auth/session");
    setCsrfToken(current.csrf_token);
    session.user = current.user;
    return onlineHome(current.user.role);
  } catch {
    return null;
  }
}

function downloads(report) {
  return html`<ul class="govuk-list">
    ${FORMATS.map(
      ([format, text]) => html`<li><a class="govuk-link" href="/api/reports/${report.id}/download?format=${format}" download>
        ${t(text)}<span class="govuk-visually-hidden">, ${report.label}</span></a></li>`,
    )}
  </ul>`;
}

function progressPanel(report) {
  return html`<h2 class="govuk-heading-m" id="progress-heading">${t("Summary for {period}", { period: report.label })}</h2>
    <p class="govuk-body">${statusTag(report.status)}</p>
    ${report.status === "failed"
      ? html`<div class="govuk-error-summary" tabindex="-1"><div role="alert">
          <h2 class="govuk-error-summary__title">${t("The summary could not be produced")}</h2>
          <div class="govuk-error-summary__body"><p class="govuk-body">${report.error || t("Try again.")}</p></div>
        </div></div>`
      : html`<label class="govuk-label" for="summary-progress">${t("How far the summary has got")}</label>
          <progress class="app-progress" id="summary-progress" max="100" value="${report.progress}">${report.progress}%</progress>
          <p class="govuk-body" id="summary-stage" role="status">${stageText(report)}</p>`}
    ${report.status === "done" ? html`<h3 class="govuk-heading-s">${t("Download")}</h3>${downloads(report)}` : ""}`;
}

function rowCells(report) {
  return html`<td class="govuk-table__cell">${report.label}</td>
    <td class="govuk-table__cell">${statusTag(report.status)}</td>
    <td class="govuk-table__cell">${report.finished_at ? formatDateTime(report.finished_at) : "–"}</td>
    <td class="govuk-table__cell">${report.status === "done" ? downloads(report) : "–"}</td>`;
}

function summaryTable(caption, reports) {
  if (!reports.length) {
    return html`<h2 class="govuk-heading-m">${caption}</h2><p class="govuk-body">${t("None yet.")}</p>`;
  }
  return html`<table class="govuk-table">
    <caption class="govuk-table__caption govuk-table__caption--m">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">${t("Period")}</th>
      <th scope="col" class="govuk-table__header">${t("Status")}</th>
      <th scope="col" class="govuk-table__header">${t("Made")}</th>
      <th scope="col" class="govuk-table__header">${t("Download")}</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${reports.map((report) => html`<tr class="govuk-table__row" data-report-id="${report.id}" data-status="${report.status}">${rowCells(report)}</tr>`)}
    </tbody>
  </table>`;
}

export async function summariesView(context, state = {}) {
  const { main, session } = context;
  if (!(await signedInAnalyst(session))) {
    context.go("#/sign-in");
    return null;
  }
  const errors = state.errors || {};
  const values = state.values || {};
  let monthly = [];
  let requested = [];
  let listProblem = "";
  try {
    [monthly, requested] = await Promise.all([
      get("/api/reports?kind=monthly&page_size=24").then((page) => page.items),
      get("/api/reports?kind=requested&page_size=10").then((page) => page.items),
    ]);
  } catch (error) {
    listProblem = error instanceof Offline ? t("You are offline. Summaries need a connection.") : error.message;
  }
  mount(
    main,
    html`${errorSummary(errors, FIELD_IDS)}
      <h1 class="govuk-heading-l">${t("Service summaries")}</h1>
      <p class="govuk-body">${t("Figures for the whole council over a period, by team. Counts from 1 to 5 are shown as")}
        <strong>c</strong> ${t("so no family can be recognised. You need a connection to use this page.")}</p>
      ${listProblem ? html`<p class="govuk-body govuk-error-message">${listProblem}</p>` : ""}
      <form id="summary-form" novalidate>
        <h2 class="govuk-heading-m">${t("Ask for a summary")}</h2>
        ${dateInput({ name: "first_day", legend: t("First day"), hint: t("For example, 1 10 2026"), value: values.first_day, error: errors.first_day })}
        ${dateInput({ name: "last_day", legend: t("Last day"), hint: t("Up to 366 days after the first day, and no later than today"), value: values.last_day, error: errors.last_day })}
        ${button(t("Ask for summary"))}
      </form>
      <section id="summary-progress-panel" aria-label="${t("Summary progress")}" hidden></section>
      ${summaryTable(t("Monthly summaries"), monthly)}
      ${summaryTable(t("Summaries you and colleagues asked for"), requested)}`,
  );
  focusErrorSummary(main);
  const panel = main.querySelector("#summary-progress-panel");
  stopFollowing();
  // One source of truth: the panel and the summary's row in the tables are drawn
  // from the same state of the job, and every poll redraws both.
  const showPanel = (report) => {
    const bar = panel.querySelector("#summary-progress");
    if (bar && report.status === "running" && panel.dataset.status === "running") {
      // Update in place, so screen readers hear the status change, not a new page.
      bar.value = report.progress;
      bar.textContent = `${report.progress}%`;
      panel.querySelector("#summary-stage").textContent = stageText(report);
    } else {
      panel.hidden = false;
      panel.dataset.status = report.status;
      mount(panel, progressPanel(report));
    }
  };
  const show = (report) => {
    showPanel(report);
    for (const row of main.querySelectorAll("tr[data-report-id]")) {
      if (row.dataset.reportId === report.id && row.dataset.status !== report.status) {
        row.dataset.status = report.status;
        mount(row, rowCells(report));
      }
    }
  };
  if (state.report) {
    // The lists were read after the summary was asked for: their copy is the latest.
    const listed = [...monthly, ...requested].find((report) => report.id === state.report.id);
    stopFollowing = follow(listed || state.report, {
      fetch: (report) => get(`/api/reports/${report.id}`),
      show,
      active: () => panel.isConnected,
    });
  }
  main.querySelector("#summary-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = formValues(event.target);
    const period = { first_day: readDate(form, "first_day"), last_day: readDate(form, "last_day") };
    const typed = {
      first_day: `${form["first_day-year"]}-${form["first_day-month"]}-${form["first_day-day"]}`,
      last_day: `${form["last_day-year"]}-${form["last_day-month"]}-${form["last_day-day"]}`,
    };
    const problems = periodErrors(period.first_day, period.last_day, todayIso());
    if (Object.keys(problems).length) {
      stopFollowing();
      return summariesView(context, { errors: problems, values: typed });
    }
    try {
      const report = await post("/api/reports", period);
      stopFollowing();
      return summariesView(context, { report, values: typed });
    } catch (error) {
      const serverErrors =
        error instanceof ApiError && Object.keys(error.errors).length
          ? Object.fromEntries(Object.entries(error.errors).map(([field, messages]) => [field, [].concat(messages)[0]]))
          : { first_day: error instanceof Offline ? t("You are offline. Connect, then try again.") : error.message };
      stopFollowing();
      return summariesView(context, { errors: serverErrors, values: typed });
    }
  });
  return () => stopFollowing();
}

export async function analystSignOut(context) {
  try {
    await post("/api/auth/logout", {});
  } catch {
    // Offline: the server session times out by itself.
  }
  setCsrfToken(null);
  context.session.user = null;
  context.go("#/sign-in");
}
