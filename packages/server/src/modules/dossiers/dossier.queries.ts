import type { Actor } from '@motcua/core';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { userName } from '../accounts/accounts.queries.ts';
import { agencyColumn, agencyIdsUnder, agencyNodes } from '../agencies/agencies.queries.ts';
import { procedureColumn } from '../catalog/catalog.queries.ts';
import { visibleTo } from './dossier.access.ts';

/**
 * What other modules ask of dossiers, so that only this module names its tables
 * (src/ownership.ts).
 */

/** A dossier's id, procedure and code, or undefined when there is none. */
export async function dossierBasics(ex: Executor, dossierId: string) {
  return ex
    .selectFrom('dossiers')
    .select(['id', 'code', 'procedure_id', 'procedure_version_id', 'status'])
    .where('id', '=', dossierId)
    .executeTakeFirst();
}

/** The paths of every agency the dossier has been at (its authorization scope, dossier_agencies). */
export async function dossierAgencyPaths(ex: Executor, dossierId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('dossier_agencies as da')
    .select(agencyColumn('da.agency_id', 'path').as('path'))
    .where('da.dossier_id', '=', dossierId)
    .execute();
  return rows.flatMap((r) => (r.path === null ? [] : [r.path]));
}

/** A dossier's code by id, for another module's list or log (undefined when there is none). */
export function dossierColumn<T = string | null>(
  ref: string,
  column: 'code' | 'status' | 'parent_dossier_id',
): RawBuilder<T> {
  return sql<T>`(SELECT ${sql.ref(`dossiers.${column}`)} FROM dossiers WHERE dossiers.id = ${sql.ref(ref)})`;
}

/** A dossier as an outside system receives it (the national portal's record): the row's facts and the names around it. */
export async function dossierForExchange(ex: Executor, dossierId: string) {
  return ex
    .selectFrom('dossiers as d')
    .select([
      'd.id',
      'd.code',
      'd.procedure_id',
      'd.procedure_name',
      'd.field_code',
      'd.channel',
      'd.applicant',
      'd.applicant_name',
      'd.applicant_id_number',
      'd.applicant_phone',
      'd.status',
      'd.parent_dossier_id',
      'd.submitted_at',
      'd.received_at',
      'd.due',
      'd.finished_at',
      'd.result_at',
      'd.returned_at',
      procedureColumn('d.procedure_id', 'code').as('procedure_code'),
      agencyColumn<string>('d.receiving_agency_id', 'code').as('receiving_code'),
      agencyColumn<string>('d.receiving_agency_id', 'name').as('receiving_name'),
      agencyColumn('d.step_agency_id', 'name').as('step_agency_name'),
      agencyColumn<string>('d.province_id', 'code').as('province_code'),
    ])
    .where('d.id', '=', dossierId)
    .executeTakeFirst();
}

/** A dossier's history in order, with the name of the agency each actor acted for. */
export async function dossierHistory(ex: Executor, dossierId: string) {
  return ex
    .selectFrom('dossier_events as e')
    .select([
      'e.type',
      'e.at',
      'e.actor_name',
      'e.note',
      'e.status_after',
      agencyColumn('e.actor_agency_id', 'name').as('agency_name'),
    ])
    .where('e.dossier_id', '=', dossierId)
    .orderBy('e.version')
    .execute();
}

/** How many dossiers are still open at an agency (received there, its responsibility, or at its step). */
export async function openDossiersAt(ex: Executor, agencyId: string): Promise<number> {
  const r = await ex
    .selectFrom('dossiers')
    .select(sql<string>`count(*)`.as('n'))
    .where((eb) =>
      eb.or([
        eb('receiving_agency_id', '=', agencyId),
        eb('responsible_agency_id', '=', agencyId),
        eb('step_agency_id', '=', agencyId),
      ]),
    )
    // Open until the result is handed back (result_ready waits at the reception unit).
    .where('status', 'not in', ['returned', 'refused', 'stopped', 'closed'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A deadline alert (reminder or escalation) with what its email says about the dossier. */
export async function alertForDelivery(ex: Executor, alertId: string) {
  return ex
    .selectFrom('dossier_alerts as a')
    .innerJoin('dossiers as d', 'd.id', 'a.dossier_id')
    .select([
      'a.id',
      'a.kind',
      'a.deadline',
      'a.recipients',
      'a.created_at',
      'd.id as dossier_id',
      'd.code',
      'd.procedure_name',
      'd.applicant_name',
      'd.current_step',
      'd.workflow',
      userName('d.main_assignee_id').as('assignee_name'),
    ])
    .where('a.id', '=', alertId)
    .executeTakeFirst();
}

/** What an applicant's notice needs from a dossier and one of its events (the event null when absent). */
export async function dossierWithEvent(ex: Executor, dossierId: string, version: number) {
  return ex
    .selectFrom('dossiers as d')
    .leftJoin('dossier_events as ev', (j) => j.onRef('ev.dossier_id', '=', 'd.id').on('ev.version', '=', version))
    .select(['d.lookup_secret', 'd.channel', 'd.applicant_user_id', 'd.parent_dossier_id', 'ev.event'])
    .where('d.id', '=', dossierId)
    .executeTakeFirst();
}

/** Whether the dossier whose id is in `ref` exists and `actor` may see it (dossier.access.ts visibleTo). */
export function dossierVisibleTo(ex: Executor, ref: string, actor: Actor): RawBuilder<boolean> {
  const inner = ex
    .selectFrom('dossiers')
    .select(sql`1`.as('one'))
    .where('dossiers.id', '=', sql.ref<string>(ref))
    .where(visibleTo(actor));
  return sql<boolean>`EXISTS (${inner})`;
}

/** Whether the draft whose id is in `ref` belongs to this applicant. */
export function draftOwnedBy(ex: Executor, ref: string, userId: string): RawBuilder<boolean> {
  const inner = ex
    .selectFrom('dossier_drafts as dr')
    .select(sql`1`.as('one'))
    .where('dr.id', '=', sql.ref<string>(ref))
    .where('dr.applicant_user_id', '=', userId);
  return sql<boolean>`EXISTS (${inner})`;
}

/** Whether this applicant owns this draft; `forUpdate` locks its row for the caller's transaction. */
export async function ownsDraft(ex: Executor, draftId: string, userId: string, opts: { forUpdate?: boolean } = {}) {
  let q = ex
    .selectFrom('dossier_drafts')
    .select('id')
    .where('id', '=', draftId)
    .where('applicant_user_id', '=', userId);
  if (opts.forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// The GovStack facade's read model (govstack.files.ts, govstack.tasks.ts, govstack.loader.ts,
// govstack.statistics.ts): dossiers and their history, set-based, one query per page.

/** A dossier's row by id, if any. */
export async function dossierRow(ex: Executor, dossierId: string): Promise<DossierRow | undefined> {
  return ex.selectFrom('dossiers').selectAll().where('id', '=', dossierId).executeTakeFirst();
}

/** One dossier among these ids (any that exists), if any. */
export async function anyDossierOf(ex: Executor, ids: readonly string[]): Promise<DossierRow | undefined> {
  if (ids.length === 0) return undefined;
  return ex
    .selectFrom('dossiers')
    .selectAll()
    .where('id', 'in', [...ids])
    .limit(1)
    .executeTakeFirst();
}

/** A dossier's current version (its optimistic lock); throws when there is no such dossier. */
export async function dossierVersion(ex: Executor, dossierId: string): Promise<number> {
  const d = await ex.selectFrom('dossiers').select('version').where('id', '=', dossierId).executeTakeFirstOrThrow();
  return d.version;
}

/** The version of a dossier's first event of this type, if any. */
export async function firstEventOfType(ex: Executor, dossierId: string, type: string): Promise<number | undefined> {
  const e = await ex
    .selectFrom('dossier_events')
    .select('version')
    .where('dossier_id', '=', dossierId)
    .where('type', '=', type)
    .orderBy('version')
    .executeTakeFirst();
  return e?.version;
}

/** The latest event of one of `types` of each of these dossiers (one query; dossiers without one absent). */
export async function latestEventsOfTypes(ex: Executor, dossierIds: readonly string[], types: readonly string[]) {
  if (dossierIds.length === 0) return [];
  return ex
    .selectFrom('dossier_events as e')
    .select(['e.dossier_id', 'e.version', 'e.type', 'e.at', 'e.event'])
    .distinctOn('e.dossier_id')
    .where('e.dossier_id', 'in', [...dossierIds])
    .where('e.type', 'in', [...types])
    .orderBy('e.dossier_id')
    .orderBy('e.version', 'desc')
    .execute();
}

/** A dossier's event at this version if it is of one of `types`. */
export async function eventOfTypesAt(ex: Executor, dossierId: string, version: number, types: readonly string[]) {
  return ex
    .selectFrom('dossier_events')
    .select(['version', 'type', 'at', 'event'])
    .where('dossier_id', '=', dossierId)
    .where('version', '=', version)
    .where('type', 'in', [...types])
    .executeTakeFirst();
}

/** A dossier's first event after `afterVersion` (of one of `types` when given), if any. */
export async function nextEvent(ex: Executor, dossierId: string, afterVersion: number, types?: readonly string[]) {
  let q = ex
    .selectFrom('dossier_events')
    .select(['version', 'type', 'step_id', 'actor_user_id'])
    .where('dossier_id', '=', dossierId)
    .where('version', '>', afterVersion);
  if (types) q = q.where('type', 'in', [...types]);
  return q.orderBy('version').limit(1).executeTakeFirst();
}

/** SQL: `d.id` is a dossier `actor` may see (dossier.access.ts visibleTo). */
function visibleAs(ex: Executor, actor: Actor): RawBuilder<boolean> {
  return sql<boolean>`d.id IN (${ex.selectFrom('dossiers').select('dossiers.id').where(visibleTo(actor))})`;
}

/** A list's order: a dossier column, or `created` (the filing for dossiers, the entry event for open steps). */
export type DossierListSort = 'created' | 'd.id' | 'd.due' | 'd.procedure_name' | 'd.code' | 'd.main_assignee_id';
export type DossierListPage = { sort: DossierListSort; order: 'asc' | 'desc'; offset: number; limit: number };

/**
 * A page of top-level dossiers `actor` may see, then by id: of these procedures, of these
 * applicant accounts or matching `applicant.or` (SQL over the row `d`: the caller's own record).
 */
export async function visibleDossierPage(
  ex: Executor,
  actor: Actor,
  filter: {
    procedureIds?: readonly string[] | undefined;
    applicant?: { userIds: readonly string[]; or: RawBuilder<boolean> } | undefined;
  },
  page: DossierListPage,
): Promise<DossierRow[]> {
  let query = ex
    .selectFrom('dossiers as d')
    .selectAll('d')
    .where('d.parent_dossier_id', 'is', null)
    .where(visibleAs(ex, actor));
  if (filter.procedureIds) query = query.where('d.procedure_id', 'in', [...filter.procedureIds]);
  const applicant = filter.applicant;
  if (applicant) {
    query = query.where((eb) =>
      eb.or([
        ...(applicant.userIds.length ? [eb('d.applicant_user_id', 'in', [...applicant.userIds])] : []),
        applicant.or,
      ]),
    );
  }
  const column = page.sort === 'created' ? 'd.submitted_at' : page.sort;
  return query.orderBy(column, page.order).orderBy('d.id').offset(page.offset).limit(page.limit).execute();
}

/**
 * A page of top-level dossiers `actor` may see in one of `statuses`, each with its latest event of
 * one of `entryTypes` (the visit it is on; dossiers without one absent), then by id: among each of
 * `idSets`, and of these main assignees at a step (status `processing`).
 */
export async function visibleDossiersWithLatestEvent(
  ex: Executor,
  actor: Actor,
  filter: {
    statuses: readonly string[];
    entryTypes: readonly string[];
    idSets: readonly (readonly string[])[];
    assignees?: readonly string[] | undefined;
  },
  page: DossierListPage,
) {
  let query = ex
    .selectFrom('dossiers as d')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('dossier_events as e')
          .select(['e.version as task_version', 'e.at as task_at', 'e.type as task_type', 'e.event as task_event'])
          .whereRef('e.dossier_id', '=', 'd.id')
          .where('e.type', 'in', [...filter.entryTypes])
          .orderBy('e.version', 'desc')
          .limit(1)
          .as('t'),
      (join) => join.onTrue(),
    )
    .selectAll('d')
    .select(['t.task_version', 't.task_at', 't.task_type', 't.task_event'])
    .where('d.status', 'in', [...filter.statuses])
    .where('d.parent_dossier_id', 'is', null)
    .where(visibleAs(ex, actor));
  for (const ids of filter.idSets) query = query.where('d.id', 'in', [...ids]);
  if (filter.assignees) {
    query = query.where('d.main_assignee_id', 'in', [...filter.assignees]).where('d.status', '=', 'processing');
  }
  const column = page.sort === 'created' ? 't.task_at' : page.sort;
  return query.orderBy(column, page.order).orderBy('d.id').offset(page.offset).limit(page.limit).execute();
}

const LOCAL_TZ = 'Asia/Ho_Chi_Minh';

/**
 * Decisions in the dossier history, per local (Asia/Ho_Chi_Minh) day / week / month / year of the
 * event or in one bucket '' (`unit` null): granted (`finished`), rejected (`refused`, `stopped`,
 * `closed_incomplete`), sent back (`supplement_requested`); between local dates, of the procedures
 * and by the actors of the given subqueries.
 */
export async function decisionCounts(
  ex: Executor,
  q: {
    unit: 'day' | 'week' | 'month' | 'year' | null;
    from?: string | undefined;
    to?: string | undefined;
    procedureIdsIn?: RawBuilder<string> | null | undefined;
    actorIdsIn?: RawBuilder<string> | null | undefined;
  },
) {
  const bucket = q.unit
    ? sql<string>`to_char(date_trunc(${q.unit}, e.at AT TIME ZONE ${LOCAL_TZ}), 'YYYY-MM-DD')`
    : sql<string>`''`;
  let query = ex
    .selectFrom('dossier_events as e')
    .innerJoin('dossiers as d', 'd.id', 'e.dossier_id')
    .where('e.type', 'in', ['finished', 'refused', 'stopped', 'closed_incomplete', 'supplement_requested']);
  if (q.from) query = query.where(sql<boolean>`(e.at AT TIME ZONE ${LOCAL_TZ})::date >= ${q.from}::date`);
  if (q.to) query = query.where(sql<boolean>`(e.at AT TIME ZONE ${LOCAL_TZ})::date <= ${q.to}::date`);
  if (q.procedureIdsIn) query = query.where('d.procedure_id', 'in', q.procedureIdsIn);
  if (q.actorIdsIn) query = query.where('e.actor_user_id', 'in', q.actorIdsIn);
  return query
    .select([
      bucket.as('bucket'),
      sql<string>`count(*) FILTER (WHERE e.type = 'finished')`.as('approved'),
      sql<string>`count(*) FILTER (WHERE e.type IN ('refused','stopped','closed_incomplete'))`.as('rejected'),
      sql<string>`count(*) FILTER (WHERE e.type = 'supplement_requested')`.as('sent_back'),
    ])
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// The indicators' live counts, drill-down lists and naive baseline (indicators.service.ts): the
// indicator definitions stay there, as SQL over the dossier row `d`; here the table and the scope.

/** Which dossiers a statistic counts: top-level ones whose responsible agency lies under `agencyPath`, optionally of one procedure or field. */
export type DossierStatScope = {
  agencyPath: string;
  procedureId?: string | undefined;
  fieldCode?: string | undefined;
};

function inStatScope(scope: DossierStatScope): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [
    sql`d.parent_dossier_id IS NULL`,
    sql`d.responsible_agency_id IN ${agencyIdsUnder(scope.agencyPath)}`,
  ];
  if (scope.procedureId) parts.push(sql`d.procedure_id = ${scope.procedureId}`);
  if (scope.fieldCode) parts.push(sql`d.field_code = ${scope.fieldCode}`);
  return sql.join(parts, sql` AND `);
}

/** One row of aggregates (`columns`, SQL over the row `d`) over the dossiers of a scope matching `where` (SQL over `d`). */
export async function tallyDossiers<R>(
  ex: Executor,
  scope: DossierStatScope,
  columns: RawBuilder<unknown>,
  where?: RawBuilder<unknown>,
): Promise<R> {
  const filter = where ? sql`(${where}) AND ${inStatScope(scope)}` : inStatScope(scope);
  const { rows } = await sql<R>`SELECT ${columns} FROM dossiers d WHERE ${filter}`.execute(ex);
  return rows[0]!;
}

/** A dossier as a statistic's list shows it. */
export type StatDossierRow = {
  id: string;
  code: string;
  procedureName: string;
  applicantName: string;
  agencyName: string | null;
  status: string;
  channel: string;
  receivedAt: Date | null;
  due: Date | null;
  resultAt: Date | null;
  returnedAt: Date | null;
  finishedAt: Date | null;
};

/** A page of the dossiers of a scope matching `where` (SQL over `d`), latest `order` (SQL over `d`) first, then by code. */
export async function statDossierPage(
  ex: Executor,
  scope: DossierStatScope,
  where: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
  page: { limit: number; offset: number },
): Promise<StatDossierRow[]> {
  const { rows } = await sql<StatDossierRow>`
      SELECT d.id, d.code, d.procedure_name AS "procedureName", d.applicant_name AS "applicantName",
             a.name AS "agencyName", d.status, d.channel, d.received_at AS "receivedAt", d.due,
             d.result_at AS "resultAt", d.returned_at AS "returnedAt", d.finished_at AS "finishedAt"
      FROM dossiers d LEFT JOIN ${agencyNodes()} a ON a.id = d.responsible_agency_id
      WHERE (${where}) AND ${inStatScope(scope)}
      ORDER BY ${order} DESC NULLS LAST, d.code
      LIMIT ${page.limit} OFFSET ${page.offset}`.execute(ex);
  return rows;
}
