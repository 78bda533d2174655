import { localDateOf } from '@motcua/core';
/**
 * Dashboard query latency at scale (issue: indicators at 5 M dossiers): p50/p95/p99 over `--runs`
 * calls of each query the leader dashboard makes — the indicator report of a period (counts of the
 * period and of the previous one, in progress now, in progress at the period's end, catalog facts),
 * the ranking of agencies, the daily and monthly series — for the province, a department and a
 * commune, over a day, a month, a quarter, a year and a custom range. Baseline in the same run: the
 * naive aggregate over the dossiers table for the same scope and period (`naiveCounts`, the test
 * oracle), fewer runs since each is a scan. Every measured pair is also checked for equality.
 *
 *   node bench/seed-dossiers.ts --db postgres://postgres@127.0.0.1:5432/motcua_bench5m --count 5000000 --dossiers-only
 *   node bench/indicators.ts --db postgres://postgres@127.0.0.1:5432/motcua_bench5m --runs 30 [--naive-runs 1] [--scopes province,department,commune] [--periods day,week,month,quarter,year,custom]
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../packages/server/src/db/database.ts';
import type { Database } from '../packages/server/src/db/schema.ts';
import {
  breakdown,
  countsFor,
  indicatorReport,
  naiveCounts,
  type Period,
  type PeriodKind,
  periodOf,
  type Scope,
  series,
} from '../packages/server/src/modules/indicators/indicators.service.ts';
import { fmt, log, numOpt, opt, parseArgs, serverVersion, summarize, table } from './lib/common.ts';

const args = parseArgs();
const url = opt(args, 'db', 'BENCH_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/motcua_bench5m');
const runs = numOpt(args, 'runs', null, 100);
const naiveRuns = Math.max(1, numOpt(args, 'naive-runs', null, 1));
const only = args.get('scopes')?.split(',');
const onlyPeriods = args.get('periods')?.split(',');
const goalMs = numOpt(args, 'goal-ms', null, 100);

const pool = new pg.Pool({ connectionString: url, max: 8, application_name: 'motcua-bench-indicators' });
const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

async function time(fn: () => Promise<unknown>, n: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function main() {
  const count = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dossiers`.execute(db)).rows[0]!.n);
  const statRows = (
    await sql<{ d: string; m: string }>`
    SELECT (SELECT count(*) FROM dossier_stats_day) AS d, (SELECT count(*) FROM dossier_stats_month) AS m`.execute(db)
  ).rows[0]!;
  log(
    `database: ${count.toLocaleString('en')} dossiers; aggregates: ${Number(statRows.d).toLocaleString('en')} day rows, ${Number(statRows.m).toLocaleString('en')} month rows; ${await serverVersion(url)}`,
  );

  // Scopes: the province, the department and the commune with the most dossiers.
  const province = await db
    .selectFrom('agencies')
    .select(['path', 'name'])
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow();
  const busiest = async (level: string) =>
    (
      await sql<{ path: string; name: string }>`
        SELECT a.path, a.name FROM dossier_stats_month s JOIN agencies a ON a.id = s.agency_id
        WHERE a.level = ${level} GROUP BY a.path, a.name ORDER BY sum(s.received) DESC LIMIT 1`.execute(db)
    ).rows[0];
  const department = await busiest('department');
  const commune = await busiest('commune');
  const allScopes: { label: string; scope: Scope }[] = [
    { label: 'province', scope: { agencyPath: province.path } },
    ...(department ? [{ label: 'department', scope: { agencyPath: department.path } }] : []),
    ...(commune ? [{ label: 'commune', scope: { agencyPath: commune.path } }] : []),
  ];
  const scopes = only ? allScopes.filter((s) => only.includes(s.label)) : allScopes;
  // The seed's histories stop now (its --now): today's periods are the live ones.
  const today = localDateOf(new Date());
  const periods: { kind: PeriodKind; period: Period }[] = [
    { kind: 'day', period: periodOf('day', today) },
    { kind: 'week', period: periodOf('week', today) },
    { kind: 'month', period: periodOf('month', today) },
    { kind: 'quarter', period: periodOf('quarter', today) },
    { kind: 'year', period: periodOf('year', today) },
    { kind: 'custom', period: { from: `${Number(today.slice(0, 4)) - 1}${today.slice(4, 8)}15`, to: today } },
  ];
  const now = new Date();
  const measured = onlyPeriods ? periods.filter((p) => onlyPeriods.includes(p.kind)) : periods;

  type Row = (string | number)[];
  const rows: Row[] = [];
  const results: Record<string, unknown>[] = [];
  for (const { label, scope } of scopes) {
    for (const { kind, period } of measured) {
      const name = `${label} · ${kind} ${period.from}..${period.to}`;
      // The baseline, timed, and correctness at scale: the aggregate equals the naive count.
      const naiveTimes: number[] = [];
      let naive: Awaited<ReturnType<typeof naiveCounts>> | undefined;
      for (let i = 0; i < naiveRuns; i++) {
        const t = performance.now();
        naive = await naiveCounts(db, scope, period);
        naiveTimes.push(performance.now() - t);
      }
      const agg = await countsFor(db, scope, period);
      const equal = JSON.stringify(agg) === JSON.stringify(naive);
      if (!equal) log(`MISMATCH ${name}: ${JSON.stringify(agg)} vs ${JSON.stringify(naive)}`);
      const report = summarize(await time(() => indicatorReport(db, scope, kind, period, now), runs, 5));
      const ranking = summarize(await time(() => breakdown(db, scope, period, 'agency'), runs, 5));
      const trend = summarize(
        await time(() => series(db, scope, period, kind === 'year' || kind === 'custom' ? 'month' : 'day'), runs, 5),
      );
      const base = summarize(naiveTimes.sort((a, b) => a - b));
      const worst = Math.max(report.p95, ranking.p95, trend.p95);
      rows.push([
        name,
        fmt(report.p50, 1),
        fmt(report.p95, 1),
        fmt(ranking.p95, 1),
        fmt(trend.p95, 1),
        fmt(base.p50, 0),
        fmt(report.p95 / base.p50, 4),
        worst <= goalMs ? 'yes' : 'NO',
        equal ? 'yes' : 'NO',
      ]);
      results.push({ name, report, ranking, trend, naive: base, equal });
      log(
        `${name}: report p95 ${fmt(report.p95)} ms, ranking p95 ${fmt(ranking.p95)} ms, series p95 ${fmt(trend.p95)} ms; naive ${fmt(base.p50, 0)} ms`,
      );
    }
  }
  console.log(
    `\nDashboard queries at ${count.toLocaleString('en')} dossiers (${runs} runs each; naive: ${naiveRuns} runs; goal p95 ≤ ${goalMs} ms)\n`,
  );
  console.log(
    table(
      [
        'scope · period',
        'report p50 ms',
        'report p95 ms',
        'ranking p95 ms',
        'series p95 ms',
        'naive p50 ms',
        'report p95 / naive',
        'goal met',
        'equal to naive',
      ],
      rows,
    ),
  );
  if (args.has('json')) console.log(JSON.stringify(results, null, 2));
  await db.destroy();
}

main().catch(async (err) => {
  console.error(err);
  await db.destroy().catch(() => undefined);
  process.exit(1);
});
