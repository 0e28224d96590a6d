// The practice suggestions a change of policy or a trial may answer, as select options.

import { t } from "../i18n.js";

/** The placeholder of the suggestion select, in the language spoken. */
export function noSuggestion() {
  return t("No suggestion led to this");
}

/** The practice suggestions a change may answer, newest first, as select options. */
export function suggestionOptions(suggestions) {
  return (suggestions || []).map((item) => [item.id, item.title]);
}
