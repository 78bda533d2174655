import { type Kysely, sql } from 'kysely';

/**
 * The audit log as several hash chains (decision 0006): each row belongs to one chain (`chain`,
 * 0…63), links to the previous row of its chain, and only appends to the same chain wait for each
 * other. Rows written before this migration are chain 0, which continues their single chain.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_log ADD COLUMN chain smallint NOT NULL DEFAULT 0 CHECK (chain >= 0 AND chain < 64)`.execute(
    db,
  );
  await sql`CREATE INDEX audit_log_chain_id ON audit_log (chain, id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX audit_log_chain_id`.execute(db);
  await sql`ALTER TABLE audit_log DROP COLUMN chain`.execute(db);
}
