import { type Kysely, sql } from 'kysely';

/**
 * Indexes the 1 M-dossier queue benchmark asked for (docs/performance.md): an officer's tasks as a
 * coordinator, the overdue queue's two branches (step late in a unit; appointment late at a
 * receiving unit), and the walk-in applicant lookup by tax code at the counter.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX dossiers_coordinator_queue ON dossiers USING gin (coordinator_ids)
    WHERE status = 'processing'`.execute(db);
  await sql`
    CREATE INDEX dossiers_overdue_step ON dossiers (step_agency_id, step_due)
    WHERE status IN ('received','processing','supplement_requested','fee_requested','withdrawal_requested')
      AND paused_since IS NULL`.execute(db);
  await sql`
    CREATE INDEX dossiers_overdue_appointment ON dossiers (receiving_agency_id, due)
    WHERE status IN ('received','processing','supplement_requested','fee_requested','withdrawal_requested')
      AND paused_since IS NULL`.execute(db);
  await sql`CREATE INDEX users_tax_code ON users (tax_code) WHERE tax_code IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
