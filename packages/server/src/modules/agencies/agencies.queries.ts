import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { AgencyTable } from '../../db/schema.ts';
import { escapeLike } from '../../shared/like.ts';

/**
 * What other modules ask of the agency tree, so that only this module names the `agencies` table
 * (src/ownership.ts). Two kinds: SQL expressions that go inside another module's query (a
 * column of the agency a row points to, the ids of a subtree), and small lookups.
 *
 * An agency's `path` is its materialized path: every agency under it has a path starting with it,
 * so "inside this subtree" is a prefix match (`path LIKE '<path>%'`, an index range scan).
 */

type AgencyColumn = 'path' | 'name' | 'code' | 'level' | 'admin_unit_code' | 'parent_id';

/** The `column` of the agency whose id is in `ref` (a column of the outer query, e.g. 'u.agency_id'); null when none. */
export function agencyColumn<T = string | null>(ref: string, column: AgencyColumn): RawBuilder<T> {
  return sql<T>`(SELECT ${sql.ref(`agencies.${column}`)} FROM agencies WHERE agencies.id = ${sql.ref(ref)})`;
}

/** The ids of the agencies in the subtree rooted at `path` (the root included), for `where(x, 'in', …)`. */
export function agencyIdsUnder(path: string): RawBuilder<string> {
  return sql<string>`(SELECT agencies.id FROM agencies WHERE agencies.path LIKE ${`${escapeLike(path)}%`})`;
}

/** Whether the agency whose id is in `ref` lies in the subtree rooted at `path`. */
export function agencyIsUnder(ref: string, path: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM agencies WHERE agencies.id = ${sql.ref(ref)}
                                AND agencies.path LIKE ${`${escapeLike(path)}%`})`;
}

const FACTS = [
  'id',
  'code',
  'name',
  'path',
  'level',
  'parent_id',
  'admin_unit_code',
  'active',
  'receives_dossiers',
] as const;
export type AgencyFacts = Pick<Selectable<AgencyTable>, (typeof FACTS)[number]>;

/** The agencies with these ids (those that exist), in no particular order. */
export async function agenciesById(ex: Executor, ids: readonly string[]): Promise<AgencyFacts[]> {
  if (ids.length === 0) return [];
  return ex
    .selectFrom('agencies')
    .select(FACTS)
    .where('id', 'in', [...ids])
    .execute();
}

/** The agencies with these codes (those that exist), in no particular order. */
export async function agenciesByCode(ex: Executor, codes: readonly string[]): Promise<AgencyFacts[]> {
  if (codes.length === 0) return [];
  return ex
    .selectFrom('agencies')
    .select(FACTS)
    .where('code', 'in', [...codes])
    .execute();
}

/** The root of the agency tree: the province the deployment serves (its first root by code). */
export async function rootAgency(ex: Executor): Promise<AgencyFacts | undefined> {
  return ex
    .selectFrom('agencies')
    .select(FACTS)
    .where('parent_id', 'is', null)
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
}
