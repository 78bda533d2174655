import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';

/**
 * What other modules ask of the catalog, so that only this module names its tables
 * (src/ownership.ts): small lookups by id or code.
 */

/** Which of these procedure ids exist (any status). */
export async function existingProcedureIds(ex: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ex
    .selectFrom('procedures')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((r) => r.id);
}

/** The national code of a procedure (null when it has none or does not exist). */
export async function procedureCode(ex: Executor, procedureId: string): Promise<string | null> {
  const row = await ex.selectFrom('procedures').select('code').where('id', '=', procedureId).executeTakeFirst();
  return row?.code ?? null;
}

/** The `column` of the procedure whose id is in `ref` (a column of the outer query). */
export function procedureColumn<T = string | null>(ref: string, column: 'code' | 'province_id'): RawBuilder<T> {
  return sql<T>`(SELECT ${sql.ref(`procedures.${column}`)} FROM procedures WHERE procedures.id = ${sql.ref(ref)})`;
}

/** The published version of the procedure with this national code, if any. */
export async function publishedVersionByCode(
  ex: Executor,
  code: string,
): Promise<{ procedureId: string; versionId: string } | undefined> {
  const row = await ex
    .selectFrom('procedures as p')
    .innerJoin('procedure_versions as v', 'v.procedure_id', 'p.id')
    .select(['p.id', 'v.id as version_id'])
    .where('p.code', '=', code)
    .where('v.status', '=', 'published')
    .executeTakeFirst();
  return row && { procedureId: row.id, versionId: row.version_id };
}

/** The handling agencies (cơ quan giải quyết) of a procedure version, by id. */
export async function handlingAgencyIds(ex: Executor, versionId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('procedure_version_agencies')
    .select('agency_id')
    .where('version_id', '=', versionId)
    .execute();
  return rows.map((r) => r.agency_id);
}

/** How many published procedure versions name this agency as a handling agency. */
export async function publishedProceduresHandledBy(ex: Executor, agencyId: string): Promise<number> {
  const r = await ex
    .selectFrom('procedure_version_agencies as pva')
    .innerJoin('procedure_versions as v', 'v.id', 'pva.version_id')
    .select(sql<string>`count(*)`.as('n'))
    .where('pva.agency_id', '=', agencyId)
    .where('v.status', '=', 'published')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The `column` of the procedure version whose id is in `ref` (a column of the outer query). */
export function versionColumn<T = string>(ref: string, column: 'name' | 'status'): RawBuilder<T> {
  return sql<T>`(SELECT ${sql.ref(`procedure_versions.${column}`)} FROM procedure_versions WHERE procedure_versions.id = ${sql.ref(ref)})`;
}

/** The province a procedure belongs to (undefined when the procedure does not exist). */
export async function procedureProvinceId(ex: Executor, procedureId: string): Promise<string | undefined> {
  const row = await ex.selectFrom('procedures').select('province_id').where('id', '=', procedureId).executeTakeFirst();
  return row?.province_id;
}

/** The published version of a procedure with the procedure's code and province (undefined when none is published). */
export async function publishedVersionOf(ex: Executor, procedureId: string) {
  return ex
    .selectFrom('procedure_versions as v')
    .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
    .select([
      'v.id',
      'v.name',
      'v.field_code',
      'v.content',
      'v.applicant_kinds',
      'p.id as procedure_id',
      'p.code',
      'p.province_id',
    ])
    .where('p.id', '=', procedureId)
    .where('v.status', '=', 'published')
    .executeTakeFirst();
}

/** The content (documents, time limit, workflow…) of a procedure version; throws when there is no such version. */
export async function versionContent(ex: Executor, versionId: string): Promise<unknown> {
  const v = await ex
    .selectFrom('procedure_versions')
    .select('content')
    .where('id', '=', versionId)
    .executeTakeFirstOrThrow();
  return v.content;
}
