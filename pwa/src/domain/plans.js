// Children's plan episodes on the device: which plan a child is on now, what
// each kind of plan records, and the changes a "Plan now" answer makes. The
// same rules as the server's server/domain/plans.py: one running episode per
// child; an ended episode is frozen and corrected by amendment.

export const NO_PLAN = "none";
export const PLAN_TYPES = ["early_help", "child_in_need", "child_protection", "looked_after"];

// Fields only one kind of plan has (as on the server).
const ONLY_FOR = {
  cp_category: "child_protection",
  legal_status: "looked_after",
  placement_started_on: "looked_after",
  placement_type: "looked_after",
};

const AMENDABLE = ["started_on", "ended_on", "placement_started_on", "cp_category", "legal_status", "placement_type", "end_reason"];

/** Return an episode as corrected by its amendments, oldest first (the original is unchanged). */
export function corrected(data, episode) {
  const amendments = data
    .all("amendment")
    .filter((amendment) => amendment.target_kind === "plan_episode" && amendment.target_id === episode.id)
    .sort((a, b) => (a.created_at || "~").localeCompare(b.created_at || "~"));
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
    return "No plan";
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
    errors.plan_type = "Choose the plan the child is on now";
    return errors;
  }
  if (!current && type === NO_PLAN) {
    errors.plan_type = "The child has no plan now: choose a plan to start one";
    return errors;
  }
  const keeping = keepsPlan(values, current);
  if (keeping && !Object.keys(detailChanges(values, current)).length) {
    errors.plan_type = "This is the plan the child is on now: change its details, or choose another plan";
    return errors;
  }
  if (!keeping) {
    if (values.started_on === null) {
      errors.started_on = "Enter a real date, like 27 3 2026";
    } else if (!values.started_on) {
      errors.started_on = type === NO_PLAN ? "Enter the date the plan ended" : "Enter the date the plan started";
    } else if (values.started_on > today) {
      errors.started_on = "The date cannot be in the future";
    } else if (current && values.started_on < current.started_on) {
      errors.started_on = "The date cannot be before the current plan started";
    }
    if (current && !values.end_reason) {
      errors.end_reason = "Say why the current plan ended";
    }
  }
  if (type === "child_protection" && !values.cp_category) {
    errors.cp_category = "Choose the category of the child protection plan";
  }
  if (type === "looked_after") {
    if (!values.legal_status) {
      errors.legal_status = "Choose the child's legal status";
    }
    if (values.placement_started_on === null) {
      errors.placement_started_on = "Enter a real date, like 27 3 2026";
    } else if (values.placement_started_on && values.placement_started_on > today) {
      errors.placement_started_on = "A placement cannot start in the future";
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
