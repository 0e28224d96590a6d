// "Photos and files" on a record's screen: what is attached (a photo shown,
// a file to download), how each upload stands, and "Add a photo or file"
// (the GOV.UK file upload pattern; on a phone, the camera). A screen places
// attachmentsPanel(...) in its markup; mountAttachmentPanels fills it in after
// every draw, so the screen's own redraws never touch the panel's state.

import { AttachmentProblem, prepareAttachment } from "../attachments/prepare.js";
import { nowIso, nowMs } from "../clock.js";
import {
  UploadState,
  attachmentSettings,
  attachmentsOf,
  formatBytes,
  spaceCheck,
  uploadStatusText,
} from "../domain/attachments.js";
import { newId } from "../domain/ids.js";
import { t } from "../i18n.js";
import { button, textInput } from "./forms.js";
import { html, mount } from "./html.js";
import { tag } from "./layout.js";

const CONTENT_PATH = (id) => `/api/v1/attachments/${id}/content`;
// Queuing an attachment's record changes the data, and the screen around a
// panel may redraw it anew: what the last attach said is kept here, by record,
// for the panel that replaces it (for a few seconds, then it is old news).
const FLASH_MS = 10_000;
const flashes = new Map(); // "kind/id" -> {message, at, focused}
// A PDF that is password protected or damaged cannot be read to remove its
// hidden details. It is kept all the same (refusing a protected letter from
// another agency would stop the work), and the worker is told plainly.
const DETAILS_KEPT = () =>
  t("This PDF is password protected or damaged, so its hidden details (such as who wrote it) could not be removed. If that matters, print it and attach a photo instead.");

/**
 * Return the place for a record's photos and files in a screen's markup.
 * @param {{parentKind: string, parentId: string, familyId: string, canAdd?: boolean, headingLevel?: number}} options
 */
export function attachmentsPanel({ parentKind, parentId, familyId, canAdd = true, headingLevel = 2 }) {
  return html`<section class="app-attachments" data-attachments data-parent-kind="${parentKind}" data-parent-id="${parentId}"
    data-family-id="${familyId}" data-can-add="${canAdd ? "yes" : "no"}" data-heading-level="${headingLevel}"
    aria-label="${t("Photos and files")}"></section>`;
}

/**
 * Fill in every attachments panel in `root` not yet filled in.
 * @param {Element} root
 * @param {any} session the app's session (its data, vault, uploads and sync)
 */
export function mountAttachmentPanels(root, session) {
  if (!session?.unlocked || !session.attachments) {
    return;
  }
  const panels = /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-attachments]:not([data-mounted])"));
  for (const element of panels) {
    element.dataset.mounted = "yes";
    new AttachmentsPanel(element, session).start();
  }
}

class AttachmentsPanel {
  constructor(element, session) {
    this.element = element;
    this.session = session;
    this.parentKind = element.dataset.parentKind;
    this.parentId = element.dataset.parentId;
    this.familyId = element.dataset.familyId;
    this.canAdd = element.dataset.canAdd === "yes";
    this.heading = `h${element.dataset.headingLevel || 2}`;
    this.key = `${this.parentKind}/${this.parentId}`;
    this.urls = new Map(); // attachment id -> object URL of its bytes
    this.failed = new Set(); // ids whose bytes could not be had
    this.error = null;
    this.message = null;
    this.busy = false;
    this.last = null;
    this.onChange = () => this.draw();
  }

  start() {
    // Typing a caption here is not typing in the screen's own form.
    this.element.addEventListener("input", (event) => event.stopPropagation());
    this.element.addEventListener("submit", (event) => {
      event.preventDefault();
      this.attach(event.target);
    });
    this.element.addEventListener("click", (event) => {
      const id = event.target.closest("[data-download]")?.dataset.download;
      if (id) {
        event.preventDefault();
        this.download(id);
      }
    });
    this.session.data.addEventListener("change", this.onChange);
    this.session.attachments.addEventListener("change", this.onChange);
    this.draw();
  }

  stop() {
    this.session.data?.removeEventListener("change", this.onChange);
    this.session.attachments?.removeEventListener("change", this.onChange);
    for (const url of this.urls.values()) {
      URL.revokeObjectURL(url);
    }
    this.urls.clear();
  }

  get attachments() {
    return attachmentsOf(this.session.data, this.parentKind, this.parentId);
  }

  draw() {
    if (!this.element.isConnected || !this.session.data) {
      this.stop(); // the screen moved on
      return;
    }
    const markup = this.markup();
    const content = String(markup);
    if (content === this.last) {
      return;
    }
    // Keep what the worker chose and typed when only a status moved.
    const caption = this.element.querySelector("input[name=caption]")?.value;
    const chosen = this.element.querySelector("input[type=file]")?.files;
    this.last = content;
    mount(this.element, markup);
    if (caption && !this.message) {
      this.element.querySelector("input[name=caption]").value = caption;
    }
    if (chosen?.length && !this.message) {
      const input = this.element.querySelector("input[type=file]");
      if (input) input.files = chosen;
    }
    this.showImages();
    const flash = this.flash();
    if (flash && !flash.focused && !this.busy) {
      flash.focused = true;
      const status = this.element.querySelector("[role=status]");
      status?.setAttribute("tabindex", "-1");
      status?.focus();
    }
  }

  /** Return what the last attach on this record said, while it is news. */
  flash() {
    const flash = flashes.get(this.key);
    if (flash && nowMs() - flash.at > FLASH_MS) {
      flashes.delete(this.key);
      return null;
    }
    return flash || null;
  }

  markup() {
    const attachments = this.attachments;
    this.message = this.message || this.flash()?.message || null;
    const H = this.heading;
    return html`<${H} class="govuk-heading-m">${t("Photos and files")}</${H}>
      ${this.message ? html`<div class="govuk-inset-text" role="status">${this.message}</div>` : ""}
      ${attachments.length
        ? html`<ul class="govuk-list app-attachments__list">${attachments.map((attachment) => this.item(attachment))}</ul>`
        : html`<p class="govuk-body">${t("No photos or files yet.")}</p>`}
      ${this.canAdd ? this.form() : ""}`;
  }

  item(attachment) {
    const status = this.session.attachments.status(attachment.id);
    const words = uploadStatusText(status);
    const image = attachment.content_type?.startsWith("image/");
    const name = attachment.caption || attachment.filename;
    return html`<li class="app-attachments__item" data-attachment="${attachment.id}">
      ${image
        ? html`<figure class="app-attachments__figure govuk-!-margin-0">
            <img class="app-attachments__image" data-image="${attachment.id}" alt="${name}" hidden>
            <p class="govuk-body-s app-attachments__placeholder" data-placeholder="${attachment.id}">${this.failed.has(attachment.id) ? t("The photo cannot be shown here.") : t("Loading the photo…")}</p>
            ${attachment.caption ? html`<figcaption class="govuk-body">${attachment.caption}</figcaption>` : ""}
          </figure>`
        : ""}
      <p class="govuk-body govuk-!-margin-bottom-1">
        <a class="govuk-link" href="#" data-download="${attachment.id}">${t("Download {filename}", { filename: attachment.filename })}</a>
        <span class="govuk-body-s">(${formatBytes(attachment.byte_size || 0)})</span>
      </p>
      <p class="govuk-body-s">${tag(words.text, words.colour)}${status?.state === UploadState.REFUSED && status.refused_reason ? html` ${status.refused_reason}` : ""}</p>
    </li>`;
  }

  form() {
    const settings = attachmentSettings(this.session.data.reference);
    const id = `attachment-file-${this.parentId}`;
    const error = this.error;
    return html`<form class="app-attachments__form" novalidate>
      <div class="govuk-form-group${error ? " govuk-form-group--error" : ""}">
        <label class="govuk-label govuk-label--s" for="${id}">${t("Add a photo or file")}</label>
        <div class="govuk-hint" id="${id}-hint">${t("Take a photo, or choose a JPG, PNG or PDF up to {size}. Photos are made smaller and their location details removed; PDFs have hidden details such as the author removed. It works offline: the file uploads when you have a connection.", { size: formatBytes(settings.maxBytes) })}</div>
        ${error ? html`<p class="govuk-error-message" id="${id}-error"><span class="govuk-visually-hidden">${t("Error:")}</span> ${error}</p>` : ""}
        <input class="govuk-file-upload${error ? " govuk-file-upload--error" : ""}" id="${id}" name="file" type="file"
          accept="image/*,application/pdf" capture="environment" aria-describedby="${id}-hint${error ? ` ${id}-error` : ""}">
      </div>
      ${textInput({ name: "caption", id: `attachment-caption-${this.parentId}`, label: t("Caption (optional)"), hint: t("For example, Amy's drawing of her family"), labelClass: "govuk-label--s" })}
      ${button(this.busy ? t("Attaching…") : t("Attach"))}
    </form>`;
  }

  /** Prepare the chosen file, keep it sealed and queue its record; say what went wrong in plain words. */
  async attach(form) {
    if (this.busy) return;
    const { session } = this;
    const file = form.querySelector("input[type=file]").files?.[0] || null;
    const caption = form.querySelector("input[name=caption]").value.trim();
    this.busy = true;
    this.error = null;
    this.message = null;
    flashes.delete(this.key);
    this.draw();
    try {
      const settings = attachmentSettings(session.data.reference);
      const prepared = await prepareAttachment(file, settings);
      let space = await this.space(prepared.byte_size, settings);
      if (space.level === "full") {
        await session.vault.makeRoom(prepared.byte_size, settings.deviceQuotaBytes);
        space = await this.space(prepared.byte_size, settings);
      }
      if (space.level === "full") {
        throw new AttachmentProblem(space.message);
      }
      const id = newId();
      const createdAt = nowIso();
      await session.vault.keep(id, prepared.bytes, { content_type: prepared.content_type, created_at: createdAt });
      await session.sync.enqueue("attachment", "create", id, {
        family_id: this.familyId,
        parent_kind: this.parentKind,
        parent_id: this.parentId,
        filename: prepared.filename,
        content_type: prepared.content_type,
        byte_size: prepared.byte_size,
        sha256: prepared.sha256,
        ...(caption ? { caption } : {}),
      });
      await session.attachments.refresh();
      session.storage?.refresh().catch(() => {});
      this.message = html`${t("{filename} is attached. It uploads when you have a connection.", { filename: prepared.filename })}${prepared.detailsKept ? html`<br><strong>${DETAILS_KEPT()}</strong>` : ""}${space.level === "warn" ? html`<br><strong>${space.message}</strong>` : ""}`;
      flashes.set(this.key, { message: this.message, at: nowMs(), focused: false });
    } catch (error) {
      if (!(error instanceof AttachmentProblem)) {
        console.error("attaching a file", error);
      }
      this.error = error instanceof AttachmentProblem ? error.message : t("The file could not be attached. Try again.");
    } finally {
      this.busy = false;
      this.last = null;
      this.draw();
      if (this.error) {
        this.element.querySelector("input[type=file]")?.focus();
      }
    }
  }

  async space(adding, settings) {
    const browser = (await navigator.storage?.estimate?.().catch(() => ({}))) || {};
    return spaceCheck({ appBytes: await this.session.vault.heldBytes(), adding, quotaBytes: settings.deviceQuotaBytes, browser });
  }

  /** Return an object URL for an attachment's bytes: from this device, or from the server when online. */
  async objectUrl(attachment) {
    if (this.urls.has(attachment.id)) {
      return this.urls.get(attachment.id);
    }
    let blob = null;
    const bytes = await this.session.vault.read(attachment.id);
    if (bytes) {
      blob = new Blob([bytes], { type: attachment.content_type });
    } else if (!attachment.unsynced) {
      const response = await fetch(CONTENT_PATH(attachment.id), { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) {
        throw new Error(`The server answered ${response.status}.`);
      }
      blob = new Blob([await response.blob()], { type: attachment.content_type });
    }
    if (!blob) {
      return null;
    }
    const url = URL.createObjectURL(blob);
    this.urls.set(attachment.id, url);
    return url;
  }

  async showImages() {
    for (const attachment of this.attachments.filter((a) => a.content_type?.startsWith("image/"))) {
      const image = this.element.querySelector(`[data-image="${attachment.id}"]`);
      if (!image) continue;
      try {
        const url = await this.objectUrl(attachment);
        if (url && image.isConnected) {
          image.src = url;
          image.hidden = false;
          this.element.querySelector(`[data-placeholder="${attachment.id}"]`)?.remove();
        }
      } catch {
        this.failed.add(attachment.id);
        const placeholder = this.element.querySelector(`[data-placeholder="${attachment.id}"]`);
        if (placeholder) placeholder.textContent = t("The photo cannot be shown here. Connect to the internet and try again.");
      }
    }
  }

  async download(id) {
    const attachment = this.session.data.get("attachment", id);
    try {
      const url = attachment && (await this.objectUrl(attachment));
      if (!url) throw new Error("not here");
      const link = document.createElement("a");
      link.href = url;
      link.download = attachment.filename;
      document.body.append(link);
      link.click();
      link.remove();
    } catch {
      this.message = t("This file is not on this device. Connect to the internet and try again.");
      this.last = null;
      this.draw();
    }
  }
}
