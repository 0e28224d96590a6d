// The private supervision record: between a worker and their supervisor,
// about the worker ("how is this family affecting you?"), never about a
// family. It is kept on the server only, apart from every family's record:
// never synced to a device, never in a family's export or a subject access
// bundle. Only the worker and their team's supervisors read it. Online only.

import { ApiError, Offline, get, post } from "../../sync/api.js";
import { button, errorSummary, focusErrorSummary, formValues, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDateTime } from "../layout.js";
import { successBanner } from "../records.js";
import { t } from "../../i18n.js";

let flash = null;
const privateNote = () =>
  t("This record is private to you and your supervisor. It is not part of any family's record, so it is not shown to the family or included when someone asks for the records about them. Do not use it for decisions about a child: those belong on the family's record.");

function problem(main, error) {
  const text =
    error instanceof Offline
      ? t("You are offline. The private supervision record is kept on the server only, never on a device, so it needs a connection.")
      : error instanceof ApiError && (error.status === 404 || error.status === 403)
        ? t("This supervision record is not yours to read.")
        : error?.message || t("Something went wrong. Try again.");
  mount(main, html`<h1 class="govuk-heading-l">${t("Private supervision record")}</h1><p class="govuk-body" id="record-problem">${text}</p>`);
}

/** The supervisor's list of their team's caseworkers, from the staff directory on the device. */
function teamWorkers(context) {
  const directory = context.session.data?.reference?.directory || {};
  return Object.entries(directory)
    .filter(([, person]) => person.role === "caseworker" && person.team_id && person.team_id === context.user?.team_id)
    .map(([id, person]) => ({ id, name: person.display_name }))
    .sort((a, b) => a.name.localeCompare(b.name, "en-GB"));
}

export async function supervisionRecordView(context) {
  const { main, user } = context;
  const [workerId] = context.params;
  if (user?.role === "supervisor" && !workerId) {
    const workers = teamWorkers(context);
    mount(
      main,
      html`<div id="supervision-records">
        <h1 class="govuk-heading-l">${t("Private supervision records")}</h1>
        <p class="govuk-body">${privateNote()}</p>
        ${workers.length
          ? html`<ul class="govuk-list">${workers.map((worker) => html`<li><a class="govuk-link" href="#/supervision-record/${worker.id}">${worker.name}</a></li>`)}</ul>`
          : html`<p class="govuk-body">${t("There are no caseworkers in your team on this device yet.")}</p>`}
      </div>`,
    );
    return;
  }
  if (user?.role !== "caseworker" && user?.role !== "supervisor") {
    mount(main, html`<h1 class="govuk-heading-l">${t("Private supervision record")}</h1><p class="govuk-body">${t("The private supervision record is for caseworkers and their supervisors.")}</p>`);
    return;
  }
  const query = workerId ? `?worker_id=${workerId}` : "";
  let record;
  try {
    record = await get(`/api/supervision-records${query}`);
  } catch (error) {
    return problem(main, error);
  }
  if (!main.isConnected) return;
  const message = flash;
  flash = null;
  const whose = workerId ? context.staffName(workerId) : t("you");
  const draw = (errors = {}, typed = "") => {
    mount(
      main,
      html`<div id="supervision-record">
        ${workerId ? backLink("#/supervision-record", t("Back to your team's records")) : ""}
        ${errorSummary(errors, { body: "record-body" })}
        ${successBanner(message)}
        <span class="govuk-caption-l">${workerId ? whose : t("Between you and your supervisor")}</span>
        <h1 class="govuk-heading-l">${t("Private supervision record")}</h1>
        <div class="govuk-inset-text">${privateNote()}</div>
        ${record.entries.length
          ? html`<ol class="govuk-list" id="record-entries">${record.entries.map(
              (entry) => html`<li class="govuk-!-margin-bottom-6">
                <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>${context.staffName(entry.created_by_id)}</strong>, ${formatDateTime(entry.created_at)}</p>
                <p class="govuk-body app-pre-wrap">${entry.body}</p>
              </li>`,
            )}</ol>`
          : html`<p class="govuk-body">${t("Nothing written yet.")}</p>`}
        <form id="record-form" novalidate>
          ${textarea({
            name: "body",
            id: "record-body",
            label: workerId ? t("Add to their record") : t("Add to your record"),
            hint: t("For example, how the work is affecting you, and what support would help."),
            rows: 5,
            value: typed,
            error: errors.body,
            labelClass: "govuk-label--s",
          })}
          ${button(t("Add to the record"))}
        </form>
      </div>`,
    );
    context.enhance();
    main.querySelector("#record-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = formValues(event.target).body || "";
      if (!body.trim()) {
        draw({ body: t("Write what you want to add") }, body);
        return focusErrorSummary(main);
      }
      try {
        await post("/api/supervision-records", { worker_id: workerId || null, body: body.trim() });
      } catch (error) {
        draw({ body: error instanceof Offline ? t("You are offline. Add it when you have a connection.") : error.message }, body);
        return focusErrorSummary(main);
      }
      flash = t("Added to the private supervision record.");
      context.refresh();
    });
  };
  draw();
}
