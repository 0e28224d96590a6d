// Which screen each address shows. Addresses carry ids, never names.

import { caseloadView } from "./views/caseload.js";
import * as entry from "./views/entry.js";
import { familyView } from "./views/family.js";
import { networkView } from "./views/network.js";
import { personView } from "./views/person.js";
import { chronologyView } from "./views/chronology.js";
import { storyView } from "./views/story.js";
import { planView } from "./views/plan.js";
import { censusDetailsView } from "./views/census-details.js";
import { referralView } from "./views/referral.js";
import { censusView } from "./views/census.js";
import { planCorrectionView } from "./views/plan-correction.js";
import { visitView } from "./views/visit.js";
import { noteView } from "./views/note.js";
import { familyCopyView } from "./views/family-copy.js";
import { judgmentView } from "./views/judgment.js";
import { logDecisionView } from "./views/log-decision.js";
import { conferenceView } from "./views/conference.js";
import { strategyView } from "./views/strategy.js";
import { reviewsView } from "./views/reviews.js";
import { inboxView } from "./views/inbox.js";
import { syncView } from "./views/sync.js";
import { groupSupervisionView } from "./views/group-supervision.js";
import { teamViewScreen } from "./views/team.js";
import { handoverView } from "./views/handover.js";
import { closedFamiliesView, endingView, reopenView, transfersView } from "./views/ending.js";
import { policyView } from "./views/policy.js";
import { newTrialView, trialsView } from "./views/trials.js";
import { newlyQualifiedTeamView, newlyQualifiedView } from "./views/newly-qualified.js";
import { notificationsView, openNotificationView } from "./views/notifications.js";
import { askView, consultationView, consultationsView } from "./views/consultations.js";
import { suggestView, suggestionView, suggestionsView } from "./views/suggestions.js";
import { analystSignOut, summariesView } from "./views/summaries.js";
import { subjectAccessView } from "./views/subject-access.js";
import { decisionReviewView } from "./views/decision-review.js";
import { lettersView, proposeLightView, shareLetterView } from "./views/learning.js";
import { supervisionRecordView } from "./views/supervision-record.js";
import { escalationsView } from "./views/escalations.js";
import { urgentContactsView } from "./views/urgent-contacts.js";
import { languageView } from "./views/language.js";
import { html, mount } from "./html.js";
import { t } from "../i18n.js";

const ID = "([0-9a-f-]{36})";
const notFound = async ({ main }) =>
  mount(main, html`<h1 class="govuk-heading-l">${t("Page not found")}</h1><p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`);
/**
 * A screen at an address. `needsUnlock`: true (the device's data must be open),
 * false, or "unless-online": roles that work online only (nothing on the device
 * to unlock) may open it signed in; everyone else unlocks first.
 * @param {string} pattern
 * @param {Function} view
 * @param {boolean | "unless-online"} [needsUnlock]
 */
const route = (pattern, view, needsUnlock = true) => ({ pattern: new RegExp(`^${pattern}$`), view, needsUnlock });

export const routes = [
  route("#/sign-in", entry.signIn, false),
  route("#/unlock", entry.unlock, false),
  route("#/revoked", entry.revoked, false),
  route("#/sign-in-again", entry.startAgain, false),
  route("#/sign-out", entry.signOut),
  route("#/lock", entry.unlock, false),
  route("(?:#/?)?", (context) => (["admin", "practice_lead"].includes(context.user?.role) ? policyView(context) : caseloadView(context))),
  route(`#/family/${ID}`, familyView),
  route(`#/family/${ID}/network`, networkView),
  route(`#/family/${ID}/person/${ID}`, personView),
  route(`#/family/${ID}/visit(?:/${ID})?`, visitView),
  route(`#/family/${ID}/conference(?:/${ID})?`, conferenceView),
  route(`#/family/${ID}/handover`, handoverView),
  route(`#/family/${ID}/chronology(?:/child/${ID})?`, chronologyView),
  route(`#/family/${ID}/story`, storyView),
  route(`#/family/${ID}/ending`, endingView),
  route(`#/family/${ID}/reopen`, reopenView),
  route(`#/family/${ID}/strategy(?:/${ID})?`, strategyView),
  route(`#/family/${ID}/judgment(?:/${ID})?`, logDecisionView),
  route(`#/family/${ID}/child/${ID}/plan`, planView),
  route(`#/family/${ID}/child/${ID}/census`, censusDetailsView),
  route(`#/family/${ID}/child/${ID}/referral(?:/${ID})?`, referralView),
  route(`#/family/${ID}/child/${ID}/plan/${ID}/correct`, planCorrectionView),
  route(`#/note/${ID}`, noteView),
  route(`#/family-copy/${ID}(?:/(print))?`, familyCopyView),
  route(`#/judgment/${ID}`, judgmentView),
  route(`#/judgment/${ID}/review`, decisionReviewView),
  route(`#/judgment/${ID}/share`, shareLetterView),
  route(`#/judgment/${ID}/propose`, proposeLightView),
  route("#/letters", lettersView),
  route(`#/supervision-record(?:/${ID})?`, supervisionRecordView),
  route("#/escalations", escalationsView),
  route("#/reviews", reviewsView),
  route("#/inbox", inboxView),
  route("#/sync", syncView),
  route(`#/group-supervision(?:/${ID})?(?:/${ID})?`, groupSupervisionView),
  route("#/team", teamViewScreen),
  route("#/transfers", transfersView),
  route("#/closed-families", closedFamiliesView),
  route("#/policy", policyView),
  route("#/urgent-numbers", urgentContactsView),
  route("#/policy/trials", trialsView),
  route("#/policy/trials/new", newTrialView),
  route("#/policy/newly-qualified", newlyQualifiedView),
  route(`#/policy/newly-qualified/${ID}`, newlyQualifiedTeamView),
  route("#/subject-access", (context) => (context.user?.role === "admin" ? subjectAccessView(context) : notFound(context))),
  route("#/notifications", notificationsView),
  route("#/language", languageView, "unless-online"),
  route(`#/open/([a-z_]+)/${ID}`, openNotificationView),
  route("#/consultations", consultationsView),
  route("#/consultations/new", askView),
  route(`#/consultations/${ID}`, consultationView),
  route("#/suggestions", suggestionsView),
  route("#/suggestions/new", suggestView),
  route(`#/suggestions/${ID}`, suggestionView),
  // Analysts work online only and keep nothing on the device: no unlock.
  route("#/summaries", summariesView, false),
  route("#/summaries/sign-out", analystSignOut, false),
  // Performance officers too: the statutory returns are read from the server.
  route("#/statutory-returns", censusView, false),
  route(".*", notFound),
];
