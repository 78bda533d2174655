import {
  atLocal,
  type CatalogFacts,
  COUNT_KEYS,
  type DossierCounts,
  dateOfDayNo,
  dayNoFromParts,
  dayNoOf,
  localDateOf,
  onTimeRate,
  partsOfDayNo,
  pendingFrom,
  scoreIndicators,
  zeroCounts,
} from '@motcua/core';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { agencyIdsUnder, agencyNodes } from '../agencies/agencies.queries.ts';
import { versionHandledUnder } from '../catalog/catalog.published.ts';
import { type StatDossierRow, statDossierPage, tallyDossiers } from '../dossiers/dossier.queries.ts';
import { TIMELINESS_SQL } from './indicators.timeliness.ts';

/**
 * Indicators and counts over a scope (an agency with its subtree, optionally a field or a
 * procedure) and a period of local calendar days, read from the aggregates of migration 0007:
 * whole months from `dossier_stats_month`, the days around them from `dossier_stats_day`, plus
 * the deltas not yet folded — never from the history. `naiveCounts` computes the same figures from
 * the dossiers table directly: the benchmark's baseline (the tests recount independently).
 * Rates are core's `onTimeRate` / `rateOf`: null when nothing was settled (Decision 766/QĐ-TTg).
 */

export type Scope = {
  /** Materialized path of the agency (its subtree counts). */
  agencyPath: string;
  fieldCode?: string | undefined;
  procedureId?: string | undefined;
};

/** Inclusive range of local dates, `YYYY-MM-DD`. */
export type Period = { from: string; to: string };

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'custom';

// ---------------------------------------------------------------------------------------------
// Dates (local days, Asia/Ho_Chi_Minh; the arithmetic is core's calendar/dates.ts)

export function addDays(date: string, n: number): string {
  return dateOfDayNo(dayNoOf(date) + n);
}
function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}
function addMonths(date: string, n: number): string {
  const { year, month } = partsOfDayNo(dayNoOf(date));
  const m = year * 12 + (month - 1) + n;
  return dateOfDayNo(dayNoFromParts(Math.floor(m / 12), (m % 12) + 1, 1));
}
/** Start of a local day as a moment. */
export const dayStart = (date: string): Date => atLocal(date);

/** The period of a kind containing `date` (weeks start on Monday, as Vietnamese calendars do). */
export function periodOf(kind: Exclude<PeriodKind, 'custom'>, date: string): Period {
  switch (kind) {
    case 'day':
      return { from: date, to: date };
    case 'week': {
      const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      const from = addDays(date, -dow);
      return { from, to: addDays(from, 6) };
    }
    case 'month': {
      const from = monthStart(date);
      return { from, to: addDays(addMonths(from, 1), -1) };
    }
    case 'quarter': {
      const m = Number(date.slice(5, 7));
      const from = `${date.slice(0, 4)}-${String(m - ((m - 1) % 3)).padStart(2, '0')}-01`;
      return { from, to: addDays(addMonths(from, 3), -1) };
    }
    case 'year':
      return { from: `${date.slice(0, 4)}-01-01`, to: `${date.slice(0, 4)}-12-31` };
  }
}

/** The period just before, of the same kind (same length for custom ranges). */
export function previousPeriod(kind: PeriodKind, p: Period): Period {
  if (kind === 'custom' || kind === 'day' || kind === 'week') {
    const len = dayNoOf(p.to) - dayNoOf(p.from) + 1;
    return { from: addDays(p.from, -len), to: addDays(p.from, -1) };
  }
  return periodOf(kind, addDays(p.from, -1));
}

/** Whole months inside the period (read from the month table) and the days around them. */
export function splitPeriod(p: Period): { months: [string, string] | null; days: Period[] } {
  const firstFull = p.from.endsWith('-01') ? p.from : addMonths(p.from, 1);
  const afterTo = addDays(p.to, 1);
  const lastFullEnd = afterTo.endsWith('-01') ? p.to : addDays(monthStart(p.to), -1);
  if (firstFull > lastFullEnd) return { months: null, days: [p] };
  const days: Period[] = [];
  if (p.from < firstFull) days.push({ from: p.from, to: addDays(firstFull, -1) });
  if (lastFullEnd < p.to) days.push({ from: addDays(lastFullEnd, 1), to: p.to });
  return { months: [firstFull, monthStart(lastFullEnd)], days };
}

// ---------------------------------------------------------------------------------------------
// Aggregates

const COLS = COUNT_KEYS.join(', ');
const SUMS = COUNT_KEYS.map((k) => `coalesce(sum(s.${k}), 0)::int AS ${k}`).join(', ');

function scopeFilter(scope: Scope): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`s.agency_id IN ${agencyIdsUnder(scope.agencyPath)}`];
  if (scope.procedureId) parts.push(sql`s.procedure_id = ${scope.procedureId}`);
  if (scope.fieldCode)
    parts.push(sql`s.procedure_id IN (SELECT id FROM procedure_current WHERE field_code = ${scope.fieldCode})`);
  return sql.join(parts, sql` AND `);
}

/** The union of stat rows covering a period: months, edge days, and unfolded deltas. */
function statRows(p: Period): RawBuilder<unknown> {
  const { months, days } = splitPeriod(p);
  const parts: RawBuilder<unknown>[] = [];
  if (months) {
    parts.push(
      sql`SELECT agency_id, procedure_id, ${sql.raw(COLS)} FROM dossier_stats_month WHERE month BETWEEN ${months[0]}::date AND ${months[1]}::date`,
    );
  }
  for (const d of days) {
    parts.push(
      sql`SELECT agency_id, procedure_id, ${sql.raw(COLS)} FROM dossier_stats_day WHERE day BETWEEN ${d.from}::date AND ${d.to}::date`,
    );
  }
  parts.push(
    sql`SELECT agency_id, procedure_id, ${sql.raw(COLS)} FROM dossier_stat_deltas WHERE day BETWEEN ${p.from}::date AND ${p.to}::date`,
  );
  return sql.join(parts, sql` UNION ALL `);
}

/** Rows up to and including a day (all time): for the dossiers in progress at a period's end. */
function toCounts(row: Record<string, unknown> | undefined): DossierCounts {
  const c = zeroCounts();
  if (row) for (const k of COUNT_KEYS) c[k] = Number(row[k] ?? 0);
  return c;
}

export async function countsFor(ex: Executor, scope: Scope, p: Period): Promise<DossierCounts> {
  const { rows } = await sql<Record<string, number>>`
    SELECT ${sql.raw(SUMS)} FROM (${statRows(p)}) s WHERE ${scopeFilter(scope)}`.execute(ex);
  return toCounts(rows[0]);
}

/**
 * Dossiers in progress at the end of each of some days (received by then, not ended by then), in
 * one pass: month rows before the earliest day's month, day rows up to the latest day, deltas.
 */
export async function pendingAtDays(ex: Executor, scope: Scope, days: string[]) {
  const first = [...days].sort()[0]!;
  const last = [...days].sort().at(-1)!;
  const m = monthStart(first);
  const cols = 'received, ended, due, due_settled';
  const sums = days
    .map((_, i) =>
      ['received', 'ended', 'due', 'due_settled']
        .map((k) => `coalesce(sum(s.${k}) FILTER (WHERE s.day <= $D${i}), 0)::int AS ${k}_${i}`)
        .join(', '),
    )
    .join(', ');
  // The day bounds are dates we produced (YYYY-MM-DD), inlined as literals after a strict check.
  const literal = (d: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a date: ${d}`);
    return `'${d}'::date`;
  };
  const select = days.reduce((acc, d, i) => acc.replaceAll(`$D${i}`, literal(d)), sums);
  const { rows } = await sql<Record<string, number>>`
    SELECT ${sql.raw(select)} FROM (
      SELECT agency_id, procedure_id, ${sql.raw(cols)}, ${m}::date - 1 AS day FROM dossier_stats_month WHERE month < ${m}::date
      UNION ALL
      SELECT agency_id, procedure_id, ${sql.raw(cols)}, day FROM dossier_stats_day WHERE day BETWEEN ${m}::date AND ${last}::date
      UNION ALL
      SELECT agency_id, procedure_id, ${sql.raw(cols)}, day FROM dossier_stat_deltas WHERE day <= ${last}::date
    ) s WHERE ${scopeFilter(scope)}`.execute(ex);
  const r = rows[0]!;
  return days.map((_, i) =>
    pendingFrom({
      received: r[`received_${i}`]!,
      ended: r[`ended_${i}`]!,
      due: r[`due_${i}`]!,
      due_settled: r[`due_settled_${i}`]!,
    }),
  );
}

/** Dossiers in progress at the end of a day. */
export async function pendingAtEnd(ex: Executor, scope: Scope, day: string) {
  return (await pendingAtDays(ex, scope, [day]))[0]!;
}

export type BreakdownBy = 'agency' | 'field' | 'procedure';
export type BreakdownRow = { key: string; code: string | null; name: string; counts: DossierCounts };

/**
 * Counts per child agency of the scope's agency (each with its subtree), per field or per procedure.
 */
export async function breakdown(ex: Executor, scope: Scope, p: Period, by: BreakdownBy): Promise<BreakdownRow[]> {
  const sums = sql.raw(SUMS);
  const source = sql`(${statRows(p)}) s`;
  let rows: Record<string, unknown>[];
  if (by === 'agency') {
    // The child of the scope agency on the way down to the counting agency (path segment).
    const depth = scope.agencyPath.split('/').filter(Boolean).length;
    ({ rows } = await sql<Record<string, unknown>>`
      WITH g AS (
        SELECT coalesce(nullif(split_part(a.path, '/', ${depth + 2}), ''), split_part(a.path, '/', ${depth + 1})) AS key, s.*
        FROM ${source} JOIN ${agencyNodes()} a ON a.id = s.agency_id WHERE ${scopeFilter(scope)}
      )
      SELECT g.key, c.code, c.name, ${sql.raw(SUMS.replaceAll('s.', 'g.'))}
      FROM g JOIN ${agencyNodes()} c ON c.id = g.key::uuid GROUP BY g.key, c.code, c.name`.execute(ex));
  } else {
    // Sum per procedure first, then join the (few) procedures: the view is read once, not per row.
    const perProcedure = sql`
      SELECT s.procedure_id, ${sums} FROM ${source} WHERE ${scopeFilter(scope)} GROUP BY s.procedure_id`;
    const resums = sql.raw(COUNT_KEYS.map((k) => `sum(pp.${k})::int AS ${k}`).join(', '));
    ({ rows } =
      by === 'field'
        ? await sql<Record<string, unknown>>`
          SELECT pr.field_code AS key, pr.field_code AS code, max(pr.field_name) AS name, ${resums}
          FROM (${perProcedure}) pp JOIN procedure_current pr ON pr.id = pp.procedure_id
          GROUP BY pr.field_code`.execute(ex)
        : await sql<Record<string, unknown>>`
          SELECT pp.procedure_id::text AS key, max(pr.code) AS code, max(pr.name) AS name, ${resums}
          FROM (${perProcedure}) pp JOIN procedure_current pr ON pr.id = pp.procedure_id
          GROUP BY pp.procedure_id`.execute(ex));
  }
  return rows
    .map((r) => ({
      key: String(r.key),
      code: (r.code as string | null) ?? null,
      name: String(r.name),
      counts: toCounts(r),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/** Counts per day or per month across a period, for the trend chart. */
export async function series(ex: Executor, scope: Scope, p: Period, by: 'day' | 'month') {
  const cols = sql.raw('received, received_online, finished_early, finished_on_time, finished_late, returned');
  const sums = sql.raw(
    ['received', 'received_online', 'finished_early', 'finished_on_time', 'finished_late', 'returned']
      .map((k) => `coalesce(sum(s.${k}), 0)::int AS ${k}`)
      .join(', '),
  );
  const rows =
    by === 'month'
      ? sql`
        SELECT month AS bucket, agency_id, procedure_id, ${cols} FROM dossier_stats_month
          WHERE month BETWEEN ${monthStart(p.from)}::date AND ${monthStart(p.to)}::date
        UNION ALL
        SELECT date_trunc('month', day)::date, agency_id, procedure_id, ${cols} FROM dossier_stat_deltas
          WHERE day BETWEEN ${monthStart(p.from)}::date AND ${p.to}::date`
      : sql`
        SELECT day AS bucket, agency_id, procedure_id, ${cols} FROM dossier_stats_day WHERE day BETWEEN ${p.from}::date AND ${p.to}::date
        UNION ALL
        SELECT day, agency_id, procedure_id, ${cols} FROM dossier_stat_deltas WHERE day BETWEEN ${p.from}::date AND ${p.to}::date`;
  const { rows: out } = await sql<Record<string, unknown>>`
    SELECT to_char(s.bucket, 'YYYY-MM-DD') AS bucket, ${sums} FROM (${rows}) s WHERE ${scopeFilter(scope)}
    GROUP BY s.bucket ORDER BY s.bucket`.execute(ex);
  // Every bucket of the period, zero where nothing happened (a chart's axis is the calendar).
  const byBucket = new Map(out.map((r) => [String(r.bucket), r]));
  const buckets: string[] = [];
  if (by === 'month') {
    for (let m = monthStart(p.from); m <= p.to; m = addMonths(m, 1)) buckets.push(m);
  } else {
    for (let d = p.from; d <= p.to; d = addDays(d, 1)) buckets.push(d);
  }
  return buckets.map((bucket) => {
    const r = byBucket.get(bucket) ?? {};
    return {
      bucket,
      received: Number(r.received ?? 0),
      receivedOnline: Number(r.received_online ?? 0),
      finishedOnTime: Number(r.finished_early ?? 0) + Number(r.finished_on_time ?? 0),
      finishedLate: Number(r.finished_late ?? 0),
      returned: Number(r.returned ?? 0),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Live: dossiers in progress now (a snapshot of the open set, read from the dossiers module:
// tallyDossiers and statDossierPage take the scope, the definitions here are SQL over its row `d`)

const OPEN = sql`('received','processing','supplement_requested','fee_requested','withdrawal_requested')`;

/**
 * Dossiers in progress now, from the aggregates: received − ended over all time; overdue = those
 * whose appointment day is today or earlier and not ended, less the ones due later today (a small
 * live count on the open set's appointment index) — exact, without counting the open set.
 */
export async function inProgressNow(
  ex: Executor,
  scope: Scope,
  now: Date,
  endOfToday?: { pending: number; overdue: number },
) {
  const today = localDateOf(now);
  const [end, dueLaterToday] = await Promise.all([
    endOfToday ?? pendingAtEnd(ex, scope, today),
    tallyDossiers<{ n: number }>(
      ex,
      scope,
      sql`count(*)::int AS n`,
      sql`d.status IN ${OPEN} AND d.received_at IS NOT NULL
        AND d.due >= ${now} AND d.due < ${dayStart(addDays(today, 1))}`,
    ),
  ]);
  const overdue = end.overdue - dueLaterToday.n;
  return { total: end.pending, onTime: end.pending - overdue, overdue };
}

/** The same, counted live on the dossiers table (the oracle for inProgressNow). */
export async function naiveInProgressNow(ex: Executor, scope: Scope, now: Date) {
  const r = await tallyDossiers<{ on_time: number; overdue: number }>(
    ex,
    scope,
    sql`count(*) FILTER (WHERE d.due >= ${now})::int AS on_time, count(*) FILTER (WHERE d.due < ${now})::int AS overdue`,
    sql`d.status IN ${OPEN} AND d.received_at IS NOT NULL`,
  );
  return { total: r.on_time + r.overdue, onTime: r.on_time, overdue: r.overdue };
}

// ---------------------------------------------------------------------------------------------
// Drill-down: the dossiers behind a number (same definitions as dossier_stat_contrib)

// Early / on time / late: core `classifyTimeliness`, in SQL (indicators.timeliness.ts).
const { late: LATE, early: EARLY, onTime: ON_TIME, notLate: NOT_LATE } = TIMELINESS_SQL;

export const DRILL_METRICS = [
  'received',
  'received_online',
  'received_counter',
  'finished',
  'finished_early',
  'finished_on_time',
  'finished_late',
  'returned',
  'refused',
  'withdrawn',
  'stopped',
  'closed_incomplete',
  'in_progress',
  'in_progress_on_time',
  'in_progress_overdue',
  'rated',
  'rated_unsatisfied',
] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

function between(col: RawBuilder<unknown>, p: Period) {
  return sql`${col} >= ${dayStart(p.from)} AND ${col} < ${dayStart(addDays(p.to, 1))}`;
}

function drillCondition(metric: DrillMetric, p: Period, now: Date): RawBuilder<unknown> {
  const received = between(sql`d.received_at`, p);
  const result = between(sql`d.result_at`, p);
  const finished = between(sql`d.finished_at`, p);
  const ratedAt = sql`to_timestamp((d.state->'rating'->>'at')::double precision / 1000)`;
  switch (metric) {
    case 'received':
      return received;
    case 'received_online':
      return sql`${received} AND d.channel = 'online'`;
    case 'received_counter':
      return sql`${received} AND d.channel <> 'online'`;
    case 'finished':
      return result;
    case 'finished_early':
      return sql`${result} AND ${EARLY}`;
    case 'finished_on_time':
      return sql`${result} AND ${ON_TIME}`;
    case 'finished_late':
      return sql`${result} AND ${LATE}`;
    case 'returned':
      return between(sql`d.returned_at`, p);
    case 'refused':
      return sql`${finished} AND d.status = 'refused'`;
    case 'withdrawn':
      return sql`${finished} AND d.status = 'closed' AND d.state->>'closedReason' = 'withdrawn'`;
    case 'stopped':
      return sql`${finished} AND d.status = 'stopped'`;
    case 'closed_incomplete':
      return sql`${finished} AND d.status = 'closed' AND d.state->>'closedReason' = 'supplement_timeout'`;
    case 'in_progress':
      return sql`d.status IN ${OPEN} AND d.received_at IS NOT NULL`;
    case 'in_progress_on_time':
      return sql`d.status IN ${OPEN} AND d.received_at IS NOT NULL AND d.due >= ${now}`;
    case 'in_progress_overdue':
      return sql`d.status IN ${OPEN} AND d.received_at IS NOT NULL AND d.due < ${now}`;
    case 'rated':
      return sql`d.state->'rating'->'scores' <> '{}'::jsonb AND ${between(ratedAt, p)}`;
    case 'rated_unsatisfied':
      return sql`d.state->'rating'->'scores' <> '{}'::jsonb AND ${between(ratedAt, p)}
        AND EXISTS (SELECT 1 FROM jsonb_each_text(d.state->'rating'->'scores') x WHERE x.value::int = 0)`;
  }
}

/** The moment a drill-down list is ordered by (the moment the metric is about). */
function drillOrder(metric: DrillMetric): RawBuilder<unknown> {
  if (metric.startsWith('received')) return sql`d.received_at`;
  if (metric.startsWith('finished')) return sql`d.result_at`;
  if (metric === 'returned') return sql`d.returned_at`;
  if (metric.startsWith('in_progress')) return sql`d.due`;
  return sql`d.finished_at`;
}

export type DrillRow = StatDossierRow;

export async function drillDown(
  ex: Executor,
  scope: Scope,
  p: Period,
  metric: DrillMetric,
  now: Date,
  page: { limit: number; offset: number },
): Promise<{ total: number; items: DrillRow[] }> {
  const where = drillCondition(metric, p, now);
  const [count, items] = await Promise.all([
    tallyDossiers<{ n: number }>(ex, scope, sql`count(*)::int AS n`, where),
    statDossierPage(ex, scope, where, drillOrder(metric), page),
  ]);
  return { total: count.n, items };
}

// ---------------------------------------------------------------------------------------------
// Naive: the same counts straight from the dossiers table (oracle and benchmark baseline)

export async function naiveCounts(ex: Executor, scope: Scope, p: Period): Promise<DossierCounts> {
  const received = between(sql`d.received_at`, p);
  const result = between(sql`d.result_at`, p);
  const finished = between(sql`d.finished_at`, p);
  const scores = sql`d.state->'rating'->'scores'`;
  const ratedAt = sql`to_timestamp((d.state->'rating'->>'at')::double precision / 1000)`;
  const rated = sql`${scores} IS NOT NULL AND ${scores} <> '{}'::jsonb AND ${between(ratedAt, p)}`;
  const endedAt = sql`CASE WHEN d.received_at IS NULL THEN NULL WHEN d.result_at IS NOT NULL THEN d.result_at
    WHEN d.status IN ('refused','stopped','closed','returned') THEN d.finished_at END`;
  const fees = sql`coalesce(d.state->'fees', '[]'::jsonb)`;
  const row = await tallyDossiers<Record<string, number>>(
    ex,
    scope,
    sql`
      count(*) FILTER (WHERE ${between(sql`d.submitted_at`, p)})::int AS submitted,
      count(*) FILTER (WHERE ${received})::int AS received,
      count(*) FILTER (WHERE ${received} AND d.channel = 'online')::int AS received_online,
      count(*) FILTER (WHERE ${received} AND d.channel = 'postal')::int AS received_postal,
      count(*) FILTER (WHERE ${received} AND jsonb_array_length(${fees}) > 0)::int AS with_fee,
      count(*) FILTER (WHERE ${received} AND jsonb_array_length(${fees}) > 0
        AND NOT jsonb_path_exists(${fees}, '$[*] ? (@.paidAt == null)'))::int AS fee_paid,
      count(*) FILTER (WHERE ${received} AND d.result_at IS NOT NULL AND ${NOT_LATE})::int AS cohort_on_time,
      count(*) FILTER (WHERE ${result} AND ${EARLY})::int AS finished_early,
      count(*) FILTER (WHERE ${result} AND ${ON_TIME})::int AS finished_on_time,
      count(*) FILTER (WHERE ${result} AND ${LATE})::int AS finished_late,
      count(*) FILTER (WHERE ${result} AND d.outcome = 'refused')::int AS finished_refused,
      count(*) FILTER (WHERE ${between(sql`d.returned_at`, p)})::int AS returned,
      count(*) FILTER (WHERE ${between(sql`d.returned_at`, p)} AND d.state->>'returnMethod' = 'online')::int AS returned_online,
      count(*) FILTER (WHERE ${finished} AND d.status = 'refused')::int AS refused,
      count(*) FILTER (WHERE ${finished} AND d.status = 'closed' AND d.state->>'closedReason' = 'withdrawn')::int AS withdrawn,
      count(*) FILTER (WHERE ${finished} AND d.status = 'stopped')::int AS stopped,
      count(*) FILTER (WHERE ${finished} AND d.status = 'closed' AND d.state->>'closedReason' = 'supplement_timeout')::int AS closed_incomplete,
      count(*) FILTER (WHERE ${between(endedAt, p)})::int AS ended,
      count(*) FILTER (WHERE d.received_at IS NOT NULL AND ${between(sql`d.due`, p)})::int AS due,
      count(*) FILTER (WHERE d.received_at IS NOT NULL AND d.due IS NOT NULL AND ${endedAt} IS NOT NULL
        AND greatest(local_day(${endedAt}), local_day(d.due)) BETWEEN ${p.from}::date AND ${p.to}::date)::int AS due_settled,
      count(*) FILTER (WHERE ${rated})::int AS rated,
      count(*) FILTER (WHERE ${rated} AND NOT EXISTS (SELECT 1 FROM jsonb_each_text(${scores}) x WHERE x.value::int = 0))::int AS rated_satisfied,
      coalesce(sum((SELECT sum(x.value::int) FROM jsonb_each_text(${scores}) x)) FILTER (WHERE ${rated}), 0)::int AS rating_points,
      coalesce(sum((SELECT 2 * count(*) FROM jsonb_each_text(${scores}) x)) FILTER (WHERE ${rated}), 0)::int AS rating_max`,
  );
  return toCounts(row);
}

// ---------------------------------------------------------------------------------------------
// Catalog facts and the indicator score

/**
 * Procedures in scope: those whose current published version is carried out by an agency of the
 * subtree (procedure_version_agencies); with their online level and whether their public content
 * is complete (documents, time limit, fee statement and legal basis present).
 */
export async function catalogFacts(ex: Executor, scope: Scope, p: Period): Promise<CatalogFacts> {
  const { rows } = await sql<{ procedures: number; online: number; complete: number }>`
    SELECT count(*)::int AS procedures,
           count(*) FILTER (WHERE pr.online_level IN ('full','partial'))::int AS online,
           count(*) FILTER (WHERE jsonb_array_length(coalesce(pr.content->'documents', '[]')) > 0
             AND pr.content->'timeLimit' IS NOT NULL AND pr.content->'fees' IS NOT NULL
             AND jsonb_array_length(coalesce(pr.content->'legalBasis', '[]')) > 0)::int AS complete
    FROM procedure_current pr
    WHERE ${versionHandledUnder('pr.version_id', scope.agencyPath)}
      ${scope.procedureId ? sql`AND pr.id = ${scope.procedureId}` : sql``}
      ${scope.fieldCode ? sql`AND pr.field_code = ${scope.fieldCode}` : sql``}`.execute(ex);
  const { rows: online } = await sql<{ received: number; received_online: number }>`
    SELECT coalesce(sum(s.received), 0)::int AS received, coalesce(sum(s.received_online), 0)::int AS received_online
    FROM (${statRows(p)}) s
    WHERE s.procedure_id IN (SELECT id FROM procedure_current WHERE online_level IN ('full','partial'))
      AND ${scopeFilter(scope)}`.execute(ex);
  const r = rows[0]!;
  return {
    procedures: r.procedures,
    proceduresOnline: r.online,
    proceduresComplete: r.complete,
    receivedOfOnlineProcedures: online[0]!.received,
    receivedOnlineOfOnlineProcedures: online[0]!.received_online,
  };
}

export async function indicatorReport(ex: Executor, scope: Scope, kind: PeriodKind, p: Period, now: Date) {
  const prev = previousPeriod(kind, p);
  const today = localDateOf(now);
  const [counts, previousCounts, ends, facts] = await Promise.all([
    countsFor(ex, scope, p),
    countsFor(ex, scope, prev),
    // A period still running is "in progress at its end" as of today, not a projection.
    pendingAtDays(ex, scope, [today, p.to < today ? p.to : today]),
    catalogFacts(ex, scope, p),
  ]);
  const inProgress = await inProgressNow(ex, scope, now, ends[0]!);
  const pending = ends[1]!;
  const finished = (c: DossierCounts) => c.finished_early + c.finished_on_time + c.finished_late;
  return {
    period: { kind, ...p },
    previousPeriod: prev,
    counts,
    previousCounts,
    finished: finished(counts),
    previousFinished: finished(previousCounts),
    onTimeRate: onTimeRate(counts),
    previousOnTimeRate: onTimeRate(previousCounts),
    inProgressNow: inProgress,
    pendingAtEnd: pending,
    catalog: facts,
    score: scoreIndicators(counts, facts),
  };
}

/** Fold the unfolded deltas (the job; also called before reports that read only the folded tables). */
export async function foldStatDeltas(ex: Executor): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT fold_dossier_stat_deltas() AS n`.execute(ex);
  return rows[0]!.n;
}
