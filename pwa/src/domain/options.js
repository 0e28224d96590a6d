// Lists of options as forms show them: in the order of the code list (the
// most common first) with the catch-all "Other" last, so a worker finds the
// usual answer at the top and never has to read past "Other" for a real one.

/** Return whether an option's label is a list's catch-all ("Other", "Other professional"...). */
export function isOther(label) {
  return /^other\b/i.test(String(label ?? "").trim());
}

/** Return [code, label] options with the catch-all ones moved to the end, the rest in order. */
export function otherLast(options) {
  return [...options.filter(([, label]) => !isOther(label)), ...options.filter(([, label]) => isOther(label))];
}

/**
 * Return a code list kept on the device as [code, label] pairs. A device that
 * last fetched the lists before they came in order holds an object instead.
 */
export function codeList(stored) {
  if (Array.isArray(stored)) return stored;
  return Object.entries(stored || {});
}
