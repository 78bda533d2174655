import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { agencyColumn } from '../agencies/agencies.queries.ts';
import { procedureColumn } from '../catalog/catalog.queries.ts';

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
