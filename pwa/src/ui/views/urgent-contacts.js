// The council's numbers to phone when a child may be at immediate risk: the
// team manager, the duty team and the emergency duty team (999 is fixed). An
// admin or the practice lead sets them, online (a council setting, like the
// decision policy); every device gets them with its reference data at sign-in
// and each unlock online, and shows them offline (ui/urgent-numbers.js).

import { URGENT_NUMBERS, telHref } from "../../domain/urgent.js";
import { ApiError, Offline, get, hasCsrfToken, request } from "../../sync/api.js";
import { button, errorSummary, textInput } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDateTime } from "../layout.js";
import { successBanner } from "../screen.js";
import { urgentNumberWords } from "../urgent-numbers.js";
import { t } from "../../i18n.js";

const EDITORS = new Set(["admin", "practice_lead"]);

/** Return field errors for the numbers as typed, as the server checks them. */
export function checkNumbers(values) {
  const errors = {};
  for (const number of URGENT_NUMBERS) {
    const { key } = number;
    const { label } = urgentNumberWords(number);
    const text = (values[key] || "").trim();
    if (!text) errors[key] = t("Enter the number for {who}", { who: label.toLowerCase() });
    else if (!telHref(text)) errors[key] = t("Enter a UK phone number, like 020 7946 0123 or 0161 496 0123");
  }
  return errors;
}

function page({ contacts, values, errors, message, problem }) {
  return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds" id="urgent-contacts-page">
    ${backLink("#/policy", t("Back to the decision policy"))}
    ${errorSummary(errors)}
    ${successBanner(message)}
    <h1 class="govuk-heading-l">${t("Numbers to phone when a child may be at immediate risk")}</h1>
    <p class="govuk-body">${t("Workers see these numbers at once, with or without a network, when they say a child may be at immediate risk or log a decision of a kind the policy marks urgent. They are told to phone 999 first if a child is in immediate danger.")}</p>
    <p class="govuk-body">${t("Devices get changed numbers the next time they sign in or unlock online.")}</p>
    ${problem ? html`<div class="govuk-inset-text" id="urgent-contacts-problem">${problem}</div>` : ""}
    ${contacts?.updated_at ? html`<p class="govuk-body-s">${t("Last changed {when}.", { when: formatDateTime(contacts.updated_at) })}</p>` : ""}
    <form id="urgent-contacts-form" novalidate>
      ${URGENT_NUMBERS.map((number) => ({ key: number.key, ...urgentNumberWords(number) })).map(({ key, label, when }) =>
        textInput({ name: key, label, hint: when, value: values[key] || "", error: errors[key], type: "tel", autocomplete: "off", width: 20 }),
      )}
      ${button(t("Save the numbers"))}
    </form>
  </div></div>`;
}

export async function urgentContactsView(context) {
  const { main, session, user } = context;
  if (!EDITORS.has(user?.role)) {
    mount(main, html`<h1 class="govuk-heading-l">${t("Numbers to phone")}</h1>
      <p class="govuk-body">${t("An admin or the practice lead sets the council's numbers. You see them on a family's page under \"A child may be at immediate risk\".")}</p>`);
    return null;
  }
  const state = { contacts: null, values: {}, errors: {}, message: "", problem: "" };
  try {
    if (!hasCsrfToken()) await session.resumeServerSession(true);
    state.contacts = await get("/api/urgent-contacts");
    state.values = Object.fromEntries(URGENT_NUMBERS.map(({ key }) => [key, state.contacts[key] || ""]));
  } catch (error) {
    state.problem = error instanceof Offline ? t("You are offline. Setting the numbers needs a connection.") : t("The numbers could not be loaded. Try again later.");
  }

  function draw(focusOn) {
    mount(main, page(state));
    main.querySelector("#urgent-contacts-form")?.addEventListener("submit", onSave);
    if (focusOn) main.querySelector(focusOn)?.focus();
  }

  async function onSave(event) {
    event.preventDefault();
    const form = event.target;
    state.values = Object.fromEntries(URGENT_NUMBERS.map(({ key }) => [key, form.elements[key].value]));
    state.errors = checkNumbers(state.values);
    state.message = "";
    if (Object.keys(state.errors).length) {
      draw(".govuk-error-summary");
      return;
    }
    try {
      state.contacts = await request("PUT", "/api/urgent-contacts", state.values);
      state.problem = "";
      state.message = t("The numbers are saved. Devices get them the next time they sign in or unlock online.");
      await session.refreshReference().catch(() => {});
      draw(".govuk-notification-banner");
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        state.errors = Object.fromEntries(Object.entries(error.errors || {}).map(([key, messages]) => [key, [].concat(messages)[0]]));
        draw(".govuk-error-summary");
        return;
      }
      state.problem = error instanceof Offline ? t("You are offline. The numbers were not saved.") : t("The numbers were not saved. Try again later.");
      draw("#urgent-contacts-problem");
    }
  }

  draw();
  return null;
}
