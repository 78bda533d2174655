import { type Kysely, sql } from 'kysely';

/**
 * One draft per (citizen, procedure): the wizard resumes it instead of starting another (orphan
 * drafts piled up in "Hồ sơ của tôi"). `procedure_id` is derived from the draft's version by a
 * trigger, so it can never disagree with it, and a unique index makes two concurrent "start a
 * draft" requests end with one row. Existing duplicates are merged into the most recently saved
 * draft: its e-form stays, the others' unsubmitted files move to it (renumbered per slot in upload
 * order), then the duplicates go. The draft also keeps the contact details and the chosen
 * handling unit in their own columns (they lived inside the e-form values before).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE dossier_drafts
      ADD COLUMN procedure_id uuid REFERENCES procedures(id),
      ADD COLUMN contact jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN note text`.execute(db);
  await sql`
    UPDATE dossier_drafts d SET procedure_id = v.procedure_id
      FROM procedure_versions v WHERE v.id = d.procedure_version_id`.execute(db);
  // Contact details saved by the earlier wizard inside the e-form values.
  await sql`
    UPDATE dossier_drafts SET contact = form_data -> '__contact', form_data = form_data - '__contact'
      WHERE jsonb_typeof(form_data -> '__contact') = 'object'`.execute(db);
  await mergeDuplicateDrafts(db);
  await sql`ALTER TABLE dossier_drafts ALTER COLUMN procedure_id SET NOT NULL`.execute(db);
  await sql`
    CREATE FUNCTION dossier_drafts_procedure() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT procedure_id INTO NEW.procedure_id FROM procedure_versions WHERE id = NEW.procedure_version_id;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER dossier_drafts_procedure BEFORE INSERT OR UPDATE OF procedure_version_id ON dossier_drafts
      FOR EACH ROW EXECUTE FUNCTION dossier_drafts_procedure()`.execute(db);
  await sql`CREATE UNIQUE INDEX dossier_drafts_one_per_procedure ON dossier_drafts (applicant_user_id, procedure_id)`.execute(
    db,
  );
}

/** Each draft with the draft kept for its (applicant, procedure): the most recently saved one. */
const KEEPERS = sql`
  SELECT id, first_value(id) OVER (
    PARTITION BY applicant_user_id, procedure_id ORDER BY updated_at DESC, created_at DESC, id
  ) AS keeper
  FROM dossier_drafts`;

/**
 * Merge the drafts of one (applicant, procedure) into the most recently saved one: its e-form
 * stays; the others' unsubmitted files move to it, renumbered per slot in upload order (the
 * newest upload is the newest version); then the others are deleted. Exported for its test.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function mergeDuplicateDrafts(db: Kysely<any>): Promise<void> {
  await sql`
    WITH k AS (${KEEPERS})
    UPDATE attachments a SET draft_id = k.keeper
      FROM k
      WHERE a.draft_id = k.id AND k.id <> k.keeper AND a.dossier_id IS NULL`.execute(db);
  await sql`
    WITH k AS (${KEEPERS}),
      merged AS (SELECT DISTINCT keeper FROM k WHERE id <> keeper),
      n AS (
        SELECT a.id, row_number() OVER (PARTITION BY a.draft_id, a.slot ORDER BY a.uploaded_at, a.version_no, a.id)::int AS v
          FROM attachments a JOIN merged m ON m.keeper = a.draft_id
          WHERE a.dossier_id IS NULL)
    UPDATE attachments a SET version_no = n.v FROM n WHERE a.id = n.id AND a.version_no <> n.v`.execute(db);
  await sql`
    WITH k AS (${KEEPERS})
    DELETE FROM dossier_drafts d USING k WHERE d.id = k.id AND k.id <> k.keeper`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
