// GOV.UK form patterns: fields with hints and errors, an error summary linked
// to each field, validation on submit, and drafts saved as the worker types
// so nothing is lost to a validation error, a crash or a closed tab.

import { DRAFT_SAVE_MS } from "../config.js";
import { html } from "./html.js";
import { now } from "../clock.js";
import { t } from "../i18n.js";

/** @typedef {import("./html.js").SafeHtml} SafeHtml */

// An option's text as the worker reads it: a code list's label (marked N_("…")
// or sent by the server in English) in the language spoken; markup as it is.
const optionText = (text) => (typeof text === "string" ? t(text) : text);

const describedBy = (id, hint, error) =>
  [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || null;

function hintAndError(id, hint, error) {
  return html`${hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : ""}${
    error
      ? html`<p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">${t("Error:")}</span> ${error}</p>`
      : ""
  }`;
}

function group(error, content) {
  return html`<div class="govuk-form-group${error ? " govuk-form-group--error" : ""}">${content}</div>`;
}

/**
 * A GOV.UK text input with its label, hint and error.
 * @param {{name: string, label: Html, value?: string | number | null, hint?: Html, error?: Html,
 *   type?: string, width?: number | string, autocomplete?: string, spellcheck?: boolean, inputmode?: string,
 *   id?: string, labelClass?: string}} field
 * @returns {SafeHtml}
 */
export function textInput({ name, label, value = "", hint, error, type = "text", width, autocomplete, spellcheck, inputmode, id = name, labelClass = "" }) {
  const aria = describedBy(id, hint, error);
  return group(
    error,
    html`<label class="govuk-label ${labelClass}" for="${id}">${label}</label>${hintAndError(id, hint, error)}
      <input class="govuk-input${width ? ` govuk-input--width-${width}` : ""}${error ? " govuk-input--error" : ""}"
        id="${id}" name="${name}" type="${type}" value="${value ?? ""}"
        ${aria ? html`aria-describedby="${aria}"` : ""}
        ${autocomplete ? html`autocomplete="${autocomplete}"` : ""}
        ${spellcheck === false ? html`spellcheck="false"` : ""}
        ${inputmode ? html`inputmode="${inputmode}"` : ""}>`,
  );
}

/**
 * A GOV.UK textarea with its label, hint and error.
 * @param {{name: string, label: Html, value?: string | null, hint?: Html, error?: Html, rows?: number,
 *   id?: string, labelClass?: string}} field
 * @returns {SafeHtml}
 */
export function textarea({ name, label, value = "", hint, error, rows = 5, id = name, labelClass = "" }) {
  const aria = describedBy(id, hint, error);
  return group(
    error,
    html`<label class="govuk-label ${labelClass}" for="${id}">${label}</label>${hintAndError(id, hint, error)}
      <textarea class="govuk-textarea${error ? " govuk-textarea--error" : ""}" id="${id}" name="${name}"
        rows="${rows}" ${aria ? html`aria-describedby="${aria}"` : ""}>${value ?? ""}</textarea>`,
  );
}

/**
 * A GOV.UK select: options are [value, text] pairs after a placeholder.
 * @param {{name: string, label: Html, options: Option[], value?: string | null, hint?: Html, error?: Html,
 *   id?: string, placeholder?: string}} field
 * @returns {SafeHtml}
 */
export function select({ name, label, options, value = "", hint, error, id = name, placeholder = t("Choose one") }) {
  const aria = describedBy(id, hint, error);
  return group(
    error,
    html`<label class="govuk-label" for="${id}">${label}</label>${hintAndError(id, hint, error)}
      <select class="govuk-select${error ? " govuk-select--error" : ""}" id="${id}" name="${name}"
        ${aria ? html`aria-describedby="${aria}"` : ""}>
        <option value="">${placeholder}</option>
        ${options.map(([code, text]) => html`<option value="${code}" ${code === value ? html`selected` : ""}>${optionText(text)}</option>`)}
      </select>`,
  );
}

/**
 * GOV.UK radios in a fieldset: options are [value, text] pairs.
 * @param {{name: string, legend: Html, options: Option[], value?: string | null, hint?: Html, error?: Html,
 *   inline?: boolean, id?: string}} field
 * @returns {SafeHtml}
 */
export function radios({ name, legend, options, value = "", hint, error, inline = false, id = name }) {
  const aria = describedBy(id, hint, error);
  return group(
    error,
    html`<fieldset class="govuk-fieldset" ${aria ? html`aria-describedby="${aria}"` : ""}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${legend}</legend>
      ${hintAndError(id, hint, error)}
      <div class="govuk-radios${inline ? " govuk-radios--inline" : ""}" data-module="govuk-radios">
        ${options.map(
          ([code, text], index) => html`<div class="govuk-radios__item">
            <input class="govuk-radios__input" id="${index === 0 ? id : `${id}-${index}`}" name="${name}" type="radio"
              value="${code}" ${code === value ? html`checked` : ""}>
            <label class="govuk-label govuk-radios__label" for="${index === 0 ? id : `${id}-${index}`}">${optionText(text)}</label>
          </div>`,
        )}
      </div>
    </fieldset>`,
  );
}

/**
 * GOV.UK small checkboxes in a fieldset: options are [value, text] pairs.
 * @param {{name: string, legend: Html, options: Option[], values?: string[], hint?: Html, error?: Html,
 *   id?: string}} field
 * @returns {SafeHtml}
 */
export function checkboxes({ name, legend, options, values = [], hint, error, id = name }) {
  const aria = describedBy(id, hint, error);
  const chosen = new Set(values);
  return group(
    error,
    html`<fieldset class="govuk-fieldset" ${aria ? html`aria-describedby="${aria}"` : ""}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${legend}</legend>
      ${hintAndError(id, hint, error)}
      <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
        ${options.map(
          ([code, text], index) => html`<div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="${index === 0 ? id : `${id}-${index}`}" name="${name}" type="checkbox"
              value="${code}" ${chosen.has(code) ? html`checked` : ""}>
            <label class="govuk-label govuk-checkboxes__label" for="${index === 0 ? id : `${id}-${index}`}">${optionText(text)}</label>
          </div>`,
        )}
      </div>
    </fieldset>`,
  );
}

/**
 * The GOV.UK date input: day, month and year, named `${name}-day` and so on.
 * @param {{name: string, legend: Html, value?: string | null, hint?: Html, error?: Html, id?: string}} field
 * @returns {SafeHtml}
 */
export function dateInput({ name, legend, value = "", hint, error, id = name }) {
  const [year = "", month = "", day = ""] = (value || "").split("-");
  const aria = describedBy(id, hint, error);
  const part = (suffix, text, content, width) => html`<div class="govuk-date-input__item"><div class="govuk-form-group">
      <label class="govuk-label govuk-date-input__label" for="${suffix === "day" ? id : `${id}-${suffix}`}">${text}</label>
      <input class="govuk-input govuk-date-input__input govuk-input--width-${width}${error ? " govuk-input--error" : ""}"
        id="${suffix === "day" ? id : `${id}-${suffix}`}" name="${name}-${suffix}" type="text" inputmode="numeric" value="${content}">
    </div></div>`;
  return group(
    error,
    html`<fieldset class="govuk-fieldset" role="group" ${aria ? html`aria-describedby="${aria}"` : ""}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${legend}</legend>
      ${hintAndError(id, hint, error)}
      <div class="govuk-date-input" id="${id}-group">
        ${part("day", t("Day"), day, 2)}${part("month", t("Month"), month, 2)}${part("year", t("Year"), year, 4)}
      </div>
    </fieldset>`,
  );
}

/** Read a GOV.UK date input back as YYYY-MM-DD, "" when empty, or null when not a date. */
export function readDate(values, name) {
  const day = (values[`${name}-day`] || "").trim();
  const month = (values[`${name}-month`] || "").trim();
  const year = (values[`${name}-year`] || "").trim();
  if (!day && !month && !year) {
    return "";
  }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    return null;
  }
  const text = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? null : text;
}

export function dateParts(value) {
  const [year = "", month = "", day = ""] = (value || "").split("-");
  return { day, month, year };
}

export function errorSummary(errors, fieldIds = {}) {
  const entries = Object.entries(errors);
  if (!entries.length) {
    return "";
  }
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1">
    <div role="alert">
      <h2 class="govuk-error-summary__title">${t("There is a problem")}</h2>
      <div class="govuk-error-summary__body">
        <ul class="govuk-list govuk-error-summary__list">
          ${entries.map(([field, message]) => html`<li><a href="#${fieldIds[field] || field}">${message}</a></li>`)}
        </ul>
      </div>
    </div>
  </div>`;
}

/**
 * A GOV.UK button; name and value say which action a form was submitted with.
 * @param {Html} text
 * @param {{secondary?: boolean, warning?: boolean, type?: string, name?: string, value?: string, id?: string}} [options]
 * @returns {SafeHtml}
 */
export function button(text, { secondary = false, warning = false, type = "submit", name, value, id } = {}) {
  const kind = secondary ? " govuk-button--secondary" : warning ? " govuk-button--warning" : "";
  return html`<button type="${type}" class="govuk-button${kind}" data-module="govuk-button"
    ${name ? html`name="${name}" value="${value}"` : ""} ${id ? html`id="${id}"` : ""}>${text}</button>`;
}

/** Collect a form's values: one value per name, or a list for repeated checkbox names. */
export function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) {
      continue;
    }
    if (element.type === "checkbox") {
      values[element.name] ??= [];
      if (element.checked) {
        values[element.name].push(element.value);
      }
    } else if (element.type === "radio") {
      if (element.checked) {
        values[element.name] = element.value;
      } else {
        values[element.name] ??= "";
      }
    } else if (element.type !== "submit" && element.type !== "button") {
      values[element.name] = element.value;
    }
  }
  return values;
}

/** Fill a form's fields from saved values (a draft). */
export function fillForm(form, values) {
  for (const element of form.elements) {
    if (!element.name || !(element.name in values)) {
      continue;
    }
    const value = values[element.name];
    if (element.type === "checkbox") {
      element.checked = Array.isArray(value) && value.includes(element.value);
    } else if (element.type === "radio") {
      element.checked = element.value === value;
    } else {
      element.value = value;
    }
  }
}

/** Save a form's values as a draft while the worker types. */
export function saveAsTyped(form, save, status) {
  let timer = null;
  const handler = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        await save(formValues(form));
        if (status) {
          status.textContent = t("Draft saved at {time}", { time: now().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) });
        }
      } catch (error) {
        if (status) {
          status.textContent = t("The draft could not be saved: {reason}", { reason: storageMessage(error) });
        }
      }
    }, DRAFT_SAVE_MS);
  };
  form.addEventListener("input", handler);
  form.addEventListener("change", handler);
  // Save at once when the page is being hidden or closed.
  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      save(formValues(form));
    }
  };
  document.addEventListener("visibilitychange", flush);
  window.addEventListener("pagehide", flush);
  return () => {
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", flush);
    window.removeEventListener("pagehide", flush);
  };
}

export function storageMessage(error) {
  if (error?.name === "QuotaExceededError") {
    return t("this device has run out of storage space. Sync, then free some space.");
  }
  return error?.message || t("something went wrong on this device.");
}

/**
 * Move focus to the first element in `root` matching `selector` (a heading, a
 * panel or a field), making one that is not focusable by itself focusable by
 * script only, so it never joins the tab order.
 */
export function focusOn(root, selector) {
  const element = root.querySelector(selector);
  if (!element) return;
  if (!element.matches("input, select, textarea, button, a[href]") && !element.hasAttribute("tabindex")) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus();
}

export function focusErrorSummary(root) {
  const summary = root.querySelector(".govuk-error-summary");
  if (summary) {
    summary.focus();
  }
}

/** Move the focus to the banner after a save, so it is read out. */
export function focusBanner(main) {
  const banner = main.querySelector(".govuk-notification-banner");
  if (banner) {
    banner.setAttribute("tabindex", "-1");
    banner.focus();
  }
}
