import { type Kysely, sql } from 'kysely';

/**
 * Rate-limit counters shared by every API process on the database (docs/security.md): one row per
 * (route, client key) with the start of its window. UNLOGGED: counters are worth nothing after a
 * crash and need no WAL.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE rate_limits (
      key text PRIMARY KEY,
      window_start timestamptz NOT NULL,
      hits integer NOT NULL CHECK (hits > 0)
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE rate_limits`.execute(db);
}
