/**
 * Work-queue latency on the seeded database (bench/seed-dossiers.ts, 1 M dossiers): p50/p95/p99
 * over `--runs` calls of listDossiers (dossier.queues.ts) — an officer's `mine` and
 * `unit_unclaimed`, a commune leader's and a department leader's `unit`, `due_soon` and `overdue`
 * — and of the public lookup by code. Baseline in the same run: the same calls on connections
 * where the planner may not use indexes (enable_indexscan / enable_bitmapscan /
 * enable_indexonlyscan off: the naive sequential-scan plan), fewer runs since each is slow.
 * A queue whose p95 misses the goal gets its statements explained (EXPLAIN (ANALYZE, BUFFERS)).
 *
 *   node bench/queues.ts --db postgres://postgres@127.0.0.1:5432/motcua_bench --runs 200 --naive-runs 10
 */
import { type Actor, lookupSecretsEqual, type WorkCalendar } from '@motcua/core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Db } from '../packages/server/src/db/database.ts';
import type { Database } from '../packages/server/src/db/schema.ts';
import { escapeLike } from '../packages/server/src/modules/dossiers/dossier.access.ts';
import { calendarFor } from '../packages/server/src/modules/dossiers/dossier.decide.ts';
import { listDossiers, type Queue } from '../packages/server/src/modules/dossiers/dossier.queues.ts';
import { publicLookupView } from '../packages/server/src/modules/dossiers/dossier.views.ts';
import {
  DEFAULT_SERVER_URL,
  databaseOf,
  fmt,
  log,
  numOpt,
  opt,
  parseArgs,
  serverVersion,
  summarize,
  table,
  withDatabase,
} from './lib/common.ts';
import { loadWorld, type OfficerInfo, officerActor, type World } from './lib/world.ts';

type Captured = { sql: string; parameters: readonly unknown[] };

/** A Kysely like createDb's, remembering the statements it ran (for EXPLAIN). */
function instrumentedDb(url: string, max: number, sink: { last: Captured[] } | null): Db {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'motcua-bench-queues' });
  pool.on('error', () => undefined);
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: sink
      ? (event) => {
          if (event.level === 'query') sink.last.push({ sql: event.query.sql, parameters: event.query.parameters });
        }
      : undefined,
  });
}

function naiveUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', '-c enable_indexscan=off -c enable_bitmapscan=off -c enable_indexonlyscan=off');
  return u.toString();
}

type Case = {
  name: string;
  who: string;
  /** dossiers the query matches (the `total` of the first page) */
  total?: number;
  run: (db: Db, i: number) => Promise<number>;
  /** the recommended rewrite (docs/performance.md), measured with --proposed */
  proposed?: (pool: pg.Pool) => Promise<number>;
};

const OPEN_SQL = `('received','processing','supplement_requested','fee_requested','withdrawal_requested')`;

/**
 * The recommended indexes (docs/performance.md), created only for the --proposed measurement and
 * dropped afterwards (names prefixed bench_ so they cannot collide with the project's own).
 */
const PROPOSED_INDEXES = [
  `CREATE INDEX bench_dossiers_coordinator_queue ON dossiers USING gin (coordinator_ids) WHERE status = 'processing'`,
  `CREATE INDEX bench_dossiers_overdue_step ON dossiers (step_agency_id, step_due)
     WHERE status IN ${OPEN_SQL} AND paused_since IS NULL`,
  `CREATE INDEX bench_dossiers_overdue_due ON dossiers (receiving_agency_id, due)
     WHERE status IN ${OPEN_SQL} AND paused_since IS NULL`,
];
const PROPOSED_INDEX_NAMES = [
  'bench_dossiers_coordinator_queue',
  'bench_dossiers_overdue_step',
  'bench_dossiers_overdue_due',
];

const PAGE_COLUMNS = `id, code, procedure_name, applicant_name, status, sub_status, flags, current_step, step_agency_id,
  main_assignee_id, step_due, due, submitted_at, channel, version, state`;

/**
 * The recommended shape of a queue: count + first page (as listDossiers), the filter alone — no
 * visibility clause, which the queue filters imply (dossier_agencies holds every receiving, step and
 * consulted agency of a dossier; `mine` names the officer as an assignee).
 */
function proposedQuery(rows: string, pageSize: number) {
  return async (pool: pg.Pool, params: unknown[]): Promise<number> => {
    const count = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM (${rows}) x`, params);
    await pool.query(
      `SELECT x.*, (SELECT name FROM agencies WHERE agencies.id = x.step_agency_id) AS step_agency_name
         FROM (${rows}) x ORDER BY coalesce(x.step_due, x.due) ASC NULLS LAST, x.id LIMIT ${pageSize}`,
      params,
    );
    return Number(count.rows[0]!.n);
  };
}

const SUBTREE = (n: number) => `(SELECT id FROM agencies WHERE path LIKE $${n})`;

const PROPOSED_SQL = {
  mine: `SELECT ${PAGE_COLUMNS} FROM dossiers
          WHERE status = 'processing' AND (main_assignee_id = $1 OR coordinator_ids @> ARRAY[$1::uuid])`,
  unit: `SELECT ${PAGE_COLUMNS} FROM dossiers
          WHERE status IN ('processing','received') AND step_agency_id IN ${SUBTREE(1)}`,
  overdue: `SELECT ${PAGE_COLUMNS} FROM dossiers
             WHERE status IN ${OPEN_SQL} AND paused_since IS NULL
               AND step_due < $2 AND step_agency_id IN ${SUBTREE(1)}
            UNION ALL
            SELECT ${PAGE_COLUMNS} FROM dossiers
             WHERE status IN ${OPEN_SQL} AND paused_since IS NULL
               AND due < $2 AND receiving_agency_id IN ${SUBTREE(1)}
               AND NOT coalesce(step_due < $2 AND step_agency_id IN ${SUBTREE(1)}, false)`,
};

async function measure(run: (i: number) => Promise<unknown>, runs: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run(i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run(warmup + i);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs();
  const url = opt(args, 'db', 'BENCH_DATABASE_URL', withDatabase(DEFAULT_SERVER_URL, 'motcua_bench'));
  const runs = numOpt(args, 'runs', 'BENCH_QUEUE_RUNS', 200);
  const naiveRuns = numOpt(args, 'naive-runs', 'BENCH_NAIVE_RUNS', 10);
  const warmup = numOpt(args, 'warmup', null, 10);
  const pageSize = numOpt(args, 'page-size', null, 20);
  const goal = numOpt(args, 'goal-ms', null, 30);
  const explainAll = args.has('explain-all');
  const withProposed = args.has('proposed');

  log(`queue benchmark on ${databaseOf(url)} — ${await serverVersion(withDatabase(url, 'postgres'))}`);
  const captured = { last: [] as Captured[] };
  const db = instrumentedDb(url, 2, captured);
  const naive = instrumentedDb(naiveUrl(url), 2, null);
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  try {
    const size = await raw.query<{ n: string }>('SELECT count(*) AS n FROM dossiers');
    const dossierCount = Number(size.rows[0]!.n);
    log(`${dossierCount.toLocaleString('en')} dossiers`);
    const world = await loadWorld(db);
    const calendar = await calendarFor(db, world.province.id);
    const now = new Date();
    const actors = await chooseActors(raw, world);
    for (const [role, o] of Object.entries(actors)) log(`  ${role}: ${o.username} (${o.agency.name})`);

    const list = (actor: Actor, queue: Queue) => async (d: Db) =>
      (await listDossiers(d, actor, { queue, page: 1, pageSize }, calendar, now)).total;
    const prefix = (o: OfficerInfo) => `${escapeLike(o.agency.path)}%`;
    const proposed = (text: string, params: unknown[]) => (pool: pg.Pool) =>
      proposedQuery(text, pageSize)(pool, params);
    const cases: Case[] = [
      {
        name: 'mine',
        who: 'officer',
        run: list(officerActor(actors.officer), 'mine'),
        proposed: proposed(PROPOSED_SQL.mine, [actors.officer.id]),
      },
      {
        name: 'unit_unclaimed',
        who: 'officer',
        run: list(officerActor(actors.unclaimedOfficer), 'unit_unclaimed'),
      },
    ];
    for (const [who, leader] of [
      ['commune leader', actors.communeLeader],
      ['department leader', actors.departmentLeader],
    ] as const) {
      for (const q of ['unit', 'due_soon', 'overdue'] as const) {
        const rewrite =
          q === 'unit'
            ? proposed(PROPOSED_SQL.unit, [prefix(leader)])
            : q === 'overdue'
              ? proposed(PROPOSED_SQL.overdue, [prefix(leader), now])
              : undefined;
        cases.push({ name: q, who, run: list(officerActor(leader), q), ...(rewrite ? { proposed: rewrite } : {}) });
      }
    }
    const codes = (
      await raw.query<{ code: string; lookup_secret: string }>(
        'SELECT code, lookup_secret FROM dossiers TABLESAMPLE SYSTEM (1) LIMIT 2000',
      )
    ).rows;
    cases.push({
      name: 'public lookup by code',
      who: 'anyone',
      run: async (d, i) => lookup(d, calendar, codes[i % codes.length]!),
    });

    const only = args.get('only')?.split(',');
    const selected = cases.filter((x) => !only || only.some((o) => `${x.who}: ${x.name}`.includes(o)));
    const rows: (string | number)[][] = [];
    const slow: Case[] = [];
    for (const c of selected) {
      c.total = await c.run(db, 0);
      const fast = summarize(await measure((i) => c.run(db, i), runs, warmup));
      const base = summarize(await measure((i) => c.run(naive, i), naiveRuns, 1));
      log(
        `${c.who} ${c.name} (${c.total} matching): p50 ${fmt(fast.p50, 2)} p95 ${fmt(fast.p95, 2)} ms; ` +
          `naive p50 ${fmt(base.p50, 1)} p95 ${fmt(base.p95, 1)} ms`,
      );
      rows.push([
        `${c.who}: ${c.name}`,
        c.total,
        fmt(fast.p50, 2),
        fmt(fast.p95, 2),
        fmt(fast.p99, 2),
        fmt(base.p50, 1),
        fmt(base.p95, 1),
        `${fmt(base.p50 / fast.p50, 0)}×`,
        fast.p95 <= goal ? 'yes' : 'NO',
      ]);
      if (fast.p95 > goal || explainAll) slow.push(c);
    }

    // The recommended rewrites, with the recommended indexes (created for the measurement, then dropped).
    const proposedRows: (string | number)[][] = [];
    if (withProposed) {
      const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'motcua-bench-queues' });
      try {
        for (const name of PROPOSED_INDEX_NAMES) await raw.query(`DROP INDEX IF EXISTS ${name}`);
        const t = Date.now();
        for (const ddl of PROPOSED_INDEXES) await raw.query(ddl);
        log(`proposed indexes created in ${fmt((Date.now() - t) / 1000)} s`);
        for (const c of selected.filter((x) => x.proposed)) {
          const total = await c.proposed!(pool);
          if (total !== c.total)
            throw new Error(`${c.who} ${c.name}: the rewrite counts ${total}, the queue ${c.total}`);
          const p = summarize(await measure(() => c.proposed!(pool), runs, warmup));
          const current = rows.find((r) => r[0] === `${c.who}: ${c.name}`)!;
          log(`${c.who} ${c.name} proposed: p50 ${fmt(p.p50, 2)} p95 ${fmt(p.p95, 2)} ms (same ${total} dossiers)`);
          proposedRows.push([
            `${c.who}: ${c.name}`,
            total,
            `${current[2]} / ${current[3]}`,
            `${fmt(p.p50, 2)} / ${fmt(p.p95, 2)}`,
            fmt(p.p99, 2),
            p.p95 <= goal ? 'yes' : 'NO',
          ]);
        }
      } finally {
        for (const name of PROPOSED_INDEX_NAMES) await raw.query(`DROP INDEX IF EXISTS ${name}`);
        await pool.end();
      }
    }
    console.log(
      `\nQueue latency, ${dossierCount.toLocaleString('en')} dossiers, page size ${pageSize}, ${runs} runs ` +
        `(naive: ${naiveRuns}); ms; speed-up = naive p50 / indexed p50\n`,
    );
    console.log(
      table(['query', 'matching', 'p50', 'p95', 'p99', 'naive p50', 'naive p95', 'speed-up', `p95 ≤ ${goal} ms`], rows),
    );
    if (proposedRows.length) {
      console.log('\nRecommended rewrites with the recommended indexes (docs/performance.md); ms\n');
      console.log(
        table(
          ['query', 'matching', 'now p50 / p95', 'rewrite p50 / p95', 'rewrite p99', `p95 ≤ ${goal} ms`],
          proposedRows,
        ),
      );
    }

    for (const c of slow) {
      console.log(`\n--- ${c.who}: ${c.name} — EXPLAIN (ANALYZE, BUFFERS) of its statements\n`);
      captured.last = [];
      await c.run(db, 0);
      for (const q of captured.last) {
        const plan = await raw.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.parameters as unknown[]);
        console.log(q.sql.replace(/\s+/g, ' '));
        console.log(`params: ${JSON.stringify(q.parameters)}`);
        console.log(plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));
        console.log();
      }
    }
  } finally {
    await raw.end();
    await db.destroy();
    await naive.destroy();
  }
}

/** GET /lookup: the row by code, the secret compared, the public view (dossier.routes.ts). */
async function lookup(db: Db, calendar: WorkCalendar, r: { code: string; lookup_secret: string }): Promise<number> {
  const row = await db.selectFrom('dossiers').selectAll().where('code', '=', r.code).executeTakeFirst();
  if (!row || !lookupSecretsEqual(r.lookup_secret, row.lookup_secret)) throw new Error(`lookup failed for ${r.code}`);
  await publicLookupView(db, row, calendar, new Date());
  return 1;
}

/**
 * Actors with realistic amounts of work: the officer at the 90th percentile of open assigned
 * dossiers; an officer of the unit with most unclaimed steps at the 90th percentile; the leader of
 * the busiest commune; the leader of the department with most open steps in its subtree.
 */
async function chooseActors(c: pg.Client, world: World) {
  const byId = new Map([...world.officerByUsername.values()].map((o) => [o.id, o]));
  const p90 = <T>(list: T[]) => list[Math.floor(list.length * 0.1)]!;
  const mine = await c.query<{ id: string; n: string }>(
    `SELECT main_assignee_id AS id, count(*) AS n FROM dossiers
      WHERE status = 'processing' AND main_assignee_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC`,
  );
  const officer = byId.get(p90(mine.rows.filter((r) => byId.get(r.id)?.roles.includes('officer'))).id)!;
  const unclaimed = await c.query<{ id: string; n: string }>(
    `SELECT step_agency_id AS id, count(*) AS n FROM dossiers
      WHERE status = 'processing' AND main_assignee_id IS NULL AND step_role = 'officer' GROUP BY 1 ORDER BY 2 DESC`,
  );
  const unclaimedAgency = p90(unclaimed.rows).id;
  const unclaimedOfficer = world.officers(unclaimedAgency, 'officer')[0]!;
  const open = await c.query<{ id: string; n: string }>(
    `SELECT step_agency_id AS id, count(*) AS n FROM dossiers WHERE status IN ('processing','received') GROUP BY 1
      ORDER BY 2 DESC`,
  );
  const openBy = new Map(open.rows.map((r) => [r.id, Number(r.n)]));
  const subtree = (path: string) =>
    world.agencies.filter((a) => a.path.startsWith(path)).reduce((s, a) => s + (openBy.get(a.id) ?? 0), 0);
  const busiest = (level: string) =>
    world.agencies
      .filter((a) => a.level === level && world.officers(a.id, 'leader').length > 0)
      .sort((a, b) => subtree(b.path) - subtree(a.path))[0]!;
  const commune = busiest('commune');
  const department = busiest('department');
  const pickLeader = (agencyId: string): OfficerInfo => world.officers(agencyId, 'leader')[0]!;
  return {
    officer,
    unclaimedOfficer,
    communeLeader: pickLeader(commune.id),
    departmentLeader: pickLeader(department.id),
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
