// A child's referral and the assessment after it, as the Children in Need
// census reads them: the day it came in, who made it, the child's main need,
// whether it ended in no further action, and the assessment's start, the day
// a manager authorised it and the factors it identified (the census's codes).
// A new referral is at #/family/<id>/child/<id>/referral; one already made at
// .../referral/<referral id>, where the assessment is filled in as it goes on.
// It reads the device and writes through the outbox, so it works offline; the
// census validation report links here to put a referral right.

import { todayIso } from "../../clock.js";
import { newId } from "../../domain/ids.js";
import { NO_FACTORS, checkReferralForm, referralChanges, referralOf } from "../../domain/referrals.js";
import { button, checkboxes, dateInput, errorSummary, formValues, radios, readDate, select, storageMessage } from "../forms.js";
import { html } from "../html.js";
import { backLink } from "../layout.js";
import { familyMembers, fullName, unsyncedTag } from "../people.js";
import { Screen, successBanner } from "../screen.js";
import { baseVersion } from "../records.js";
import { referralAddress } from "../referrals.js";
import { t } from "../../i18n.js";

const DATES = ["referred_on", "assessment_started_on", "assessment_authorised_on"];
const noFurtherAction = () => [
  ["no", t("No")],
  ["yes", t("Yes")],
];

/** Put "No factors identified" last, where the GOV.UK "none" answer goes. */
function factorsNoneLast(options) {
  return [...options.filter(([code]) => code !== NO_FACTORS), ...options.filter(([code]) => code === NO_FACTORS)];
}

function referralForm({ vocabulary }, referral, errors) {
  return html`<form id="referral-form" novalidate>
    ${dateInput({ name: "referred_on", legend: t("Date of the referral"), hint: t("The day it came in, for example 27 3 2026"), value: referral.referred_on || "", error: errors.referred_on })}
    ${radios({ name: "source", legend: t("Who made the referral"), options: vocabulary("cin_referral_source"), value: referral.source || "", error: errors.source })}
    ${select({ name: "primary_need", label: t("The child's main need (optional)"), hint: t("Why the child needs help from children's social care, once that is known"), options: vocabulary("cin_primary_need"), value: referral.primary_need || "", error: errors.primary_need, placeholder: t("Not known yet") })}
    ${radios({ name: "no_further_action", legend: t("Did the referral end in no further action?"), hint: t("Choose ‘Yes’ if it was decided there would be no assessment"), options: noFurtherAction(), value: referral.no_further_action ? "yes" : "no", error: errors.no_further_action, inline: true })}
    <h2 class="govuk-heading-m">${t("The assessment")}</h2>
    <p class="govuk-body">${t("Fill this in as the assessment goes on. Leave it empty if there is none yet.")}</p>
    ${dateInput({ name: "assessment_started_on", legend: t("Date the assessment started (optional)"), hint: t("For example, 27 3 2026"), value: referral.assessment_started_on || "", error: errors.assessment_started_on })}
    ${dateInput({ name: "assessment_authorised_on", legend: t("Date a manager authorised the assessment (optional)"), hint: t("The day the assessment was completed and signed off"), value: referral.assessment_authorised_on || "", error: errors.assessment_authorised_on })}
    ${checkboxes({ name: "assessment_factors", legend: t("Assessment factors"), hint: t("The factors the assessment identified. Select all that apply, or ‘No factors identified’."), options: factorsNoneLast(vocabulary("cin_assessment_factor")), values: referral.assessment_factors || [], error: errors.assessment_factors })}
    <p class="app-draft-saved" id="referral-draft" aria-live="polite"></p>
    ${button(t("Save the referral"))}
  </form>`;
}

/** Read the form as the checks take it: dates as YYYY-MM-DD, "" when empty, null when not real. */
function readForm(raw) {
  const values = { ...raw, assessment_factors: raw.assessment_factors || [] };
  for (const name of DATES) {
    values[name] = readDate(raw, name);
  }
  return values;
}

export async function referralView(context) {
  const { params, session, data } = context;
  const [familyId, personId] = params;
  let referralId = params[2] || null;
  const draftKey = () => ({ "referral-form": `family/${familyId}/child/${personId}/referral/${referralId || "new"}` });
  const screen = new Screen(context, "referral-page");
  const drafts = await screen.typed.load(draftKey());
  const state = { errors: {}, message: "" };

  function notFound(back, title, why) {
    return html`<div id="referral-page">${back}
      <h1 class="govuk-heading-l">${title}</h1>
      <p class="govuk-body">${why}</p></div>`;
  }

  function page() {
    const family = data.get("family", familyId);
    const person = data.get("person", personId);
    const member = family && familyMembers(data, familyId).some((m) => m.person.id === personId);
    if (!family || !person || !member || !person.is_child) {
      return notFound(backLink("#/", t("Back to your caseload")), t("Child not found"), t("This child is not on this device."));
    }
    const back = backLink(`#/family/${familyId}/child/${personId}/census`, t("Back to {name}'s census details", { name: fullName(person) }));
    const referral = referralId ? data.get("referral", referralId) : null;
    if (referralId && (!referral || referral.person_id !== personId)) {
      return notFound(back, t("Referral not found"), t("This referral is not on this device. It may have been deleted."));
    }
    const pending = referral && (Boolean(referral.unsynced) || data.pending("referral", referralId));
    return html`<div id="referral-page"><div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      ${back}
      ${errorSummary(state.errors)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${fullName(person)}, ${family.display_name}</span>
      <h1 class="govuk-heading-l">${referral ? t("Referral and assessment") : t("Record a referral")} ${pending ? unsyncedTag() : ""}</h1>
      <p class="govuk-body">${t("What the Children in Need census and Ofsted's lists ask about a referral to children's social care and the assessment after it. Only dates and codes are sent, never the child's name.")}</p>
      ${referralForm(context, referral || {}, state.errors)}
    </div></div></div>`;
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey());
    root.querySelector("#referral-form")?.addEventListener("submit", onSave);
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  function focus(selector) {
    const element = context.main.querySelector(selector);
    element?.setAttribute("tabindex", "-1");
    element?.focus();
  }

  async function onSave(event) {
    event.preventDefault();
    const raw = formValues(event.target);
    const values = readForm(raw);
    const codes = {
      source: context.vocabulary("cin_referral_source").map(([code]) => code),
      primary_need: context.vocabulary("cin_primary_need").map(([code]) => code),
      factor: context.vocabulary("cin_assessment_factor").map(([code]) => code),
    };
    state.message = "";
    state.errors = checkReferralForm(values, todayIso(), codes);
    if (Object.keys(state.errors).length) {
      await session.saveDraft(draftKey()["referral-form"], raw).catch(() => {});
      draw({ afterSubmit: true });
      return focus(".govuk-error-summary");
    }
    const referral = referralId ? data.get("referral", referralId) : null;
    try {
      if (!referral) {
        const id = newId();
        await session.sync.enqueue("referral", "create", id, { family_id: familyId, person_id: personId, ...referralOf(values) });
        await screen.typed.forget("referral-form");
        referralId = id;
        history.replaceState(null, "", referralAddress(familyId, personId, id));
        state.message = t("Referral saved. It will be sent at the next sync.");
      } else {
        const changes = referralChanges(referral, values);
        if (Object.keys(changes).length) {
          await session.sync.enqueue("referral", "update", referralId, changes, baseVersion(data, "referral", referralId));
          state.message = t("Referral saved. It will be sent at the next sync.");
        } else {
          state.message = t("Nothing was changed in the referral.");
        }
        await screen.typed.forget("referral-form");
      }
    } catch (error) {
      state.errors = { referred_on: t("Not saved: {why}", { why: storageMessage(error) }) };
      draw({ afterSubmit: true });
      return focus(".govuk-error-summary");
    }
    draw({ afterSubmit: true, justSaved: ["referral-form"] });
    focus(".govuk-notification-banner");
  }

  draw({ drafts });
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
