// Practice suggestions: any member of staff puts forward an idea; a manager
// answers it (adopted, being tried, not now) with the reasons; everyone sees
// what became of every suggestion. Online only (the server holds them).

import { ApiError, Offline, get, post } from "../../sync/api.js";
import { button, errorSummary, focusErrorSummary, formValues, radios, textInput, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDateTime, tag } from "../layout.js";
import { successBanner } from "../records.js";
import { t } from "../../i18n.js";

/** Each status's words (in the app's language when read) and tag colour. */
export const SUGGESTION_STATUS = {
  get submitted() { return [t("Waiting for an answer"), "grey"]; },
  get adopted() { return [t("Adopted"), "green"]; },
  get being_tried() { return [t("Being tried"), "blue"]; },
  get not_now() { return [t("Not now"), "orange"]; },
};

function answers() {
  return [
    ["adopted", t("Adopted: we will do this")],
    ["being_tried", t("Being tried: we are testing it")],
    ["not_now", t("Not now")],
  ];
}
// As the server's roles.py: who may answer a suggestion.
const ANSWERING_ROLES = new Set(["supervisor", "admin", "practice_lead"]);
let flash = null;

function statusTag(status) {
  const [text, colour] = SUGGESTION_STATUS[status] || [status, "grey"];
  return tag(text, colour);
}

function problem(main, error, heading = t("Practice suggestions")) {
  const text =
    error instanceof Offline
      ? t("You are offline. Practice suggestions are kept on the server, so they need a connection.")
      : error instanceof ApiError && error.status === 404
        ? t("This suggestion was not found.")
        : error?.message || t("Something went wrong. Try again.");
  mount(main, html`<h1 class="govuk-heading-l">${heading}</h1><p class="govuk-body" id="suggestions-problem">${text}</p>
    <p class="govuk-body"><a class="govuk-link" href="#/suggestions">${t("Go to practice suggestions")}</a></p>`);
}

export async function suggestionsView(context) {
  const { main } = context;
  let page;
  try {
    page = await get("/api/suggestions?page=1&page_size=200");
  } catch (error) {
    return problem(main, error);
  }
  if (!main.isConnected) return;
  mount(
    main,
    html`<div id="suggestions-page">
      <h1 class="govuk-heading-l">${t("Practice suggestions")}</h1>
      <p class="govuk-body">${t("Ideas from staff for how we work, and what became of each one. Managers answer every suggestion with their reasons.")}</p>
      <a class="govuk-button" href="#/suggestions/new" role="button" draggable="false" data-module="govuk-button">${t("Put forward a suggestion")}</a>
      ${page.items.length
        ? html`<table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--m">${t("Suggestions, newest first")}</caption>
            <thead class="govuk-table__head"><tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">${t("Suggestion")}</th>
              <th scope="col" class="govuk-table__header">${t("Put forward")}</th>
              <th scope="col" class="govuk-table__header">${t("What became of it")}</th>
            </tr></thead>
            <tbody class="govuk-table__body">${page.items.map(
              (item) => html`<tr class="govuk-table__row" data-suggestion="${item.id}">
                <td class="govuk-table__cell"><a class="govuk-link" href="#/suggestions/${item.id}">${item.title}</a></td>
                <td class="govuk-table__cell">${formatDateTime(item.created_at)}<br><span class="govuk-body-s">${t("by {who}", { who: context.staffName(item.created_by_id) })}</span></td>
                <td class="govuk-table__cell">${statusTag(item.status)}</td>
              </tr>`,
            )}</tbody>
          </table>`
        : html`<p class="govuk-body">${t("No suggestions yet.")}</p>`}
    </div>`,
  );
  context.enhance();
}

function checkLength(errors, values, name, { missing, tooLong }, max) {
  const text = (values[name] || "").trim();
  if (!text) errors[name] = missing;
  else if (text.length > max) errors[name] = tooLong.replace("{max}", max.toLocaleString("en-GB"));
}

export async function suggestView(context, values = {}, errors = {}) {
  const { main } = context;
  mount(
    main,
    html`<div id="suggest-page">
      ${backLink("#/suggestions", t("Back to practice suggestions"))}
      ${errorSummary(errors, { title: "title", body: "body" })}
      <h1 class="govuk-heading-l">${t("Put forward a suggestion")}</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <form id="suggest-form" novalidate>
          ${textInput({ name: "title", label: t("Your idea in a few words"), labelClass: "govuk-label--s", value: values.title, error: errors.title })}
          ${textarea({
            name: "body",
            label: t("Tell us more"),
            labelClass: "govuk-label--s",
            hint: t("What would change, and why it would help families or staff. Do not name a family."),
            value: values.body,
            error: errors.body,
            rows: 8,
          })}
          ${button(t("Send suggestion"))}
        </form>
      </div></div>
    </div>`,
  );
  context.enhance();
  if (Object.keys(errors).length) focusErrorSummary(main);
  main.querySelector("#suggest-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = formValues(event.target);
    const problems = {};
    checkLength(problems, next, "title", { missing: t("Enter your idea in a few words"), tooLong: t("Your idea in a few words must be {max} characters or fewer") }, 200);
    checkLength(problems, next, "body", { missing: t("Enter more about your idea"), tooLong: t("More about your idea must be {max} characters or fewer") }, 20_000);
    if (Object.keys(problems).length) return suggestView(context, next, problems);
    try {
      const made = await post("/api/suggestions", { title: next.title.trim(), body: next.body.trim() });
      flash = t("Your suggestion is sent. Everyone can see it, and a manager will answer it.");
      context.go(`#/suggestions/${made.id}`);
    } catch (error) {
      suggestView(context, next, { title: error instanceof Offline ? t("You are offline. Send your suggestion when you have a connection.") : error.message });
    }
  });
}

function answerForm(suggestion, values, errors) {
  return html`<form id="answer-form" novalidate>
    <h2 class="govuk-heading-m">${suggestion.status === "submitted" ? t("Answer this suggestion") : t("Change the answer")}</h2>
    ${radios({ name: "status", legend: t("What will happen"), options: answers(), value: values.status ?? (suggestion.status === "submitted" ? "" : suggestion.status), error: errors.status })}
    ${textarea({
      name: "response",
      label: t("Your reasons"),
      labelClass: "govuk-label--s",
      hint: t("Everyone who can see the suggestion sees your reasons."),
      value: values.response ?? suggestion.response ?? "",
      error: errors.response,
      rows: 6,
    })}
    ${button(t("Save answer"))}
  </form>`;
}

export async function suggestionView(context, values = {}, errors = {}) {
  const { main, user } = context;
  const [id] = context.params;
  let suggestion;
  try {
    suggestion = await get(`/api/suggestions/${id}`);
  } catch (error) {
    return problem(main, error, t("Suggestion"));
  }
  if (!main.isConnected) return;
  const message = flash;
  flash = null;
  const mayAnswer = ANSWERING_ROLES.has(user?.role);
  mount(
    main,
    html`<div id="suggestion-page">
      ${backLink("#/suggestions", t("Back to practice suggestions"))}
      ${successBanner(message)}
      ${errorSummary(errors, { status: "status", response: "response" })}
      <span class="govuk-caption-l">${t("Practice suggestion")}</span>
      <h1 class="govuk-heading-l">${suggestion.title}</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Put forward by")}</dt>
            <dd class="govuk-summary-list__value">${context.staffName(suggestion.created_by_id)}, ${formatDateTime(suggestion.created_at)}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("The idea")}</dt>
            <dd class="govuk-summary-list__value app-pre-wrap">${suggestion.body}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("What became of it")}</dt>
            <dd class="govuk-summary-list__value" id="suggestion-status">${statusTag(suggestion.status)}</dd></div>
          ${suggestion.response
            ? html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Reasons")}</dt>
                <dd class="govuk-summary-list__value app-pre-wrap" id="suggestion-reasons">${suggestion.response}
                  <br><span class="govuk-body-s">${t("Answered {when}", { when: formatDateTime(suggestion.responded_at) })}</span></dd></div>`
            : ""}
        </dl>
        ${mayAnswer ? answerForm(suggestion, values, errors) : ""}
      </div></div>
    </div>`,
  );
  context.enhance();
  if (Object.keys(errors).length) focusErrorSummary(main);
  main.querySelector("#answer-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = formValues(event.target);
    const problems = {};
    if (!next.status) problems.status = t("Choose adopted, being tried or not now");
    if (!(next.response || "").trim()) problems.response = t("Give your reasons, so everyone can see why");
    if (Object.keys(problems).length) return suggestionView(context, next, problems);
    try {
      await post(`/api/suggestions/${id}/answer`, { status: next.status, response: next.response.trim() });
    } catch (error) {
      const text = error instanceof Offline ? t("You are offline. Save your answer when you have a connection.") : error.message;
      return suggestionView(context, next, error.errors?.status ? { status: text } : { response: text });
    }
    flash = t("Your answer is saved. Everyone can see it.");
    context.refresh();
  });
}
