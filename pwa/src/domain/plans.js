// Children's plan episodes on the device: which plan a child is on now, what
// each kind of plan records, and the changes a "Plan now" answer makes. The
// same rules as the server's server/domain/plans.py: one running episode per
// child; an ended episode is frozen and corrected by amendment.

import { N_, t } from "../i18n.js";

export const NO_PLAN = "none";
export const PLAN_TYPES = ["early_help", "child_in_need", "child_protection", "looked_after"];

// Fields only one kind of plan has (as on the server).
const ONLY_FOR = {
  cp_category: "child_protection",
  initial_conference_on: "child_protection",
  legal_status: "looked_after",
  placement_started_on: "looked_after",
  placement_type: "looked_after",
};

const AMENDABLE = ["started_on", "ended_on", "placement_started_on", "initial_conference_on", "cp_category", "legal_status", "placement_type", "end_reason"];

/** Order amendments oldest first by the server's time; those not synced yet (none) last, as made. */
function oldestFirst(a, b) {
  if (!a.created_at || !b.created_at) {
    return (a.created_at ? 0 : 1) - (b.created_at ? 0 : 1);
  }
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
}

/** Return an episode as corrected by its amendments, oldest first (the original is unchanged). */
export function corrected(data, episode) {
  const amendments = correctionsOf(data, episode.id);
  if (!amendments.length) {
    return episode;
  }
  const fixed = { ...episode, amended: true };
  for (const amendment of amendments) {
    for (const [name, value] of Object.entries(amendment.changes || {})) {
      if (AMENDABLE.includes(name)) {
        fixed[name] = value;
      }
    }
  }
  return fixed;
}

/** Return a child's episodes as corrected, the latest first. */
export function episodesOf(data, personId) {
  return data
    .all("plan_episode")
    .filter((episode) => episode.person_id === personId)
    .map((episode) => corrected(data, episode))
    .sort((a, b) => (b.started_on || "").localeCompare(a.started_on || "") || (a.ended_on ? 1 : 0) - (b.ended_on ? 1 : 0));
}

/** Return the child's running episode (not ended), or null: "no plan". */
export function currentEpisode(data, personId) {
  return episodesOf(data, personId).find((episode) => !episode.ended_on) || null;
}

/** Say which plan an episode is, with its category or legal status: "Child protection plan (Neglect)". */
export function planName(episode, label) {
  if (!episode) {
    return t("No plan");
  }
  const name = label("plan_type", episode.plan_type);
  if (episode.plan_type === "child_protection" && episode.cp_category) {
    return `${name} (${label("cp_category", episode.cp_category)})`;
  }
  if (episode.plan_type === "looked_after" && episode.legal_status) {
    return `${name} (${label("legal_status", episode.legal_status)})`;
  }
  return name;
}

/** Return whether a "Plan now" answer keeps the child's running plan (same kind), changing its details. */
export function keepsPlan(values, current) {
  return Boolean(current) && values.plan_type === current.plan_type;
}

function detailChanges(values, current) {
  const changes = {};
  for (const [name, owner] of Object.entries(ONLY_FOR)) {
    if (owner === current.plan_type && (values[name] || null) !== (current[name] || null)) {
      changes[name] = values[name] || null;
    }
  }
  return changes;
}

/**
 * Check a "Plan now" answer; return {field: message} (empty when it can be saved).
 * values: plan_type ("none" or a plan), started_on, cp_category, legal_status,
 * placement_started_on, placement_type, end_reason (all "" when not given;
 * dates YYYY-MM-DD, or null when not a real date). The same kind of plan
 * again changes the running episode's details (a new category, a new
 * placement); another kind ends it and starts the next.
 */
export function checkPlanChange(values, current, today) {
  const errors = {};
  const type = values.plan_type;
  if (!type) {
    errors.plan_type = t("Choose the plan the child is on now");
    return errors;
  }
  if (!current && type === NO_PLAN) {
    errors.plan_type = t("The child has no plan now: choose a plan to start one");
    return errors;
  }
  const keeping = keepsPlan(values, current);
  if (keeping && !Object.keys(detailChanges(values, current)).length) {
    errors.plan_type = t("This is the plan the child is on now: change its details, or choose another plan");
    return errors;
  }
  if (!keeping) {
    if (values.started_on === null) {
      errors.started_on = t("Enter a real date, like 27 3 2026");
    } else if (!values.started_on) {
      errors.started_on = type === NO_PLAN ? t("Enter the date the plan ended") : t("Enter the date the plan started");
    } else if (values.started_on > today) {
      errors.started_on = t("The date cannot be in the future");
    } else if (current && values.started_on < current.started_on) {
      errors.started_on = t("The date cannot be before the current plan started");
    }
    if (current && !values.end_reason) {
      errors.end_reason = t("Say why the current plan ended");
    }
  }
  if (type === "child_protection" && !values.cp_category) {
    errors.cp_category = t("Choose the category of the child protection plan");
  }
  if (type === "child_protection" && values.initial_conference_on !== undefined) {
    const started = keeping ? current.started_on : values.started_on;
    if (values.initial_conference_on === null) {
      errors.initial_conference_on = t("Enter a real date, like 27 3 2026");
    } else if (values.initial_conference_on && started && values.initial_conference_on > started) {
      errors.initial_conference_on = t("The initial conference comes before the plan starts");
    }
  }
  if (type === "looked_after") {
    if (!values.legal_status) {
      errors.legal_status = t("Choose the child's legal status");
    }
    if (values.placement_started_on === null) {
      errors.placement_started_on = t("Enter a real date, like 27 3 2026");
    } else if (values.placement_started_on && values.placement_started_on > today) {
      errors.placement_started_on = t("A placement cannot start in the future");
    }
  }
  return errors;
}

/**
 * Return the outbox changes a checked "Plan now" answer makes, in order: the
 * same plan's new details; or end the running episode (on the day the next
 * starts) and then start the next.
 */
export function planChanges({ familyId, personId, current, values, newId }) {
  if (keepsPlan(values, current)) {
    return [{ entity: "plan_episode", op: "update", id: current.id, data: detailChanges(values, current) }];
  }
  const changes = [];
  if (current) {
    changes.push({ entity: "plan_episode", op: "update", id: current.id, data: { ended_on: values.started_on, end_reason: values.end_reason } });
  }
  if (values.plan_type !== NO_PLAN) {
    const episode = { family_id: familyId, person_id: personId, plan_type: values.plan_type, started_on: values.started_on };
    for (const [name, owner] of Object.entries(ONLY_FOR)) {
      if (owner === values.plan_type && values[name]) {
        episode[name] = values[name];
      }
    }
    changes.push({ entity: "plan_episode", op: "create", id: newId(), data: episode });
  }
  return changes;
}

// --- correcting an ended plan --------------------------------------------------------

// What a correction can put right, in the order the form asks:
// [field, what is wrong, what to do when it is left empty].
const CORRECTIONS = [
  ["started_on", N_("The date it started"), N_("Enter the date the plan started")],
  ["ended_on", N_("The date it ended"), N_("Enter the date the plan ended")],
  ["end_reason", N_("Why it ended"), N_("Choose why the plan ended")],
  ["cp_category", N_("The category"), N_("Choose the category of the plan")],
  ["initial_conference_on", N_("The date of the initial conference"), N_("Enter the date of the initial child protection conference")],
  ["legal_status", N_("The legal status"), N_("Choose the child's legal status")],
  ["placement_started_on", N_("The date the placement started"), N_("Enter the date the placement started")],
  ["placement_type", N_("The placement type"), N_("Choose the placement type")],
];
/** A field's title as it reads inside a sentence: "the date it started", "y categori". */
function lowerFirst(title) {
  return title.replace(/^The /, "the ").replace(/^Why/, "why").replace(/^Y /, "y ").replace(/^Pam/, "pam");
}
const CORRECTED_DATES = new Set(["started_on", "ended_on", "placement_started_on", "initial_conference_on"]);
export const CORRECTION_REASON_MAX = 2000;

/**
 * Return the corrections an episode can take, for its kind of plan: [[field, what is wrong], ...].
 * @returns {[string, string][]}
 */
export function correctableFields(episode) {
  return CORRECTIONS.filter(([name]) => !ONLY_FOR[name] || ONLY_FOR[name] === episode.plan_type).map(([name, what]) => [name, t(what)]);
}

/** Return whether an episode can be corrected here: it has ended (a running plan is changed, not amended). */
export function isCorrectable(episode) {
  return Boolean(episode?.ended_on);
}

/**
 * Check a correction of an ended episode; return {field: message}, empty when it can be saved.
 * values: fields (the ones chosen as wrong), each field's corrected value
 * (dates YYYY-MM-DD, "" when empty, null when not a real date), reason.
 * episode: as its earlier amendments corrected it.
 */
export function checkPlanCorrection(values, episode, today) {
  const errors = {};
  const allowed = new Map(correctableFields(episode));
  const chosen = (values.fields || []).filter((name) => allowed.has(name));
  if (!chosen.length) {
    errors.fields = t("Choose what is wrong with the plan");
  }
  const empty = Object.fromEntries(CORRECTIONS.map(([name, , message]) => [name, message]));
  for (const name of chosen) {
    const value = values[name];
    if (value === null) {
      errors[name] = t("Enter a real date, like 27 3 2026");
    } else if (!value) {
      errors[name] = t(empty[name]);
    } else if (value === (episode[name] || "")) {
      errors[name] = t("The plan already says this: correct {what}, or untick it", { what: lowerFirst(allowed.get(name)) });
    } else if (CORRECTED_DATES.has(name) && value > today) {
      errors[name] = t("The date cannot be in the future");
    }
  }
  const started = chosen.includes("started_on") && values.started_on ? values.started_on : episode.started_on;
  const ended = chosen.includes("ended_on") && values.ended_on ? values.ended_on : episode.ended_on;
  if (!errors.started_on && !errors.ended_on && started && ended && ended < started) {
    errors[chosen.includes("ended_on") ? "ended_on" : "started_on"] = t("The plan cannot end before it started");
  }
  const reason = (values.reason || "").trim();
  if (!reason) {
    errors.reason = t("Enter why you are correcting the plan");
  } else if (reason.length > CORRECTION_REASON_MAX) {
    errors.reason = t("The reason must be {max} characters or fewer", { max: CORRECTION_REASON_MAX });
  }
  return errors;
}

/** Return the amendment a checked correction makes: {target_kind, target_id, reason, changes}. */
export function planCorrection(values, episode) {
  const allowed = new Set(correctableFields(episode).map(([name]) => name));
  const changes = {};
  for (const name of values.fields || []) {
    if (allowed.has(name)) {
      changes[name] = values[name];
    }
  }
  return { target_kind: "plan_episode", target_id: episode.id, reason: values.reason.trim(), changes };
}

/** Return the corrections of an episode, oldest first (those not synced yet last). */
export function correctionsOf(data, episodeId) {
  return data
    .all("amendment")
    .filter((amendment) => amendment.target_kind === "plan_episode" && amendment.target_id === episodeId)
    .sort(oldestFirst);
}
