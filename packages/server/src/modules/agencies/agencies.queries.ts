import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { AgencyTable } from '../../db/schema.ts';
import { escapeLike } from '../../shared/like.ts';
import type { Revisions } from '../../shared/revisions.ts';

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

/**
 * The agency's name as a citizen can place it: a unit (a division, a one-stop unit) with the
 * agency it belongs to — "Bộ phận Một cửa — UBND Phường Hải Châu"; others by their own name.
 */
export function agencyPlaceName(ref: string): RawBuilder<string | null> {
  // Aliases no caller uses, so that `ref` always names the outer query's column.
  return sql<string | null>`(SELECT CASE WHEN place_a.level = 'unit' AND place_p.name IS NOT NULL
      THEN place_a.name || ' — ' || place_p.name ELSE place_a.name END
    FROM agencies place_a LEFT JOIN agencies place_p ON place_p.id = place_a.parent_id
    WHERE place_a.id = ${sql.ref(ref)})`;
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

/** The agencies with these ids: from the command's copy of the tree, the ones it lacks (created since) from the database. */
export async function agenciesByIdVia(
  ex: Executor,
  directory: AgencyDirectory,
  ids: readonly string[],
): Promise<AgencyFacts[]> {
  const known = ids.flatMap((id) => directory.byId(id) ?? []);
  const missing = ids.filter((id) => !directory.byId(id));
  return missing.length === 0 ? known : [...known, ...(await agenciesById(ex, missing))];
}

/** The agencies with these codes: from the command's copy of the tree, the ones it lacks from the database. */
export async function agenciesByCodeVia(
  ex: Executor,
  directory: AgencyDirectory,
  codes: readonly string[],
): Promise<AgencyFacts[]> {
  const known = codes.flatMap((c) => directory.byCode(c) ?? []);
  const missing = codes.filter((c) => !directory.byCode(c));
  return missing.length === 0 ? known : [...known, ...(await agenciesByCode(ex, missing))];
}

/**
 * The whole agency tree as this process holds it, current as of `revision` (shared/revisions.ts):
 * commands look agencies up here instead of querying for each one. A province has some hundreds
 * to a few thousand agencies; the copy is reloaded when any transaction changed the table.
 */
export class AgencyDirectory {
  private readonly ids = new Map<string, AgencyFacts>();
  private readonly codes = new Map<string, AgencyFacts>();
  /** By parent id, the first (by code) active unit receiving dossiers directly under it. */
  private readonly receivingUnits = new Map<string, AgencyFacts>();
  readonly revision: string;
  constructor(revision: string, rows: AgencyFacts[]) {
    this.revision = revision;
    for (const r of rows) {
      this.ids.set(r.id, r);
      this.codes.set(r.code, r);
      if (r.parent_id === null || !r.receives_dossiers || !r.active) continue;
      const best = this.receivingUnits.get(r.parent_id);
      if (!best || r.code < best.code) this.receivingUnits.set(r.parent_id, r);
    }
  }
  byId(id: string): AgencyFacts | undefined {
    return this.ids.get(id);
  }
  byCode(code: string): AgencyFacts | undefined {
    return this.codes.get(code);
  }
  /**
   * As receivingUnitOf: the first (by code) active unit receiving dossiers directly under this
   * agency; null when it has none; undefined when the agency is not in this copy (ask the database).
   */
  receivingUnitUnder(parentId: string): string | null | undefined {
    if (!this.ids.has(parentId)) return undefined;
    return this.receivingUnits.get(parentId)?.id ?? null;
  }
  /** As agencyCodesBelow: the codes of at most `limit` agencies strictly below `path`. */
  codesBelow(path: string, limit: number): string[] {
    const out: string[] = [];
    for (const r of this.ids.values()) {
      if (out.length >= limit) break;
      if (r.path.length > path.length && r.path.startsWith(path)) out.push(r.code);
    }
    return out;
  }
}

const directories = new WeakMap<object, AgencyDirectory>();

/** This process's copy of the agency tree for `db`, reloaded when the agencies revision moved. */
export async function agencyDirectory(db: Db, revisions: Revisions): Promise<AgencyDirectory> {
  const hit = directories.get(db);
  if (hit && hit.revision === revisions.agencies) return hit;
  // The revision was read before these rows: an edit committing in between leaves an older
  // revision on a newer copy, so the next command reloads — never a stale copy marked current.
  const dir = new AgencyDirectory(revisions.agencies, await db.selectFrom('agencies').select(FACTS).execute());
  directories.set(db, dir);
  return dir;
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

/** The ids of the agencies in any of the subtrees rooted at `paths` (none when `paths` is empty), for `where(x, 'in', …)`. */
export function agencyIdsUnderAny(paths: readonly string[]): RawBuilder<string> {
  if (paths.length === 0) return sql<string>`(SELECT agencies.id FROM agencies WHERE false)`;
  const like = paths.map((p) => sql`agencies.path LIKE ${`${escapeLike(p)}%`}`);
  return sql<string>`(SELECT agencies.id FROM agencies WHERE ${sql.join(like, sql` OR `)})`;
}

/** One agency with the name and level of its parent (both null at a root); undefined when there is none. */
export async function agencyWithParent(
  ex: Executor,
  id: string,
): Promise<(AgencyFacts & { parent_name: string | null; parent_level: AgencyFacts['level'] | null }) | undefined> {
  return ex
    .selectFrom('agencies as a')
    .select([
      ...FACTS,
      agencyColumn('a.parent_id', 'name').as('parent_name'),
      agencyColumn<AgencyFacts['level'] | null>('a.parent_id', 'level').as('parent_level'),
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The codes of at most `limit` agencies strictly below `path` (the agency itself excluded), in no particular order. */
export async function agencyCodesBelow(ex: Executor, path: string, limit: number): Promise<string[]> {
  const rows = await ex
    .selectFrom('agencies')
    .select('code')
    .where('path', 'like', `${escapeLike(path)}_%`)
    .limit(limit)
    .execute();
  return rows.map((r) => r.code);
}

/** The one-stop unit of an agency: its first (by code) active child receiving dossiers. */
export async function receivingUnitOf(ex: Executor, agencyId: string): Promise<string | undefined> {
  const row = await ex
    .selectFrom('agencies')
    .select('id')
    .where('parent_id', '=', agencyId)
    .where('receives_dossiers', '=', true)
    .where('active', '=', true)
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/**
 * The first (by code) unit receiving dossiers under a Public Administration Service Center (level
 * `center`): active ones only unless `includeInactive` (the GovStack loader's intake account).
 */
export async function serviceCenterReceivingUnit(
  ex: Executor,
  opts: { includeInactive?: boolean } = {},
): Promise<{ id: string; code: string } | undefined> {
  let q = ex
    .selectFrom('agencies as u')
    .innerJoin('agencies as c', 'c.id', 'u.parent_id')
    .select(['u.id', 'u.code'])
    .where('c.level', '=', 'center')
    .where('u.receives_dossiers', '=', true);
  if (!opts.includeInactive) q = q.where('u.active', '=', true);
  return q.orderBy('u.code').limit(1).executeTakeFirst();
}

/** Whether the agency whose id is in `ref` lies in one of the subtrees rooted at `paths` (false when none). */
export function agencyIsUnderAny(ref: string, paths: readonly string[]): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(ref)} IN ${agencyIdsUnderAny(paths)}`;
}

/**
 * The agency tree as a relation `(id, code, name, path)` to join in another module's set query
 * (`JOIN ${agencyNodes()} a ON a.id = s.agency_id`); the planner inlines it: the plan of a join on the table.
 */
export function agencyNodes(): RawBuilder<unknown> {
  return sql`(SELECT agencies.id, agencies.code, agencies.name, agencies.path FROM agencies)`;
}

/** An agency with this exact name at this level (any one of them), if any. */
export async function agencyNamed(
  ex: Executor,
  name: string,
  level: AgencyFacts['level'],
): Promise<{ id: string; code: string; name: string } | undefined> {
  return ex
    .selectFrom('agencies')
    .select(['id', 'code', 'name'])
    .where('name', '=', name)
    .where('level', '=', level)
    .executeTakeFirst();
}

/** The id of the first-created root of the agency tree (the province whose catalog this is), if any. */
export async function firstCreatedRootId(ex: Executor): Promise<string | undefined> {
  const row = await ex
    .selectFrom('agencies')
    .select('id')
    .where('parent_id', 'is', null)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Whether the tree has at least one active commune (level `commune`). */
export async function hasActiveCommune(ex: Executor): Promise<boolean> {
  const rows = await ex
    .selectFrom('agencies')
    .select('id')
    .where('level', '=', 'commune')
    .where('active', '=', true)
    .limit(1)
    .execute();
  return rows.length > 0;
}
