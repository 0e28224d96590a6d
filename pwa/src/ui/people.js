// People as the screens name them: a family's members, a person's full name
// and the name they go by, how old they are, the link to their page, and the
// tag on one not yet synced. Shared by the family's page, a person's page, the
// network, chronology, plans and census details.

import { formatDate, tag } from "./layout.js";
import { html } from "./html.js";
import { todayIso } from "../clock.js";
import { currentLanguage, t, tn } from "../i18n.js";

/** Return the people of a family: through memberships, and those created here not yet synced. */
export function familyMembers(data, familyId, today = todayIso()) {
  const members = new Map();
  for (const membership of data.ofFamily("membership", familyId)) {
    if (membership.valid_to && membership.valid_to < today) {
      continue;
    }
    const person = data.get("person", membership.person_id);
    if (person) {
      members.set(person.id, { person, role: membership.role_in_family || "", unsynced: Boolean(person.unsynced) });
    }
  }
  // The server makes the membership when it receives the person; until then
  // the person's own create carries the family.
  for (const person of data.all("person")) {
    if (person.family_id === familyId && !members.has(person.id)) {
      members.set(person.id, { person, role: person.role_in_family || "", unsynced: Boolean(person.unsynced) });
    }
  }
  return [...members.values()].sort(byChildThenName);
}

function byChildThenName(a, b) {
  if (Boolean(a.person.is_child) !== Boolean(b.person.is_child)) {
    return a.person.is_child ? -1 : 1;
  }
  return fullName(a.person).localeCompare(fullName(b.person)) || a.person.id.localeCompare(b.person.id);
}

/** A person's given and family names, or "Name not known". */
export function fullName(person) {
  return [person.given_name, person.family_name].filter(Boolean).join(" ") || t("Name not known");
}

/** The name a person goes by, with the name they are known as where it differs. */
export function personName(person) {
  const name = fullName(person);
  return person.known_as && person.known_as !== person.given_name ? t("{name} (known as {known_as})", { name, known_as: person.known_as }) : name;
}

/** The address of a person's page in their family. */
export function personPath(familyId, personId) {
  return `#/family/${familyId}/person/${personId}`;
}

/** A person's name as a link to their page. */
export function personLink(familyId, person) {
  return html`<a class="govuk-link" href="${personPath(familyId, person.id)}">${personName(person)}</a>`;
}

function ageOn(dateOfBirth, today) {
  const [year, month, day] = dateOfBirth.split("-").map(Number);
  const [tYear, tMonth, tDay] = today.split("-").map(Number);
  let months = (tYear - year) * 12 + (tMonth - month);
  if (tDay < day) {
    months -= 1;
  }
  return Math.max(0, months);
}

function ageWords(months) {
  if (months < 1) {
    return t("under 1 month old");
  }
  if (months < 24) {
    return tn("{count} month old", "{count} months old", months);
  }
  const years = Math.floor(months / 12);
  return tn("{count} year old", "{count} years old", years);
}

/** Say how old someone is, as surely as their date of birth is known. */
export function ageText(person, today = todayIso()) {
  if (!person.date_of_birth) {
    return t("Date of birth not known");
  }
  const age = ageWords(ageOn(person.date_of_birth, today));
  if (person.dob_accuracy === "estimated") {
    return t("About {age} (date of birth estimated)", { age });
  }
  if (person.dob_accuracy === "month") {
    const born = new Date(`${person.date_of_birth}T00:00:00Z`).toLocaleDateString(currentLanguage() === "cy" ? "cy" : "en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
    return t("{age} (born {born})", { age: `${age[0].toUpperCase()}${age.slice(1)}`, born });
  }
  return t("{age} (born {born})", { age: `${age[0].toUpperCase()}${age.slice(1)}`, born: formatDate(person.date_of_birth) });
}

/** The grey tag on a record made or changed on this device and not yet sent. */
export function unsyncedTag() {
  return tag(t("Not synced yet"), "grey");
}
