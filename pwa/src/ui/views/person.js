// A person's page in their family: who they are, the ways into a child's plan,
// census details and chronology, and the photos and files kept about them (a
// birth certificate, a school report, a child's drawing that is about them
// rather than about one visit). It reads the device and attaches through the
// outbox, so it works offline.

import { attachmentsPanel } from "../attachments.js";
import { html } from "../html.js";
import { backLink } from "../layout.js";
import { Screen } from "../screen.js";
import { ageText, familyMembers, personName, unsyncedTag } from "../people.js";
import { t } from "../../i18n.js";

function summaryRow(key, value) {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value">${value}</dd></div>`;
}

/** The links from a child's page to the screens about them. */
function childLinks(familyId, person) {
  const base = `#/family/${familyId}`;
  return html`<ul class="govuk-list">
    <li><a class="govuk-link" href="${base}/child/${person.id}/plan">${t("Plan now")}</a></li>
    <li><a class="govuk-link" href="${base}/child/${person.id}/census">${t("Census details")}</a></li>
    <li><a class="govuk-link" href="${base}/chronology/child/${person.id}">${t("Chronology")}</a></li>
  </ul>`;
}

export async function personView(context) {
  const { params, data } = context;
  const [familyId, personId] = params;
  const screen = new Screen(context, "person-page");

  function page() {
    const family = data.get("family", familyId);
    const member = familyMembers(data, familyId).find(({ person }) => person.id === personId);
    if (!family || !member) {
      return html`<div id="person-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Person not found")}</h1>
        <p class="govuk-body">${t("This person is not on this device.")}</p></div>`;
    }
    const { person, role } = member;
    const pending = Boolean(person.unsynced) || data.pending("person", personId);
    return html`<div id="person-page">
      ${backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }))}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${personName(person)} ${pending ? unsyncedTag() : ""}</h1>
      <dl class="govuk-summary-list">
        ${summaryRow(t("Age"), ageText(person))}
        ${summaryRow(t("Child or adult"), person.is_child ? t("Child") : t("Adult"))}
        ${summaryRow(t("Role in family"), role || t("Not recorded"))}
      </dl>
      ${person.is_child ? childLinks(familyId, person) : ""}
      ${attachmentsPanel({ parentKind: "person", parentId: person.id, familyId })}
    </div>`;
  }

  const draw = (options = {}) => screen.draw(page(), { wire: () => {}, ...options });
  draw();
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
