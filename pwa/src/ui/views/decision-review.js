// The worker's side of a decision. "Review this decision" looks at it again
// on its review date: what happened, whether it was right with hindsight,
// what I would do differently and the family's view now. It sets the outcome
// and the date of the review directly (not an amendment: learning is not
// correcting an error), works offline and syncs. From a review the worker can
// share the learning with peers or propose a change of light (learning.js).
//
// On a declined decision its author can record professional disagreement and
// escalate it to the next manager, as safeguarding escalation protocols expect.
// Both are entries on the decision's thread.

import { todayIso } from "../../clock.js";
import { DECISION_REVIEW, HINDSIGHT, canReview, reviewOf } from "../../domain/decision-reviews.js";
import { newId } from "../../domain/ids.js";
import { button, dateInput, radios, readDate, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink, formatDate } from "../layout.js";
import { draftStatus, familyName, notFound, successBanner } from "../records.js";
import { RecordScreen } from "../record-screen.js";
import { checkDecisionReview, learningLinks, reviewSummary } from "../decision-review-worker.js";
import { t } from "../../i18n.js";

/** The hindsight answers in the app's language. */
function hindsightOptions() {
  return Object.entries(HINDSIGHT).map(([key, words]) => [key, t(words)]);
}

class DecisionReviewScreen extends RecordScreen {
  constructor(context, id) {
    super(context);
    this.targetId = id;
  }

  get judgment() {
    return this.context.data.get("judgment", this.targetId);
  }

  initialValues(form) {
    if (form.dataset.form !== "decision-review") return null;
    const [year, month, day] = todayIso().split("-");
    return { "reviewed_on-day": String(Number(day)), "reviewed_on-month": String(Number(month)), "reviewed_on-year": year };
  }

  markup() {
    const { context, judgment, state } = this;
    const back = backLink(`#/judgment/${this.targetId}`, t("Back to the decision"));
    if (!judgment) {
      return html`<h1 class="govuk-heading-l">${t("Decision not found")}</h1><p class="govuk-body">${t("It is no longer on this device.")}</p>`;
    }
    const review = reviewOf(context.data, judgment);
    const caption = html`<span class="govuk-caption-l">${familyName(context.data, judgment.family_id)}</span>`;
    if (review) {
      return html`${back}${successBanner(state.message, this.announce)}${caption}
        <h1 class="govuk-heading-l">${t("Decision reviewed")}</h1>
        <p class="govuk-body">${judgment.question}</p>
        ${reviewSummary(review, 0)}
        ${canReview(context.data, judgment, context.user) ? learningLinks(judgment.id) : ""}
        <p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}">${t("Go to the decision")}</a></p>`;
    }
    if (!canReview(context.data, judgment, context.user)) {
      return html`${back}${caption}<h1 class="govuk-heading-l">${t("Review this decision")}</h1>
        <p class="govuk-body">${t("Only the worker who made this decision, or the family's worker now, can review it.")}</p>`;
    }
    const error = (name) => this.error("decision-review:", name);
    return html`${back}${this.problems()}${caption}
      <h1 class="govuk-heading-l">${t("Review this decision")}</h1>
      <div class="govuk-inset-text">
        <p class="govuk-body"><strong>${judgment.question}</strong></p>
        <p class="govuk-body app-pre-wrap">${judgment.decision}</p>
        ${judgment.review_date ? html`<p class="govuk-body-s">${t("Review date: {day}", { day: formatDate(judgment.review_date) })}</p>` : ""}
      </div>
      <p class="govuk-body">${t("Looking back is how practice learns. This is not a correction of the decision: the decision stays as it was, and your review is added to it and to its thread.")}</p>
      <form data-form="decision-review" data-draft="decision-review/${this.targetId}" novalidate>
        ${textarea({ name: "what_happened", label: t("What happened after the decision?"), hint: t("For the child and the family, and for the plan."), rows: 5, error: error("what_happened"), labelClass: "govuk-label--s" })}
        ${radios({
          name: "hindsight",
          legend: t("With hindsight, was it the right decision?"),
          options: hindsightOptions(),
          error: error("hindsight"),
        })}
        ${textarea({ name: "differently", label: t("What would you do differently? (optional)"), rows: 4, error: error("differently"), labelClass: "govuk-label--s" })}
        ${textarea({ name: "family_view_now", label: t("The family's view now (optional)"), hint: t("In their words where you can."), rows: 3, error: error("family_view_now"), labelClass: "govuk-label--s" })}
        ${textarea({ name: "outcome", label: t("Outcome of the review"), hint: t("For example: the arrangement continues; or what changes now."), rows: 3, error: error("outcome"), labelClass: "govuk-label--s" })}
        ${dateInput({ name: "reviewed_on", legend: t("Date of the review"), hint: t("For example, 27 3 2027"), error: error("reviewed_on") })}
        ${draftStatus()}
        ${button(t("Save the review"))}
      </form>`;
  }

  handlers() {
    const { context } = this;
    return {
      async "decision-review"(values) {
        const errors = checkDecisionReview(values);
        if (Object.keys(errors).length) return { errors };
        const text = (name) => values[name]?.trim() || null;
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: "judgment",
          target_id: this.targetId,
          review_kind: DECISION_REVIEW,
          body: values.outcome.trim(),
          answers: {
            what_happened: values.what_happened.trim(),
            hindsight: values.hindsight,
            differently: text("differently"),
            family_view_now: text("family_view_now"),
            reviewed_on: readDate(values, "reviewed_on"),
          },
        });
        return { message: t("Your review is saved. The decision now shows it.") };
      },
    };
  }
}

export async function decisionReviewView(context) {
  const [id] = context.params;
  if (!context.data.get("judgment", id)) {
    notFound(context.main, t("Decision"));
    return null;
  }
  const screen = new DecisionReviewScreen(context, id);
  await screen.render({ force: true });
  return () => screen.close();
}
