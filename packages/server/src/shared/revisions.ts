import type { Executor } from '../db/database.ts';

/**
 * Revisions of the per-process caches (migration 0019): one row per cache in `cache_revisions`,
 * bumped by a trigger in every transaction that changes the cached tables (agencies; the calendar
 * through `calendar_revision`; the catalog, migration 0022). A command reads them all in one query and uses its process's
 * copies while they are current; another process's edit is seen at the next command.
 */
export type Revisions = { agencies: string; calendar: string; catalog: string };

export async function readRevisions(ex: Executor): Promise<Revisions> {
  const rows = await ex.selectFrom('cache_revisions').select(['name', 'revision']).execute();
  const of = (name: string) => rows.find((r) => r.name === name)?.revision ?? '0';
  return { agencies: of('agencies'), calendar: of('calendar'), catalog: of('catalog') };
}
