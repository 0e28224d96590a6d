// The family page's card of the story so far, with who last wrote it.

import { STORY_SECTIONS, latestStory } from "../domain/chronology.js";
import { html } from "./html.js";
import { formatDateTime } from "./layout.js";
import { unsyncedTag } from "./people.js";

/** Who wrote a version and when, as the family page and the history say it. */
export function storyByline(context, version) {
  const who = version.created_by_id ? context.staffName(version.created_by_id) || "a colleague" : "you";
  const when = version.device_written_at || version.created_at;
  return html`Last updated ${when ? html`<time datetime="${when}">${formatDateTime(when)}</time>` : "just now"} by ${who}`;
}

/** The story's sections as the family page and the history show them. */
export function storyText(sections) {
  return STORY_SECTIONS.filter(([key]) => sections?.[key]).map(
    ([key, heading]) => html`<h3 class="govuk-heading-s govuk-!-margin-bottom-1">${heading}</h3>
      <p class="govuk-body app-pre-wrap">${sections[key]}</p>`,
  );
}

/** The family page's card: the story now, with who last wrote it. */
export function storySection(context, familyId) {
  const story = latestStory(context.data.ofFamily("case_summary", familyId));
  const pending = story && (story.unsynced || context.data.pending("case_summary", story.id));
  return html`<section class="govuk-summary-card" aria-labelledby="story-heading" id="story-so-far">
    <div class="govuk-summary-card__title-wrapper">
      <h2 class="govuk-summary-card__title" id="story-heading">Story so far ${pending ? unsyncedTag() : ""}</h2>
      <ul class="govuk-summary-card__actions">
        <li class="govuk-summary-card__action"><a class="govuk-link" href="#/family/${familyId}/story">${story ? "Update" : "Write"}<span class="govuk-visually-hidden"> the story so far</span></a></li>
        <li class="govuk-summary-card__action"><a class="govuk-link" href="#/family/${familyId}/chronology">Chronology</a></li>
      </ul>
    </div>
    <div class="govuk-summary-card__content">
      ${story
        ? html`<p class="govuk-body-s" id="story-byline">${storyByline(context, story)}</p>${storyText(story.sections)}`
        : html`<p class="govuk-body">No one has written the family's story yet. A few lines on who they are, what has happened and what happens next help anyone who picks up the work.</p>`}
    </div>
  </section>`;
}
