// The practice suggestions a change of policy or a trial may answer, as select options.

export const NO_SUGGESTION = "No suggestion led to this";

/** The practice suggestions a change may answer, newest first, as select options. */
export function suggestionOptions(suggestions) {
  return (suggestions || []).map((item) => [item.id, item.title]);
}
