/**
 * CSV/Excel formula injection (OWASP "CSV Injection"): a text cell that starts with = + - @, a tab
 * or a carriage return is taken for a formula by spreadsheet programs — a citizen named
 * `=HYPERLINK("http://…")` would become a link in a leader's report. Every text cell we export is
 * written through `neutralizeFormula`, which puts a single quote in front (the spreadsheet shows
 * the text as typed); our own imports undo it with `restoreNeutralized`, so export → import is
 * the identity. Numbers and dates are not text and are left alone.
 */
// Leading quotes included, so that a text that already starts with `'=` also survives the round trip.
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of `neutralizeFormula`, for values read back by our own importers. */
export function restoreNeutralized(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** A cell value as exported: text neutralized, anything else unchanged. */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' ? neutralizeFormula(value) : value;
}
