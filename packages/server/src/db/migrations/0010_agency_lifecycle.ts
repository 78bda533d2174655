import { type Kysely, sql } from 'kysely';

/**
 * Agencies are edited and deactivated from the administration (not deleted: dossiers, users and
 * the audit log keep pointing at them). `version` is the optimistic-concurrency token of an edit.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE agencies
      ADD COLUMN active boolean NOT NULL DEFAULT true,
      ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE agencies DROP COLUMN active, DROP COLUMN version`.execute(db);
}
