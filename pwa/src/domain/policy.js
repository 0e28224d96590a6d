// The council's decision policy as an admin edits it: the categories kept,
// changed and added, checked as the server will check them (keys a-z, 0-9
// and _, unique; a label; a light), before publishing a new version.

import { N_, t } from "../i18n.js";

export const LIGHT_CHOICES = [
  ["green", N_("Green: the worker decides and logs it")],
  ["yellow", N_("Yellow: the worker decides; their supervisor discusses it")],
  ["red", N_("Red: a supervisor must approve it before the worker acts")],
];
const LIGHTS = new Set(LIGHT_CHOICES.map(([light]) => light));
const KEY = /^[a-z0-9_]+$/;
export const MAX_LABEL = 200;
export const MAX_KEY = 60;
export const MAX_CATEGORIES = 200;

/** Make a category's key from its label: "Share with school" -> "share_with_school". */
export function keyFromLabel(label) {
  return (label || "")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, MAX_KEY)
    .replace(/_+$/g, "");
}

/**
 * Read the edit form back into a policy. Existing categories keep their key
 * (judgment entries point at it); each can be relabelled, given another light
 * or removed. New rows left wholly empty are ignored.
 *
 * values: {`label-${i}`, `light-${i}`, `remove-${i}`: [..]} for each current
 * category i, and {`new-label-${j}`, `new-key-${j}`, `new-light-${j}`} for new rows.
 * Returns {categories, errors} with errors keyed by field name.
 */
export function readPolicyForm(values, current, newRows) {
  const errors = {};
  const categories = [];
  const keys = new Map();
  const claim = (key, field) => {
    if (keys.has(key)) {
      errors[field] = t("Another category already has the key ‘{key}’: choose a different one", { key });
    } else {
      keys.set(key, field);
    }
  };
  current.forEach((category, index) => {
    if ((values[`remove-${index}`] || []).includes("yes")) {
      return;
    }
    const label = (values[`label-${index}`] ?? category.label).trim();
    const light = values[`light-${index}`] ?? category.light;
    if (!label) {
      errors[`label-${index}`] = t("Enter a name for the category ‘{name}’", { name: category.label });
    } else if (label.length > MAX_LABEL) {
      errors[`label-${index}`] = t("The name must be {max} characters or fewer", { max: MAX_LABEL });
    }
    if (!LIGHTS.has(light)) {
      errors[`light-${index}`] = t("Choose a light for ‘{name}’", { name: category.label });
    }
    claim(category.key, `label-${index}`);
    categories.push(withUrgency({ key: category.key, label, light }, values[`urgent-${index}`], category.urgent));
  });
  for (let row = 0; row < newRows; row += 1) {
    const label = (values[`new-label-${row}`] || "").trim();
    const typedKey = (values[`new-key-${row}`] || "").trim();
    const light = values[`new-light-${row}`] || "";
    if (!label && !typedKey && !light) {
      continue;
    }
    const key = typedKey || keyFromLabel(label);
    if (!label) {
      errors[`new-label-${row}`] = t("Enter a name for the new category");
    } else if (label.length > MAX_LABEL) {
      errors[`new-label-${row}`] = t("The name must be {max} characters or fewer", { max: MAX_LABEL });
    }
    if (typedKey && (!KEY.test(typedKey) || typedKey.length > MAX_KEY)) {
      errors[`new-key-${row}`] = t("The key must be lower-case letters, numbers and underscores only, {max} characters or fewer", { max: MAX_KEY });
    } else if (label && !key) {
      errors[`new-key-${row}`] = t("Enter a key: the name has no letters or numbers to make one from");
    } else if (key) {
      claim(key, typedKey ? `new-key-${row}` : `new-label-${row}`);
    }
    if (!LIGHTS.has(light)) {
      errors[`new-light-${row}`] = t("Choose a light for the new category");
    }
    categories.push(withUrgency({ key, label, light }, values[`new-urgent-${row}`], false));
  }
  if (!categories.length && !Object.keys(errors).length) {
    errors["new-label-0"] = t("The policy needs at least one category");
  } else if (categories.length > MAX_CATEGORIES) {
    errors["new-label-0"] = t("The policy can have at most {max} categories", { max: MAX_CATEGORIES });
  }
  return { categories, errors };
}

/** Mark a category urgent as its box says (as it was, if the form had no box for it). */
function withUrgency(category, ticked, was) {
  const urgent = ticked === undefined ? Boolean(was) : [].concat(ticked).includes("yes");
  return urgent ? { ...category, urgent: true } : category;
}

/** Say what a new version changes from the current one, for the confirmation. */
export function policyChanges(current, next) {
  const before = new Map(current.map((category) => [category.key, category]));
  const after = new Map(next.map((category) => [category.key, category]));
  const changes = { added: [], removed: [], relit: [], renamed: [], urgency: [] };
  for (const category of next) {
    const old = before.get(category.key);
    if (!old) {
      changes.added.push(category);
    } else {
      if (old.light !== category.light) changes.relit.push({ ...category, from: old.light });
      if (old.label !== category.label) changes.renamed.push({ ...category, from: old.label });
      if (Boolean(old.urgent) !== Boolean(category.urgent)) changes.urgency.push(category);
    }
  }
  for (const category of current) {
    if (!after.has(category.key)) changes.removed.push(category);
  }
  return changes;
}

// A light as a sentence names it, lower case: "goes from green to red".
const LIGHT_WORDS = { green: N_("green"), yellow: N_("yellow"), red: N_("red") };

function lightWord(light) {
  return LIGHT_WORDS[light] ? t(LIGHT_WORDS[light]) : light;
}

/** Say whether a new version changes nothing at all from the current one. */
export function unchanged(changes) {
  return !changes.added.length && !changes.removed.length && !changes.relit.length && !changes.renamed.length && !changes.urgency.length;
}

/**
 * Say in plain words, in the language spoken, what a new version changes, one line per category, in
 * the order the categories appear: a light that changes (from and to), a
 * category added (with its light), renamed or removed. Returns
 * [{key, label, text, sentence}]: label is the category's name in the new
 * version (the old one, if removed); text says what changes beside it (for a
 * summary list); sentence says it on its own ("‘Visits’ goes from red to yellow.").
 */
export function describeChanges(current, next) {
  const changes = policyChanges(current, next);
  const relit = new Map(changes.relit.map((category) => [category.key, category]));
  const renamed = new Map(changes.renamed.map((category) => [category.key, category]));
  const added = new Set(changes.added.map((category) => category.key));
  const lines = [];
  for (const category of next) {
    const name = `‘${category.label}’`;
    const light = lightWord(category.light);
    if (added.has(category.key)) {
      lines.push({ key: category.key, label: category.label, text: t("New: {light} light", { light }), sentence: t("{name} is added, with a {light} light.", { name, light }) });
      continue;
    }
    const from = relit.get(category.key) && lightWord(relit.get(category.key).from);
    const oldName = renamed.get(category.key)?.from;
    if (from && oldName) {
      lines.push({
        key: category.key,
        label: category.label,
        text: t("Light changes from {from} to {light}, and renamed from ‘{old}’", { from, light, old: oldName }),
        sentence: t("‘{old}’ is renamed {name} and goes from {from} to {light}.", { old: oldName, name, from, light }),
      });
    } else if (from) {
      lines.push({ key: category.key, label: category.label, text: t("Light changes from {from} to {light}", { from, light }), sentence: t("{name} goes from {from} to {light}.", { name, from, light }) });
    } else if (oldName) {
      lines.push({ key: category.key, label: category.label, text: t("Renamed from ‘{old}’", { old: oldName }), sentence: t("‘{old}’ is renamed {name}.", { old: oldName, name }) });
    }
  }
  for (const category of changes.urgency) {
    lines.push({
      key: category.key,
      label: category.label,
      text: category.urgent ? t("Marked urgent") : t("No longer urgent"),
      sentence: category.urgent
        ? t("‘{name}’ is marked urgent: workers see the numbers to phone, and a supervisor may agree it by phone.", { name: category.label })
        : t("‘{name}’ is no longer urgent.", { name: category.label }),
    });
  }
  for (const category of changes.removed) {
    const light = lightWord(category.light);
    lines.push({
      key: category.key,
      label: category.label,
      text: t("Removed (its light was {light})", { light }),
      sentence: t("‘{name}’ is removed (it was {light}).", { name: category.label, light }),
    });
  }
  return lines;
}
