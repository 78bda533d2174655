import { type Kysely, sql } from 'kysely';

/**
 * The catalog as a per-process cache (issue 16, decision 0008): `cache_revisions` gets a `catalog`
 * row, bumped by a statement trigger in every transaction that writes procedures, their versions
 * or the agencies that handle a version — publishing, editing, importing — so a submission can use
 * its process's copy of the published version while the revision is current (catalog.cache.ts).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    INSERT INTO cache_revisions (name, revision) VALUES ('catalog', 1);
    CREATE TRIGGER procedures_cache_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON procedures
      FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_revision('catalog');
    CREATE TRIGGER procedure_versions_cache_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON procedure_versions
      FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_revision('catalog');
    CREATE TRIGGER procedure_version_agencies_cache_revision
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON procedure_version_agencies
      FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_revision('catalog');
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TRIGGER procedure_version_agencies_cache_revision ON procedure_version_agencies;
    DROP TRIGGER procedure_versions_cache_revision ON procedure_versions;
    DROP TRIGGER procedures_cache_revision ON procedures;
    DELETE FROM cache_revisions WHERE name = 'catalog';
  `.execute(db);
}
