// Statutory dues on the device: for each child on a plan, when each check the
// council's templates set is next due. The same reading of the same records as
// the server's server/services/statutory.py, and the same rules (timescales.js).
// A family with no child on a plan has no statutory due at all.

import { localDateOf } from "../clock.js";
import { currentEpisode } from "./plans.js";
import { childSeenOnVisit, childVisitDue, countedVisitDays, parseDate, ruleApplies } from "./timescales.js";

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

// The answers about each child that say whether a visit saw them.
const SEEN_ANSWERS = ["child_seen", "child_seen_alone"];

/**
 * Return the checklist answers about each child seen, by visit (interaction
 * id): [{child_id, from_visit, answer}], in the order their checklists were
 * made (those not yet synced last), as the server's statutory._seen_answers.
 */
export function seenAnswersByVisit(data, familyId) {
  const checklists = data
    .ofFamily("checklist", familyId)
    .filter((checklist) => checklist.interaction_id)
    .sort((a, b) => (a.created_at || "~").localeCompare(b.created_at || "~") || a.id.localeCompare(b.id));
  const items = new Map();
  for (const item of data.ofFamily("checklist_item", familyId)) {
    if (item.child_id && SEEN_ANSWERS.includes(item.from_visit) && item.answer != null) {
      items.set(item.checklist_id, [...(items.get(item.checklist_id) || []), item]);
    }
  }
  const byVisit = new Map();
  for (const checklist of checklists) {
    const answers = (items.get(checklist.id) || []).map(({ child_id, from_visit, answer }) => ({ child_id, from_visit, answer }));
    byVisit.set(checklist.interaction_id, [...(byVisit.get(checklist.interaction_id) || []), ...answers]);
  }
  return byVisit;
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
  const answers = seenAnswersByVisit(data, familyId);
  const dues = [];
  for (const child of childrenOf(data, familyId)) {
    const episode = currentEpisode(data, child.id);
    if (!episode || (episode.family_id && episode.family_id !== familyId)) {
      continue;
    }
    for (const template of templates) {
      const rule = template.timescale;
      const visits = countedVisitDays(
        rule,
        child.id,
        interactions
          .filter((interaction) => interaction.purpose === template.purpose)
          .map((interaction) => ({ day: visitDay(interaction), participants: interaction.participants, answers: answers.get(interaction.id) || [] }))
          .filter(({ day }) => !visitsBefore || day < visitsBefore),
      );
      const due = childVisitDue(rule, episode, visits);
      if (due) {
        dues.push({ child, episode, template, check: checkName(template), due });
      }
    }
  }
  return dues.sort((a, b) => a.due - b.due || (a.child.given_name || "").localeCompare(b.child.given_name || ""));
}

/**
 * Return the last visit where a child was recorded as seen ({day: "YYYY-MM-DD",
 * alone, interaction}), by their own checklist answers where given, else "Who
 * was there"; null when no visit saw them. Seen alone reads the same way.
 */
export function lastSeen(data, familyId, childId) {
  const answers = seenAnswersByVisit(data, familyId);
  let latest = null;
  for (const interaction of data.ofFamily("interaction", familyId)) {
    const given = answers.get(interaction.id) || [];
    if (!interaction.occurred_at || !childSeenOnVisit(childId, interaction.participants, given)) {
      continue;
    }
    if (!latest || interaction.occurred_at > latest.interaction.occurred_at) {
      latest = { interaction, given };
    }
  }
  if (!latest) {
    return null;
  }
  const { interaction, given } = latest;
  const aloneAnswers = given.filter((item) => item.child_id === childId && item.from_visit === "child_seen_alone");
  const alone = aloneAnswers.length
    ? aloneAnswers.at(-1).answer === "yes"
    : (interaction.participants || []).some((p) => p.person_id === childId && p.seen_alone);
  return { day: localDateOf(interaction.occurred_at), alone, interaction };
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
