import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { anyOfficerMatching, type OfficerFilter, officerIdsMatching } from '../accounts/accounts.queries.ts';
import { anyProcedureMatching, procedureIdsMatching } from '../catalog/catalog.published.ts';
import { decisionCounts } from '../dossiers/dossier.queries.ts';

/**
 * GET /data/statistics (GovStack statistics API): counts of decisions from the dossier history.
 * approved = `finished` events (result granted); rejected = `refused` (at reception or during
 * processing), `stopped`, `closed_incomplete`; sentBack = `supplement_requested` (the file goes
 * back to the applicant); processed = their sum. Days are counted in Asia/Ho_Chi_Minh.
 */
export type StatisticsQuery = {
  startDate?: string | undefined;
  endDate?: string | undefined;
  registrationName?: string | undefined;
  operator?: string | undefined;
  role?: string | undefined;
  timeframe?: 'day' | 'week' | 'month' | 'year' | undefined;
};

function badRequest(en: string, vi: string): Problem {
  return new Problem('validation_failed', { detail: { vi, en } });
}

export async function statistics(db: Db, q: StatisticsQuery) {
  if (q.startDate && q.endDate && q.startDate > q.endDate) {
    throw badRequest('startDate is after endDate', 'Ngày bắt đầu sau ngày kết thúc');
  }
  const name = q.registrationName?.normalize('NFC').trim();
  if (name && !(await anyProcedureMatching(db, name))) throw new Problem('not_found');
  const procedures = name ? procedureIdsMatching(db, name) : null;
  let officers: RawBuilder<string> | null = null;
  const operator = q.operator?.normalize('NFC').trim();
  if (operator || q.role) {
    const filter: OfficerFilter = { name: operator || undefined };
    if (q.role) {
      const role = q.role;
      const mapped = await db
        .selectFrom('govstack_ids')
        .select('internal_id')
        .where('kind', '=', 'role')
        .where((eb) => eb.or([eb('external_id', '=', role), sql<boolean>`meta ->> 'name' = ${role}`]))
        .execute();
      filter.roles = [role, ...mapped.map((m) => m.internal_id)];
    }
    // Only whether anyone matches is read here; the counting query filters by the subquery.
    if (!(await anyOfficerMatching(db, filter))) throw new Problem('not_found');
    officers = officerIdsMatching(db, filter);
  }
  const unit = q.timeframe ?? null;
  const rows = await decisionCounts(db, {
    unit,
    from: q.startDate,
    to: q.endDate,
    procedureIdsIn: procedures,
    actorIdsIn: officers,
  });
  const refs = (bucket: string) => ({
    ...(unit && bucket ? { startDate: bucket } : q.startDate ? { startDate: q.startDate } : {}),
    ...(q.endDate ? { endDate: q.endDate } : {}),
    ...(q.registrationName ? { registrationName: q.registrationName } : {}),
    ...(q.operator ? { operator: q.operator } : {}),
    ...(q.role ? { role: q.role } : {}),
    timeframeDay: unit === 'day',
    timeframeWeek: unit === 'week',
    timeframeMonth: unit === 'month',
    timeframeYear: unit === 'year',
  });
  const items = rows.map((r) => {
    const approved = Number(r.approved);
    const rejected = Number(r.rejected);
    const sentBack = Number(r.sent_back);
    return { processed: approved + rejected + sentBack, approved, sentBack, rejected, references: refs(r.bucket) };
  });
  if (!unit && !items.length) items.push({ processed: 0, approved: 0, sentBack: 0, rejected: 0, references: refs('') });
  return items;
}
