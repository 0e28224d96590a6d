// Logging a decision from the family's page, at any time: a judgment log
// entry of its own, not part of a visit (the visit flow has the same form as
// its third part). A new entry gets its own address once it is saved
// (#/family/<id>/judgment/<entry id>), where its author carries on with the
// draft and signs it. Everything goes through the outbox, so it works offline.

import { button, formValues } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, tag } from "../layout.js";
import {
  checkJudgment,
  judgmentFields,
  rowCounts,
  saveJudgment,
  signJudgment,
  signJudgmentConfirmation,
  statusDetail,
  valuesFromJudgment,
  watchCategory,
  withAnotherRow,
} from "../judgment-form.js";
import { STATUS, categoryLabel, currentPolicy, lightOf, lightTag, statusOf } from "../judgment-policy.js";
import { mayRecordAgreement } from "../../domain/urgent.js";
import { draftStatus, familyName, isAuthor, notSyncedTag, successBanner } from "../records.js";
import { RecordScreen } from "../record-screen.js";
import { t } from "../../i18n.js";

/** Return the address of a decision logged on its own (not on a visit), new or saved. */
function logDecisionAddress(familyId, judgmentId = null) {
  return `#/family/${familyId}/judgment${judgmentId ? `/${judgmentId}` : ""}`;
}

class LogDecisionScreen extends RecordScreen {
  constructor(context, familyId, judgmentId) {
    super(context);
    this.familyId = familyId;
    this.judgmentId = judgmentId || null;
    this.onAddRow = (event) => {
      const adder = event.target.closest("[data-add-row]");
      if (adder && context.main.contains(adder)) {
        event.preventDefault();
        this.addRow(adder.closest("form"), adder.dataset.addRow);
      }
    };
    context.main.addEventListener("click", this.onAddRow);
  }

  close() {
    super.close();
    this.context.main.removeEventListener("click", this.onAddRow);
  }

  get data() {
    return this.context.data;
  }

  get judgment() {
    return this.judgmentId ? this.data.get("judgment", this.judgmentId) : null;
  }

  get draftKey() {
    return `judgment/${this.familyId}/decision/${this.judgmentId || "new"}`;
  }

  /** Draw the form again with one more row of a repeating part, keeping everything typed. */
  async addRow(form, prefix) {
    const { values, focusId } = withAnotherRow(formValues(form), prefix);
    this.state = { ...this.state, form: "judgment:", errors: {}, values, message: null };
    await this.render({ force: true });
    this.context.main.querySelector(`#${CSS.escape(focusId)}`)?.focus();
  }

  async prepare() {
    // The draft being typed decides how many rows of options, risks and people to draw.
    this.typedDraft = this.judgment?.state === "signed" ? null : await this.context.session.loadDraft(this.draftKey).catch(() => null);
  }

  markup() {
    const { data, familyId, judgment, state } = this;
    const family = data.get("family", familyId);
    if (!family) {
      return html`<h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device. It may have been handed over to someone else.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`;
    }
    const back = backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }));
    if (this.judgmentId && (!judgment || judgment.family_id !== familyId)) {
      return html`${back}<h1 class="govuk-heading-l">${t("Judgment log entry not found")}</h1>
        <p class="govuk-body">${t("It is not on this device.")}</p>`;
    }
    if (judgment && judgment.state !== "signed" && !isAuthor(judgment, this.context.user)) {
      return html`${back}<h1 class="govuk-heading-l">${t("Judgment log entry")}</h1>
        <p class="govuk-body">${t("Only the worker who wrote this entry can change it.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}">${t("Read the entry")}</a></p>`;
    }
    if (judgment && state.open === "confirm-judgment" && judgment.state !== "signed") {
      return signJudgmentConfirmation(data, judgment, "confirm-judgment", state.errors?.form);
    }
    const heading = html`${back}
      ${this.problems()}
      ${successBanner(state.message, this.announce)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${judgment ? t("Judgment log entry") : t("Log a decision")}</h1>`;
    if (judgment?.state === "signed") {
      return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">${heading}
        <p class="govuk-body">${tag(t("Signed"), "green")}${notSyncedTag(judgment)} ${t("The entry is final.")}</p>
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Decision question")}</dt><dd class="govuk-summary-list__value app-pre-wrap">${judgment.question}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Kind of decision")}</dt><dd class="govuk-summary-list__value">${categoryLabel(currentPolicy(data), judgment.category)}<br>${lightTag(lightOf(data, judgment))}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Status")}</dt><dd class="govuk-summary-list__value" id="judgment-status">${statusDetail(this.context, judgment)}</dd></div>
        </dl>
        ${mayRecordAgreement(data, judgment, this.context.user, currentPolicy(data))
          ? html`<p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}" id="record-agreement-link">${t("See the numbers to phone, and record agreement by phone")}</a></p>`
          : html`<p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}">${t("Open the entry")}</a></p>`}
        <p class="govuk-body"><a class="govuk-link" href="#/family/${familyId}">${t("Back to {family}", { family: family.display_name })}</a></p>
      </div></div>`;
    }
    const start = state.form === "judgment:" && state.values
      ? state.values
      : { ...(judgment ? valuesFromJudgment(judgment) : {}), ...(this.typedDraft || {}) };
    return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">${heading}
      <p class="govuk-body">${t("Log a professional decision about {family} whenever you make one, not only on a visit: the question, the options you weighed, what you decided and why, and who you consulted. It is kept apart from the compliance checklist.", { family: familyName(data, familyId) })}</p>
      ${judgment ? html`<p class="govuk-body">${tag(t("Draft"), "grey")}${notSyncedTag(judgment)} ${t("Not final until you sign it.")}</p>` : ""}
      <form data-form="judgment" data-draft="${this.draftKey}" novalidate>
        ${judgmentFields({ policy: currentPolicy(data), counts: rowCounts(start), errors: state.form === "judgment:" ? state.errors : {} })}
        ${draftStatus()}
        <div class="govuk-button-group">
          ${button(t("Save as draft"), { secondary: true, name: "action", value: "draft" })}
          ${button(t("Sign this entry"), { name: "action", value: "sign" })}
        </div>
      </form>
      <p class="govuk-body"><a class="govuk-link" href="#/family/${familyId}">${t("Cancel and go back to {family}", { family: family.display_name })}</a></p>
    </div></div>`;
  }

  initialValues(form) {
    return form.dataset.form === "judgment" && this.judgment ? valuesFromJudgment(this.judgment) : null;
  }

  afterRender() {
    const form = this.context.main.querySelector('form[data-form="judgment"]');
    if (form) watchCategory(form, currentPolicy(this.data), this.data.reference?.urgent_contacts);
  }

  handlers() {
    const { context } = this;
    const screen = this;
    return {
      async judgment(values, { submitter }) {
        const signing = submitter?.value === "sign";
        const errors = checkJudgment(values, { signing });
        if (Object.keys(errors).length) return { errors };
        const id = await saveJudgment(context, { judgment: screen.judgment, familyId: screen.familyId, interactionId: null }, values);
        if (!screen.judgmentId) {
          // The new entry gets its own address, replacing the blank form in the history.
          screen.judgmentId = id;
          history.replaceState(null, "", logDecisionAddress(screen.familyId, id));
        }
        if (signing) return { state: { open: "confirm-judgment" } };
        return { message: t("Your judgment log entry is saved as a draft. It is not final until you sign it.") };
      },

      async "confirm-judgment"(_values, { submitter }) {
        if (submitter?.value !== "yes") return {};
        await signJudgment(context, screen.judgmentId);
        const status = STATUS[statusOf(screen.data, screen.judgment)];
        return { message: t("The entry is signed. Its status is now: {status}. {meaning}", { status: status.words.toLowerCase(), meaning: status.text }) };
      },
    };
  }
}

export async function logDecisionView(context) {
  const [familyId, judgmentId] = context.params;
  if (!context.data.get("family", familyId)) {
    mount(
      context.main,
      html`<h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device. It may have been handed over to someone else.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
    );
    return null;
  }
  const screen = new LogDecisionScreen(context, familyId, judgmentId);
  await screen.render({ force: true });
  return () => screen.close();
}
