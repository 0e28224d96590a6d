// Group supervision: a supervisor runs a session with their team, offline if
// need be. The session itself (when, who came, its theme) names no family;
// each family discussed has its own discussion (reflective questions and
// answers, actions with an owner and a due date), and each decision made is a
// judgment entry of that family, with its light from the council's policy.
// A caseworker sees the sessions they attended and the actions they own.
//
// Three screens: the list (and starting a session), a session, and one
// family's discussion. Every form keeps a draft as it is typed.

import {
  ACTION_STATUS,
  actionOwners,
  actionsOwnedBy,
  checkAction,
  checkSession,
  decisionsOf,
  discussionsOf,
  heldAt,
  sessionsNewestFirst,
  teamPractitioners,
  withAction,
  withActionStatus,
  withAnswer,
  withQuestion,
} from "../../domain/group-supervision.js";
import { newId } from "../../domain/ids.js";
import { otherLast } from "../../domain/options.js";
import {
  button,
  checkboxes,
  dateInput,
  errorSummary,
  fillForm,
  focusErrorSummary,
  formValues,
  readDate,
  select,
  storageMessage,
  textInput,
  textarea,
} from "../forms.js";
import { html, mount } from "../html.js";
import { responsiveTable } from "../tables.js";
import { backLink, formatDate, formatDateTime, tag } from "../layout.js";
import { watchCategory } from "../judgment-form.js";
import { categoryLabel, currentPolicy, lightOf, lightTag, statusOf, statusTag } from "../judgment-policy.js";
import {
  baseVersion,
  checkLength,
  draftStatus,
  familyName,
  notFound,
  notSyncedTag,
  successBanner,
} from "../records.js";
import { TypedWork, keepFocus, putFocusBack } from "../screen.js";
import { t, tn } from "../../i18n.js";

const HOME = "#/group-supervision";
const draftKey = (...parts) => ["group-supervision", ...parts].join("/");

function savedWhere() {
  return navigator.onLine ? t("It will be synced in a moment.") : t("It is kept on this device and sent when you are back online.");
}

/**
 * Draw a screen again whenever the data changes, keeping what is typed in its
 * forms (and saving it as a draft), its errors and its success message.
 */
function liveScreen(context, render, actions) {
  const { main, data, session } = context;
  const state = { errors: null, flash: null, live: {} };
  const typed = new TypedWork(session);

  function draw(focus) {
    typed.stopAll();
    mount(main, render(state));
    for (const form of main.querySelectorAll("form[data-draft]")) {
      const key = form.dataset.draft;
      if (state.live[key]) {
        fillForm(form, state.live[key]);
      } else {
        typed.load({ [key]: key }).then(({ [key]: values }) => {
          if (values && form.isConnected && !state.live[key]) {
            state.live[key] = values;
            fillForm(form, values);
            form.elements.category?.dispatchEvent(new Event("change")); // show its light
          }
        }).catch(() => {});
      }
      watchCategory(form, currentPolicy(data), data.reference?.urgent_contacts);
      form.addEventListener("input", () => {
        state.live[key] = formValues(form);
      });
      typed.watch(form, key, null, key);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const values = formValues(form);
        state.live[key] = values;
        const action = actions[form.dataset.form];
        state.flash = null;
        state.errors = null;
        try {
          const outcome = await action(values, event.submitter);
          if (outcome?.errors && Object.keys(outcome.errors).length) {
            state.errors = { form: key, fields: outcome.errors };
            return draw("summary");
          }
          delete state.live[key];
          await typed.forget(key).catch(() => {});
          if (outcome?.go) {
            return context.go(outcome.go);
          }
          state.flash = outcome?.message ? `${outcome.message}. ${savedWhere()}` : null;
          return draw("banner");
        } catch (error) {
          state.errors = { form: key, fields: { [form.dataset.form]: t("This could not be saved: {reason}", { reason: storageMessage(error) }) } };
          return draw("summary");
        }
      });
    }
    for (const control of main.querySelectorAll("[data-click]")) {
      control.addEventListener("click", async () => {
        state.flash = null;
        try {
          const outcome = await actions[control.dataset.click](control.value);
          state.flash = outcome?.message ? `${outcome.message}. ${savedWhere()}` : null;
        } catch (error) {
          state.errors = { form: "click", fields: { click: t("This could not be saved: {reason}", { reason: storageMessage(error) }) } };
        }
        draw(state.errors ? "summary" : "banner");
      });
    }
    context.enhance();
    if (focus === "summary") {
      focusErrorSummary(main);
    } else if (focus === "banner") {
      main.querySelector(".govuk-notification-banner")?.focus();
    }
  }

  draw();
  const onChange = () => {
    const focus = keepFocus(main);
    draw();
    putFocusBack(main, focus);
  };
  data.addEventListener("change", onChange);
  return () => {
    typed.stopAll();
    data.removeEventListener("change", onChange);
  };
}

function errorsFor(state, key) {
  return state.errors?.form === key ? state.errors.fields : {};
}

function summaryFor(state, key) {
  return state.errors?.form === key ? errorSummary(state.errors.fields) : "";
}

/** The domain's messages for a session or action that will not do, in the app's language. */
function inLanguage(errors) {
  const words = {
    "Enter a title or theme for the session": t("Enter a title or theme for the session"),
    "The title must be 200 characters or fewer": t("The title must be 200 characters or fewer"),
    "The date of the session must be a real date": t("The date of the session must be a real date"),
    "Enter the date of the session": t("Enter the date of the session"),
    "Enter the time as hours and minutes, for example 14:00": t("Enter the time as hours and minutes, for example 14:00"),
    "Choose at least one family to discuss": t("Choose at least one family to discuss"),
    "Enter what needs to be done": t("Enter what needs to be done"),
    "Choose who will do it": t("Choose who will do it"),
    "Choose someone who attended and works with this family": t("Choose someone who attended and works with this family"),
    "The due date must be a real date": t("The due date must be a real date"),
  };
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, words[message] || message]));
}

/** An action's status in the app's language (the domain names them in English). */
function actionStatus(status) {
  const words = { not_started: t("Not started"), in_progress: t("In progress"), done: t("Done") };
  return words[status] || ACTION_STATUS[status] || status;
}

/** What a family's discussion holds, in counts: "2 questions, 1 decision, 3 actions". */
function discussionCounts(data, discussion) {
  const questions = (discussion.questions || []).length;
  const decisions = decisionsOf(data, discussion).length;
  const actions = (discussion.actions || []).length;
  return t("{questions}, {decisions}, {actions}", {
    questions: tn("{count} question", "{count} questions", questions),
    decisions: tn("{count} decision", "{count} decisions", decisions),
    actions: tn("{count} action", "{count} actions", actions),
  });
}

function sessionTitle(record) {
  return `${record.title}, ${formatDateTime(record.held_at)}`;
}

// --- the list, and starting a session ---------------------------------------------------

function startForm(context, state) {
  const { data, user } = context;
  const key = draftKey("new");
  const errors = errorsFor(state, key);
  const people = teamPractitioners(data.reference?.directory, user.team_id).filter((person) => person.id !== user.id);
  const families = data
    .all("family")
    .filter((family) => family.team_id === user.team_id && family.status !== "closed")
    .sort((a, b) => a.display_name.localeCompare(b.display_name));
  return html`<section aria-labelledby="start-heading">
    <h2 class="govuk-heading-m" id="start-heading">${t("Start a session")}</h2>
    <form id="start-session" data-form="start" data-draft="${key}" novalidate>
      ${summaryFor(state, key)}
      ${textInput({ name: "title", label: t("Title or theme"), hint: t("For example, Working with fathers. Do not name a family here: everyone who attended sees the title."), error: errors.title })}
      ${dateInput({ name: "held_on", legend: t("Date of the session"), hint: t("For example, 27 3 2027"), error: errors.held_on })}
      ${textInput({ name: "time", label: t("Time"), hint: t("24-hour clock, for example 14:00"), width: 5, error: errors.time, inputmode: "numeric" })}
      ${people.length
        ? checkboxes({ name: "attendees", legend: t("Who attended"), hint: t("You are recorded as the facilitator."), options: people.map((p) => [p.id, p.role === "supervisor" ? t("{name} (supervisor)", { name: p.display_name }) : p.display_name]) })
        : html`<p class="govuk-body">${t("No one else in your team is on this device yet: sync when you are online to see your team.")}</p>`}
      ${checkboxes({ name: "families", legend: t("Families to discuss"), error: errors.families, options: families.map((f) => [f.id, f.display_name]) })}
      ${draftStatus()}
      ${button(t("Start session"))}
    </form>
  </section>`;
}

function sessionsTable(context, sessions) {
  const { data } = context;
  if (!sessions.length) {
    return html`<p class="govuk-body">${t("No sessions yet.")}</p>`;
  }
  return html`<table class="govuk-table">
    <caption class="govuk-table__caption govuk-visually-hidden">${t("Group supervision sessions, the most recent first")}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">${t("When")}</th>
      <th scope="col" class="govuk-table__header">${t("Title or theme")}</th>
      <th scope="col" class="govuk-table__header">${t("Families discussed")}</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${sessions.map(
        (record) => html`<tr class="govuk-table__row">
          <td class="govuk-table__cell">${formatDateTime(record.held_at)}</td>
          <td class="govuk-table__cell"><a class="govuk-link" href="${HOME}/${record.id}">${record.title}</a>${notSyncedTag(record)}</td>
          <td class="govuk-table__cell">${discussionsOf(data, record.id).length}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function myActionsTable(context) {
  const { data, user } = context;
  const owned = actionsOwnedBy(data, user.id);
  if (!owned.length) {
    return html`<p class="govuk-body">${t("You have no actions from group supervision.")}</p>`;
  }
  return responsiveTable({
    id: "my-actions",
    caption: t("Your actions from group supervision, open ones first"),
    columns: [t("Action"), t("Family"), t("Due"), t("Status")],
    rows: owned.map(({ action, discussion }) => [
      html`<a class="govuk-link" href="${HOME}/${discussion.session_id}/${discussion.id}">${action.task}</a>`,
      familyName(data, discussion.family_id),
      action.due_on ? formatDate(action.due_on) : t("No date"),
      actionStatus(action.status),
    ]),
  });
}

function listScreen(context) {
  const { data, user, session } = context;
  const supervisor = user.role === "supervisor";
  return liveScreen(
    context,
    (state) => html`
      <h1 class="govuk-heading-l">${t("Group supervision")}</h1>
      ${successBanner(state.flash)}
      ${supervisor
        ? html`<p class="govuk-body">${t("Think together about the families your team works with. Each family discussed keeps its own record, which only the people who work with that family can see.")}</p>
            ${startForm(context, state)}
            <h2 class="govuk-heading-m">${t("Your team's sessions")}</h2>
            ${sessionsTable(context, sessionsNewestFirst(data))}`
        : html`<h2 class="govuk-heading-m">${t("Your actions")}</h2>
            ${myActionsTable(context)}
            <h2 class="govuk-heading-m">${t("Sessions you attended")}</h2>
            ${sessionsTable(context, sessionsNewestFirst(data))}`}`,
    {
      async start(values) {
        const date = readDate(values, "held_on");
        const families = values.families || [];
        const errors = inLanguage(checkSession({ title: values.title, date, time: values.time, families }));
        if (Object.keys(errors).length) return { errors };
        const sessionId = newId();
        await session.sync.enqueue("supervision_session", "create", sessionId, {
          held_at: heldAt(date, values.time.trim()),
          title: values.title.trim(),
          facilitator_id: user.id,
          attendee_ids: values.attendees || [],
        });
        for (const familyId of families) {
          await session.sync.enqueue("supervision_discussion", "create", newId(), {
            session_id: sessionId,
            family_id: familyId,
            questions: [],
            actions: [],
          });
        }
        return { go: `${HOME}/${sessionId}` };
      },
    },
  );
}

// --- one session ----------------------------------------------------------------------

function sessionScreen(context, sessionId) {
  const { data, main } = context;
  if (!data.get("supervision_session", sessionId)) {
    return notFound(main, t("Session"));
  }
  return liveScreen(
    context,
    () => {
      const record = data.get("supervision_session", sessionId);
      if (!record) return html`<h1 class="govuk-heading-l">${t("This session is no longer on this device")}</h1>`;
      const discussions = discussionsOf(data, sessionId);
      const attendees = (record.attendee_ids || []).map((id) => context.staffName(id));
      return html`${backLink(HOME, t("Group supervision"))}
        <span class="govuk-caption-l">${t("Group supervision")}</span>
        <h1 class="govuk-heading-l">${record.title}</h1>
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("When")}</dt><dd class="govuk-summary-list__value">${formatDateTime(record.held_at)}${notSyncedTag(record)}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Facilitator")}</dt><dd class="govuk-summary-list__value">${context.staffName(record.facilitator_id)}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Attended")}</dt><dd class="govuk-summary-list__value">${attendees.length ? attendees.join(", ") : t("No one else recorded")}</dd></div>
        </dl>
        <h2 class="govuk-heading-m">${t("Families discussed")}</h2>
        ${discussions.length
          ? html`<ul class="govuk-list">${discussions.map(
              (discussion) => html`<li><a class="govuk-link" href="${HOME}/${sessionId}/${discussion.id}">${familyName(data, discussion.family_id)}</a>
                <span class="govuk-body-s">: ${discussionCounts(data, discussion)}</span></li>`,
            )}</ul>`
          : html`<p class="govuk-body">${t("No discussion of a family you work with.")}</p>`}`;
    },
    {},
  );
}

// --- one family's discussion --------------------------------------------------------------

function questionsSection(context, state, discussion, canLead, isAttendee) {
  const key = draftKey(discussion.id, "question");
  const errors = errorsFor(state, key);
  const questions = discussion.questions || [];
  return html`<section aria-labelledby="questions-heading">
    <h2 class="govuk-heading-m" id="questions-heading">${t("Reflective questions")}</h2>
    ${questions.length
      ? html`<dl class="govuk-summary-list">${questions.map(
          (item) => html`<div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">${item.question}</dt>
            <dd class="govuk-summary-list__value">${item.answer || html`<span class="govuk-hint">${t("Not answered yet")}</span>`}</dd>
          </div>`,
        )}</dl>`
      : html`<p class="govuk-body">${t("No questions yet.")}</p>`}
    ${canLead
      ? html`<form data-form="question" data-draft="${key}" novalidate>
          ${summaryFor(state, key)}
          ${textarea({ name: "question", id: "new-question", label: t("Question"), labelClass: "govuk-label--s", hint: t("For example, What is the child telling us without words?"), rows: 2, error: errors.question })}
          ${textarea({ name: "answer", id: "new-answer", label: t("What the group said (optional)"), rows: 3, error: errors.answer })}
          ${button(t("Add question"), { secondary: true })}
        </form>`
      : ""}
    ${!canLead && isAttendee && questions.length
      ? html`<form data-form="answer" data-draft="${draftKey(discussion.id, "answer")}" novalidate>
          ${select({ name: "question_id", id: "answer-question", label: t("Question to answer"), options: questions.map((q) => [q.id, q.question]) })}
          ${textarea({ name: "answer", id: "answer-text", label: t("Your answer"), rows: 3 })}
          ${button(t("Save answer"), { secondary: true })}
        </form>`
      : ""}
  </section>`;
}

function decisionsSection(context, state, discussion, canLead) {
  const { data } = context;
  const key = draftKey(discussion.id, "decision");
  const errors = errorsFor(state, key);
  const policy = currentPolicy(data);
  const decisions = decisionsOf(data, discussion);
  return html`<section aria-labelledby="decisions-heading">
    <h2 class="govuk-heading-m" id="decisions-heading">${t("Decisions")}</h2>
    <p class="govuk-body">${t("Each decision is logged as a judgment entry of the family, with its light from your council's decision policy.")}</p>
    ${decisions.length
      ? html`<ul class="govuk-list">${decisions.map(
          (judgment) => html`<li class="app-decision">
            <a class="govuk-link" href="#/judgment/${judgment.id}">${judgment.question}</a>: ${judgment.decision}
            <p class="govuk-body-s">${categoryLabel(policy, judgment.category)}. ${lightTag(lightOf(data, judgment))}</p>
            <p class="govuk-body-s">${statusTag(statusOf(data, judgment))}${notSyncedTag(judgment)}</p>
          </li>`,
        )}</ul>`
      : html`<p class="govuk-body">${t("No decisions yet.")}</p>`}
    ${canLead
      ? html`<form data-form="decision" data-draft="${key}" novalidate>
          ${summaryFor(state, key)}
          ${textarea({ name: "question", id: "decision-question", label: t("What was decided about?"), labelClass: "govuk-label--s", hint: t("As a question, for example: Should Sam stay with his grandmother at weekends?"), rows: 2, error: errors.question })}
          ${policy?.categories?.length
            ? select({ name: "category", id: "category", label: t("What kind of decision is it?"), hint: t("Your council's decision policy says what each kind of decision needs."), options: otherLast(policy.categories.map((c) => [c.key, c.label])), error: errors.category })
            : textInput({ name: "category", id: "category", label: t("What kind of decision is it?"), hint: t("No decision policy is on this device yet, so this decision will need discussion."), error: errors.category })}
          <div class="app-light-explainer" id="category-light" aria-live="polite"></div>
          ${textarea({ name: "decision", id: "decision-text", label: t("The decision"), rows: 3, error: errors.decision })}
          ${textarea({ name: "rationale", id: "decision-rationale", label: t("Why the group decided this"), rows: 3, error: errors.rationale })}
          ${button(t("Record decision"), { secondary: true })}
        </form>`
      : ""}
  </section>`;
}

function actionsSection(context, state, discussion, owners, canLead) {
  const { user } = context;
  const key = draftKey(discussion.id, "action");
  const errors = errorsFor(state, key);
  const actions = discussion.actions || [];
  return html`<section aria-labelledby="actions-heading">
    <h2 class="govuk-heading-m" id="actions-heading">${t("Actions")}</h2>
    ${actions.length
      ? responsiveTable({
          caption: t("Actions agreed for this family"),
          columns: [t("Action"), t("Who"), t("Due"), t("Status")],
          rows: actions.map((action) => [
            action.task,
            context.staffName(action.owner_id),
            action.due_on ? formatDate(action.due_on) : t("No date"),
            html`${tag(actionStatus(action.status), action.status === "done" ? "green" : "grey")}
              ${(canLead || action.owner_id === user.id) && action.status !== "done"
                ? html`<button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" data-click="done" value="${action.id}">${t("Mark as done")}<span class="govuk-visually-hidden">: ${action.task}</span></button>`
                : ""}`,
          ]),
        })
      : html`<p class="govuk-body">${t("No actions yet.")}</p>`}
    ${canLead
      ? html`<form data-form="action" data-draft="${key}" novalidate>
          ${summaryFor(state, key)}
          ${textarea({ name: "task", id: "action-task", label: t("What needs to be done"), labelClass: "govuk-label--s", rows: 2, error: errors.task })}
          ${select({ name: "owner_id", id: "action-owner", label: t("Who will do it"), hint: t("Someone who attended and works with this family."), options: owners.map((id) => [id, id === context.user?.id ? t("You") : context.staffName(id)]), error: errors.owner_id })}
          ${dateInput({ name: "due_on", legend: t("Due date (optional)"), error: errors.due_on })}
          ${button(t("Add action"), { secondary: true })}
        </form>`
      : ""}
  </section>`;
}

function checkDecision(values) {
  const errors = {};
  if (!values.question?.trim()) errors.question = t("Enter what was decided about");
  if (!values.category?.trim()) errors.category = t("Choose what kind of decision it is");
  if (!values.decision?.trim()) errors.decision = t("Enter the decision");
  if (!values.rationale?.trim()) errors.rationale = t("Enter why the group decided this");
  checkLength(errors, "question", values.question, 2000, t("The question"));
  checkLength(errors, "category", values.category, 60, t("The kind of decision"));
  checkLength(errors, "decision", values.decision, 20_000, t("The decision"));
  checkLength(errors, "rationale", values.rationale, 20_000, t("Why the group decided this"));
  return errors;
}

function discussionScreen(context, sessionId, discussionId) {
  const { data, main, user, session } = context;
  if (!data.get("supervision_discussion", discussionId)) {
    return notFound(main, t("Discussion"));
  }
  const current = () => data.get("supervision_discussion", discussionId);
  const update = (changes) =>
    session.sync.enqueue("supervision_discussion", "update", discussionId, changes, baseVersion(data, "supervision_discussion", discussionId));
  const header = () => data.get("supervision_session", sessionId);
  // A supervisor's device holds only their own team's sessions and families.
  const leads = () => user.role === "supervisor";
  const attends = () => (header()?.attendee_ids || []).includes(user.id);
  const owners = () => (header() ? actionOwners(data, { team_id: user.team_id, ...header() }, current().family_id, data.reference?.directory) : []);

  return liveScreen(
    context,
    (state) => {
      const discussion = current();
      if (!discussion) return html`<h1 class="govuk-heading-l">${t("This discussion is no longer on this device")}</h1>`;
      const record = header();
      return html`${backLink(record ? `${HOME}/${sessionId}` : HOME, record ? record.title : t("Group supervision"))}
        ${successBanner(state.flash)}
        ${state.errors?.form === "click" ? errorSummary(state.errors.fields) : ""}
        <span class="govuk-caption-l">${record ? t("Group supervision: {session}", { session: sessionTitle(record) }) : t("Group supervision")}</span>
        <h1 class="govuk-heading-l">${familyName(data, discussion.family_id)}</h1>
        <p class="govuk-body"><a class="govuk-link" href="#/family/${discussion.family_id}">${t("Open the family's page")}</a></p>
        ${questionsSection(context, state, discussion, leads(), attends())}
        ${decisionsSection(context, state, discussion, leads())}
        ${actionsSection(context, state, discussion, owners(), leads())}`;
    },
    {
      async question(values) {
        const errors = {};
        if (!values.question?.trim()) errors.question = t("Enter the question");
        checkLength(errors, "question", values.question, 2000, t("The question"));
        checkLength(errors, "answer", values.answer, 20_000, t("The answer"));
        if (Object.keys(errors).length) return { errors };
        await update({ questions: withQuestion(current(), newId(), values.question, values.answer) });
        return { message: t("Question added") };
      },
      async answer(values) {
        if (!values.question_id) return { errors: { question_id: t("Choose the question you are answering") } };
        await update({ questions: withAnswer(current(), values.question_id, values.answer || "") });
        return { message: t("Answer saved") };
      },
      async decision(values) {
        const errors = checkDecision(values);
        if (Object.keys(errors).length) return { errors };
        const discussion = current();
        const id = newId();
        await session.sync.enqueue("judgment", "create", id, {
          family_id: discussion.family_id,
          supervision_discussion_id: discussion.id,
          question: values.question.trim(),
          category: values.category.trim(),
          decision: values.decision.trim(),
          rationale: values.rationale.trim(),
          options: [],
          risks: [],
          consulted: [],
          disagreed: [],
          family_view: null,
          child_view: null,
        });
        await session.sync.enqueue("judgment", "sign", id, {}, 1);
        return { message: t("Decision recorded as a judgment entry") };
      },
      async action(values) {
        const due = readDate(values, "due_on");
        const proposed = { task: values.task, owner_id: values.owner_id, due_on: due };
        const errors = inLanguage(checkAction(proposed, owners()));
        checkLength(errors, "task", values.task, 2000, t("The action"));
        if (Object.keys(errors).length) return { errors };
        await update({ actions: withAction(current(), newId(), proposed) });
        return { message: t("Action added") };
      },
      async done(actionId) {
        await update({ actions: withActionStatus(current(), actionId, "done") });
        return { message: t("Action marked as done") };
      },
    },
  );
}

export async function groupSupervisionView(context) {
  const [sessionId, discussionId] = context.params;
  if (discussionId) return discussionScreen(context, sessionId, discussionId);
  if (sessionId) return sessionScreen(context, sessionId);
  return listScreen(context);
}
