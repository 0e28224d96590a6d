// GOV.UK Frontend's bundle (vendor/govuk-frontend.min.js) ships no types; the
// app calls one function of it.

/** Start every GOV.UK component under scope (the whole page when none is given). */
export function initAll(config?: { scope?: Element; onError?: (error: unknown) => void }): void;
