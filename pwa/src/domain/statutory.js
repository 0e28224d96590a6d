// Statutory dues on the device: for each child on a plan, when each check the
// council's templates set is next due. The same reading of the same records as
// the server's server/services/statutory.py, and the same rules (timescales.js).
// A family with no child on a plan has no statutory due at all.

import { localDateOf } from "../clock.js";
import { currentEpisode } from "./plans.js";
import { childVisitDue, parseDate, ruleApplies } from "./timescales.js";

// What the caseload calls each check, by the purpose of its template.
const CHECK_NAMES = { statutory_visit: "Visit", core_group: "Core group", review: "Review" };

/** Return the active templates that set a timescale. */
export function statutoryTemplates(data) {
  return data
    .all("checklist_template")
    .filter((template) => template.active !== false && template.timescale)
    .sort((a, b) => (a.key || "").localeCompare(b.key || ""));
}

/** Return what the caseload calls a template's check: "Visit", "Core group", "Review". */
export function checkName(template) {
  return CHECK_NAMES[template.purpose] || template.name || "Statutory check";
}

/** Return the children of a family: through memberships, and those made here not yet synced. */
export function childrenOf(data, familyId) {
  const children = new Map();
  for (const membership of data.ofFamily("membership", familyId)) {
    const person = data.get("person", membership.person_id);
    if (person?.is_child) {
      children.set(person.id, person);
    }
  }
  for (const person of data.all("person")) {
    if (person.family_id === familyId && person.is_child) {
      children.set(person.id, person);
    }
  }
  return [...children.values()];
}

/** Return the day (a Date) of a visit, in the council's calendar (the device's zone), as the server's council_date. */
function visitDay(interaction) {
  return parseDate(localDateOf(interaction.occurred_at));
}

/**
 * Return each child's next due date under each template that applies to their
 * plan, soonest first: [{child, episode, template, check, due (a Date)}].
 * visitsBefore (a Date): count only the visits before that day (the date a
 * visit was meant to meet).
 */
export function childDues(data, familyId, { visitsBefore = null } = {}) {
  const templates = statutoryTemplates(data);
  if (!templates.length) {
    return [];
  }
  const interactions = data.ofFamily("interaction", familyId).filter((interaction) => interaction.occurred_at);
  const dues = [];
  for (const child of childrenOf(data, familyId)) {
    const episode = currentEpisode(data, child.id);
    if (!episode || (episode.family_id && episode.family_id !== familyId)) {
      continue;
    }
    for (const template of templates) {
      const rule = template.timescale;
      const visits = interactions
        .filter((interaction) => interaction.purpose === template.purpose)
        .filter((interaction) => rule.child_seen === false || (interaction.participants || []).some((p) => p.person_id === child.id && p.seen))
        .map(visitDay)
        .filter((day) => !visitsBefore || day < visitsBefore);
      const due = childVisitDue(rule, episode, visits);
      if (due) {
        dues.push({ child, episode, template, check: checkName(template), due });
      }
    }
  }
  return dues.sort((a, b) => a.due - b.due || (a.child.given_name || "").localeCompare(b.child.given_name || ""));
}

/** Return the name a child goes by. */
export function childName(child) {
  return child.known_as || child.given_name || "A child";
}

/**
 * Return the active checklist template for a visit's purpose, or null. A
 * council may keep one per kind of plan (a child protection visit, a
 * looked-after child's visit): the one that applies to a child's plan in the
 * family comes first, then one for every plan, then the newest.
 */
export function templateForVisit(data, purpose, familyId) {
  const candidates = data
    .all("checklist_template")
    .filter((template) => template.active !== false && template.purpose === purpose)
    .sort((a, b) => (b.version || 0) - (a.version || 0));
  const plans = childrenOf(data, familyId)
    .map((child) => currentEpisode(data, child.id)?.plan_type)
    .filter(Boolean);
  const forPlans = (template) => template.timescale?.applies_to?.length;
  return (
    candidates.find((template) => forPlans(template) && plans.some((plan) => ruleApplies(template.timescale, plan))) ||
    candidates.find((template) => !forPlans(template)) ||
    candidates[0] ||
    null
  );
}
