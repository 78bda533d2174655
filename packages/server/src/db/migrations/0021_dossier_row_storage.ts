import { type Kysely, sql } from 'kysely';

/**
 * A smaller `dossiers` row to rewrite at every step (issue 16). Every command writes a new version
 * of the row (its step, status and state change); the frozen workflow (≈ 700 B compressed) and the
 * applicant's details, which no command changes, were copied into each version and into its WAL.
 *
 * - `toast_tuple_target = 1024`: a row over it keeps its large values out of line, in the TOAST
 *   table, written once at submission; an UPDATE that does not change them keeps their pointers.
 * - `state` (the folded state, changed by every command) is `STORAGE MAIN`: compressed in the row
 *   rather than moved out, so that the value every command rewrites does not become a TOAST write
 *   of its own.
 *
 * Rows written before this migration change storage at their next update.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE dossiers SET (toast_tuple_target = 1024)`.execute(db);
  await sql`ALTER TABLE dossiers ALTER COLUMN state SET STORAGE MAIN`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE dossiers ALTER COLUMN state SET STORAGE EXTENDED`.execute(db);
  await sql`ALTER TABLE dossiers RESET (toast_tuple_target)`.execute(db);
}
