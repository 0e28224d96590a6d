// Peer consultation: a dilemma put to practitioners in other teams, with no
// link to the family or to the asker. Online only (the server holds them, and
// shows each only to other teams than the one it was asked from). As the
// asker writes, the app warns of anything in the text that could identify
// one of their own families, on the device; the asker can change it or post
// anyway. This device keeps a private, sealed list of what it asked, with
// the key that lets the asker alone in their team read it (my-consultations.js).
// For caseworkers and supervisors: other roles get a page that says so.

import { collectIdentifiers, findIdentifiers } from "../../domain/identifiers.js";
import { newId } from "../../domain/ids.js";
import { askerHeaders, myConsultations, newAskerKey } from "../../my-consultations.js";
import { ApiError, Offline, get, post } from "../../sync/api.js";
import { button, errorSummary, fillForm, focusErrorSummary, formValues, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDateTime, tag } from "../layout.js";
import { fetchConsultation } from "../replies.js";
import { successBanner } from "../records.js";
import { TypedWork } from "../screen.js";
import { t, tn } from "../../i18n.js";

/** The roles that ask and answer peers, as the server allows (Action.CONSULT_PEERS). */
const CONSULTING_ROLES = new Set(["caseworker", "supervisor"]);

const DRAFT_KEY = "consultation/new";
const FIELDS = { title: "title", dilemma: "dilemma" };

/** Where a detail was found, in a sentence: "“Rees” in the title: a family name". */
function foundIn(field, hit) {
  const values = { text: hit.text, about: hit.about };
  return field === "title" ? t("“{text}” in the title: {about}", values) : t("“{text}” in the dilemma: {about}", values);
}
const LIMITS = { title: 200, dilemma: 20_000 };
let flash = null; // a message for the next screen drawn

/** The page a role that does not take part sees, with a way home rather than back here. */
function notForYou(main, role) {
  const home = ["admin", "practice_lead"].includes(role) ? ["#/policy", t("Go to the decision policy")] : ["#/", t("Go to the start page")];
  mount(main, html`<h1 class="govuk-heading-l">${t("Peer consultations")}</h1>
    <p class="govuk-body" id="consultations-problem">${t("Peer consultation is for caseworkers and supervisors. Your role does not ask or answer them.")}</p>
    <p class="govuk-body"><a class="govuk-link" href="${home[0]}">${home[1]}</a></p>`);
}

/** Show a role that does not take part a page that says so; return whether it was shown. */
function refused(context) {
  if (CONSULTING_ROLES.has(context.user?.role)) return false;
  notForYou(context.main, context.user?.role);
  return true;
}

function problem(context, error, heading = t("Peer consultations")) {
  const { main } = context;
  if (error instanceof ApiError && error.status === 403) return notForYou(main, context.user?.role);
  const text =
    error instanceof Offline
      ? t("You are offline. Peer consultations are kept on the server, so they need a connection. Your caseload still works offline.")
      : error instanceof ApiError && error.status === 404
        ? t("This consultation was not found, or it was asked in your own team: consultations are for other teams.")
        : error?.message || t("Something went wrong. Try again.");
  mount(main, html`<h1 class="govuk-heading-l">${heading}</h1><p class="govuk-body" id="consultations-problem">${text}</p>
    <p class="govuk-body"><a class="govuk-link" href="#/consultations">${t("Go to peer consultations")}</a></p>`);
}

function repliesText(count) {
  return count === 0 ? t("No replies yet") : tn("{count} reply", "{count} replies", count);
}

// --- the list -------------------------------------------------------------------------

export async function consultationsView(context) {
  const { main, session } = context;
  if (refused(context)) return;
  let page;
  let mine;
  let own;
  try {
    mine = await myConsultations(session);
    // The server lists other teams' consultations; this device's own are read with their keys.
    [page, own] = await Promise.all([
      get("/api/consultations?page=1&page_size=100"),
      Promise.all(mine.list().map((item) => fetchConsultation(item.id, item))),
    ]);
  } catch (error) {
    return problem(context, error);
  }
  if (!main.isConnected) return;
  own = own.filter(Boolean);
  const unread = new Map(mine.list().map((item) => [item.id, item]));
  // Replies shown in the list count as seen only when the asker opens the consultation.
  await mine.check(async (id) => own.find((item) => item.id === id) || null).catch(() => {});
  const row = (consultation) => {
    const followed = unread.get(consultation.id);
    const fresh = followed?.unseen?.length || 0;
    return html`<tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="#/consultations/${consultation.id}">${consultation.title}</a>
        ${followed ? html`<br><span class="govuk-body-s">${t("You asked this")}</span>` : ""}</td>
      <td class="govuk-table__cell">${formatDateTime(consultation.posted_at)}</td>
      <td class="govuk-table__cell">${repliesText(consultation.replies.length)}${fresh ? html` ${tag(t("{count} new", { count: fresh }), "blue")}` : ""}</td>
    </tr>`;
  };
  const table = (items, caption) => html`<table class="govuk-table">
    <caption class="govuk-table__caption govuk-table__caption--m">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">${t("Dilemma")}</th>
      <th scope="col" class="govuk-table__header">${t("Asked")}</th>
      <th scope="col" class="govuk-table__header">${t("Replies")}</th>
    </tr></thead>
    <tbody class="govuk-table__body">${items.map(row)}</tbody>
  </table>`;
  const peers = page.items.filter((item) => !unread.has(item.id));
  mount(
    main,
    html`<div id="consultations-page">
      <h1 class="govuk-heading-l">${t("Peer consultations")}</h1>
      <p class="govuk-body">${t("Ask practitioners in other teams for advice on a dilemma, and help with theirs. Only other teams see what you ask: not your own team, and not your supervisor. Nothing here names a family or who asked: only this device knows which consultations you asked.")}</p>
      <a class="govuk-button" href="#/consultations/new" role="button" draggable="false" data-module="govuk-button">${t("Ask your peers")}</a>
      ${own.length ? table(own, t("Your consultations")) : ""}
      ${peers.length
        ? table(peers, t("Your peers' consultations"))
        : html`<p class="govuk-body">${t("No one in another team has asked anything yet.")}</p>`}
    </div>`,
  );
  context.enhance();
}

// --- asking ---------------------------------------------------------------------------

// How long the worker pauses typing before the text is checked again: long
// enough not to redraw on every key, short enough to feel immediate.
export const IDENTIFIER_CHECK_DELAY_MS = 300;

function identifiersOnDevice(data) {
  return collectIdentifiers({ families: data.all("family"), people: data.all("person"), relationships: data.all("relationship") });
}

function fieldGroup(name, label, hint, value, rows) {
  // Built here rather than with forms.js: the identifier warning under the label
  // is redrawn as the worker types, without redrawing (and losing) the field.
  return html`<div class="govuk-form-group" id="${name}-group">
    <label class="govuk-label govuk-label--s" for="${name}">${label}</label>
    <div id="${name}-hint" class="govuk-hint">${hint}</div>
    <div id="${name}-messages">${value}</div>
    ${rows
      ? html`<textarea class="govuk-textarea" id="${name}" name="${name}" rows="${rows}" aria-describedby="${name}-hint"></textarea>`
      : html`<input class="govuk-input" id="${name}" name="${name}" type="text" aria-describedby="${name}-hint" autocomplete="off">`}
  </div>`;
}

function identifierWarning(found, announce) {
  const items = Object.entries(found).flatMap(([field, hits]) =>
    hits.map((hit) => html`<li><a href="#${field}">${foundIn(field, hit)}</a></li>`),
  );
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" id="identifier-warning">
    <div ${announce ? html`role="alert"` : ""}>
      <h2 class="govuk-error-summary__title">${t("Check this does not identify a family")}</h2>
      <div class="govuk-error-summary__body">
        <p class="govuk-body">${t("Your text has details of families you work with. Practitioners in other teams will read it. Change or remove these, or post it as it is if you are sure they identify no one.")}</p>
        <ul class="govuk-list govuk-error-summary__list">${items}</ul>
      </div>
    </div>
  </div>`;
}

const quoted = (hits) => hits.map((hit) => `“${hit.text}”`).join(", ");

/**
 * What shows under a field: its error; else what in it could identify a
 * family, as GOV.UK warning text while the worker writes, and as an error
 * once they have tried to post it (`blocking`).
 */
function fieldMessages(field, errors, hits, blocking) {
  const id = `${field}-error`;
  if (errors[field]) {
    return { id, error: true, content: html`<p id="${id}" class="govuk-error-message"><span class="govuk-visually-hidden">${t("Error:")}</span> ${errors[field]}</p>` };
  }
  if (hits.length && blocking) {
    return {
      id,
      error: true,
      content: html`<p id="${id}" class="govuk-error-message"><span class="govuk-visually-hidden">${t("Warning:")}</span> ${t("This mentions {details}.", { details: quoted(hits) })}</p>`,
    };
  }
  if (hits.length) {
    const warningId = `${field}-identifiers`;
    return {
      id: warningId,
      error: false,
      content: html`<div class="govuk-warning-text govuk-!-margin-bottom-2" id="${warningId}">
        <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
        <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>
          ${t("This could identify a family: {details}.", { details: hits.map((hit) => `“${hit.text}” (${hit.about})`).join("; ") })}</strong>
      </div>`,
    };
  }
  return { id: null, error: false, content: "" };
}

/** The sentence a screen reader hears, politely, when what the check finds changes. */
export function identifierAnnouncement(found) {
  const hits = Object.values(found).flat();
  if (!hits.length) return t("Nothing in your text matches the details of a family you work with.");
  return tn("{count} detail in your text could identify a family: {details}.", "{count} details in your text could identify a family: {details}.", hits.length, { details: quoted(hits) });
}

export async function askView(context) {
  const { main, session, data } = context;
  if (refused(context)) return;
  const identifiers = identifiersOnDevice(data);
  mount(
    main,
    html`<div id="ask-page">
      ${backLink("#/consultations", t("Back to peer consultations"))}
      <div id="ask-summary"></div>
      <h1 class="govuk-heading-l">${t("Ask your peers")}</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">${t("Describe the dilemma so that no one could tell which family it is about: no names, dates of birth, addresses, schools or references. Your name is not shown with it. As you write, this device checks your text against the families you work with and warns you here.")}</p>
        <form id="ask-form" novalidate>
          ${fieldGroup("title", t("Title"), t("A few words, for example: Teenager refusing visits"), "", 0)}
          ${fieldGroup("dilemma", t("Your dilemma"), t("What is happening, what you have tried, and what you would like advice on."), "", 10)}
          <p class="govuk-visually-hidden" id="identifier-status" role="status" aria-live="polite"></p>
          <p class="govuk-body-s app-draft-saved" id="ask-draft" role="status"></p>
          <div class="govuk-button-group" id="ask-buttons">${button(t("Post to your peers"))}</div>
        </form>
      </div></div>
    </div>`,
  );
  const form = main.querySelector("#ask-form");
  const typed = new TypedWork(session);
  const { "ask-form": draft } = await typed.load({ "ask-form": DRAFT_KEY });
  if (draft) fillForm(form, draft);
  typed.watch(form, DRAFT_KEY, main.querySelector("#ask-draft"));

  let errors = {};
  let warned = false; // from the first attempt to post with identifiers, they block posting until confirmed
  let timer = null;
  let heard = ""; // what the status region last said, so the same finding is not repeated

  function check(values) {
    const found = {};
    for (const field of Object.keys(FIELDS)) {
      const hits = findIdentifiers(values[field] || "", identifiers);
      if (hits.length) found[field] = hits;
    }
    return found;
  }

  function draw(found, announce) {
    const summary = main.querySelector("#ask-summary");
    if (Object.keys(errors).length) {
      mount(summary, errorSummary(errors));
    } else if (warned && Object.keys(found).length) {
      mount(summary, identifierWarning(found, announce));
    } else {
      mount(summary, "");
    }
    for (const field of Object.keys(FIELDS)) {
      const { id, error, content } = fieldMessages(field, errors, found[field] || [], warned);
      mount(main.querySelector(`#${field}-messages`), content);
      const input = main.querySelector(`#${field}`);
      input.setAttribute("aria-describedby", [`${field}-hint`, id].filter(Boolean).join(" "));
      input.classList.toggle(input.tagName === "TEXTAREA" ? "govuk-textarea--error" : "govuk-input--error", error);
      main.querySelector(`#${field}-group`).classList.toggle("govuk-form-group--error", error);
    }
    const confirm = warned && !Object.keys(errors).length && Object.keys(found).length;
    mount(
      main.querySelector("#ask-buttons"),
      confirm
        ? html`${button(t("Check again and post"))}${button(t("Post it as it is"), { warning: true, name: "confirm", value: "yes" })}`
        : button(t("Post to your peers")),
    );
  }

  /** Tell a screen reader what changed, politely: focus stays where the worker is typing. */
  function say(found) {
    const clear = !Object.keys(found).length;
    if (clear && !heard) return; // nothing was found before either
    const sentence = identifierAnnouncement(found);
    if (sentence === heard) return;
    heard = clear ? "" : sentence;
    main.querySelector("#identifier-status").textContent = sentence;
  }

  function recheck() {
    timer = null;
    if (!main.isConnected) return;
    const values = formValues(form);
    for (const field of Object.keys(errors)) {
      if ((values[field] || "").trim()) delete errors[field];
    }
    const found = check(values);
    draw(found, false);
    say(found);
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(recheck, IDENTIFIER_CHECK_DELAY_MS);
  });

  // A draft brought back is checked at once, without announcing it over the page's heading.
  if (draft) {
    const found = check(formValues(form));
    draw(found, false);
    heard = Object.keys(found).length ? identifierAnnouncement(found) : "";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(timer);
    timer = null;
    const values = formValues(form);
    const confirmed = event.submitter?.name === "confirm";
    errors = {};
    if (!values.title.trim()) errors.title = t("Enter a title");
    else if (values.title.length > LIMITS.title) errors.title = t("Title must be {max} characters or fewer", { max: LIMITS.title });
    if (!values.dilemma.trim()) errors.dilemma = t("Describe your dilemma");
    else if (values.dilemma.length > LIMITS.dilemma) errors.dilemma = t("Your dilemma must be {max} characters or fewer", { max: LIMITS.dilemma.toLocaleString("en-GB") });
    const found = check(values);
    if (Object.keys(errors).length || (Object.keys(found).length && !confirmed)) {
      warned = warned || Object.keys(found).length > 0;
      // The summary takes focus and is read out: the status region stays quiet.
      heard = Object.keys(found).length ? identifierAnnouncement(found) : "";
      draw(found, true);
      focusErrorSummary(main);
      return;
    }
    try {
      const askerKey = newAskerKey();
      const posted = await post("/api/consultations", { id: newId(), title: values.title.trim(), dilemma: values.dilemma.trim(), asker_key: askerKey });
      await (await myConsultations(session)).remember(posted, askerKey);
      await typed.forget("ask-form").catch(() => {});
      flash = t("Your consultation is posted. This device will tell you when someone replies.");
      context.go(`#/consultations/${posted.id}`);
    } catch (error) {
      errors = { title: error instanceof Offline ? t("You are offline: your text is kept on this device. Post it when you have a connection.") : error.message };
      draw(found, true);
      focusErrorSummary(main);
    }
  });
  return () => {
    clearTimeout(timer);
    typed.stopAll();
  };
}

// --- one consultation -----------------------------------------------------------------

export async function consultationView(context) {
  const { main, session } = context;
  if (refused(context)) return;
  const [id] = context.params;
  let consultation;
  let mine;
  try {
    mine = await myConsultations(session);
    consultation = await get(`/api/consultations/${id}`, askerHeaders(mine.items.get(id)));
  } catch (error) {
    return problem(context, error, t("Consultation"));
  }
  if (!main.isConnected) return;
  const asked = mine.has(id);
  const unseen = new Set(mine.items.get(id)?.unseen || []);
  await mine.markRead(consultation);
  const message = flash;
  flash = null;
  mount(
    main,
    html`<div id="consultation-page">
      ${backLink("#/consultations", t("Back to peer consultations"))}
      ${successBanner(message)}
      <div id="reply-summary"></div>
      <span class="govuk-caption-l">${asked ? t("Your consultation") : t("A peer's consultation")}</span>
      <h1 class="govuk-heading-l">${consultation.title}</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <p class="govuk-body-s">${t("Asked {when}", { when: formatDateTime(consultation.posted_at) })}</p>
        <div class="govuk-inset-text app-pre-wrap" id="dilemma-text">${consultation.dilemma}</div>
        <h2 class="govuk-heading-m">${repliesText(consultation.replies.length)}</h2>
        <ol class="govuk-list" id="replies">
          ${consultation.replies.map(
            (reply) => html`<li class="govuk-!-margin-bottom-6">
              <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>${context.staffName(reply.created_by_id)}</strong>, ${formatDateTime(reply.created_at)}
                ${unseen.has(reply.id) ? tag(t("New"), "blue") : ""}</p>
              <p class="govuk-body app-pre-wrap">${reply.body}</p>
            </li>`,
          )}
        </ol>
        <form id="reply-form" novalidate>
          ${textarea({
            name: "body",
            id: "reply-body",
            label: t("Your reply"),
            labelClass: "govuk-label--s",
            hint: asked
              ? t("Your name is shown with your reply, so peers will know you asked this.")
              : t("Your name is shown with your reply. Do not name a family you work with."),
            rows: 6,
          })}
          ${button(t("Send reply"))}
        </form>
      </div></div>
    </div>`,
  );
  context.enhance();
  main.querySelector("#reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = formValues(event.target).body.trim();
    const fail = (text) => {
      mount(main.querySelector("#reply-summary"), errorSummary({ body: text }, { body: "reply-body" }));
      focusErrorSummary(main);
    };
    if (!body) return fail(t("Write your reply"));
    try {
      await post(`/api/consultations/${id}/replies`, { body }, askerHeaders(mine.items.get(id)));
    } catch (error) {
      return fail(error instanceof Offline ? t("You are offline. Send your reply when you have a connection.") : error.message);
    }
    flash = t("Your reply is sent.");
    context.refresh();
  });
}

// --- telling the asker ----------------------------------------------------------------

/** The in-app banner for new replies to this device's consultations ("" when none). */
export function repliesBanner(items) {
  if (!items.length) return "";
  return html`<div class="govuk-notification-banner" role="region" aria-labelledby="replies-title" data-module="govuk-notification-banner" id="replies-banner">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="replies-title">${t("New replies")}</h2>
    </div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading">${items.length === 1 ? t("A colleague replied to your consultation") : t("Colleagues replied to your consultations")}</p>
      <ul class="govuk-list">${items.map(
        (item) => html`<li><a class="govuk-notification-banner__link" href="#/consultations/${item.id}">${item.title}</a></li>`,
      )}</ul>
    </div>
  </div>`;
}
