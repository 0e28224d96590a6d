// The light a worker's decision gets, worked out on the device as the server's
// domain/team_lights.py does (both tested against tests/fixtures/team_lights.json):
// the council's policy; their team's running trial of another light (from its
// first day to the day before its end, by the app's clock, so a trial ends by
// itself offline too); and, in their first year since qualifying, their team's
// narrower lights, which only ever add supervision.
//
// The trials and narrower lights of every team reach the device through sync,
// as the policy does; only the signed-in worker's team's apply.

import { addMonths, formatDate, parseDate } from "./timescales.js";

export const NEWLY_QUALIFIED_MONTHS = 12;
const UNLISTED_LIGHT = "yellow";
const STRICTNESS = { green: 0, yellow: 1, red: 2 };

let worker = null;

/** Work lights out for this signed-in user: {team_id, qualified_on} (session.js sets it). */
export function useWorker(user) {
  worker = user ? { team_id: user.team_id ?? null, qualified_on: user.qualified_on ?? null } : null;
}

export function signedInWorker() {
  return worker;
}

/** Return whichever light asks for more supervision. */
export function stricter(first, second) {
  return STRICTNESS[first] >= STRICTNESS[second] ? first : second;
}

/** Return the day (YYYY-MM-DD) a worker stops counting as newly qualified, or null. */
export function newlyQualifiedUntil(qualifiedOn) {
  if (!qualifiedOn) return null;
  return formatDate(addMonths(parseDate(qualifiedOn), NEWLY_QUALIFIED_MONTHS));
}

export function isNewlyQualified(qualifiedOn, today) {
  const until = newlyQualifiedUntil(qualifiedOn);
  return Boolean(until) && today < until;
}

/** Whether a trial gives its light on a day: from its first day to the day before its end. */
export function trialRunning(trial, today) {
  return trial.starts_on <= today && today < trial.ends_on;
}

/** Return a trial's last day (YYYY-MM-DD): the day before the council's light applies again. */
export function lastDayOf(trial) {
  const end = parseDate(trial.ends_on);
  return formatDate(new Date(end.getTime() - 24 * 60 * 60 * 1000));
}

/** Return the team's trial of this kind of decision running today, or null. */
export function runningTrial(trials, teamId, key, today) {
  if (!teamId) return null;
  return (trials || []).find((trial) => String(trial.team_id) === String(teamId) && trial.category === key && trialRunning(trial, today)) || null;
}

/**
 * Return the light a decision of this kind gets, and why:
 * {light, council, trial (the running trial or null), narrowed (true if the newly qualified light set it)}.
 */
export function workerLight(categories, key, { teamId, trials, narrower, newlyQualified, today }) {
  const council = (categories || []).find((category) => category.key === key)?.light || UNLISTED_LIGHT;
  const trial = runningTrial(trials, teamId, key, today);
  let light = trial ? trial.light : council;
  let narrowed = false;
  const narrowerLight = newlyQualified ? narrower?.[key] : null;
  if (narrowerLight && stricter(light, narrowerLight) !== light) {
    light = narrowerLight;
    narrowed = true;
  }
  return { light, council, trial, narrowed };
}

/** Return a team's narrower lights for newly qualified workers, by category, from the synced settings. */
export function narrowerFor(settings, teamId) {
  const setting = (settings || []).find((entry) => String(entry.team_id) === String(teamId));
  return Object.fromEntries((setting?.categories || []).map((entry) => [entry.key, entry.light]));
}

/**
 * Return the policy as it applies to the signed-in worker today: each category's
 * light their own, with the council's light, the trial or the narrowing that set it.
 */
export function policyForWorker(policy, { trials, narrowerSettings, today, user = worker }) {
  if (!policy || !user) return policy;
  const options = {
    teamId: user.team_id,
    trials,
    narrower: narrowerFor(narrowerSettings, user.team_id),
    newlyQualified: isNewlyQualified(user.qualified_on, today),
    today,
  };
  return {
    ...policy,
    categories: (policy.categories || []).map((category) => {
      const { light, council, trial, narrowed } = workerLight(policy.categories, category.key, options);
      return { ...category, light, council_light: council, trial, narrowed };
    }),
  };
}
