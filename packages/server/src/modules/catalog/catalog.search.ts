import { LIFE_EVENTS } from '@motcua/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { escapeLike } from '../../shared/like.ts';
import { Problem } from '../../shared/problem.ts';
import type { SearchQuery } from './catalog.schemas.ts';
import { NO_DISTRICT } from './catalog.schemas.ts';
import type { StoredContent } from './catalog.service.ts';

/**
 * Accent- and case-insensitive search over published versions: the query is folded with the
 * same IMMUTABLE function as the indexed `search_text` column (unaccent + lower, "đ" → "d"), then
 * matched by trigram similarity, word similarity and substring; ranked by a score where an exact
 * name beats a prefix, a prefix beats a substring, and a code match beats everything.
 */
export async function searchProcedures(db: Db, f: SearchQuery) {
  const q = f.q?.normalize('NFC').trim() ?? '';
  const fq = sql`search_fold(${q})`;
  // For LIKE: the query's own % _ \ escaped (folding leaves them as they are).
  const lfq = sql`search_fold(${escapeLike(q)})`;
  let query = db
    .selectFrom('procedure_versions as v')
    .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
    .where('v.status', '=', 'published');
  if (q) {
    query = query.where((eb) =>
      eb.or([
        // `q=%` looks for "%", not for everything.
        sql<boolean>`v.search_text LIKE '%' || ${lfq} || '%'`,
        sql<boolean>`v.search_text % ${fq}`,
        sql<boolean>`${fq} <% v.search_text`,
        eb('p.code', 'like', `${escapeLike(q)}%`),
      ]),
    );
  }
  if (f.agencyId) {
    const agencyId = f.agencyId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('procedure_version_agencies as pva')
          .select(sql`1`.as('one'))
          .whereRef('pva.version_id', '=', 'v.id')
          .where('pva.agency_id', '=', agencyId),
      ),
    );
  }
  if (f.field) query = query.where('v.field_code', '=', f.field);
  // No district level since 1 July 2025 (two-level local government): a clear 400, not an empty page.
  if (f.level === 'district') {
    throw new Problem('validation_failed', { detail: NO_DISTRICT, extra: { field: 'level' } });
  }
  if (f.level) query = query.where('v.level', '=', f.level);
  if (f.onlineLevel) query = query.where('v.online_level', '=', f.onlineLevel);
  if (f.applicantKind) query = query.where(sql<boolean>`${f.applicantKind} = ANY(v.applicant_kinds)`);
  if (f.lifeEvent) query = query.where(sql<boolean>`v.content -> 'lifeEvents' @> to_jsonb(${f.lifeEvent}::text)`);

  const score = q
    ? sql<number>`(
        greatest(similarity(v.search_text, ${fq}), word_similarity(${fq}, v.search_text))
        + CASE WHEN v.search_text = ${fq} THEN 2 ELSE 0 END
        + CASE WHEN v.search_text LIKE ${lfq} || '%' THEN 1 ELSE 0 END
        + CASE WHEN v.search_text LIKE '%' || ${lfq} || '%' THEN 0.5 ELSE 0 END
        + CASE WHEN p.code IS NOT NULL AND p.code LIKE ${escapeLike(q)} || '%' THEN 3 ELSE 0 END
      )::float8`
    : sql<number | null>`NULL::float8`;
  const rows = await query
    .select([
      'p.id',
      'p.code',
      'v.name',
      'v.field_code',
      'v.field_name',
      'v.level',
      'v.online_level',
      sql<StoredContent['timeLimit']>`v.content -> 'timeLimit'`.as('time_limit'),
      score.as('score'),
      sql<string>`count(*) OVER ()`.as('total'),
    ])
    .orderBy(sql`score DESC NULLS LAST`)
    .orderBy('v.field_name')
    .orderBy('v.name')
    .orderBy('p.id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && f.page > 1) {
    // Past the last page: still report the total.
    const c = await query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    total = Number(c.n);
  }
  return {
    items: rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      field: { code: r.field_code, name: r.field_name },
      level: r.level,
      onlineLevel: r.online_level,
      timeLimit: r.time_limit ?? null,
      score: r.score === null ? null : Math.round(r.score * 1000) / 1000,
    })),
    total,
    page: f.page,
    pageSize: f.pageSize,
  };
}

export async function listFields(db: Db) {
  const rows = await db
    .selectFrom('procedure_versions')
    .select(['field_code', sql<string>`min(field_name)`.as('name'), sql<string>`count(*)`.as('n')])
    .where('status', '=', 'published')
    .groupBy('field_code')
    .orderBy(sql`min(field_name)`)
    .execute();
  return { items: rows.map((r) => ({ code: r.field_code, name: r.name, count: Number(r.n) })) };
}

/** The life events of the national portal with the number of published procedures in each. */
export async function listLifeEvents(db: Db) {
  const rows = await db
    .selectFrom('procedure_versions')
    .select([sql<string>`jsonb_array_elements_text(content -> 'lifeEvents')`.as('code'), sql<string>`count(*)`.as('n')])
    .where('status', '=', 'published')
    .where(sql<boolean>`jsonb_typeof(content -> 'lifeEvents') = 'array'`)
    .groupBy(sql`1`)
    .execute();
  const counts = new Map(rows.map((r) => [r.code, Number(r.n)]));
  return {
    items: LIFE_EVENTS.map((e) => ({
      code: e.code,
      audience: e.audience,
      name: e.vi,
      nameEn: e.en,
      count: counts.get(e.code) ?? 0,
    })),
  };
}
