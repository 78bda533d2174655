import type { Actor } from '@motcua/core';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { userName } from '../accounts/accounts.queries.ts';
import { agencyColumn } from '../agencies/agencies.queries.ts';
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
