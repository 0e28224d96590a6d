// Subject access requests, for admins (online only): find the person by name,
// start an export of every record about them, watch it finish and download
// the bundle to redact. What is typed and found lives in this screen's memory
// only: no draft, no address, nothing stored on the device.

import { todayIso } from "../../clock.js";
import { receivedError } from "../../domain/subject-access.js";
import { ApiError, Offline, SessionEnded, get, hasCsrfToken, post } from "../../sync/api.js";
import { button, dateInput, errorSummary, focusErrorSummary, focusOn, formValues, radios, readDate, textInput } from "../forms.js";
import { html, mount } from "../html.js";
import { finished, follow, statusTag } from "../jobs.js";
import { formatDate, formatDateTime } from "../layout.js";
import { t, tn } from "../../i18n.js";

const BASE = "/api/admin/subject-access";
const FIELD_IDS = { q: "q", person_id: "person_id", received_on: "received_on" };

function personName(person) {
  return `${person.given_name} ${person.family_name}`;
}

function matchText(person) {
  const known = person.known_as ? ` ${t("(known as {name})", { name: person.known_as })}` : "";
  const born = person.date_of_birth ? t("born {day}", { day: formatDate(person.date_of_birth) }) : t("date of birth not recorded");
  const families = tn("{count} family", "{count} families", person.families);
  return `${personName(person)}${known}, ${born}, ${families}`;
}

function problemText(error, what) {
  if (error instanceof Offline) {
    return t("There is no connection, so {what}. Subject access requests need a connection.", { what });
  }
  if (error instanceof SessionEnded) {
    return t("Your session with the server has ended, so {what}. Sign out and sign in again.", { what });
  }
  return t("Sorry, {what}: {reason}", { what, reason: error.message });
}

function fieldErrors(error) {
  return Object.fromEntries(Object.entries(error.errors).map(([field, messages]) => [field, [].concat(messages)[0]]));
}

function redactionWarning() {
  return html`<div class="govuk-warning-text">
    <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
    <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>
      ${t("The bundle holds other people's information as well as theirs. It must be redacted by a trained person before it is released to anyone.")}</strong>
  </div>`;
}

function records(exported) {
  return Object.values(exported.counts || {}).reduce((sum, count) => sum + count, 0);
}

function downloadLink(exported) {
  return html`<a class="govuk-link" href="${BASE}/${exported.id}/download" download>${t("Download the bundle (zip)")}<span class="govuk-visually-hidden"> ${t("of {person}'s records, asked for {moment}", { person: exported.person_name, moment: formatDateTime(exported.created_at) })}</span></a>`;
}

function deadline(exported) {
  return html`${t("Respond by")} <strong>${formatDate(exported.respond_by)}</strong>${t(", one calendar month from the request (received {day}).", { day: formatDate(exported.received_on) })}`;
}

function statusLine(exported) {
  if (exported.status === "done") {
    return html`${statusTag("done")} ${tn("The bundle holds {count} record.", "The bundle holds {count} records.", records(exported))} ${downloadLink(exported)}`;
  }
  if (exported.status === "failed") {
    return html`${statusTag("failed")} ${t("The export could not be made: {reason}.", { reason: exported.error || t("try again") })}`;
  }
  return html`${statusTag(exported.status)} ${exported.status === "queued" ? t("Waiting to start.") : t("Collecting the records.")}`;
}

function bundleCell(exported) {
  if (exported.status !== "done") {
    return statusTag(exported.status);
  }
  return html`${statusTag("done")}<br>${tn("{count} record", "{count} records", records(exported))}<br>${exported.cleared_at ? t("Cleared") : downloadLink(exported)}`;
}

function exportsTable(exports) {
  if (!exports.length) {
    return html`<h2 class="govuk-heading-m">${t("Your exports")}</h2><p class="govuk-body">${t("You have not asked for any yet.")}</p>`;
  }
  return html`<table class="govuk-table govuk-table--small-text-until-tablet">
    <caption class="govuk-table__caption govuk-table__caption--m">${t("Your exports")}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">${t("Whose records")}</th>
      <th scope="col" class="govuk-table__header">${t("Respond by")}</th>
      <th scope="col" class="govuk-table__header">${t("Bundle")}</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${exports.map(
        (exported) => html`<tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">${exported.person_name}
            <span class="govuk-body-s govuk-!-display-block govuk-!-font-weight-regular">${t("Request received {day}; export asked for {moment}", { day: formatDate(exported.received_on), moment: formatDateTime(exported.created_at) })}</span></th>
          <td class="govuk-table__cell">${formatDate(exported.respond_by)}</td>
          <td class="govuk-table__cell">${bundleCell(exported)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export async function subjectAccessView(context) {
  const { main, session } = context;
  const state = { query: "", matches: null, errors: {}, problem: "", exports: [], current: null, person: null, received: todayIso() };
  let stopFollowing = () => {};

  function page() {
    return html`<div id="subject-access-page">
      ${errorSummary(state.errors, FIELD_IDS)}
      <h1 class="govuk-heading-l">${t("Subject access requests")}</h1>
      <p class="govuk-body">${t("When someone asks for every record the council holds about them, find them here and make a bundle of those records. You need a connection to use this page. Nothing about the person is kept on this device.")}</p>
      ${state.problem
        ? html`<div class="govuk-warning-text" id="subject-access-problem">
            <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${state.problem}</strong>
          </div>`
        : ""}
      <form id="search-form" method="post" novalidate>
        <h2 class="govuk-heading-m">${t("Find the person")}</h2>
        ${textInput({ name: "q", label: t("Their name"), hint: t("Given name, family name or the name they are known by. At least 2 letters."), value: state.query, error: state.errors.q, autocomplete: "off", spellcheck: false })}
        ${button(t("Search"), { secondary: state.matches !== null && state.matches.length > 0 })}
      </form>
      ${state.matches?.length
        ? html`<form id="export-form" method="post" novalidate>
            ${radios({ name: "person_id", legend: t("Which person is the request from?"), hint: tn("{count} person matches. Check the date of birth and number of families.", "{count} people match. Check the date of birth and number of families.", state.matches.length), options: state.matches.map((person) => [person.id, matchText(person)]), value: state.chosen || "", error: state.errors.person_id })}
            ${dateInput({ name: "received_on", legend: t("When did the council receive the request?"), hint: t("The council must respond within one calendar month of this day. For example, 27 11 2026."), value: state.received, error: state.errors.received_on })}
            ${redactionWarning()}
            ${button(t("Start the export"))}
          </form>`
        : ""}
      <section id="export-progress" aria-labelledby="export-progress-heading" ${state.current ? "" : html`hidden`}>
        <h2 class="govuk-heading-m" id="export-progress-heading" tabindex="-1">${state.person ? t("Export for {person}", { person: personName(state.person) }) : t("Export")}</h2>
        <p class="govuk-body" id="export-status" role="status">${state.current ? statusLine(state.current) : ""}</p>
        <p class="govuk-body" id="export-deadline">${state.current ? deadline(state.current) : ""}</p>
      </section>
      <div id="exports-list">${exportsTable(state.exports)}</div>
    </div>`;
  }

  function draw() {
    mount(main, page());
    context.enhance(main);
    main.querySelector("#search-form").addEventListener("submit", onSearch);
    main.querySelector("#export-form")?.addEventListener("submit", onExport);
    document.title = `${Object.keys(state.errors).length ? t("Error: ") : ""}${t("Subject access requests")} – Family Fieldwork`;
  }

  function replace(selector, content) {
    const element = main.querySelector(selector);
    if (element && element.innerHTML !== String(content)) {
      mount(element, content); // only a change: a link being read keeps its focus
    }
  }

  function show(exports) {
    state.exports = exports;
    if (state.current) {
      state.current = exports.find((exported) => exported.id === state.current.id) || state.current;
      replace("#export-status", statusLine(state.current));
      replace("#export-deadline", deadline(state.current));
    }
    replace("#exports-list", exportsTable(exports));
  }

  function watch() {
    stopFollowing();
    stopFollowing = follow(state.exports, {
      fetch: async () => (await get(`${BASE}?page_size=20`)).items,
      show,
      settled: (exports) => exports.every(finished),
      active: () => main.isConnected,
    });
  }

  async function ensureSession() {
    if (!hasCsrfToken()) {
      await session.resumeServerSession(true);
    }
  }

  async function onSearch(event) {
    event.preventDefault();
    const query = (formValues(event.target).q || "").trim();
    state.query = query;
    state.problem = "";
    state.matches = null;
    state.errors = {};
    if (query.length < 2) {
      state.errors = { q: query ? t("Enter at least 2 letters of their name") : t("Enter the person's name") };
    } else {
      try {
        await ensureSession();
        state.matches = await post(`${BASE}/people/search`, { q: query });
        state.chosen = "";
        if (!state.matches.length) {
          state.errors = { q: t("No one's name matches. Check the spelling, or search for part of the name") };
        }
      } catch (error) {
        if (error instanceof ApiError && error.status === 422 && error.errors.q) {
          state.errors = { q: fieldErrors(error).q };
        } else {
          state.problem = problemText(error, t("the search could not be made"));
        }
      }
    }
    draw();
    if (Object.keys(state.errors).length) {
      focusErrorSummary(main);
    } else if (state.problem) {
      focusOn(main, "#subject-access-problem");
    } else {
      main.querySelector("#person_id")?.closest("fieldset")?.setAttribute("tabindex", "-1");
      main.querySelector("#person_id")?.closest("fieldset")?.focus();
    }
  }

  async function onExport(event) {
    event.preventDefault();
    const values = formValues(event.target);
    const personId = values.person_id;
    const person = state.matches?.find((match) => match.id === personId);
    const received = readDate(values, "received_on");
    state.chosen = personId || "";
    state.received = received || `${values["received_on-year"] || ""}-${values["received_on-month"] || ""}-${values["received_on-day"] || ""}`;
    state.problem = "";
    state.errors = {};
    if (!person) {
      state.errors.person_id = t("Choose the person the request is from");
    }
    const dateProblem = receivedError(received, todayIso());
    if (dateProblem) {
      state.errors.received_on = dateProblem;
    }
    if (Object.keys(state.errors).length) {
      draw();
      return focusErrorSummary(main);
    }
    try {
      await ensureSession();
      const started = await post(BASE, { person_id: person.id, received_on: received });
      state.current = started;
      state.person = person;
      state.matches = null; // the search is done with: nothing more about other people on screen
      state.query = "";
      state.chosen = "";
      state.received = todayIso();
      state.exports = [started, ...state.exports.filter((exported) => exported.id !== started.id)];
      draw();
      focusOn(main, "#export-progress-heading");
      watch();
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && Object.keys(error.errors).length) {
        const fields = fieldErrors(error);
        state.errors = fields.received_on ? { received_on: fields.received_on } : { person_id: Object.values(fields).join(" ") };
        draw();
        return focusErrorSummary(main);
      }
      state.problem = problemText(error, t("the export was not started"));
      draw();
      focusOn(main, "#subject-access-problem");
    }
  }

  try {
    await ensureSession();
    state.exports = (await get(`${BASE}?page_size=20`)).items;
  } catch (error) {
    state.problem = problemText(error, t("your exports could not be loaded"));
  }
  draw();
  watch();
  return () => {
    stopFollowing();
    // Leaving the screen: forget the search and who was found.
    Object.assign(state, { query: "", matches: null, errors: {}, current: null, person: null, chosen: "" });
  };
}
