// Who has worked with a family, and handing the family over to another
// worker of the team. The history is read from the device (it works
// offline). A handover is online only: the server ends the current worker's
// assignment and starts the next in one step, under its own rules (a reason
// and a handover note, a worker of the supervisor's team). Nothing is queued
// to send later; what the supervisor typed is kept as a draft.

import { ALLOCATED_WORKER } from "../../domain/team.js";
import { ApiError, Offline, SessionEnded, hasCsrfToken, post } from "../../sync/api.js";
import { button, errorSummary, focusOn, formValues, radios, select, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink } from "../layout.js";
import { assignmentHistorySection } from "../assignment-history.js";
import { Screen, successBanner } from "../screen.js";
import { t } from "../../i18n.js";

const NOTE_MAX = 20_000;
const FIELD_IDS = { worker_id: "handover-worker", change_reason: "change-reason", handover_note: "handover-note" };

/** Return the workers of the supervisor's team this family could move to. */
export function teamWorkers(context, familyId) {
  const { data, session, user } = context;
  const current = new Set(
    data
      .ofFamily("assignment", familyId)
      .filter((a) => (a.role || ALLOCATED_WORKER) === ALLOCATED_WORKER && !a.ended_on)
      .map((a) => a.worker_id),
  );
  const directory = Object.values(session.data?.reference?.directory || {});
  return directory
    .filter((person) => person.team_id && person.team_id === user.team_id)
    .filter((person) => ["caseworker", "supervisor"].includes(person.role) && !current.has(person.id))
    .map((person) => [person.id, person.id === user.id ? t("{name} (you)", { name: person.display_name }) : person.display_name])
    .sort((a, b) => a[1].localeCompare(b[1]));
}

/** Check the handover form as the server will, so the supervisor hears of a gap at once. */
export function checkHandover(values, workers) {
  const errors = {};
  if (!values.worker_id) {
    errors.worker_id = t("Choose who the family moves to");
  } else if (!workers.some(([id]) => id === values.worker_id)) {
    errors.worker_id = t("Choose a worker in your team");
  }
  if (!values.change_reason) {
    errors.change_reason = t("Choose why the family is moving to another worker");
  }
  const note = (values.handover_note || "").trim();
  if (!note) {
    errors.handover_note = t("Write a handover note: what matters to this family, and what is in hand");
  } else if (note.length > NOTE_MAX) {
    errors.handover_note = t("The handover note must be 20,000 characters or fewer");
  }
  return errors;
}

function handoverForm(context, workers, errors) {
  return html`<form id="handover-form" novalidate>
    ${select({ name: "worker_id", id: FIELD_IDS.worker_id, label: t("Who does the family move to?"), options: workers, error: errors.worker_id, placeholder: t("Choose a worker") })}
    ${radios({ name: "change_reason", id: FIELD_IDS.change_reason, legend: t("Why is the family moving?"), options: context.vocabulary("handover_reason"), error: errors.change_reason })}
    ${textarea({
      name: "handover_note",
      id: FIELD_IDS.handover_note,
      label: t("Handover note"),
      hint: t("For the next worker: what matters to this family, who they trust, what is in hand and what is due. The family's history keeps it."),
      error: errors.handover_note,
      rows: 8,
    })}
    <p class="app-draft-saved" id="handover-draft" aria-live="polite"></p>
    ${button(t("Hand over the family"))}
  </form>`;
}

export async function handoverView(context) {
  const { main, params, session, data, user } = context;
  const familyId = params[0];
  const draftKey = `family/${familyId}/handover`;
  const draft = await session.loadDraft(draftKey).catch(() => null);
  const state = { errors: {}, problem: "", message: "", sending: false };
  const screen = new Screen(context, "handover-page");

  function page() {
    const family = data.get("family", familyId);
    if (user?.role !== "supervisor") {
      return html`<div id="handover-page">${backLink(`#/family/${familyId}`, t("Back to the family"))}
        <h1 class="govuk-heading-l">${t("Hand over a family")}</h1>
        <p class="govuk-body">${t("Only a supervisor can assign or hand over a family. Talk to your supervisor.")}</p></div>`;
    }
    if (!family) {
      return html`<div id="handover-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device.")}</p></div>`;
    }
    const workers = teamWorkers(context, familyId);
    return html`<div id="handover-page">
      ${backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }))}
      ${errorSummary(state.errors, FIELD_IDS)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Assign or hand over the family")}</h1>
      <div class="govuk-inset-text">
        ${t("Handing over needs a connection to the server: it is not saved on this device to send later.")}
        ${t("What you type is kept on this device as a draft until the handover is made.")}
      </div>
      ${state.problem
        ? html`<div class="govuk-warning-text" id="handover-problem">
            <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${state.problem}</strong>
          </div>`
        : ""}
      ${workers.length
        ? handoverForm(context, workers, state.errors)
        : html`<p class="govuk-body">${t("There is no other worker in your team on this device's staff list. Sync when you have a connection, then try again.")}</p>`}
      ${assignmentHistorySection({ ...context, user: null }, familyId)}
    </div>`;
  }

  function wire(root) {
    const form = root.querySelector("#handover-form");
    if (form) {
      screen.typed.watch(form, draftKey, root.querySelector("#handover-draft"));
      form.addEventListener("submit", onSubmit);
    }
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (state.sending) {
      return;
    }
    const form = event.target;
    const values = formValues(form);
    values.change_reason ||= "";
    state.message = "";
    state.problem = "";
    state.errors = checkHandover(values, teamWorkers(context, familyId));
    await session.saveDraft(draftKey, values).catch(() => {});
    if (Object.keys(state.errors).length) {
      draw({ afterSubmit: true });
      return focusOn(main, ".govuk-error-summary");
    }
    state.sending = true;
    try {
      if (!hasCsrfToken()) {
        await session.resumeServerSession(true);
      }
      const assignment = await post(`/api/families/${familyId}/handover`, {
        worker_id: values.worker_id,
        change_reason: values.change_reason,
        handover_note: values.handover_note.trim(),
      });
      await screen.typed.forget("handover-form");
      state.message = t("The family is now with {worker}. Their device gets the family at its next sync.", { worker: context.staffName(assignment.worker_id) });
      draw({ afterSubmit: true, justSaved: ["handover-form"] });
      focusOn(main, ".govuk-notification-banner");
      session.sync?.syncNow("handover"); // bring this device's copy of the history up to date
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && Object.keys(error.errors).length) {
        state.errors = Object.fromEntries(
          Object.entries(error.errors).map(([field, messages]) => [field in FIELD_IDS ? field : "handover_note", [].concat(messages).join(" ")]),
        );
        draw({ afterSubmit: true });
        return focusOn(main, ".govuk-error-summary");
      }
      state.problem =
        error instanceof Offline
          ? t("There is no connection, so the family has not been handed over. Your note is kept on this device: try again when you are online.")
          : error instanceof SessionEnded
            ? t("Your session with the server has ended, so the family has not been handed over. Sign in again, then try again: your note is kept.")
            : t("The family has not been handed over: {why}", { why: error.message });
      draw({ afterSubmit: true });
      focusOn(main, "#handover-problem");
    } finally {
      state.sending = false;
    }
  }

  draw({ drafts: { "handover-form": draft } });
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
