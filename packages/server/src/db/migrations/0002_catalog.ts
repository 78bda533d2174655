import { type Kysely, sql } from 'kysely';

/**
 * The procedure catalog (thủ tục hành chính): a procedure is a stable identity with versions;
 * a version is a draft (editable), published (the one citizens see; immutable) or archived.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // unaccent() is STABLE (it reads a dictionary chosen by search_path); with the dictionary named
  // explicitly the result only depends on the argument, so an IMMUTABLE wrapper may be indexed.
  await sql`
    CREATE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1)`.execute(db);
  // The search key: lower-case, no diacritics ("Đăng ký" → "dang ky"), spaces collapsed.
  await sql`
    CREATE FUNCTION search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN btrim(regexp_replace(lower(immutable_unaccent($1)), '[[:space:]]+', ' ', 'g'))`.execute(db);

  await sql`
    CREATE TABLE procedures (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- the province whose catalog holds the procedure (root of the agency tree)
      province_id uuid NOT NULL REFERENCES agencies(id),
      -- mã TTHC quốc gia, e.g. 1.001193; NULL while unknown
      code text CHECK (code ~ '^[0-9][.][0-9]{6}$'),
      -- national code + agency suffix, e.g. 1.011442.000.00.00.H38
      full_code text,
      -- optimistic concurrency token: bumped by every change (draft saved, published)
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (province_id, code),
      UNIQUE (province_id, full_code)
    )`.execute(db);

  await sql`
    CREATE TABLE procedure_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      procedure_id uuid NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
      version_no integer NOT NULL CHECK (version_no > 0),
      status text NOT NULL CHECK (status IN ('draft','published','archived')),
      name text NOT NULL,
      field_code text NOT NULL,
      field_name text NOT NULL,
      level text NOT NULL CHECK (level IN ('province','district','commune')),
      online_level text CHECK (online_level IN ('full','partial','none')),
      applicant_kinds text[] NOT NULL,
      -- channels, documents, time limit, fees, legal basis, result, e-form, workflow
      content jsonb NOT NULL,
      source_verified boolean NOT NULL DEFAULT false,
      source_text text,
      source_notes text,
      search_text text GENERATED ALWAYS AS (search_fold(name)) STORED,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid REFERENCES users(id),
      published_at timestamptz,
      published_by uuid REFERENCES users(id),
      archived_at timestamptz,
      UNIQUE (procedure_id, version_no),
      CHECK ((status = 'draft') = (published_at IS NULL)),
      CHECK ((status = 'archived') = (archived_at IS NOT NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX procedure_versions_one_draft ON procedure_versions (procedure_id) WHERE status = 'draft'`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX procedure_versions_one_published ON procedure_versions (procedure_id) WHERE status = 'published'`.execute(
    db,
  );
  await sql`
    CREATE INDEX procedure_versions_search ON procedure_versions USING gin (search_text gin_trgm_ops)
    WHERE status = 'published'`.execute(db);
  await sql`CREATE INDEX procedure_versions_field ON procedure_versions (field_code) WHERE status = 'published'`.execute(
    db,
  );

  await sql`
    CREATE TABLE procedure_version_agencies (
      version_id uuid NOT NULL REFERENCES procedure_versions(id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies(id),
      PRIMARY KEY (version_id, agency_id)
    )`.execute(db);
  await sql`CREATE INDEX procedure_version_agencies_agency ON procedure_version_agencies (agency_id)`.execute(db);

  // Dossiers reference a version id: once published, a version's content never changes. Only the
  // status moves on (published → archived).
  await sql`
    CREATE FUNCTION procedure_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status <> 'draft' AND (
           NEW.name, NEW.field_code, NEW.field_name, NEW.level, NEW.online_level, NEW.applicant_kinds,
           NEW.content, NEW.source_verified, NEW.source_text, NEW.source_notes, NEW.procedure_id, NEW.version_no
         ) IS DISTINCT FROM (
           OLD.name, OLD.field_code, OLD.field_name, OLD.level, OLD.online_level, OLD.applicant_kinds,
           OLD.content, OLD.source_verified, OLD.source_text, OLD.source_notes, OLD.procedure_id, OLD.version_no
         ) THEN
        RAISE EXCEPTION 'a published procedure version is immutable' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF OLD.status = 'archived' AND NEW.status <> 'archived' THEN
        RAISE EXCEPTION 'an archived procedure version stays archived' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF OLD.status = 'published' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'a published procedure version cannot return to draft' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER procedure_versions_immutable BEFORE UPDATE ON procedure_versions
    FOR EACH ROW EXECUTE FUNCTION procedure_version_guard()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
