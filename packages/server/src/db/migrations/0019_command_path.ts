import { type Kysely, sql } from 'kysely';

/**
 * The command path made cheaper (issue 16), with the same results:
 *
 * 1. The indicator trigger of `dossiers` (0007) runs on an UPDATE only when a column its
 *    contribution reads changed. Otherwise new and old contributions are equal, their difference
 *    is zero and the trigger inserted nothing anyway; claims, assignments, forwards, approvals and
 *    confirmations no longer pay for two `dossier_stat_contrib` calls. The column list is exactly
 *    what `dossier_stat_contrib` reads; test/indicators.test.ts recounts every counter.
 * 2. Search text moves to `dossier_search`, written when a dossier is inserted (and if its code,
 *    applicant or procedure name ever change): an UPDATE of `dossiers` no longer recomputes the
 *    folded text (a stored generated column is recomputed on every UPDATE) nor adds some 180
 *    trigram entries to a GIN index, as every non-HOT update did.
 * 3. `cache_revisions`: one row per per-process cache (agencies, calendar), bumped in the writing
 *    transaction by a trigger, so no write path can forget it. A command reads all revisions in
 *    one query and keeps using its process's agencies and calendars while they are current.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TRIGGER dossiers_stats ON dossiers;
    CREATE TRIGGER dossiers_stats AFTER INSERT ON dossiers
      FOR EACH ROW EXECUTE FUNCTION dossiers_stat_delta();
    CREATE TRIGGER dossiers_stats_update AFTER UPDATE ON dossiers
      FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status
        OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at
        OR OLD.received_at IS DISTINCT FROM NEW.received_at
        OR OLD.due IS DISTINCT FROM NEW.due
        OR OLD.result_at IS DISTINCT FROM NEW.result_at
        OR OLD.returned_at IS DISTINCT FROM NEW.returned_at
        OR OLD.finished_at IS DISTINCT FROM NEW.finished_at
        OR OLD.outcome IS DISTINCT FROM NEW.outcome
        OR OLD.channel IS DISTINCT FROM NEW.channel
        OR OLD.responsible_agency_id IS DISTINCT FROM NEW.responsible_agency_id
        OR OLD.procedure_id IS DISTINCT FROM NEW.procedure_id
        OR OLD.parent_dossier_id IS DISTINCT FROM NEW.parent_dossier_id
        OR (OLD.state -> 'fees') IS DISTINCT FROM (NEW.state -> 'fees')
        OR (OLD.state -> 'rating') IS DISTINCT FROM (NEW.state -> 'rating')
        OR (OLD.state -> 'extensionCount') IS DISTINCT FROM (NEW.state -> 'extensionCount')
        OR (OLD.state -> 'returnMethod') IS DISTINCT FROM (NEW.state -> 'returnMethod')
        OR (OLD.state -> 'closedReason') IS DISTINCT FROM (NEW.state -> 'closedReason')
      )
      EXECUTE FUNCTION dossiers_stat_delta();
  `.execute(db);

  await sql`
    CREATE TABLE dossier_search (
      dossier_id uuid PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
      search_text text NOT NULL
    );
    INSERT INTO dossier_search (dossier_id, search_text) SELECT id, search_text FROM dossiers;
    CREATE INDEX dossier_search_text ON dossier_search USING gin (search_text gin_trgm_ops);
    DROP INDEX dossiers_search;
    ALTER TABLE dossiers DROP COLUMN search_text;
    CREATE FUNCTION dossiers_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO dossier_search (dossier_id, search_text)
        VALUES (NEW.id, search_fold(NEW.code || ' ' || NEW.applicant_name || ' ' || NEW.procedure_name))
        ON CONFLICT (dossier_id) DO UPDATE SET search_text = EXCLUDED.search_text;
      RETURN NULL;
    END $$;
    CREATE TRIGGER dossiers_search AFTER INSERT OR UPDATE OF code, applicant_name, procedure_name ON dossiers
      FOR EACH ROW EXECUTE FUNCTION dossiers_search_row();
  `.execute(db);

  await sql`
    CREATE TABLE cache_revisions (name text PRIMARY KEY, revision bigint NOT NULL DEFAULT 0);
    INSERT INTO cache_revisions (name, revision)
      VALUES ('agencies', 1), ('calendar', (SELECT revision FROM calendar_revision WHERE id = 1));
    CREATE FUNCTION bump_cache_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cache_revisions SET revision = revision + 1 WHERE name = TG_ARGV[0];
      RETURN NULL;
    END $$;
    CREATE TRIGGER agencies_cache_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agencies
      FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_revision('agencies');
    CREATE TRIGGER calendar_cache_revision AFTER UPDATE ON calendar_revision
      FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_revision('calendar');
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TRIGGER calendar_cache_revision ON calendar_revision;
    DROP TRIGGER agencies_cache_revision ON agencies;
    DROP FUNCTION bump_cache_revision();
    DROP TABLE cache_revisions;
    DROP TRIGGER dossiers_search ON dossiers;
    DROP FUNCTION dossiers_search_row();
    ALTER TABLE dossiers ADD COLUMN search_text text
      GENERATED ALWAYS AS (search_fold(code || ' ' || applicant_name || ' ' || procedure_name)) STORED;
    CREATE INDEX dossiers_search ON dossiers USING gin (search_text gin_trgm_ops);
    DROP TABLE dossier_search;
    DROP TRIGGER dossiers_stats_update ON dossiers;
    DROP TRIGGER dossiers_stats ON dossiers;
    CREATE TRIGGER dossiers_stats AFTER INSERT OR UPDATE ON dossiers
      FOR EACH ROW EXECUTE FUNCTION dossiers_stat_delta();
  `.execute(db);
}
