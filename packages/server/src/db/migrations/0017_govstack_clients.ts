import { type Kysely, sql } from 'kysely';

/**
 * The Information Mediator subsystems (`INSTANCE/CLASS/MEMBER/SUBSYSTEM`) an API client may call
 * the GovStack facade as (docs/govstack.md §2): the `Information-Mediator-Client` header of a
 * facade call must be one of them. Empty: the client cannot use the facade.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE api_clients ADD COLUMN im_subsystems text[] NOT NULL DEFAULT '{}'`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE api_clients DROP COLUMN im_subsystems`.execute(db);
}
