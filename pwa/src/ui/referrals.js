// A child's referrals and assessments, as the census details screen lists them,
// and the address of the screen that records one (views/referral.js).

import { assessmentStage, referralsOf } from "../domain/referrals.js";
import { html } from "./html.js";
import { formatDate } from "./layout.js";
import { fullName, unsyncedTag } from "./people.js";
import { responsiveTable } from "./tables.js";

export function referralAddress(familyId, personId, referralId = null) {
  return `#/family/${familyId}/child/${personId}/referral${referralId ? `/${referralId}` : ""}`;
}

/** A child's referrals, the latest first, each with its link, and the way to record another. */
export function referralsSection({ data, label }, familyId, person) {
  const referrals = referralsOf(data, person.id);
  const hidden = (text) => html`<span class="govuk-visually-hidden"> ${text}</span>`;
  return html`<section aria-labelledby="referrals-heading" class="govuk-!-margin-top-8" id="referrals">
    <h2 class="govuk-heading-m" id="referrals-heading">Referrals and assessments</h2>
    ${referrals.length
      ? responsiveTable({
          caption: `${fullName(person)}'s referrals, the latest first`,
          columns: ["Date of the referral", "Who made the referral", "Assessment", { text: "Change", hidden: true }],
          rows: referrals.map((referral) => [
            { content: html`${formatDate(referral.referred_on)} ${referral.unsynced || data.pending("referral", referral.id) ? unsyncedTag() : ""}`, header: true },
            label("cin_referral_source", referral.source),
            assessmentStage(referral),
            html`<a class="govuk-link" href="${referralAddress(familyId, person.id, referral.id)}">Change${hidden(`the referral of ${formatDate(referral.referred_on)}`)}</a>`,
          ]),
        })
      : html`<p class="govuk-body">No referral recorded for ${fullName(person)}.</p>`}
    <p class="govuk-body"><a class="govuk-link" href="${referralAddress(familyId, person.id)}">Record a referral${hidden(`for ${fullName(person)}`)}</a></p>
  </section>`;
}
