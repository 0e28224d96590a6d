// A child's referrals and assessments, as the census details screen lists them,
// and the address of the screen that records one (views/referral.js).

import { assessmentStage, referralsOf } from "../domain/referrals.js";
import { html } from "./html.js";
import { formatDate } from "./layout.js";
import { fullName, unsyncedTag } from "./people.js";
import { responsiveTable } from "./tables.js";
import { t } from "../i18n.js";

// The domain says a referral's stage in English; these are its words in the language spoken.
const STAGE_WORDS = {
  "No further action": () => t("No further action"),
  "Assessment not started": () => t("Assessment not started"),
  "Assessment started": () => t("Assessment started"),
  "Authorised: factors not recorded": () => t("Authorised: factors not recorded"),
  "Assessment authorised": () => t("Assessment authorised"),
};

/** A referral's stage in the language spoken. */
export function stageWords(stage) {
  return STAGE_WORDS[stage] ? STAGE_WORDS[stage]() : stage;
}

export function referralAddress(familyId, personId, referralId = null) {
  return `#/family/${familyId}/child/${personId}/referral${referralId ? `/${referralId}` : ""}`;
}

/** A child's referrals, the latest first, each with its link, and the way to record another. */
export function referralsSection({ data, label }, familyId, person) {
  const referrals = referralsOf(data, person.id);
  const hidden = (text) => html`<span class="govuk-visually-hidden"> ${text}</span>`;
  return html`<section aria-labelledby="referrals-heading" class="govuk-!-margin-top-8" id="referrals">
    <h2 class="govuk-heading-m" id="referrals-heading">${t("Referrals and assessments")}</h2>
    ${referrals.length
      ? responsiveTable({
          caption: t("{name}'s referrals, the latest first", { name: fullName(person) }),
          columns: [t("Date of the referral"), t("Who made the referral"), t("Assessment"), { text: t("Change"), hidden: true }],
          rows: referrals.map((referral) => [
            { content: html`${formatDate(referral.referred_on)} ${referral.unsynced || data.pending("referral", referral.id) ? unsyncedTag() : ""}`, header: true },
            label("cin_referral_source", referral.source),
            stageWords(assessmentStage(referral)),
            html`<a class="govuk-link" href="${referralAddress(familyId, person.id, referral.id)}">${t("Change")}${hidden(t("the referral of {day}", { day: formatDate(referral.referred_on) }))}</a>`,
          ]),
        })
      : html`<p class="govuk-body">${t("No referral recorded for {name}.", { name: fullName(person) })}</p>`}
    <p class="govuk-body"><a class="govuk-link" href="${referralAddress(familyId, person.id)}">${t("Record a referral")}${hidden(t("for {name}", { name: fullName(person) }))}</a></p>
  </section>`;
}
