// The family's story so far: written by its worker in plain words, people
// first. Each save is a new version (a case_summary record naming the one it
// follows), so every earlier version stays readable here, offline too, and
// none is ever changed. It writes only through the outbox.

import { newId } from "../../domain/ids.js";
import { STORY_SECTIONS, latestStory, storySections, storyVersions } from "../../domain/chronology.js";
import { button, errorSummary, focusOn, formValues, storageMessage, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { storyByline, storyHeading, storyText } from "../story-section.js";
import { t } from "../../i18n.js";

export async function storyView(context) {
  const { params, session, data } = context;
  const familyId = params[0];
  const draftKey = { "story-form": `family/${familyId}/story` };
  const screen = new Screen(context, "story-page");
  const drafts = await screen.typed.load(draftKey);
  const state = { errors: {}, message: "" };

  function page() {
    const family = data.get("family", familyId);
    if (!family) {
      return html`<div id="story-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device.")}</p></div>`;
    }
    const versions = storyVersions(data.ofFamily("case_summary", familyId));
    const story = latestStory(versions);
    const now = story?.sections || {};
    return html`<div id="story-page">
      ${backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }))}
      ${errorSummary(state.errors)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Story so far")}</h1>
      <p class="govuk-body">${t("Write it so the family would recognise it, and so someone new could pick up the work. Each save keeps the version before it.")}</p>
      ${story ? html`<p class="govuk-body-s">${storyByline(context, story)}</p>` : ""}
      <form id="story-form" novalidate>
        ${STORY_SECTIONS.map(([key, heading]) =>
          textarea({ name: key, label: storyHeading(key, heading), value: now[key] || "", rows: 4, labelClass: "govuk-label--s", error: state.errors[key] }),
        )}
        <p class="app-draft-saved" id="story-draft" aria-live="polite"></p>
        <div class="govuk-button-group">
          ${button(t("Save this version"))}
          <a class="govuk-link" href="#/family/${familyId}">${t("Cancel")}</a>
        </div>
      </form>
      <h2 class="govuk-heading-m">${t("Earlier versions")}</h2>
      ${versions.length > 1
        ? html`<ol class="govuk-list" id="story-versions">${versions.slice(1).map(
            (version) => html`<li><details class="govuk-details">
              <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${storyByline(context, version)}</span></summary>
              <div class="govuk-details__text">${storyText(version.sections)}</div>
            </details></li>`,
          )}</ol>`
        : html`<p class="govuk-body">${t("There are no earlier versions.")}</p>`}
    </div>`;
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey);
    root.querySelector("#story-form")?.addEventListener("submit", onSave);
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  async function onSave(event) {
    event.preventDefault();
    const raw = formValues(event.target);
    const sections = storySections(raw);
    state.message = "";
    state.errors = sections ? {} : { who: t("Write at least one part of the story") };
    if (!sections) {
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    const previous = latestStory(data.ofFamily("case_summary", familyId));
    try {
      await session.sync.enqueue("case_summary", "create", newId(), { family_id: familyId, sections, previous_id: previous?.id || null });
    } catch (error) {
      state.errors = { who: t("Not saved: {why}", { why: storageMessage(error) }) };
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    await screen.typed.forget("story-form");
    state.message = t("The story so far is saved. It is sent at the next sync; the version before it is kept.");
    draw({ afterSubmit: true, justSaved: ["story-form"] });
    focusOn(context.main, ".govuk-notification-banner");
  }

  draw({ drafts });
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
