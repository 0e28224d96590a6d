// A judgment log entry: a professional decision with the options weighed,
// the rationale, risks, who was consulted and who disagreed. The council's
// policy gives each kind of decision a light: green (the worker decides and
// logs it), yellow (their supervisor discusses it), red (a supervisor must
// approve it first). Kept apart from the compliance checklist on purpose.
//
// This module also holds the entry's form, which the visit flow uses.

import { attachmentsPanel } from "../attachments.js";
import { newId } from "../../domain/ids.js";
import { mayDecide, openRequestOn } from "../../domain/review-queue.js";
import { askToDiscussSection, saveAskToDiscuss } from "../ask-to-discuss.js";
import { signedTimes, writtenTimes } from "../../domain/record-times.js";
import { now } from "../../clock.js";
import { approversFor, mayConfirm, mayRecordAgreement, verbalApprovalOf } from "../../domain/urgent.js";
import { button, dateInput, readDate, select, textInput, textarea } from "../forms.js";
import { urgentNumbersPanel } from "../urgent-numbers.js";
import { html } from "../html.js";
import { backLink, formatDate, formatDateTime } from "../layout.js";
import {
  LONG_TEXT,
  capitalised,
  checkLength,
  draftStatus,
  familyName,
  isAuthor,
  notFound,
  notSyncedTag,
  successBanner,
  visitText,
  writtenBy,
  receiptFlag,
  signedWhen,
} from "../records.js";
import {
  amendmentForm,
  amendmentList,
  commentForm,
  discussedForm,
  saveAmendment,
  saveComment,
  saveDiscussed,
  saveReply,
  supervisionThread,
} from "../record-threads.js";
import { RecordScreen } from "../record-screen.js";
import { workerHandlers, workerSide } from "../decision-review-worker.js";
import { endingSummary } from "../ending-summary.js";
import {
  AGREED_AHEAD_MS,
  AMENDABLE,
  categoryLabel,
  currentPolicy,
  lightOf,
  lightTag,
  pendingDecision,
  statusOf,
} from "../judgment-policy.js";
import { row, statusDetail, table } from "../judgment-form.js";
import { t } from "../../i18n.js";

class JudgmentScreen extends RecordScreen {
  constructor(context, id) {
    super(context);
    this.targetId = id;
  }

  get judgment() {
    return this.context.data.get("judgment", this.targetId);
  }

  get target() {
    return { targetKind: "judgment", targetId: this.targetId, fields: AMENDABLE, noun: "entry" };
  }

  markup() {
    const { context, judgment, state } = this;
    if (!judgment) {
      return html`<h1 class="govuk-heading-l">${t("Judgment log entry not found")}</h1>
        <p class="govuk-body">${t("It is no longer on this device.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`;
    }
    const policy = currentPolicy(context.data);
    const light = lightOf(context.data, judgment);
    const status = statusOf(context.data, judgment);
    const mine = isAuthor(judgment, context.user);
    const supervisor = context.user?.role === "supervisor";
    const signed = judgment.state === "signed";
    // The approver is the policy's: for a group supervision decision, perhaps the facilitator who recorded it.
    const confirming = mayConfirm(context.data, judgment, context.user);
    const canDecide = (((light === "red" || Boolean(judgment.ending)) && mayDecide(context.data, judgment, context.user, policy)) || confirming) && !pendingDecision(context.data, judgment);
    const canRecordAgreement = mayRecordAgreement(context.data, judgment, context.user, policy);
    const canMarkDiscussed = supervisor && signed && (status === "awaiting_discussion" || Boolean(openRequestOn(context.data, judgment.id)));
    return html`${backLink(`#/family/${judgment.family_id}`, t("Back to {family}", { family: familyName(context.data, judgment.family_id) }))}
      ${this.problems()}
      ${successBanner(state.message, this.announce)}
      <span class="govuk-caption-l">${familyName(context.data, judgment.family_id)}</span>
      <h1 class="govuk-heading-l">${t("Judgment log entry")}</h1>
      <dl class="govuk-summary-list">
        ${row(t("Decision question"), judgment.question)}
        ${row(t("Kind of decision"), html`${categoryLabel(policy, judgment.category)}<br>${lightTag(light)}`)}
        ${row(t("Status"), statusDetail(context, judgment), "judgment-status")}
        ${judgment.interaction_id ? row(t("Visit"), visitText(context, judgment.interaction_id)) : ""}
        ${row(t("Written by"), html`${capitalised(writtenBy(context, judgment))}${notSyncedTag(judgment)}${receiptFlag(writtenTimes(judgment))}`)}
        ${row(t("Signed"), signed ? html`${capitalised(signedWhen(judgment)) || t("Yes, on this device")}${receiptFlag(signedTimes(judgment))}` : t("Not yet: this is a draft"), "judgment-signed")}
      </dl>
      ${!signed && mine
        ? html`<p class="govuk-body"><a class="govuk-link" href="${judgment.interaction_id
            ? `#/family/${judgment.family_id}/visit/${judgment.interaction_id}`
            : `#/family/${judgment.family_id}/judgment/${judgment.id}`}">${t("Carry on writing or sign this entry")}</a></p>`
        : ""}
      ${table(t("Options considered"), [t("Option"), t("For"), t("Against")], (judgment.options || []).map((o) => [o.option, o.for || "", o.against || ""]))}
      ${judgment.ending ? endingSummary(context, judgment) : ""}
      <dl class="govuk-summary-list">
        ${row(t("Decision"), judgment.decision)}
        ${row(t("Rationale"), judgment.rationale)}
      </dl>
      ${table(t("Risks"), [t("Risk"), t("How it will be reduced")], (judgment.risks || []).map((r) => [r.risk, r.mitigation || ""]))}
      ${table(t("Who was consulted"), [t("Name"), t("Role"), t("Their view")], (judgment.consulted || []).map((p) => [p.name, p.role || "", p.view || ""]))}
      ${table(t("Who disagreed"), [t("Name"), t("Role"), t("Their view")], (judgment.disagreed || []).map((p) => [p.name, p.role || "", p.view || ""]))}
      <dl class="govuk-summary-list">
        ${row(t("The family's view"), judgment.family_view)}
        ${row(t("The child's view"), judgment.child_view)}
        ${row(t("Review date"), judgment.review_date ? formatDate(judgment.review_date) : "")}
        ${judgment.review_outcome ? row(t("Outcome at review"), judgment.review_outcome) : ""}
      </dl>
      ${attachmentsPanel({ parentKind: "judgment", parentId: judgment.id, familyId: judgment.family_id, canAdd: mine })}
      ${canRecordAgreement ? this.agreementForm() : ""}
      ${workerSide(this)}
      ${canDecide ? (confirming ? this.confirmForm() : this.decideForm()) : ""}
      ${signed
        ? html`${amendmentList(context, this.target)}
          ${amendmentForm(this, this.target)}
          ${supervisionThread(this, { target: judgment, noun: "decision" })}
          ${askToDiscussSection(this, { target: judgment, noun: "decision" })}
          ${supervisor ? html`${commentForm(this)}${canMarkDiscussed ? discussedForm(this, "decision") : ""}` : ""}`
        : ""}`;
  }

  decideForm() {
    const formId = "decide:";
    return html`<form data-form="decide" data-draft="decide/${this.targetId}" novalidate class="app-decision">
      ${this.judgment?.ending
        ? html`<h2 class="govuk-heading-m">${t("Agree or decline this ending")}</h2>
          <p class="govuk-body">${this.judgment.ending.kind === "transfer"
            ? t("If you agree, the receiving team's supervisor is asked to accept the family.")
            : t("If you agree, the children's plans end, the family is closed today and leaves the worker's caseload.")} ${t("The worker will see your reason.")}</p>`
        : html`<h2 class="govuk-heading-m">${t("Approve or decline this decision")}</h2>
          <p class="govuk-body">${t("This is a red-light decision: the worker needs your approval before they act on it. They will see your reason.")}</p>`}
      ${textarea({ name: "body", id: "decide-reason", label: t("Your reason"), rows: 4, error: this.error(formId, "decide-reason") })}
      ${draftStatus()}
      <div class="govuk-button-group">
        ${button(t("Approve"), { name: "decision", value: "approve" })}
        ${button(t("Decline"), { warning: true, name: "decision", value: "decline" })}
      </div>
    </form>`;
  }

  /** The numbers to phone, and the form to record that a supervisor agreed by phone. */
  agreementForm() {
    const { context, judgment } = this;
    const family = context.data.get("family", judgment.family_id);
    const approvers = approversFor(context.data.reference?.directory, family?.team_id, context.user?.id);
    const formId = "agree:";
    return html`${urgentNumbersPanel(context.data.reference?.urgent_contacts)}
      <form data-form="agree" data-draft="agree/${this.targetId}" novalidate class="app-decision">
        <h2 class="govuk-heading-m">${t("Record agreement by phone")}</h2>
        <p class="govuk-body">${t("If a supervisor or manager of the team agreed this decision by phone, record who and when. The decision then waits for them to confirm it, and you may act on it now.")}</p>
        ${approvers.length
          ? select({
              name: "agreed_by_id",
              label: t("Who agreed it?"),
              options: approvers.map((person) => [person.id, person.display_name]),
              error: this.error(formId, "agreed_by_id"),
            })
          : html`<p class="govuk-body">${t("This device does not know your team's supervisors yet. Sign in online once to fetch them.")}</p>`}
        ${dateInput({ name: "agreed_on", legend: t("Date they agreed"), hint: t("For example, 27 3 2026"), error: this.error(formId, "agreed_on") })}
        ${textInput({ name: "agreed_time", label: t("Time they agreed"), hint: t("Use the 24-hour clock, for example 14:30"), error: this.error(formId, "agreed_time"), width: 5 })}
        ${textarea({ name: "body", id: "agree-body", label: t("What they agreed (optional)"), rows: 3, error: this.error(formId, "agree-body") })}
        ${draftStatus()}
        ${approvers.length ? button(t("Record agreement by phone")) : ""}
      </form>`;
  }

  /** The supervisor who agreed by phone confirms it, or records that they did not agree. */
  confirmForm() {
    const formId = "decide:";
    const agreed = verbalApprovalOf(this.context.data, this.targetId);
    return html`<form data-form="decide" data-draft="decide/${this.targetId}" novalidate class="app-decision">
      <h2 class="govuk-heading-m">${t("Confirm the agreement you gave by phone")}</h2>
      <p class="govuk-body">${capitalised(writtenBy(this.context, this.judgment))} recorded that you agreed this decision by phone at ${formatDateTime(agreed?.agreed_at)}. Confirm it, or say that you did not agree: that declines it, and the worker may disagree or escalate as with any declined decision.</p>
      ${textarea({ name: "body", id: "decide-reason", label: t("Your reason"), rows: 4, error: this.error(formId, "decide-reason") })}
      ${draftStatus()}
      <div class="govuk-button-group">
        ${button(t("Confirm I agreed"), { name: "decision", value: "approve" })}
        ${button(t("I did not agree"), { warning: true, name: "decision", value: "decline" })}
      </div>
    </form>`;
  }

  initialValues(form) {
    if (form.dataset.form !== "agree") return null;
    const moment = now();
    const two = (number) => String(number).padStart(2, "0");
    return {
      "agreed_on-day": String(moment.getDate()),
      "agreed_on-month": String(moment.getMonth() + 1),
      "agreed_on-year": String(moment.getFullYear()),
      agreed_time: `${two(moment.getHours())}:${two(moment.getMinutes())}`,
    };
  }

  /** @returns {Handlers<JudgmentScreen>} */
  handlers() {
    const { context } = this;
    return {
      ...workerHandlers(context, this.targetId),
      async agree(values) {
        const errors = {};
        if (!values.agreed_by_id) errors.agreed_by_id = t("Choose who agreed the decision");
        const day = readDate(values, "agreed_on");
        if (day === "") errors.agreed_on = t("Enter the date they agreed");
        else if (day === null) errors.agreed_on = t("The date they agreed must be a real date, for example 27 3 2026");
        const time = (values.agreed_time || "").trim();
        if (!time) errors.agreed_time = t("Enter the time they agreed");
        else if (!/^([01]?\d|2[0-3])[:.][0-5]\d$/.test(time)) errors.agreed_time = t("Enter the time in hours and minutes, for example 14:30");
        checkLength(errors, "agree-body", values.body, LONG_TEXT, t("What they agreed"));
        let agreedAt = null;
        if (!errors.agreed_on && !errors.agreed_time) {
          const [year, month, date] = day.split("-").map(Number);
          const [hours, minutes] = time.split(/[:.]/).map(Number);
          agreedAt = new Date(year, month - 1, date, hours, minutes);
          if (agreedAt.getTime() > now().getTime() + AGREED_AHEAD_MS) errors.agreed_time = t("The time they agreed must be in the past");
        }
        if (Object.keys(errors).length) return { errors };
        const name = context.staffName(values.agreed_by_id) || t("your supervisor");
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: "judgment",
          target_id: this.targetId,
          review_kind: "verbal_approval",
          body: values.body?.trim() || t("Agreed by {who} by phone.", { who: name }),
          agreed_by_id: values.agreed_by_id,
          agreed_at: agreedAt.toISOString(),
        });
        return { message: t("You recorded that {who} agreed this decision by phone. It waits for them to confirm it.", { who: name }) };
      },
      async decide(values, { submitter }) {
        const decision = submitter?.value;
        const errors = {};
        if (!values.body?.trim()) errors["decide-reason"] = decision === "decline" ? t("Enter why you are declining this decision") : t("Enter why you are approving this decision");
        checkLength(errors, "decide-reason", values.body, LONG_TEXT, t("Your reason"));
        if (!["approve", "decline"].includes(decision)) errors["decide-reason"] ||= t("Choose approve or decline");
        if (Object.keys(errors).length) return { errors };
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: "judgment",
          target_id: this.targetId,
          review_kind: decision,
          body: values.body.trim(),
        });
        return { message: decision === "approve" ? t("You approved this decision.") : t("You declined this decision.") };
      },
      async amend(values) {
        return saveAmendment(context, this.target, values);
      },
      async reply(values, { target }) {
        return saveReply(context, this.target, values, target);
      },
      async comment(values) {
        return saveComment(context, this.target, values);
      },
      async discussed(values) {
        return saveDiscussed(context, this.target, values);
      },
      async "ask-to-discuss"(values) {
        return saveAskToDiscuss(context, this.target, values);
      },
    };
  }
}

export async function judgmentView(context) {
  const [id] = context.params;
  if (!context.data.get("judgment", id)) {
    notFound(context.main, t("Judgment log entry"));
    return null;
  }
  const screen = new JudgmentScreen(context, id);
  await screen.render({ force: true });
  return () => screen.close();
}
