import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';

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

const TZ = 'Asia/Ho_Chi_Minh';

function badRequest(en: string, vi: string): Problem {
  return new Problem('validation_failed', { detail: { vi, en } });
}

const officersQuery = (db: Db) => db.selectFrom('users').select('users.id').where('users.kind', '=', 'officer');

export async function statistics(db: Db, q: StatisticsQuery) {
  if (q.startDate && q.endDate && q.startDate > q.endDate) {
    throw badRequest('startDate is after endDate', 'Ngày bắt đầu sau ngày kết thúc');
  }
  const name = q.registrationName?.normalize('NFC').trim();
  const procedures = name
    ? db
        .selectFrom('procedure_versions')
        .select('procedure_id')
        .where(sql<boolean>`search_text LIKE '%' || search_fold(${name}) || '%'`)
    : null;
  if (procedures && !(await procedures.limit(1).executeTakeFirst())) throw new Problem('not_found');
  let officers: ReturnType<typeof officersQuery> | null = null;
  const operator = q.operator?.normalize('NFC').trim();
  if (operator || q.role) {
    let uq = officersQuery(db);
    if (operator) uq = uq.where(sql<boolean>`search_fold(users.full_name) = search_fold(${operator})`);
    if (q.role) {
      const role = q.role;
      const mapped = await db
        .selectFrom('govstack_ids')
        .select('internal_id')
        .where('kind', '=', 'role')
        .where((eb) => eb.or([eb('external_id', '=', role), sql<boolean>`meta ->> 'name' = ${role}`]))
        .execute();
      const roles = [role, ...mapped.map((m) => m.internal_id)];
      uq = uq.where((eb) =>
        eb.exists(
          eb
            .selectFrom('user_roles')
            .select(sql`1`.as('one'))
            .whereRef('user_roles.user_id', '=', 'users.id')
            .where(sql<boolean>`user_roles.role::text = ANY(${roles})`),
        ),
      );
    }
    // Only whether anyone matches is read here; the counting query filters by the subquery.
    if (!(await uq.limit(1).executeTakeFirst())) throw new Problem('not_found');
    officers = uq;
  }
  const unit = q.timeframe ?? null;
  const bucket = unit
    ? sql<string>`to_char(date_trunc(${unit}, e.at AT TIME ZONE ${TZ}), 'YYYY-MM-DD')`
    : sql<string>`''`;
  let query = db
    .selectFrom('dossier_events as e')
    .innerJoin('dossiers as d', 'd.id', 'e.dossier_id')
    .where('e.type', 'in', ['finished', 'refused', 'stopped', 'closed_incomplete', 'supplement_requested']);
  if (q.startDate) query = query.where(sql<boolean>`(e.at AT TIME ZONE ${TZ})::date >= ${q.startDate}::date`);
  if (q.endDate) query = query.where(sql<boolean>`(e.at AT TIME ZONE ${TZ})::date <= ${q.endDate}::date`);
  if (procedures) query = query.where('d.procedure_id', 'in', procedures);
  if (officers) query = query.where('e.actor_user_id', 'in', officers);
  const rows = await query
    .select([
      bucket.as('bucket'),
      sql<string>`count(*) FILTER (WHERE e.type = 'finished')`.as('approved'),
      sql<string>`count(*) FILTER (WHERE e.type IN ('refused','stopped','closed_incomplete'))`.as('rejected'),
      sql<string>`count(*) FILTER (WHERE e.type = 'supplement_requested')`.as('sent_back'),
    ])
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
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
