// One child's plan: the plan they are on now, "Plan now" to start, change or
// end one, and every earlier episode with its corrections. It reads only the
// device and writes through the outbox, so it works offline: ending one plan
// and starting the next are two changes sent together at the next sync.

import { newId } from "../../domain/ids.js";
import { NO_PLAN, PLAN_TYPES, checkPlanChange, correctableFields, correctionsOf, currentEpisode, episodesOf, keepsPlan, planChanges, planName } from "../../domain/plans.js";
import { button, dateInput, errorSummary, focusOn, formValues, readDate, select, storageMessage, textInput } from "../forms.js";
import { ApiError, Offline, SessionEnded, get, hasCsrfToken, post } from "../../sync/api.js";
import { html } from "../html.js";
import { backLink, formatDate, tag } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { fullName, unsyncedTag } from "../people.js";
import { notSyncedTag, writtenBy } from "../records.js";
import { correctionValue, fieldTitle } from "../plan-correction-values.js";
import { t } from "../../i18n.js";
import { todayIso } from "../../clock.js";

const FIELD_IDS = {
  plan_type: "plan_type",
  cp_category: "cp_category",
  initial_conference_on: "initial_conference_on",
  legal_status: "legal_status",
  placement_started_on: "placement_started_on",
  placement_type: "placement_type",
  started_on: "started_on",
  end_reason: "end_reason",
};

/**
 * GOV.UK radios whose options may reveal more questions (the conditional
 * reveal pattern). The screen shows the chosen one itself, as the network
 * map's form does: GOV.UK's own script marks radios aria-expanded, which
 * radios may not carry.
 */
function revealingRadios({ name, legend, options, value, error, hint }) {
  const described = [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="govuk-form-group${error ? " govuk-form-group--error" : ""}">
    <fieldset class="govuk-fieldset" ${described ? html`aria-describedby="${described}"` : ""}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">${legend}</h2></legend>
      ${hint ? html`<div id="${name}-hint" class="govuk-hint">${hint}</div>` : ""}
      ${error ? html`<p id="${name}-error" class="govuk-error-message"><span class="govuk-visually-hidden">${t("Error:")}</span> ${error}</p>` : ""}
      <div class="govuk-radios">
        ${options.map(([code, text, reveal], index) => {
          const id = index === 0 ? name : `${name}-${index}`;
          return html`<div class="govuk-radios__item">
              <input class="govuk-radios__input" id="${id}" name="${name}" type="radio" value="${code}"
                ${code === value ? html`checked` : ""} ${reveal ? html`aria-controls="${id}-reveal"` : ""}>
              <label class="govuk-label govuk-radios__label" for="${id}">${text}</label>
            </div>
            ${reveal ? html`<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="${id}-reveal">${reveal}</div>` : ""}`;
        })}
      </div>
    </fieldset>
  </div>`;
}

function planForm(context, child, current, errors) {
  const { vocabulary } = context;
  const childName = child.known_as || child.given_name;
  const cpCategories = html`${select({ name: "cp_category", label: t("Category"), options: vocabulary("cp_category"), value: current?.cp_category || "", error: errors.cp_category })}
    ${dateInput({ name: "initial_conference_on", legend: t("When was the initial child protection conference? (optional)"), hint: t("The conference that made the plan. The census asks for it."), value: current?.initial_conference_on || "", error: errors.initial_conference_on })}`;
  const lookedAfter = html`${select({ name: "legal_status", label: t("Legal status"), options: vocabulary("legal_status"), value: current?.legal_status || "", error: errors.legal_status })}
    ${dateInput({ name: "placement_started_on", legend: t("When did the placement start? (optional)"), hint: t("Visits count from the placement's start."), value: current?.placement_started_on || "", error: errors.placement_started_on })}
    ${select({ name: "placement_type", label: t("Placement type (optional)"), options: vocabulary("placement_type"), value: current?.placement_type || "", error: errors.placement_type })}
    <p class="govuk-body-s">${t("The placement address is not kept on this device.")}</p>`;
  const options = [
    ...PLAN_TYPES.map((type) => [
      type,
      context.label("plan_type", type),
      type === "child_protection" ? cpCategories : type === "looked_after" ? lookedAfter : null,
    ]),
    [NO_PLAN, current ? t("No plan: end the current plan") : t("No plan")],
  ];
  return html`<form id="plan-form" novalidate>
    ${revealingRadios({
      name: "plan_type",
      legend: t("Plan now for {child}", { child: childName }),
      hint: current
        ? t("Now: {plan}, since {day}. Choose it again to change its category or placement.", { plan: planName(current, context.label), day: formatDate(current.started_on) })
        : t("No plan now."),
      options,
      value: current?.plan_type || "",
      error: errors.plan_type,
    })}
    ${dateInput({
      name: "started_on",
      legend: current ? t("From when? (the day the current plan ends and any next one starts)") : t("When did the plan start?"),
      hint: t("For example, 27 3 2026. Leave it empty for today."),
      error: errors.started_on,
    })}
    ${current
      ? select({ name: "end_reason", label: t("If the current plan ends, why?"), options: context.vocabulary("plan_end_reason"), error: errors.end_reason })
      : ""}
    <p class="app-draft-saved" id="plan-draft" aria-live="polite"></p>
    ${button(t("Save the plan"))}
  </form>`;
}

/**
 * The placement address of a looked-after child: online only. It is fetched
 * when asked for and held in this screen's memory: never in a draft, never
 * stored on the device. The server shows it to the allocated worker and the
 * team's supervisors alone.
 */
function placementSection(current, placement) {
  if (current?.plan_type !== "looked_after" || current.unsynced) {
    return "";
  }
  const address = placement.address;
  const lines = address ? [address.line1, address.line2, address.town, address.postcode].filter(Boolean) : [];
  const errors = placement.errors || {};
  return html`<section aria-labelledby="placement-heading" class="govuk-!-margin-bottom-8" id="placement-address">
    <h2 class="govuk-heading-m" id="placement-heading">${t("Placement address")}</h2>
    <p class="govuk-body">${t("Confidential. Only the allocated worker and the team's supervisors can see it. It needs a connection and is never kept on this device.")}</p>
    ${placement.problem
      ? html`<div class="govuk-warning-text" id="placement-problem">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${placement.problem}</strong>
        </div>`
      : ""}
    ${placement.loaded
      ? html`<p class="govuk-body" id="placement-now">${lines.length ? lines.map((line, index) => html`${index ? html`<br>` : ""}${line}`) : t("No placement address recorded yet.")}</p>
          <form id="placement-form" novalidate autocomplete="off">
            <h3 class="govuk-heading-s">${t("Record the placement address now")}</h3>
            ${textInput({ name: "placement_line1", label: t("Address line 1"), error: errors.line1, autocomplete: "off" })}
            ${textInput({ name: "placement_line2", label: t("Address line 2 (optional)"), autocomplete: "off" })}
            ${textInput({ name: "placement_town", label: t("Town or city (optional)"), width: 20, autocomplete: "off" })}
            ${textInput({ name: "placement_postcode", label: t("Postcode (optional)"), width: 10, autocomplete: "off" })}
            ${button(t("Record the address"), { secondary: true })}
          </form>`
      : html`<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="show-placement">${t("Show the placement address")}</button>`}
  </section>`;
}

/** One correction of an ended plan: what it changed, why, who made it and when. */
function correctionItem(context, amendment, fields) {
  const titles = Object.fromEntries(fields.map(([name, what]) => [name, fieldTitle(name, what)]));
  return html`<div class="app-record app-record--amendment">
    <h4 class="govuk-heading-s">${t("Correction by {who}", { who: writtenBy(context, amendment) })}${notSyncedTag(amendment)}</h4>
    <dl class="govuk-summary-list govuk-!-margin-bottom-4">
      ${Object.entries(amendment.changes || {}).map(
        ([name, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("{what}, corrected", { what: titles[name] || name.replaceAll("_", " ") })}</dt>
          <dd class="govuk-summary-list__value">${correctionValue(context, name, value)}</dd></div>`,
      )}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Reason")}</dt>
        <dd class="govuk-summary-list__value app-pre-wrap">${amendment.reason}</dd></div>
    </dl>
  </div>`;
}

function historySection(context, episodes, pending, { familyId, personId }) {
  const { label, data } = context;
  const ended = episodes.filter((episode) => episode.ended_on);
  const summary = (episode) =>
    html`<strong>${planName(episode, label)}</strong>, ${t("{start} to {end}.", { start: formatDate(episode.started_on), end: formatDate(episode.ended_on) })} ${label("plan_end_reason", episode.end_reason)}.`;
  return html`<section aria-labelledby="plan-history-heading" id="plan-history">
    <h2 class="govuk-heading-m" id="plan-history-heading">${t("Earlier plans")}</h2>
    ${ended.length
      ? ended.map((episode) => {
          const original = data.get("plan_episode", episode.id) || episode;
          const corrections = correctionsOf(data, episode.id);
          return html`<div class="app-record govuk-!-margin-bottom-6" id="episode-${episode.id}">
            <h3 class="govuk-heading-s">${planName(episode, label)}</h3>
            <p class="govuk-body">${summary(episode)}
              ${episode.amended ? tag(t("Corrected by amendment"), "blue") : ""} ${pending(episode) ? unsyncedTag() : ""}</p>
            ${corrections.length
              ? html`<p class="govuk-body">${t("As first recorded:")} ${summary(original)}</p>
                  ${corrections.map((amendment) => correctionItem(context, amendment, correctableFields(original)))}`
              : ""}
            <p class="govuk-body"><a class="govuk-link" href="#/family/${familyId}/child/${personId}/plan/${episode.id}/correct">${t("Correct this plan")}<span class="govuk-visually-hidden">: ${t("{plan}, ended {day}", { plan: planName(episode, label), day: formatDate(episode.ended_on) })}</span></a></p>
          </div>`;
        })
      : html`<p class="govuk-body">${t("No earlier plans on this device.")}</p>`}
  </section>`;
}

export async function planView(context) {
  const { params, session, data, label } = context;
  const [familyId, personId] = params;
  const draftKey = { "plan-form": `family/${familyId}/child/${personId}/plan` };
  const screen = new Screen(context, "plan-page");
  const drafts = await screen.typed.load(draftKey);
  const state = { errors: {}, message: "" };
  // The placement address, in memory only while this screen is open.
  const placement = { loaded: false, address: null, problem: "", errors: {} };
  const pending = (episode) => Boolean(episode.unsynced) || data.pending("plan_episode", episode.id);

  function page() {
    const family = data.get("family", familyId);
    const child = data.get("person", personId);
    if (!family || !child) {
      return html`<div id="plan-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Child not found")}</h1>
        <p class="govuk-body">${t("This child is not on this device.")}</p></div>`;
    }
    const current = currentEpisode(data, personId);
    return html`<div id="plan-page">
      ${backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }))}
      ${errorSummary(state.errors, FIELD_IDS)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("{name}'s plan", { name: fullName(child) })}</h1>
      <p class="govuk-body" id="plan-now">
        ${current ? html`<strong>${planName(current, label)}</strong> ${t("since {day}", { day: formatDate(current.started_on) })}` : t("No plan now.")}
        ${current && pending(current) ? unsyncedTag() : ""}
      </p>
      ${child.is_child ? planForm(context, child, current, state.errors) : html`<p class="govuk-body">${t("Plans are for children only.")}</p>`}
      ${placementSection(current, placement)}
      ${historySection(context, episodesOf(data, personId), pending, { familyId, personId })}
    </div>`;
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey);
    const form = root.querySelector("#plan-form");
    form?.addEventListener("submit", onSave);
    form?.addEventListener("change", (event) => {
      if (event.target.name === "plan_type") {
        showChosenReveal(root);
      }
    });
    showChosenReveal(root);
    root.querySelector("#show-placement")?.addEventListener("click", () => placementRequest("GET"));
    root.querySelector("#placement-form")?.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = formValues(event.target);
      const address = {
        line1: values.placement_line1.trim(),
        line2: values.placement_line2.trim() || null,
        town: values.placement_town.trim() || null,
        postcode: values.placement_postcode.trim().toUpperCase() || null,
      };
      if (!address.line1) {
        placement.errors = { line1: t("Enter the first line of the address") };
        return draw({ afterSubmit: true }).querySelector("#placement_line1")?.focus();
      }
      return placementRequest("POST", address);
    });
  }

  /** Fetch or record the placement address on the server; nothing is stored here. */
  async function placementRequest(method, address = null) {
    const episode = currentEpisode(data, personId);
    placement.problem = "";
    placement.errors = {};
    try {
      if (!hasCsrfToken()) {
        await session.resumeServerSession(true);
      }
      const path = `/api/plan-episodes/${episode.id}/placement-address`;
      const shown = method === "GET" ? await get(path) : await post(path, address);
      placement.loaded = true;
      placement.address = shown.address;
    } catch (error) {
      placement.problem =
        error instanceof Offline
          ? t("There is no connection: the placement address can only be seen online.")
          : error instanceof SessionEnded
            ? t("Your session with the server has ended. Sign in again to see the placement address.")
            : error instanceof ApiError && error.status === 403
              ? t("Only the allocated worker and the team's supervisors can see the placement address.")
              : method === "GET"
                ? t("The placement address could not be shown: {why}", { why: error.message })
                : t("The placement address could not be recorded: {why}", { why: error.message });
    }
    const root = draw({ afterSubmit: true, justSaved: method === "POST" && !placement.problem ? ["placement-form"] : [] });
    const target = root.querySelector(placement.problem ? "#placement-problem" : "#placement-now");
    target?.setAttribute("tabindex", "-1");
    target?.focus();
  }

  /** Show the questions of the chosen plan, hide the others. */
  function showChosenReveal(root) {
    for (const input of root.querySelectorAll('input[name="plan_type"][aria-controls]')) {
      root.querySelector(`#${input.getAttribute("aria-controls")}`)?.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  async function onSave(event) {
    event.preventDefault();
    const raw = formValues(event.target);
    const today = todayIso();
    const values = {
      plan_type: raw.plan_type || "",
      cp_category: raw.cp_category || "",
      initial_conference_on: readDate(raw, "initial_conference_on"),
      legal_status: raw.legal_status || "",
      placement_type: raw.placement_type || "",
      placement_started_on: readDate(raw, "placement_started_on"),
      started_on: readDate(raw, "started_on"),
      end_reason: raw.end_reason || "",
    };
    if (values.started_on === "") {
      values.started_on = today;
    }
    const current = currentEpisode(data, personId);
    state.message = "";
    state.errors = checkPlanChange(values, current, today);
    if (Object.keys(state.errors).length) {
      await session.saveDraft(draftKey["plan-form"], raw).catch(() => {});
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    const child = data.get("person", personId);
    const changes = planChanges({ familyId, personId, current, values, newId });
    try {
      for (const change of changes) {
        await session.sync.enqueue(change.entity, change.op, change.id, change.data);
      }
    } catch (error) {
      state.errors = { plan_type: t("Not saved: {why}", { why: storageMessage(error) }) };
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    await screen.typed.forget("plan-form");
    const name = child.known_as || child.given_name;
    state.message =
      values.plan_type === NO_PLAN
        ? t("{name}'s plan has ended. This is sent at the next sync.", { name })
        : keepsPlan(values, current)
          ? t("{name}'s plan is updated. This is sent at the next sync.", { name })
          : t("{name} is now on: {plan}. This is sent at the next sync.", { name, plan: planName(values, label) });
    draw({ afterSubmit: true, justSaved: ["plan-form"] });
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
