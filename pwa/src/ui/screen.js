// The frame every editing screen shares: drawn again when the device's data
// changes, without losing what the worker is typing or where the focus was.

import { fillForm, formValues, saveAsTyped } from "./forms.js";
import { html, mount } from "./html.js";
import { t } from "../i18n.js";

/**
 * Keeps what the worker types: in drafts as they type, and across redraws of
 * the screen (a sync landing, a validation error), with the focus where it was.
 */
export class TypedWork {
  constructor(session) {
    this.session = session;
    this.stops = new Map(); // form name -> stop saving as typed
    this.keys = new Map(); // form name -> draft key
    this.forms = new Map(); // form name -> the form watched
    this.dirty = new Set(); // forms typed in since their draft was last saved
    this.changed = new Map(); // form name -> values the screen changed (a row added), newer than its fields
  }

  /**
   * Save a form's values as a draft (key) while the worker types.
   * name: what the screen calls the form (its id unless told).
   */
  watch(form, key, status, name = form.id) {
    this.keys.set(name, key);
    this.forms.set(name, form);
    const touched = () => {
      this.dirty.add(name);
      this.changed.delete(name);
    };
    form.addEventListener("input", touched);
    form.addEventListener("change", touched);
    const stop = saveAsTyped(
      form,
      async (values) => {
        this.dirty.delete(name);
        await this.session.saveDraft(key, values);
      },
      status,
    );
    this.stops.set(name, stop);
  }

  /** Read the saved draft of each form ({formId: draft key}): {formId: values or null}. */
  async load(keysByForm) {
    const drafts = {};
    for (const [formId, key] of Object.entries(keysByForm)) {
      drafts[formId] = await this.session.loadDraft(key).catch(() => null);
    }
    return drafts;
  }

  /** Save each form under root that is in keysByForm as the worker types, with its status line. */
  watchAll(root, keysByForm) {
    for (const [formId, key] of Object.entries(keysByForm)) {
      const form = root.querySelector(`#${formId}`);
      if (form) {
        this.watch(form, key, root.querySelector(`#${formId.replace("-form", "-draft")}`));
      }
    }
  }

  /**
   * Read every form and the focus under root, before root is drawn again.
   * @param {Element | null} root
   * @returns {{forms: Map<string, FormValues>, focus: FocusKept | null}}
   */
  capture(root) {
    const forms = new Map();
    for (const form of root?.querySelectorAll("form[id]") || []) {
      forms.set(form.id, formValues(/** @type {HTMLFormElement} */ (form)));
    }
    const focus = keepFocus(root);
    this.stopAll();
    return { forms, focus };
  }

  /** Stop saving as typed (the forms are about to be drawn again or left), first saving what was typed since the last draft. */
  stopAll() {
    for (const stop of this.stops.values()) {
      stop();
    }
    // A redraw cancels the pending draft saves: save what was typed since now.
    for (const name of this.dirty) {
      const key = this.keys.get(name);
      const form = this.forms.get(name);
      if (key && form?.isConnected) {
        this.session.saveDraft(key, this.changed.get(name) || formValues(form)).catch(() => {});
      }
    }
    this.dirty.clear();
    this.changed.clear();
    this.stops.clear();
    this.forms.clear();
  }

  /** Put back what was typed, except in forms just saved, and the focus. */
  restore(root, captured, { except = [], focus = true } = {}) {
    for (const [formId, values] of captured.forms) {
      const form = root.querySelector(`#${CSS.escape(formId)}`);
      if (form && !except.includes(formId)) {
        fillForm(form, values);
      }
    }
    if (focus) {
      putFocusBack(root, captured.focus);
    }
  }

  /** The screen changed a form's values itself (added a row, say): keep these as its draft when it is drawn again. */
  change(formId, values) {
    this.dirty.add(formId);
    this.changed.set(formId, values);
  }

  /** The form is being saved: stop saving it as typed, without keeping what it holds as a draft. */
  stop(formId) {
    this.stops.get(formId)?.();
    this.stops.delete(formId);
    this.forms.delete(formId);
    this.dirty.delete(formId);
    this.changed.delete(formId);
  }

  /** The form was saved: stop its draft and delete it. */
  async forget(formId) {
    this.stop(formId);
    const key = this.keys.get(formId);
    if (key) {
      await this.session.deleteDraft(key);
    }
  }
}

/** @typedef {{id: string, start: number | null, end: number | null}} FocusKept */

/**
 * Note which field under root has the focus, and where the caret is in it, before root is drawn again.
 * @param {Element | null} root
 * @returns {FocusKept | null}
 */
export function keepFocus(root) {
  const active = document.activeElement;
  if (!root?.contains(active) || !active.id) {
    return null;
  }
  const field = /** @type {HTMLInputElement} */ (active);
  return { id: active.id, start: selection(field, "start"), end: selection(field, "end") };
}

/**
 * Put the focus (and the caret) back where keepFocus found it, without scrolling.
 * @param {Element} root
 * @param {FocusKept | null} kept
 */
export function putFocusBack(root, kept) {
  const element = kept && root.querySelector(`#${CSS.escape(kept.id)}`);
  if (!(element instanceof HTMLElement)) {
    return;
  }
  element.focus({ preventScroll: true });
  if (kept.start !== null && "setSelectionRange" in element) {
    try {
      /** @type {HTMLInputElement} */ (element).setSelectionRange(kept.start, kept.end);
    } catch {
      // not a text field
    }
  }
}

/**
 * @param {HTMLInputElement} element
 * @param {"start" | "end"} end
 */
function selection(element, end) {
  try {
    return (end === "start" ? element.selectionStart : element.selectionEnd) ?? null;
  } catch {
    return null;
  }
}

/** Draw the error summary without moving the focus: the screen moves it only after a submit. */
export function quietErrorSummaries(root) {
  for (const summary of root.querySelectorAll(".govuk-error-summary")) {
    summary.dataset.disableAutoFocus = "true";
  }
}

export function successBanner(message) {
  if (!message) {
    return "";
  }
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
      aria-labelledby="saved-title" data-module="govuk-notification-banner">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="saved-title">${t("Success")}</h2>
    </div>
    <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${message}</p></div>
  </div>`;
}

/**
 * One screen drawn again whenever the device's data changes, without losing
 * what the worker is typing, and not at all when nothing shown would change
 * (every sync announces a change, even an empty one).
 */
export class Screen {
  constructor(context, rootId) {
    this.context = context;
    this.rootId = rootId;
    this.typed = new TypedWork(context.session);
    this.shown = null;
  }

  root() {
    return this.context.main.querySelector(`#${this.rootId}`);
  }

  /**
   * Mount content (whose outermost element has the screen's id) and wire it.
   * quiet: a redraw nobody asked for; skipped when the content is unchanged.
   * afterSubmit: the caller moves the focus; otherwise it stays where it was.
   * justSaved: ids of forms to leave empty rather than refill with what was typed.
   * drafts: {formId: values} to fill in (the first drawing).
   */
  draw(content, { wire, quiet = false, afterSubmit = false, justSaved = [], drafts = null }) {
    const text = String(content);
    if (quiet && text === this.shown && this.root()) {
      return null;
    }
    this.shown = text;
    const before = this.typed.capture(this.root());
    mount(this.context.main, content);
    const root = this.root();
    for (const [formId, values] of Object.entries(drafts || {})) {
      const form = values && root.querySelector(`#${CSS.escape(formId)}`);
      if (form) {
        fillForm(form, values);
      }
    }
    this.typed.restore(root, before, { except: justSaved, focus: !afterSubmit });
    wire(root);
    if (!afterSubmit) {
      quietErrorSummaries(root);
    }
    this.context.enhance(root);
    const heading = root.querySelector("h1")?.textContent?.trim() || "Family Fieldwork";
    document.title = `${root.querySelector(".govuk-error-summary") ? t("Error: ") : ""}${heading} – Family Fieldwork`;
    return root;
  }

  /** Leaving the screen: save what was typed since the last draft, then stop. */
  stop() {
    this.typed.capture(this.root());
  }
}
