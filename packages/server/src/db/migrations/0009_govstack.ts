import { type Kysely, sql } from 'kysely';

/**
 * GovStack Registration Building Block facade (modules/govstack): the map between the ids other
 * GovStack systems use (fixed, not always UUID-shaped) and ours. One row per (kind, external id,
 * internal id): an e-form id may name the e-forms of several services in the GovStack data set.
 * `meta` keeps what the GovStack model has and ours does not (an application's name, the
 * operator's form data, a role's name).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE govstack_ids (
      kind text NOT NULL CHECK (kind IN
        ('service','eform','file','main_task','task','role','user','applicant','operator','document')),
      external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
      -- procedures.id, dossiers.id, users.id, '<dossier id>.<event version>' for a task, a role code
      internal_id text NOT NULL,
      meta jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, external_id, internal_id)
    )`.execute(db);
  await sql`CREATE INDEX govstack_ids_internal ON govstack_ids (kind, internal_id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
