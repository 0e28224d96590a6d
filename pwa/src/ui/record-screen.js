// The frame of the screens that show one record (a note, a judgment, a strategy
// discussion...): drawn again as the device's data changes, never under the
// worker's fingers, with what is typed kept in drafts by the one screen
// abstraction (TypedWork in screen.js).

import { errorSummary, focusErrorSummary, fillForm, formValues, storageMessage } from "./forms.js";
import { html, mount } from "./html.js";
import { TypedWork } from "./screen.js";
import { t } from "../i18n.js";

/**
 * The frame of the note and judgment screens. Forms carry `data-form` (and
 * `data-target` when there are several of a kind) and may carry `data-draft`,
 * the key their text is kept under as it is typed. Buttons with `data-open`
 * open a form. A change of data re-draws the screen unless the worker is
 * typing, so sync never takes text from under their fingers.
 */
export class RecordScreen {
  constructor(context) {
    this.context = context;
    this.state = { open: null, form: null, errors: {}, values: null, message: null };
    this.typed = new TypedWork(context.session);
    this.dirty = false;
    this.busy = false;
    this.last = null;
    this.turn = 0;
    this.announce = false;
    this.onChange = () => {
      // Never re-draw under the worker's fingers, nor over errors they are reading.
      if (!this.dirty && !this.busy && !this.state.form) this.render();
    };
    this.onInput = () => {
      this.dirty = true;
    };
    this.onClick = (event) => {
      const opener = event.target.closest("[data-open]");
      if (opener && this.context.main.contains(opener)) {
        event.preventDefault();
        this.state = { open: opener.dataset.open || null, form: null, errors: {}, values: null, message: null };
        this.render({ force: true }).then(() => this.focusOpened());
      }
    };
    context.data.addEventListener("change", this.onChange);
    context.main.addEventListener("input", this.onInput);
    context.main.addEventListener("click", this.onClick);
  }

  close() {
    this.context.data.removeEventListener("change", this.onChange);
    this.context.main.removeEventListener("input", this.onInput);
    this.context.main.removeEventListener("click", this.onClick);
    this.stopDrafts();
    this.turn += 1;
  }

  /** Stop saving drafts as typed, first saving what was typed since the last draft. */
  stopDrafts() {
    this.typed.stopAll();
  }

  /** Return the error summary: linked to each field, or plain when no field is to blame. */
  problems() {
    const { form: problem, ...linked } = this.state.errors || {};
    return problem ? problemSummary(problem) : errorSummary(linked);
  }

  /** Return the error shown beside a field, if the last submitted form was this one. */
  error(formId, fieldId) {
    return this.state.form === formId ? this.state.errors[fieldId] : undefined;
  }

  /**
   * The screen's content, drawn again when the data changes.
   * @returns {Html}
   */
  markup() {
    return "";
  }

  /**
   * What each form (by its data-form name) does when sent; called with the screen as `this`.
   * @returns {Handlers<this>}
   */
  handlers() {
    return {};
  }

  /** Read what the screen shows before it is drawn (optional). @returns {Promise<void> | void} */
  prepare() {}

  /**
   * The values a form starts from before its draft is laid over it (optional).
   * @param {HTMLFormElement} _form
   * @returns {object | null}
   */
  initialValues(_form) {
    return null;
  }

  /** Wire what the markup cannot (optional), after each drawing. */
  afterRender() {}

  /**
   * Move to another step of a screen that has steps (optional).
   * @param {string} _step
   */
  changeStep(_step) {}

  focusOpened() {
    const heading = this.context.main.querySelector("[data-opened]");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  async render({ force = false } = {}) {
    const { main, session } = this.context;
    const turn = ++this.turn;
    await this.prepare?.();
    if (turn !== this.turn) return;
    // A redraw nobody asked for waits if the worker started typing meanwhile.
    if (!force && this.dirty) return;
    const content = this.markup();
    const text = String(content);
    if (!force && text === this.last) {
      return;
    }
    this.last = text;
    this.stopDrafts();
    mount(main, content);
    this.dirty = false;
    this.announce = false;
    for (const form of main.querySelectorAll("form[data-form]")) {
      const formId = formKey(form);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.submit(form, event.submitter);
      });
      const key = form.dataset.draft;
      if (this.state.form === formId && this.state.values) {
        fillForm(form, this.state.values);
      } else {
        const start = this.initialValues?.(form);
        if (start) fillForm(form, start);
        if (key) {
          // What the worker changes while the draft loads is newer than the draft.
          const touched = new Set();
          const note = (event) => event.target?.name && touched.add(event.target.name);
          form.addEventListener("input", note);
          form.addEventListener("change", note);
          const draft = await session.loadDraft(key).catch(() => null);
          form.removeEventListener("input", note);
          form.removeEventListener("change", note);
          if (turn !== this.turn) return;
          if (draft) {
            fillForm(form, Object.fromEntries(Object.entries(draft).filter(([name]) => !touched.has(name))));
          }
        }
      }
      if (key) {
        this.typed.watch(form, key, form.querySelector(".app-draft-saved"), formId);
      }
    }
    this.afterRender?.();
    this.context.enhance();
    document.title = `${main.querySelector("h1")?.textContent?.trim() || "Family Fieldwork"} – Family Fieldwork`;
    focusErrorSummary(main);
  }

  focusHeading() {
    const heading = this.context.main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    window.scrollTo(0, 0);
  }

  async submit(form, submitter) {
    const formId = formKey(form);
    const values = formValues(form);
    const handler = this.handlers()[form.dataset.form];
    if (!handler || this.busy) return;
    this.busy = true;
    let outcome;
    try {
      outcome = (await handler.call(this, values, { form, submitter, target: form.dataset.target })) || {};
    } catch (error) {
      // The device could not store it (out of space, say): say so beside the first field.
      const first = form.querySelector("input:not([type=hidden]), textarea, select");
      outcome = first
        ? { errors: { [first.id]: t("Not saved: {why}", { why: storageMessage(error) }) } }
        : { errors: { form: t("Not saved: {why}", { why: storageMessage(error) }) } };
    } finally {
      this.busy = false;
    }
    const failed = Boolean(outcome.errors && Object.keys(outcome.errors).length);
    if (failed) {
      // Nothing typed is lost: the form is drawn again with exactly what was sent.
      this.state = { ...this.state, form: formId, errors: outcome.errors, values, message: null };
    } else {
      if (form.dataset.draft && !outcome.keepDraft) {
        await this.typed.forget(formId).catch(() => {});
      }
      this.state = { open: null, form: null, errors: {}, values: null, message: outcome.message || null, ...(outcome.state || {}) };
      this.announce = true;
      if (outcome.step) this.changeStep?.(outcome.step);
    }
    await this.render({ force: true });
    if (failed) return;
    if (outcome.step || outcome.state?.open) {
      this.focusHeading();
    }
  }
}

export function problemSummary(problem) {
  if (!problem) return "";
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1">
    <div role="alert">
      <h2 class="govuk-error-summary__title">${t("There is a problem")}</h2>
      <div class="govuk-error-summary__body"><p class="govuk-body">${problem}</p></div>
    </div>
  </div>`;
}

function formKey(form) {
  return `${form.dataset.form}:${form.dataset.target || ""}`;
}
