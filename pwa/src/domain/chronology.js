// A family's chronology and story so far, as the device reads them.
//
// Events proposed from other records (a plan starting, a conference, a red
// decision) come from the server's event sources (server/services/chronology.py);
// the events workers add are chronology entries the device holds, so they show
// at once, offline too. The story so far is append-only: each save is a new
// version naming the one it follows.

import { N_ } from "../i18n.js";

export const STORY_SECTIONS = [
  ["who", N_("Who is in the family and who matters to them")],
  ["what_happened", N_("What has happened so far")],
  ["worries", N_("What we are worried about")],
  ["going_well", N_("What is going well")],
  ["next_steps", N_("What happens next")],
];

const written = (version) => version.device_written_at || version.created_at || "";

/** Every version of a family's story, newest first. */
export function storyVersions(versions) {
  return [...versions].sort((a, b) => written(b).localeCompare(written(a)) || (b.created_at || "").localeCompare(a.created_at || ""));
}

/**
 * The story so far: the latest version no other follows (as the server reads
 * it). If two workers each wrote one offline after the same version, the one
 * written later on its device.
 */
export function latestStory(versions) {
  const followed = new Set(versions.map((version) => version.previous_id).filter(Boolean));
  const heads = versions.filter((version) => !followed.has(version.id));
  return storyVersions(heads.length ? heads : versions)[0] || null;
}

/** The sections of a new version, dropping the empty ones; null if nothing is written. */
export function storySections(values) {
  const sections = {};
  for (const [key] of STORY_SECTIONS) {
    const text = (values[key] || "").trim();
    if (text) sections[key] = text;
  }
  return Object.keys(sections).length ? sections : null;
}

/** An event a worker added, as the chronology lists it. */
export function entryEvent(entry) {
  return {
    key: `chronology_entry:${entry.id}:`,
    on: entry.occurred_on,
    title: entry.event,
    summary: entry.event,
    child_ids: entry.child_ids || [],
    source_kind: "chronology_entry",
    source_id: entry.id,
    proposed: false,
    source: entry.source,
    impact: entry.impact || null,
  };
}

/** Whether an event belongs in the chronology of a child ("" or null: every child). */
export function concerns(event, childId) {
  return !childId || !event.child_ids?.length || event.child_ids.includes(childId);
}

/**
 * The chronology shown: the proposed events the server last gave (none while
 * offline) with the entries the device holds (its own unsynced ones too), for
 * one child or all, oldest first; on one day, proposed events first.
 */
export function chronologyEvents(proposed, entries, childId) {
  const events = [...(proposed || []).filter((event) => event.proposed), ...entries.map(entryEvent)];
  return events
    .filter((event) => concerns(event, childId))
    .sort((a, b) => a.on.localeCompare(b.on) || Number(a.proposed === false) - Number(b.proposed === false) || a.title.localeCompare(b.title));
}

/** Check a new event; returns {field: message}. */
export function checkEntry(values, childIds, today) {
  const errors = {};
  if (values.occurred_on === null) {
    errors.occurred_on = "Enter a real date, like 27 3 2026";
  } else if (!values.occurred_on) {
    errors.occurred_on = "Enter the date it happened";
  } else if (values.occurred_on > today) {
    errors.occurred_on = "The date cannot be in the future";
  }
  if (!(values.event || "").trim()) {
    errors.event = "Say what happened";
  } else if (values.event.length > 2000) {
    errors.event = "What happened must be 2,000 characters or fewer";
  }
  if (!(values.source || "").trim()) {
    errors.source = "Say where the information came from";
  } else if (values.source.length > 2000) {
    errors.source = "Where it came from must be 2,000 characters or fewer";
  }
  if ((values.child_ids || []).some((id) => !childIds.includes(id))) {
    errors.child_ids = "Choose children of this family";
  }
  return errors;
}
