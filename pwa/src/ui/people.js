// People as the screens name them: a family's members, a person's full name
// and the name they go by, and the tag on one not yet synced. Shared by the
// family's page, its network, chronology, plans and census details.

import { tag } from "./layout.js";
import { todayIso } from "../clock.js";
import { t } from "../i18n.js";

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

/** The grey tag on a record made or changed on this device and not yet sent. */
export function unsyncedTag() {
  return tag(t("Not synced yet"), "grey");
}
