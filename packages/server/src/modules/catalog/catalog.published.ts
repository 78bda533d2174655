import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { escapeLike } from '../../shared/like.ts';
import { agencyIsUnderAny, agencyNodes } from '../agencies/agencies.queries.ts';

/**
 * What other modules ask of the catalog's published versions (see catalog.queries.ts): the
 * GovStack facade's service list and scope check, and the dashboard's procedures in scope.
 * `text` filters compare `search_fold(text)` with the indexed `search_text` column, unescaped (as
 * the facade always did).
 */

/** Published versions, by name then procedure id, at most `limit`; with `text`, those whose search text contains it. */
export async function searchPublishedVersions(
  ex: Executor,
  text: string | undefined,
  limit = 1000,
): Promise<{ procedure_id: string; version_no: number; name: string; field_name: string; content: unknown }[]> {
  let q = ex
    .selectFrom('procedure_versions as v')
    .where('v.status', '=', 'published')
    .select(['v.procedure_id', 'v.version_no', 'v.name', 'v.field_name', 'v.content']);
  if (text) q = q.where(sql<boolean>`v.search_text LIKE '%' || search_fold(${text}) || '%'`);
  return q.orderBy('v.name').orderBy('v.procedure_id').limit(limit).execute();
}

/** Which of these procedures have a published version. */
export async function publishedProcedureIds(ex: Executor, procedureIds: readonly string[]): Promise<Set<string>> {
  if (procedureIds.length === 0) return new Set();
  const rows = await ex
    .selectFrom('procedure_versions')
    .select('procedure_id')
    .where('procedure_id', 'in', [...procedureIds])
    .where('status', '=', 'published')
    .execute();
  return new Set(rows.map((r) => r.procedure_id));
}

/** Whether the published version of a procedure names a handling agency in one of the subtrees rooted at `agencyPaths`. */
export async function procedureHandledWithin(
  ex: Executor,
  procedureId: string,
  agencyPaths: readonly string[],
): Promise<boolean> {
  const row = await ex
    .selectFrom('procedure_versions as v')
    .innerJoin('procedure_version_agencies as pva', 'pva.version_id', 'v.id')
    .select(sql`1`.as('one'))
    .where('v.procedure_id', '=', procedureId)
    .where('v.status', '=', 'published')
    .where(agencyIsUnderAny('pva.agency_id', agencyPaths))
    .executeTakeFirst();
  return row !== undefined;
}

function versionsMatching(ex: Executor, text: string) {
  return ex
    .selectFrom('procedure_versions')
    .select('procedure_id')
    .where(sql<boolean>`search_text LIKE '%' || search_fold(${text}) || '%'`);
}

/** The ids of the procedures a version of which (any status) has `text` in its search text, a subquery for `where(x, 'in', …)`. */
export function procedureIdsMatching(ex: Executor, text: string): RawBuilder<string> {
  return sql<string>`${versionsMatching(ex, text)}`;
}

/** Whether a version of some procedure (any status) has `text` in its search text. */
export async function anyProcedureMatching(ex: Executor, text: string): Promise<boolean> {
  return (await versionsMatching(ex, text).limit(1).executeTakeFirst()) !== undefined;
}

/** Whether the procedure version whose id is in `ref` names a handling agency in the subtree rooted at `agencyPath`. */
export function versionHandledUnder(ref: string, agencyPath: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM procedure_version_agencies pva JOIN ${agencyNodes()} a ON a.id = pva.agency_id
    WHERE pva.version_id = ${sql.ref(ref)} AND a.path LIKE ${`${escapeLike(agencyPath)}%`})`;
}
