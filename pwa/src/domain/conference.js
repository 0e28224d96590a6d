// The family group conference as the device holds it: who in the family's
// network can be invited, the family's plan, and what a section's save
// changes. Pure functions over LocalData; nothing here draws or writes.

import { N_, t } from "../i18n.js";

export const CONFERENCE_STATUSES = [
  ["offered", N_("Offered to the family")],
  ["declined", N_("Declined by the family")],
  ["preparing", N_("Preparing: meeting the network")],
  ["held", N_("Conference held")],
  ["reviewed", N_("Plan reviewed")],
  ["closed", N_("Closed")],
];

export const PLAN_ACTION_STATUSES = [
  ["not_started", N_("Not started")],
  ["on_track", N_("On track")],
  ["off_track", N_("Off track")],
  ["done", N_("Done")],
];

// Stage dates in the order a conference moves through them. The review date
// belongs to the review section, where it sits beside the outcome.
export const STAGE_DATES = [
  ["preparation_on", N_("Preparation")],
  ["information_sharing_on", N_("Information sharing")],
  ["private_family_time_on", N_("Private family time")],
  ["plan_agreed_on", N_("Plan agreed")],
];

// Who attended is asked for once the conference has taken place.
export const HELD_STATUSES = new Set(["held", "reviewed", "closed"]);

export function statusLabel(code) {
  const label = CONFERENCE_STATUSES.find(([value]) => value === code)?.[1];
  return label ? t(label) : code || "";
}

export function planStatusLabel(code) {
  const label = PLAN_ACTION_STATUSES.find(([value]) => value === code)?.[1];
  return label ? t(label) : code || "";
}

export function personName(person) {
  if (!person) return t("Someone in the family");
  const full = [person.given_name, person.family_name].filter(Boolean).join(" ");
  return person.known_as ? `${person.known_as} (${full})` : full;
}

/** Return the family's conferences, the newest first. */
export function conferencesOf(data, familyId) {
  return data
    .ofFamily("conference", familyId)
    .sort((a, b) => String(b.created_at || "~").localeCompare(String(a.created_at || "~")));
}

/** Return the actions of one conference's plan, soonest due first. */
export function planActionsOf(data, conferenceId) {
  return data
    .all("plan_action")
    .filter((action) => action.conference_id === conferenceId)
    .sort(
      (a, b) =>
        String(a.due_on || "9999").localeCompare(String(b.due_on || "9999")) ||
        String(a.created_at || "~").localeCompare(String(b.created_at || "~")),
    );
}

/** The key a checkbox carries for one invitee: who they are, not where they sit in a list. */
export function inviteeKey(invitee) {
  if (invitee.person_id) return `person:${invitee.person_id}`;
  if (invitee.relationship_id) return `relationship:${invitee.relationship_id}`;
  return `name:${invitee.name}`;
}

/**
 * Return everyone the family's network map offers to invite: the people in
 * the family (through their memberships) and the people and organisations
 * their relationships name. `label(vocabulary, code)` names relationship types.
 */
export function networkInvitees(data, familyId, label) {
  const members = data
    .ofFamily("membership", familyId)
    .filter((membership) => data.get("person", membership.person_id));
  const memberIds = new Set(members.map((membership) => membership.person_id));
  const relationships = data.ofFamily("relationship", familyId);
  const nameOf = (personId) => personName(data.get("person", personId));
  const calledBy = (personId) => {
    const person = data.get("person", personId);
    return person?.known_as || person?.given_name || t("someone in the family");
  };

  const roleOf = (membership, person) => {
    if (membership.role_in_family) return membership.role_in_family;
    const named = relationships.find((r) => r.to_person_id === person.id && r.type);
    // A relationship's type says what its "to" end is to its "from" end: a
    // child's relationship of type MTH points at the child's mother.
    if (named) return t("{relationship} of {name}", { relationship: label("relationship_type", named.type), name: calledBy(named.from_person_id) });
    return person.is_child ? t("Child") : t("Family member");
  };

  const people = members.map((membership) => {
    const person = data.get("person", membership.person_id);
    return { name: personName(person), person_id: person.id, role: roleOf(membership, person) };
  });
  const others = relationships
    .filter((r) => r.to_organisation || (r.to_person_id && !memberIds.has(r.to_person_id)))
    .map((r) => ({
      name: r.to_organisation || nameOf(r.to_person_id),
      relationship_id: r.id,
      role: r.to_organisation
        ? t("{relationship} for {name}", { relationship: label("relationship_type", r.type), name: calledBy(r.from_person_id) })
        : t("{relationship} of {name}", { relationship: label("relationship_type", r.type), name: calledBy(r.from_person_id) }),
    }));
  const seen = new Set();
  return [...people, ...others].filter((invitee) => {
    const key = inviteeKey(invitee);
    return seen.has(key) ? false : seen.add(key);
  });
}

/** Return the network's invitees plus anyone already listed who is not on the map (nobody is dropped). */
export function inviteeChoices(network, ...lists) {
  const choices = [...network];
  const keys = new Set(network.map(inviteeKey));
  for (const invitee of lists.flat()) {
    if (invitee && !keys.has(inviteeKey(invitee))) {
      keys.add(inviteeKey(invitee));
      choices.push(invitee);
    }
  }
  return choices;
}

/** Turn the chosen checkbox keys back into invitee records, in the order offered. */
export function chosenInvitees(choices, keys) {
  const chosen = new Set(keys);
  return choices
    .filter((invitee) => chosen.has(inviteeKey(invitee)))
    .map(({ name, person_id, relationship_id, role }) => ({
      name,
      ...(person_id ? { person_id } : {}),
      ...(relationship_id ? { relationship_id } : {}),
      role: role || "",
    }));
}

function same(a, b) {
  const normal = (value) => (value === undefined || value === "" ? null : value);
  return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
}

/** Return only the fields whose proposed value differs from the record's. */
export function changedFields(record, proposed) {
  return Object.fromEntries(Object.entries(proposed).filter(([name, value]) => !same(record?.[name], value)));
}

/**
 * The version a change is based on. A record made on this device and not yet
 * synced has version 0 locally, but the server counts from 1 and its create
 * arrives first, so the change is based on version 1.
 */
export function baseVersion(data, entity, id) {
  return Math.max(1, data.record(entity, id)?.version || 0);
}
