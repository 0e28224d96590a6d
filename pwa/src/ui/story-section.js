// The family page's card of the story so far, with who last wrote it.

import { STORY_SECTIONS, latestStory } from "../domain/chronology.js";
import { html } from "./html.js";
import { formatDateTime } from "./layout.js";
import { unsyncedTag } from "./people.js";
import { t } from "../i18n.js";

/** Who wrote a version and when, as the family page and the history say it. */
export function storyByline(context, version) {
  const colleague = version.created_by_id ? context.staffName(version.created_by_id) || t("a colleague") : "";
  const when = version.device_written_at || version.created_at;
  if (!when) {
    return colleague ? t("Last updated just now by {who}", { who: colleague }) : t("Last updated just now by you");
  }
  return html`${t("Last updated")} <time datetime="${when}">${formatDateTime(when)}</time> ${colleague ? t("by {who}", { who: colleague }) : t("by you")}`;
}

// The domain names the story's sections in English; these are their headings in the language spoken.
const STORY_HEADINGS = {
  who: () => t("Who is in the family and who matters to them"),
  what_happened: () => t("What has happened so far"),
  worries: () => t("What we are worried about"),
  going_well: () => t("What is going well"),
  next_steps: () => t("What happens next"),
};

/** A section of the story's heading in the language spoken. */
export function storyHeading(key, english) {
  return STORY_HEADINGS[key] ? STORY_HEADINGS[key]() : english;
}

/** The story's sections as the family page and the history show them. */
export function storyText(sections) {
  return STORY_SECTIONS.filter(([key]) => sections?.[key]).map(
    ([key, heading]) => html`<h3 class="govuk-heading-s govuk-!-margin-bottom-1">${storyHeading(key, heading)}</h3>
      <p class="govuk-body app-pre-wrap">${sections[key]}</p>`,
  );
}

/** The family page's card: the story now, with who last wrote it. */
export function storySection(context, familyId) {
  const story = latestStory(context.data.ofFamily("case_summary", familyId));
  const pending = story && (story.unsynced || context.data.pending("case_summary", story.id));
  return html`<section class="govuk-summary-card" aria-labelledby="story-heading" id="story-so-far">
    <div class="govuk-summary-card__title-wrapper">
      <h2 class="govuk-summary-card__title" id="story-heading">${t("Story so far")} ${pending ? unsyncedTag() : ""}</h2>
      <ul class="govuk-summary-card__actions">
        <li class="govuk-summary-card__action"><a class="govuk-link" href="#/family/${familyId}/story">${story ? t("Update") : t("Write")}<span class="govuk-visually-hidden"> ${t("the story so far")}</span></a></li>
        <li class="govuk-summary-card__action"><a class="govuk-link" href="#/family/${familyId}/chronology">${t("Chronology")}</a></li>
      </ul>
    </div>
    <div class="govuk-summary-card__content">
      ${story
        ? html`<p class="govuk-body-s" id="story-byline">${storyByline(context, story)}</p>${storyText(story.sections)}`
        : html`<p class="govuk-body">${t("No one has written the family's story yet. A few lines on who they are, what has happened and what happens next help anyone who picks up the work.")}</p>`}
    </div>
  </section>`;
}
