// Sharing what a decision's review taught: an anonymised letter to peers, or
// a proposed change of light for that kind of decision (a practice suggestion
// carrying the evidence). Both go to the server, so both need a connection.
// Before anything leaves the device, the text is checked for details of the
// families this worker has, with the same check peer consultations use
// (domain/identifiers.js); the worker changes the text, or sends it as it is.
// Also the list of peer letters.

import { currentPolicy, categoryLabel, categoryLight, LIGHTS } from "../judgment-policy.js";
import { HINDSIGHT, reviewOf } from "../../domain/decision-reviews.js";
import { collectIdentifiers, findIdentifiers } from "../../domain/identifiers.js";
import { ApiError, Offline, get, post } from "../../sync/api.js";
import { button, errorSummary, focusErrorSummary, formValues, radios, textInput, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDateTime } from "../layout.js";
import { notFound, successBanner } from "../records.js";
import { t } from "../../i18n.js";

/** A hindsight answer in the app's language. */
function hindsightWords(answer) {
  return HINDSIGHT[answer] ? t(HINDSIGHT[answer]) : answer;
}

let flash = null;

function offlineText(error) {
  if (error instanceof Offline) return t("You are offline. Your text is kept in the form: send it when you have a connection.");
  if (error instanceof ApiError && error.status === 403) return t("Your role does not share learning with peers.");
  return error?.message || t("Something went wrong. Try again.");
}

/** What in these fields could identify a family on this device: {field: [hits]}. */
export function identifiersIn(data, values, fields) {
  const identifiers = collectIdentifiers({ families: data.all("family"), people: data.all("person"), relationships: data.all("relationship") });
  const found = {};
  for (const field of fields) {
    const hits = findIdentifiers(values[field] || "", identifiers);
    if (hits.length) found[field] = hits;
  }
  return found;
}

function identifierSummary(found, labels) {
  const items = Object.entries(found).flatMap(([field, hits]) =>
    hits.map((hit) => html`<li><a href="#${field}">${t("“{text}” in {where}: {about}", { text: hit.text, where: labels[field], about: hit.about })}</a></li>`),
  );
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" id="identifier-warning">
    <div role="alert">
      <h2 class="govuk-error-summary__title">${t("Check this does not identify a family")}</h2>
      <div class="govuk-error-summary__body">
        <p class="govuk-body">${t("Your text has details of families you work with. Change or remove them, or send it as it is if you are sure they identify no one.")}</p>
        <ul class="govuk-list govuk-error-summary__list">${items}</ul>
      </div>
    </div>
  </div>`;
}

/** The learning of a review, as text a reader outside the family could use. */
function learningText(review) {
  const answers = review?.answers || {};
  return [
    answers.what_happened && t("What happened: {text}", { text: answers.what_happened }),
    answers.hindsight && t("With hindsight: {answer}.", { answer: hindsightWords(answers.hindsight) }),
    answers.differently && t("What I would do differently: {text}", { text: answers.differently }),
    answers.family_view_now && t("The family's view now: {text}", { text: answers.family_view_now }),
  ]
    .filter(Boolean)
    .join("\n\n");
}

/**
 * Draw a form that is checked for identifying details before it is sent:
 * `fields` [{name, label, rows, value, hint}], `send(values)` posts it.
 * @param {object} context
 * @param {{rootId: string, heading: Html, caption: {text: string, href: string, back: string}, intro: Html,
 *   fields: {name: string, label: string, hint?: string, rows?: number, value?: string}[],
 *   extra?: (values: FormValues, errors: Record<string, string>) => Html, submitText: string,
 *   validate: (values: FormValues) => object, send: (values: FormValues) => Promise<unknown>}} form
 */
function checkedForm(context, { rootId, heading, caption, intro, fields, extra = () => "", submitText, validate, send }) {
  const { main, data } = context;
  const labels = Object.fromEntries(fields.map((field) => [field.name, t("the {field}", { field: field.label.toLowerCase() })]));
  let confirmable = false;
  const draw = (values, errors = {}, found = {}) => {
    mount(
      main,
      html`<div id="${rootId}">
        ${backLink(caption.href, caption.back)}
        ${Object.keys(errors).length ? errorSummary(errors) : Object.keys(found).length ? identifierSummary(found, labels) : ""}
        <span class="govuk-caption-l">${caption.text}</span>
        <h1 class="govuk-heading-l">${heading}</h1>
        <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
          ${intro}
          <form id="${rootId}-form" novalidate>
            ${extra(values, errors)}
            ${fields.map((field) =>
              field.rows
                ? textarea({ name: field.name, label: field.label, hint: field.hint, rows: field.rows, value: values[field.name] ?? "", error: errors[field.name], labelClass: "govuk-label--s" })
                : textInput({ name: field.name, label: field.label, hint: field.hint, value: values[field.name] ?? "", error: errors[field.name], labelClass: "govuk-label--s" }),
            )}
            <div class="govuk-button-group">
              ${confirmable ? html`${button(t("Check again and send"))}${button(t("{action} as it is", { action: submitText }), { warning: true, name: "confirm", value: "yes" })}` : button(submitText)}
            </div>
          </form>
        </div></div>
      </div>`,
    );
    const form = main.querySelector(`#${rootId}-form`);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const now = formValues(form);
      const problems = validate(now);
      if (Object.keys(problems).length) {
        draw(now, problems);
        focusErrorSummary(main);
        return;
      }
      const hits = identifiersIn(data, now, fields.map((field) => field.name));
      if (Object.keys(hits).length && event.submitter?.name !== "confirm") {
        confirmable = true;
        draw(now, {}, hits);
        focusErrorSummary(main);
        return;
      }
      try {
        await send(now);
      } catch (error) {
        draw(now, { [fields[0].name]: offlineText(error) });
        focusErrorSummary(main);
      }
    });
    context.enhance();
  };
  draw(Object.fromEntries(fields.map((field) => [field.name, field.value || ""])));
}

function reviewedJudgment(context) {
  const [id] = context.params;
  const judgment = context.data.get("judgment", id);
  const review = judgment && reviewOf(context.data, judgment);
  if (!judgment || !review) {
    notFound(context.main, t("Reviewed decision"));
    return null;
  }
  return { judgment, review };
}

// --- an anonymised letter to peers ------------------------------------------------------------

export async function shareLetterView(context) {
  const found = reviewedJudgment(context);
  if (!found) return;
  const { judgment, review } = found;
  const label = categoryLabel(currentPolicy(context.data), judgment.category);
  checkedForm(context, {
    rootId: "share-letter",
    heading: t("Write to your peers"),
    caption: { text: t("Share what you learned"), href: `#/judgment/${judgment.id}/review`, back: t("Back to the review") },
    intro: html`<p class="govuk-body">${t("A letter to practitioners across the council about what this decision taught you. It is shown without your name and without any link to the family or the decision. Take out anything that could identify them: names, ages, schools, places, dates.")}</p>`,
    fields: [
      { name: "title", label: t("Title"), hint: t("A few words, for example: Ask the school sooner"), value: t("What I learned from a decision: {kind}", { kind: label }) },
      { name: "body", label: t("Your letter"), rows: 12, value: learningText(review) },
    ],
    submitText: t("Share the letter"),
    validate(values) {
      const errors = {};
      if (!values.title?.trim()) errors.title = t("Enter a title");
      else if (values.title.length > 200) errors.title = t("The title must be 200 characters or fewer");
      if (!values.body?.trim()) errors.body = t("Write your letter");
      else if (values.body.length > 20_000) errors.body = t("Your letter must be 20,000 characters or fewer");
      return errors;
    },
    async send(values) {
      await post("/api/peer-letters", { title: values.title.trim(), body: values.body.trim(), category: judgment.category });
      flash = t("Your letter is shared with your peers, without your name.");
      context.go("#/letters");
    },
  });
}

// --- a proposed change of light ---------------------------------------------------------------

export async function proposeLightView(context) {
  const found = reviewedJudgment(context);
  if (!found) return;
  const { judgment, review } = found;
  const policy = currentPolicy(context.data);
  const label = categoryLabel(policy, judgment.category);
  const now = categoryLight(policy, judgment.category);
  const choices = Object.entries(LIGHTS)
    .filter(([light]) => light !== now)
    .map(([light, shown]) => [light, `${shown.name}: ${shown.text.toLowerCase()}`]);
  checkedForm(context, {
    rootId: "propose-light",
    heading: t("Propose a change of light"),
    caption: { text: label, href: `#/judgment/${judgment.id}/review`, back: t("Back to the review") },
    intro: html`<p class="govuk-body">${t("“{kind}” decisions are {light} now: {meaning}. Your proposal becomes a practice suggestion that everyone can read and managers answer, with your review as its evidence. Take out anything that could identify the family.", { kind: label, light: LIGHTS[now].name.toLowerCase(), meaning: LIGHTS[now].text.toLowerCase() })}</p>`,
    extra: (values, errors) =>
      radios({ name: "proposed_light", legend: t("Which light do you propose?"), options: choices, value: values.proposed_light || "", error: errors.proposed_light }),
    fields: [
      { name: "body", label: t("Why"), hint: t("What would be better for children and families if this changed."), rows: 5 },
      { name: "evidence", label: t("The evidence from your review"), rows: 10, value: learningText(review) },
    ],
    submitText: t("Send the proposal"),
    validate(values) {
      const errors = {};
      if (!choices.some(([light]) => light === values.proposed_light)) errors.proposed_light = t("Choose the light you propose");
      if (!values.body?.trim()) errors.body = t("Say why the light should change");
      if (!values.evidence?.trim()) errors.evidence = t("Give the evidence from your review");
      return errors;
    },
    async send(values) {
      const created = await post("/api/suggestions", {
        title: t("Make “{kind}” decisions {light}", { kind: label, light: (LIGHTS[values.proposed_light]?.name || values.proposed_light).toLowerCase() }).slice(0, 200),
        body: values.body.trim(),
        category: judgment.category,
        proposed_light: values.proposed_light,
        evidence: values.evidence.trim(),
      });
      context.go(`#/suggestions/${created.id}`);
    },
  });
}

// --- the letters ------------------------------------------------------------------------------

export async function lettersView(context) {
  const { main } = context;
  let page;
  try {
    page = await get("/api/peer-letters?page=1&page_size=100");
  } catch (error) {
    const text = error instanceof Offline ? t("You are offline. Letters are kept on the server: read them when you have a connection.") : offlineText(error);
    mount(main, html`<h1 class="govuk-heading-l">${t("Letters from peers")}</h1><p class="govuk-body" id="letters-problem">${text}</p>`);
    return;
  }
  if (!main.isConnected) return;
  const message = flash;
  flash = null;
  const policy = currentPolicy(context.data);
  mount(
    main,
    html`<div id="letters-page">
      ${successBanner(message)}
      <h1 class="govuk-heading-l">${t("Letters from peers")}</h1>
      <p class="govuk-body">${t("What colleagues learned when they looked back on a decision, shared without their name or the family's. To write one, review a decision and choose “Write an anonymised letter to your peers”.")}</p>
      ${page.items.length
        ? page.items.map(
            (letter) => html`<article class="govuk-!-margin-bottom-8">
              <h2 class="govuk-heading-m">${letter.title}</h2>
              <p class="govuk-body-s">${letter.category ? `${categoryLabel(policy, letter.category)}. ` : ""}${t("Shared {when}", { when: formatDateTime(letter.posted_at) })}</p>
              <div class="govuk-body app-pre-wrap">${letter.body}</div>
            </article>`,
          )
        : html`<p class="govuk-body">${t("No one has shared a letter yet.")}</p>`}
    </div>`,
  );
  context.enhance();
}
