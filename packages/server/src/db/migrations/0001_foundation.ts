import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE agencies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      parent_id uuid REFERENCES agencies(id),
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      name_en text,
      level text NOT NULL CHECK (level IN ('province','department','district','commune','unit','center')),
      -- mã đơn vị hành chính (statistics office code) of a province / commune, e.g. 48, 20242
      admin_unit_code text UNIQUE,
      path text NOT NULL UNIQUE,
      address text,
      phone text,
      email text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((parent_id IS NULL) = (level = 'province'))
    )`.execute(db);
  await sql`CREATE INDEX agencies_path_prefix ON agencies (path text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX agencies_parent ON agencies (parent_id)`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('officer','applicant')),
      username text NOT NULL,
      full_name text NOT NULL,
      email text,
      phone text,
      agency_id uuid REFERENCES agencies(id),
      applicant_type text CHECK (applicant_type IN ('citizen','organization')),
      personal_id text CHECK (personal_id ~ '^[0-9]{12}$'),
      tax_code text CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
      password_hash text NOT NULL,
      failed_logins integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      active boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- an officer belongs to exactly one agency; an applicant is a citizen (personal id) or an
      -- organization (tax code)
      CHECK (kind <> 'officer' OR agency_id IS NOT NULL),
      CHECK (kind <> 'applicant' OR (agency_id IS NULL AND (
        (applicant_type = 'citizen' AND personal_id IS NOT NULL) OR
        (applicant_type = 'organization' AND tax_code IS NOT NULL))))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_username ON users (lower(username))`.execute(db);
  await sql`CREATE UNIQUE INDEX users_personal_id ON users (personal_id) WHERE personal_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX users_agency ON users (agency_id)`.execute(db);

  await sql`
    CREATE TABLE user_roles (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('receptionist','officer','leader','admin','provincial_leader')),
      PRIMARY KEY (user_id, role)
    )`.execute(db);

  await sql`
    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      ip text,
      user_agent text
    )`.execute(db);
  await sql`CREATE INDEX sessions_user ON sessions (user_id)`.execute(db);
  await sql`CREATE INDEX sessions_expiry ON sessions (expires_at)`.execute(db);

  // Append-only, hash-chained: each row carries the hash of the previous one.
  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_kind text NOT NULL,
      agency_id uuid,
      action text NOT NULL,
      target_type text,
      target_id text,
      request_id text,
      result text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      prev_hash text NOT NULL,
      hash text NOT NULL UNIQUE
    )`.execute(db);
  await sql`CREATE INDEX audit_log_target ON audit_log (target_type, target_id)`.execute(db);
  await sql`CREATE INDEX audit_log_actor ON audit_log (actor_id, at)`.execute(db);
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);

  // Transactional outbox: messages commit with the state change; the job worker publishes them.
  await sql`
    CREATE TABLE outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      topic text NOT NULL,
      aggregate_type text NOT NULL,
      aggregate_id text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
