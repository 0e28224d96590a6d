// A child's details for the statutory returns: the unique pupil number (or why
// there is none), the local child number, an unborn child's expected date of
// birth, sex, ethnicity and disability, with the census's own code lists. It
// reads the device and writes through the outbox, so it works offline. The
// census validation report links here to put a child's details right.

import { CENSUS_FIELDS, censusChanges, checkCensusDetails } from "../../domain/census-details.js";
import { button, checkboxes, dateInput, errorSummary, focusOn, formValues, readDate, select, storageMessage, textInput } from "../forms.js";
import { html } from "../html.js";
import { backLink } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { fullName, unsyncedTag } from "../people.js";
import { referralsSection } from "../referrals.js";
import { t } from "../../i18n.js";

const FIELD_IDS = Object.fromEntries(CENSUS_FIELDS.map((name) => [name, name]));

function censusForm({ vocabulary }, person, errors) {
  return html`<form id="census-form" novalidate>
    ${textInput({ name: "upn", label: t("Unique pupil number (UPN)"), hint: t("13 characters from the child's school, for example B801200005001. A temporary number ends in a letter."), value: person.upn || "", error: errors.upn, width: 10, autocomplete: "off", spellcheck: false })}
    ${select({ name: "upn_unknown", label: t("If there is no number, why not?"), options: vocabulary("upn_unknown"), value: person.upn_unknown || "", error: errors.upn_unknown, placeholder: t("There is a number") })}
    ${textInput({ name: "former_upn", label: t("Former unique pupil number (optional)"), hint: t("If the child had another number before"), value: person.former_upn || "", error: errors.former_upn, width: 10, autocomplete: "off", spellcheck: false })}
    ${textInput({ name: "local_child_id", label: t("Local child number"), hint: t("The council's own number for the child"), value: person.local_child_id || "", error: errors.local_child_id, width: 10, autocomplete: "off", spellcheck: false })}
    ${person.date_of_birth
      ? ""
      : dateInput({ name: "expected_date_of_birth", legend: t("Expected date of birth (for an unborn child)"), hint: t("For example, 27 3 2027"), value: person.expected_date_of_birth || "", error: errors.expected_date_of_birth })}
    ${select({ name: "sex", label: t("Sex"), options: vocabulary("sex"), value: person.sex || "", error: errors.sex, placeholder: t("Not recorded") })}
    ${select({ name: "ethnicity", label: t("Ethnicity"), options: vocabulary("ethnicity"), value: person.ethnicity || "", error: errors.ethnicity, placeholder: t("Not recorded") })}
    ${checkboxes({ name: "disabilities", legend: t("Disability"), hint: t("Select all that apply"), options: vocabulary("disability"), values: person.disabilities || [], error: errors.disabilities })}
    <p class="app-draft-saved" id="census-draft" aria-live="polite"></p>
    ${button(t("Save the census details"))}
  </form>`;
}

export async function censusDetailsView(context) {
  const { params, session, data } = context;
  const [familyId, personId] = params;
  const draftKey = { "census-form": `family/${familyId}/child/${personId}/census` };
  const screen = new Screen(context, "census-page");
  const drafts = await screen.typed.load(draftKey);
  const state = { errors: {}, message: "" };

  function page() {
    const family = data.get("family", familyId);
    const person = data.get("person", personId);
    if (!family || !person) {
      return html`<div id="census-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Child not found")}</h1>
        <p class="govuk-body">${t("This child is not on this device.")}</p></div>`;
    }
    const pending = Boolean(person.unsynced) || data.pending("person", personId);
    return html`<div id="census-page">
      ${backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }))}
      ${errorSummary(state.errors, FIELD_IDS)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("{name}'s census details", { name: fullName(person) })} ${pending ? unsyncedTag() : ""}</h1>
      <p class="govuk-body">${t("What the Children in Need census and Ofsted's lists ask about the child. Only the child's number, dates and codes are sent, never their name.")}</p>
      ${censusForm(context, person, state.errors)}
      ${referralsSection(context, familyId, person)}
    </div>`;
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey);
    root.querySelector("#census-form")?.addEventListener("submit", onSave);
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  async function onSave(event) {
    event.preventDefault();
    const raw = formValues(event.target);
    const person = data.get("person", personId);
    const values = { ...raw, expected_date_of_birth: "expected_date_of_birth-year" in raw ? readDate(raw, "expected_date_of_birth") : "" };
    state.message = "";
    state.errors = checkCensusDetails(values, person);
    if (Object.keys(state.errors).length) {
      await session.saveDraft(draftKey["census-form"], raw).catch(() => {});
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    const changes = censusChanges(person, values);
    if (!Object.keys(changes).length) {
      state.message = t("Nothing was changed in the census details.");
    } else {
      try {
        await session.sync.enqueue("person", "update", personId, changes);
      } catch (error) {
        state.errors = { upn: t("Not saved: {why}", { why: storageMessage(error) }) };
        draw({ afterSubmit: true });
        return focusOn(context.main, ".govuk-error-summary");
      }
      state.message = t("Census details saved. They will be sent at the next sync.");
    }
    await screen.typed.forget("census-form");
    draw({ afterSubmit: true, justSaved: ["census-form"] });
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
