// The council's decision policy, for admins: each kind of decision and its
// light (green, yellow, red). Publishing makes a new version through the
// server; judgment entries keep the version they were logged under, and
// workers' devices get the new version at their next sync. Online only: the
// current version and the history are read from the server, not the device.

import { LIGHT_CHOICES, policyChanges, readPolicyForm } from "../../domain/policy.js";
import { ApiError, Offline, SessionEnded, get, hasCsrfToken, post } from "../../sync/api.js";
import { button, errorSummary, select, textInput } from "../forms.js";
import { html, mount } from "../html.js";
import { formatDateTime, tag } from "../layout.js";
import { Screen, successBanner } from "../screen.js";

const DRAFT_KEY = "decision-policy";
const LIGHT_TAG = { green: ["Green", "green"], yellow: ["Yellow", "yellow"], red: ["Red", "red"] };

function lightTag(light) {
  const [text, colour] = LIGHT_TAG[light] || [light, "grey"];
  return tag(text, colour);
}

function categoriesTable(categories, caption) {
  return html`<table class="govuk-table">
    <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Kind of decision</th>
      <th scope="col" class="govuk-table__header">Key</th>
      <th scope="col" class="govuk-table__header">Light</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${categories.map(
        (category) => html`<tr class="govuk-table__row">
          <td class="govuk-table__cell">${category.label}</td>
          <td class="govuk-table__cell"><code>${category.key}</code></td>
          <td class="govuk-table__cell">${lightTag(category.light)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function publishedBy(context, version) {
  const when = version.created_at ? formatDateTime(version.created_at) : "";
  const who = version.created_by_id ? context.staffName(version.created_by_id) : "";
  return [when && `published ${when}`, who && `by ${who}`].filter(Boolean).join(" ");
}

function editForm(current, newRows, errors) {
  return html`<form id="policy-form" novalidate>
    <h2 class="govuk-heading-m">Change the policy</h2>
    <p class="govuk-body">Publishing makes a new version. Decisions already logged keep the version they were logged under; new decisions use the new one from each device's next sync.</p>
    ${current.map(
      (category, index) => html`<fieldset class="govuk-fieldset app-policy-category" aria-describedby="key-${index}">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${category.label}</legend>
        <p class="govuk-hint" id="key-${index}">Key: ${category.key} (kept, so decisions logged under it still match)</p>
        ${textInput({ name: `label-${index}`, label: "Name", value: category.label, error: errors[`label-${index}`] })}
        ${select({ name: `light-${index}`, label: "Light", options: LIGHT_CHOICES, value: category.light, error: errors[`light-${index}`], placeholder: "Choose a light" })}
        <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="remove-${index}" name="remove-${index}" type="checkbox" value="yes">
            <label class="govuk-label govuk-checkboxes__label" for="remove-${index}">Remove ‘${category.label}’ from the policy</label>
          </div>
        </div></div>
      </fieldset>`,
    )}
    ${Array.from({ length: newRows }, (_, row) => html`<fieldset class="govuk-fieldset app-policy-category">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">New category${newRows > 1 ? ` ${row + 1}` : ""}</legend>
        ${textInput({ name: `new-label-${row}`, label: "Name", hint: "The kind of decision, as workers will see it. For example, ‘Leave a child at home alone’.", error: errors[`new-label-${row}`] })}
        ${textInput({ name: `new-key-${row}`, label: "Key (optional)", hint: "Lower-case letters, numbers and underscores. Left empty, it is made from the name.", error: errors[`new-key-${row}`], width: 20, spellcheck: false })}
        ${select({ name: `new-light-${row}`, label: "Light", options: LIGHT_CHOICES, error: errors[`new-light-${row}`], placeholder: "Choose a light" })}
      </fieldset>`)}
    <button type="button" class="govuk-button govuk-button--secondary" data-policy-action="add-row">Add another category</button>
    <p class="app-draft-saved" id="policy-draft" aria-live="polite"></p>
    <div class="govuk-button-group">${button("Publish a new version")}</div>
  </form>`;
}

function notForPractitioners(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">Decision policy</h1>
      <p class="govuk-body">Your council's administrators set the decision policy. You see the light of each kind of decision when you log a judgment.</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">Go to your caseload</a></p>`,
  );
}

function summariseChanges(changes) {
  const parts = [];
  const count = (list, word) => list.length && parts.push(`${list.length} ${word}`);
  count(changes.added, "added");
  count(changes.removed, "removed");
  count(changes.relit, "given another light");
  count(changes.renamed, "renamed");
  return parts.length ? `Categories ${parts.join(", ")}.` : "No category changed.";
}

export async function policyView(context) {
  const { main, session, user } = context;
  if (user?.role !== "admin") {
    return notForPractitioners(main);
  }
  const draft = await session.loadDraft(DRAFT_KEY).catch(() => null);
  const state = {
    versions: null,
    loadProblem: "",
    problem: "",
    message: "",
    errors: {},
    newRows: Math.max(1, Object.keys(draft || {}).filter((name) => name.startsWith("new-label-")).length),
    sending: false,
  };
  const screen = new Screen(context, "policy-page");

  function problemText(error, what) {
    if (error instanceof Offline) {
      return `There is no connection, so ${what}. The decision policy can only be changed online.`;
    }
    if (error instanceof SessionEnded) {
      return `Your session with the server has ended, so ${what}. Sign out and sign in again.`;
    }
    return `Sorry, ${what}: ${error.message}`;
  }

  async function load() {
    try {
      if (!hasCsrfToken()) {
        await session.resumeServerSession(true);
      }
      state.versions = await get("/api/decision-policy/versions");
      state.loadProblem = "";
    } catch (error) {
      state.loadProblem = problemText(error, "the decision policy could not be loaded");
    }
  }

  function page() {
    const versions = state.versions || [];
    const current = versions[0] || null;
    const categories = current?.categories || [];
    return html`<div id="policy-page">
      ${errorSummary(state.errors)}
      ${successBanner(state.message)}
      <h1 class="govuk-heading-l">Decision policy</h1>
      <p class="govuk-body">Each kind of professional decision has a light. Green: the worker decides and logs it. Yellow: the worker decides and their supervisor discusses it. Red: a supervisor must approve it before the worker acts.</p>
      ${state.problem || state.loadProblem
        ? html`<div class="govuk-warning-text" id="policy-problem">
            <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>${state.problem || state.loadProblem}</strong>
          </div>
          ${state.loadProblem ? html`<button type="button" class="govuk-button govuk-button--secondary" data-policy-action="reload">Try again</button>` : ""}`
        : ""}
      ${state.versions === null
        ? ""
        : html`<h2 class="govuk-heading-m" id="current-version">${current ? `Version ${current.version} is in use` : "No policy published yet"}</h2>
          ${current
            ? html`<p class="govuk-body">${publishedBy(context, current)}.</p>${categoriesTable(categories, `The ${categories.length} kinds of decision in version ${current.version}`)}`
            : html`<p class="govuk-body">Until a policy is published, every decision is yellow: the worker decides and their supervisor discusses it.</p>`}
          ${editForm(categories, state.newRows, state.errors)}
          <h2 class="govuk-heading-m govuk-!-margin-top-8">Earlier versions</h2>
          ${versions.length > 1
            ? versions.slice(1).map(
                (version) => html`<details class="govuk-details">
                  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Version ${version.version}, ${publishedBy(context, version)}</span></summary>
                  <div class="govuk-details__text">${categoriesTable(version.categories, `The kinds of decision in version ${version.version}`)}</div>
                </details>`,
              )
            : html`<p class="govuk-body">There are no earlier versions.</p>`}`}
    </div>`;
  }

  function wire(root) {
    const form = root.querySelector("#policy-form");
    if (form) {
      screen.typed.watch(form, DRAFT_KEY, root.querySelector("#policy-draft"));
      form.addEventListener("submit", onPublish);
    }
    root.addEventListener("click", onClick);
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  function focus(selector) {
    const element = main.querySelector(selector);
    if (element) {
      if (!element.matches("input, select, textarea, button, a")) element.setAttribute("tabindex", "-1");
      element.focus();
    }
  }

  async function onClick(event) {
    const action = event.target.closest("[data-policy-action]")?.dataset.policyAction;
    if (action === "add-row") {
      state.newRows += 1;
      draw({ afterSubmit: true });
      focus(`#new-label-${state.newRows - 1}`);
    } else if (action === "reload") {
      await load();
      draw({ afterSubmit: true });
      focus("h1");
    }
  }

  async function onPublish(event) {
    event.preventDefault();
    if (state.sending) {
      return;
    }
    const values = {};
    for (const element of event.target.elements) {
      if (!element.name) continue;
      if (element.type === "checkbox") {
        values[element.name] = [...(values[element.name] || []), ...(element.checked ? [element.value] : [])];
      } else {
        values[element.name] = element.value;
      }
    }
    const current = state.versions?.[0]?.categories || [];
    const { categories, errors } = readPolicyForm(values, current, state.newRows);
    state.message = "";
    state.problem = "";
    state.errors = errors;
    await session.saveDraft(DRAFT_KEY, values).catch(() => {});
    if (Object.keys(errors).length) {
      draw({ afterSubmit: true });
      return focus(".govuk-error-summary");
    }
    state.sending = true;
    try {
      if (!hasCsrfToken()) {
        await session.resumeServerSession(true);
      }
      const published = await post("/api/decision-policy", { categories });
      await screen.typed.forget("policy-form");
      state.versions = [published, ...(state.versions || [])];
      state.newRows = 1;
      state.message = `Version ${published.version} published. ${summariseChanges(policyChanges(current, published.categories))} Workers' devices get it at their next sync.`;
      draw({ afterSubmit: true, justSaved: ["policy-form"] });
      focus(".govuk-notification-banner");
      load().then(() => draw({ quiet: true })); // the history as the server holds it
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        state.errors = { "new-label-0": `The server refused this policy: ${flatten(error.errors).join(" ") || error.message}` };
        draw({ afterSubmit: true });
        return focus(".govuk-error-summary");
      }
      state.problem = problemText(error, "the new version was not published");
      draw({ afterSubmit: true });
      focus("#policy-problem");
    } finally {
      state.sending = false;
    }
  }

  await load();
  draw({ drafts: { "policy-form": draft } });
  return () => screen.stop();
}

function flatten(errors) {
  if (typeof errors === "string") return [errors];
  if (Array.isArray(errors)) return errors.flatMap(flatten);
  if (errors && typeof errors === "object") return Object.values(errors).flatMap(flatten);
  return [];
}
