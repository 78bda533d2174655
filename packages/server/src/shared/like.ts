/** A LIKE pattern that matches `s` literally: its own `\`, `%` and `_` escaped (PostgreSQL's default escape `\`). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}
