// Correcting a child's ended plan: an ended episode is frozen, so a mistake
// in it (a wrong date, the wrong category, the wrong reason it ended) is put
// right by an amendment with a reason. The original stays as it was and the
// plan's history shows both. It reads only the device and writes through the
// outbox, so it works offline.

import { newId } from "../../domain/ids.js";
import { checkPlanCorrection, correctableFields, episodesOf, isCorrectable, planCorrection, planName } from "../../domain/plans.js";
import { button, dateInput, errorSummary, focusOn, formValues, readDate, select, storageMessage, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink, formatDate } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { fullName } from "../people.js";
import { todayIso } from "../../clock.js";
import { DATES, VOCABULARY, correctionValue, fieldTitle } from "../plan-correction-values.js";
import { t } from "../../i18n.js";

/** The question for one field's corrected value, revealed when the field is ticked as wrong. */
function correctedInput(context, name, what, episode, error) {
  const now = correctionValue(context, name, episode[name]);
  const hint = t("Now: {value}.", { value: now });
  if (DATES.has(name)) {
    return dateInput({ name, legend: t("{what}, corrected", { what }), hint: `${hint} ${t("For example, 27 3 2026.")}`, value: episode[name] || "", error });
  }
  return select({ name, label: t("{what}, corrected", { what }), hint, options: context.vocabulary(VOCABULARY[name]), value: episode[name] || "", error });
}

/**
 * GOV.UK checkboxes whose options reveal a question (the conditional reveal
 * pattern). The screen shows the ticked ones itself, as the plan screen does
 * for its radios: GOV.UK's script would mark them aria-expanded.
 */
function whatIsWrong(context, episode, errors) {
  const error = errors.fields;
  const described = ["fields-hint", error ? "fields-error" : ""].filter(Boolean).join(" ");
  return html`<div class="govuk-form-group${error ? " govuk-form-group--error" : ""}">
    <fieldset class="govuk-fieldset" aria-describedby="${described}">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">${t("What is wrong?")}</h2></legend>
      <div id="fields-hint" class="govuk-hint">${t("Select all that apply, then give each as it should be.")}</div>
      ${error ? html`<p id="fields-error" class="govuk-error-message"><span class="govuk-visually-hidden">${t("Error:")}</span> ${error}</p>` : ""}
      <div class="govuk-checkboxes">
        ${correctableFields(episode).map(([name, english], index) => {
          const what = fieldTitle(name, english);
          const id = index === 0 ? "fields" : `fields-${index}`;
          return html`<div class="govuk-checkboxes__item">
              <input class="govuk-checkboxes__input" id="${id}" name="fields" type="checkbox" value="${name}" aria-controls="${id}-reveal">
              <label class="govuk-label govuk-checkboxes__label" for="${id}">${what}</label>
            </div>
            <div class="govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden" id="${id}-reveal">
              ${correctedInput(context, name, what, episode, errors[name])}
            </div>`;
        })}
      </div>
    </fieldset>
  </div>`;
}

export async function planCorrectionView(context) {
  const { params, session, data, label } = context;
  const [familyId, personId, episodeId] = params;
  const planAddress = `#/family/${familyId}/child/${personId}/plan`;
  const draftKey = { "correction-form": `family/${familyId}/child/${personId}/plan/${episodeId}/correction` };
  const screen = new Screen(context, "plan-correction-page");
  const drafts = await screen.typed.load(draftKey);
  const state = { errors: {}, message: "" };

  const episodeNow = () => episodesOf(data, personId).find((episode) => episode.id === episodeId) || null;

  function page() {
    const family = data.get("family", familyId);
    const child = data.get("person", personId);
    const episode = episodeNow();
    if (!family || !child || !episode) {
      return html`<div id="plan-correction-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Plan not found")}</h1>
        <p class="govuk-body">${t("This plan is not on this device.")}</p></div>`;
    }
    const heading = html`${backLink(planAddress, t("Back to {name}'s plan", { name: fullName(child) }))}
      ${errorSummary(state.errors)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${fullName(child)}</span>
      <h1 class="govuk-heading-l">${t("Correct this plan")}</h1>`;
    if (!isCorrectable(episode)) {
      return html`<div id="plan-correction-page">${heading}
        <p class="govuk-body">${t("This plan is still running. Change it with \"Plan now\" on {name}'s plan.", { name: fullName(child) })}</p></div>`;
    }
    return html`<div id="plan-correction-page">${heading}
      <p class="govuk-body" id="plan-corrected">
        <strong>${planName(episode, label)}</strong>, ${t("{start} to {end}.", { start: formatDate(episode.started_on), end: formatDate(episode.ended_on) })}
        ${label("plan_end_reason", episode.end_reason)}.
      </p>
      <p class="govuk-body">${t("An ended plan is not changed. Your correction is added to it with your reason, your name and the date, and the plan's history shows the plan as first recorded beside it.")}</p>
      <form id="correction-form" novalidate>
        ${whatIsWrong(context, episode, state.errors)}
        ${textarea({
          name: "reason",
          label: t("Why are you correcting it?"),
          hint: t("For example, what was wrong and how you found out."),
          rows: 3,
          error: state.errors.reason,
        })}
        <p class="app-draft-saved" id="correction-draft" aria-live="polite"></p>
        <div class="govuk-button-group">
          ${button(t("Save the correction"))}
          <a class="govuk-link" href="${planAddress}">${t("Cancel")}</a>
        </div>
      </form>
    </div>`;
  }

  /** Show the corrected-value questions of the ticked boxes, hide the others. */
  function showTicked(root) {
    for (const input of root.querySelectorAll('input[name="fields"][aria-controls]')) {
      root.querySelector(`#${input.getAttribute("aria-controls")}`)?.classList.toggle("govuk-checkboxes__conditional--hidden", !input.checked);
    }
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey);
    const form = root.querySelector("#correction-form");
    form?.addEventListener("submit", onSave);
    form?.addEventListener("change", (event) => {
      if (event.target.name === "fields") showTicked(root);
    });
    showTicked(root);
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  async function onSave(event) {
    event.preventDefault();
    const episode = episodeNow();
    const raw = formValues(event.target);
    const values = {
      fields: raw.fields || [],
      started_on: readDate(raw, "started_on"),
      ended_on: readDate(raw, "ended_on"),
      placement_started_on: readDate(raw, "placement_started_on"),
      initial_conference_on: readDate(raw, "initial_conference_on"),
      end_reason: raw.end_reason || "",
      cp_category: raw.cp_category || "",
      legal_status: raw.legal_status || "",
      placement_type: raw.placement_type || "",
      reason: raw.reason || "",
    };
    state.message = "";
    state.errors = checkPlanCorrection(values, episode, todayIso());
    if (Object.keys(state.errors).length) {
      await session.saveDraft(draftKey["correction-form"], raw).catch(() => {});
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    const { target_kind: targetKind, target_id: targetId, reason, changes } = planCorrection(values, episode);
    try {
      await session.sync.enqueue("amendment", "create", newId(), { target_kind: targetKind, target_id: targetId, reason, changes });
    } catch (error) {
      state.errors = { fields: t("Not saved: {why}", { why: storageMessage(error) }) };
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    await screen.typed.forget("correction-form");
    state.message = t("Your correction is saved. It is sent at the next sync, and the plan's history shows it beside the original.");
    draw({ afterSubmit: true, justSaved: ["correction-form"] });
    focusOn(context.main, ".govuk-notification-banner");
  }

  draw({ drafts });
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
