import { type Kysely, sql } from 'kysely';

/**
 * Dossiers (hồ sơ): the current state of each dossier as a projection of its append-only history,
 * the history itself, code counters, idempotency keys, attachments and drafts.
 * The state machine is packages/core/src/dossier; every command writes the projection, one history
 * event, its outbox message and its audit row in one transaction (dossiers/dossier.store.ts recordEvents).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // One-stop units (Bộ phận Một cửa / Bộ phận Tiếp nhận và trả kết quả) receive dossiers for the
  // agency they belong to (Decree 118/2025 art. 7).
  await sql`ALTER TABLE agencies ADD COLUMN receives_dossiers boolean NOT NULL DEFAULT false`.execute(db);

  // Gapless counters: incremented inside the submitting transaction, so a rollback returns the number.
  await sql`
    CREATE TABLE dossier_code_counters (
      pattern text NOT NULL,
      scope_key text NOT NULL,
      last_value integer NOT NULL CHECK (last_value > 0),
      PRIMARY KEY (pattern, scope_key)
    )`.execute(db);

  await sql`
    CREATE TABLE dossier_drafts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      applicant_user_id uuid NOT NULL REFERENCES users(id),
      procedure_version_id uuid NOT NULL REFERENCES procedure_versions(id),
      agency_id uuid REFERENCES agencies(id),
      form_data jsonb NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX dossier_drafts_applicant ON dossier_drafts (applicant_user_id, updated_at DESC)`.execute(db);

  await sql`
    CREATE TABLE dossiers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- số hồ sơ (Decree 118/2025 art. 28), unique and printed on the receipt
      code text NOT NULL UNIQUE,
      -- lookup password printed on the receipt (not an account password: reprinted receipts show it)
      lookup_secret text NOT NULL,
      province_id uuid NOT NULL REFERENCES agencies(id),
      procedure_id uuid NOT NULL REFERENCES procedures(id),
      procedure_version_id uuid NOT NULL REFERENCES procedure_versions(id),
      procedure_name text NOT NULL,
      field_code text NOT NULL,
      -- the workflow and legal limit the dossier started with (frozen)
      workflow jsonb NOT NULL,
      legal_limit jsonb,
      channel text NOT NULL CHECK (channel IN ('online','counter','postal')),
      applicant_user_id uuid REFERENCES users(id),
      applicant jsonb NOT NULL,
      applicant_name text NOT NULL,
      applicant_id_number text,
      applicant_phone text,
      search_text text GENERATED ALWAYS AS (search_fold(code || ' ' || applicant_name || ' ' || procedure_name)) STORED,
      form_data jsonb NOT NULL DEFAULT '{}',
      receiving_agency_id uuid NOT NULL REFERENCES agencies(id),
      status text NOT NULL CHECK (status IN ('submitted','received','refused','processing','supplement_requested',
        'fee_requested','withdrawal_requested','stopped','result_ready','returned','closed')),
      sub_status text,
      flags text[] NOT NULL DEFAULT '{}',
      current_step text,
      step_agency_id uuid REFERENCES agencies(id),
      step_role text,
      main_assignee_id uuid REFERENCES users(id),
      coordinator_ids uuid[] NOT NULL DEFAULT '{}',
      observer_ids uuid[] NOT NULL DEFAULT '{}',
      step_entered_at timestamptz,
      step_due timestamptz,
      submitted_at timestamptz NOT NULL,
      received_at timestamptz,
      clock_start timestamptz,
      due timestamptz,
      original_due timestamptz,
      paused_since timestamptz,
      result_at timestamptz,
      returned_at timestamptz,
      finished_at timestamptz,
      outcome text CHECK (outcome IN ('granted','refused')),
      parent_dossier_id uuid REFERENCES dossiers(id),
      parent_consultation_id text,
      -- the full DossierState of packages/core (evolve's output); the columns above are its projection
      state jsonb NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // Work queues: a unit's open steps, an officer's tasks, sorted by the step's deadline.
  await sql`
    CREATE INDEX dossiers_step_queue ON dossiers (step_agency_id, step_due)
    WHERE status IN ('processing','received')`.execute(db);
  await sql`
    CREATE INDEX dossiers_assignee_queue ON dossiers (main_assignee_id, step_due)
    WHERE status = 'processing'`.execute(db);
  await sql`CREATE INDEX dossiers_receiving ON dossiers (receiving_agency_id, status, submitted_at DESC)`.execute(db);
  await sql`CREATE INDEX dossiers_applicant ON dossiers (applicant_user_id, submitted_at DESC)`.execute(db);
  await sql`CREATE INDEX dossiers_id_number ON dossiers (applicant_id_number) WHERE applicant_id_number IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX dossiers_search ON dossiers USING gin (search_text gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX dossiers_parent ON dossiers (parent_dossier_id) WHERE parent_dossier_id IS NOT NULL`.execute(
    db,
  );
  await sql`
    CREATE INDEX dossiers_open_due ON dossiers (due)
    WHERE status IN ('received','processing','supplement_requested','fee_requested','withdrawal_requested')`.execute(
    db,
  );

  // Every agency a dossier has touched (receiving, step, consulted): the authorization scope.
  await sql`
    CREATE TABLE dossier_agencies (
      dossier_id uuid NOT NULL REFERENCES dossiers(id),
      agency_id uuid NOT NULL REFERENCES agencies(id),
      PRIMARY KEY (dossier_id, agency_id)
    )`.execute(db);
  await sql`CREATE INDEX dossier_agencies_agency ON dossier_agencies (agency_id, dossier_id)`.execute(db);

  // Open and closed consultations (liên thông), for the consulted agency's queue.
  await sql`
    CREATE TABLE dossier_consultations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dossier_id uuid NOT NULL REFERENCES dossiers(id),
      consultation_id text NOT NULL,
      step_id text NOT NULL,
      agency_id uuid NOT NULL REFERENCES agencies(id),
      opened_at timestamptz NOT NULL,
      due timestamptz,
      closed_at timestamptz,
      outcome text,
      child_dossier_id uuid REFERENCES dossiers(id)
    )`.execute(db);
  await sql`CREATE INDEX dossier_consultations_open ON dossier_consultations (agency_id, due) WHERE closed_at IS NULL`.execute(
    db,
  );
  await sql`CREATE INDEX dossier_consultations_dossier ON dossier_consultations (dossier_id)`.execute(db);

  // History (lịch sử xử lý): append-only, one row per accepted command.
  await sql`
    CREATE TABLE dossier_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dossier_id uuid NOT NULL REFERENCES dossiers(id),
      version integer NOT NULL,
      type text NOT NULL,
      at timestamptz NOT NULL,
      actor_user_id uuid REFERENCES users(id),
      actor_name text,
      actor_agency_id uuid REFERENCES agencies(id),
      step_id text,
      status_after text NOT NULL,
      note text,
      -- the event exactly as packages/core emitted it (replay(events) rebuilds the state)
      event jsonb NOT NULL,
      attachment_ids uuid[] NOT NULL DEFAULT '{}',
      UNIQUE (dossier_id, version)
    )`.execute(db);
  await sql`
    CREATE FUNCTION dossier_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'dossier history is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER dossier_events_no_update BEFORE UPDATE OR DELETE ON dossier_events
    FOR EACH ROW EXECUTE FUNCTION dossier_events_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER dossier_events_no_truncate BEFORE TRUNCATE ON dossier_events
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_events_append_only()`.execute(db);

  // A retried command (same principal, same key) returns the first answer and acts once.
  await sql`
    CREATE TABLE idempotency_keys (
      principal text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (principal, key)
    )`.execute(db);
  await sql`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`.execute(db);

  // Files: content-addressed blobs (sha256) behind the storage interface; rows version them per slot.
  await sql`
    CREATE TABLE attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      dossier_id uuid REFERENCES dossiers(id),
      draft_id uuid REFERENCES dossier_drafts(id) ON DELETE SET NULL,
      kind text NOT NULL CHECK (kind IN ('document','supplement','result','other')),
      -- which checklist item the file answers (document index or free label)
      slot text NOT NULL,
      version_no integer NOT NULL CHECK (version_no > 0),
      file_name text NOT NULL,
      media_type text NOT NULL,
      size_bytes bigint NOT NULL CHECK (size_bytes > 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      uploaded_by uuid REFERENCES users(id),
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      CHECK (dossier_id IS NOT NULL OR draft_id IS NOT NULL)
    )`.execute(db);
  await sql`CREATE INDEX attachments_dossier ON attachments (dossier_id, slot, version_no) WHERE dossier_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX attachments_draft ON attachments (draft_id) WHERE draft_id IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
