/**
 * A real streaming replica (issue 16, docs/operations.md "Reads from a streaming replica"): the
 * replay lag while writes run on the primary, the read router's decision on that lag, and the
 * dashboard's indicator queries timed on the primary and on the replica.
 *
 *   node bench/replica.ts [--count 100000] [--runs 30] [--write-seconds 20] [--clients 4] [--keep]
 *
 * Everything runs in a temporary directory on free loopback ports and is removed at the end: a
 * primary of its own (initdb, wal_level=replica, local replication allowed in its pg_hba.conf —
 * the machine's PostgreSQL is not touched and need not allow replication), migrated, demo-seeded
 * and filled with `--count` generated dossiers (bench/seed-dossiers.ts); then the replica, made
 * with `pg_basebackup -R -X stream` and started as a hot standby. Writes: pgbench (TPC-B-like) on
 * a database of the primary, `--clients` connections for `--write-seconds`. As root, the
 * PostgreSQL programs run as the `postgres` user (runuser). PG_BIN: default
 * /usr/lib/postgresql/15/bin.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localDateOf } from '@motcua/core';
import { sql } from 'kysely';
import { createDb, type Db } from '../packages/server/src/db/database.ts';
import {
  breakdown,
  indicatorReport,
  periodOf,
  type Scope,
} from '../packages/server/src/modules/indicators/indicators.service.ts';
import { ReadRouter, replicaLag } from '../packages/server/src/shared/read-replica.ts';
import { freePort } from '../packages/server/test/process-utils.ts';
import { fmt, log, numOpt, parseArgs, sleep, summarize, table } from './lib/common.ts';

const args = parseArgs();
const count = numOpt(args, 'count', null, 100_000);
const runs = numOpt(args, 'runs', null, 30);
const writeSeconds = numOpt(args, 'write-seconds', null, 20);
const clients = numOpt(args, 'clients', null, 4);
const keep = args.has('keep');
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

/** A PostgreSQL program, as the postgres user when we are root. */
function pgCmd(prog: string, argv: string[]): [string, string[]] {
  const bin = path.join(PG_BIN, prog);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...argv]] : [bin, argv];
}
function pgRun(prog: string, argv: string[]): void {
  const [cmd, a] = pgCmd(prog, argv);
  execFileSync(cmd, a, { stdio: ['ignore', 'ignore', 'inherit'] });
}

type Cluster = { dir: string; port: number; started: boolean };

function start(c: Cluster): void {
  pgRun('pg_ctl', [
    '-D',
    c.dir,
    '-l',
    `${c.dir}.log`,
    '-w',
    '-t',
    '120',
    '-o',
    `-p ${c.port} -k ${path.dirname(c.dir)}`,
    'start',
  ]);
  c.started = true;
}
function stop(c: Cluster): void {
  if (!c.started) return;
  try {
    pgRun('pg_ctl', ['-D', c.dir, '-m', 'fast', '-w', 'stop']);
  } catch (err) {
    log(`pg_ctl stop ${c.dir}: ${(err as Error).message}`);
  }
  c.started = false;
}

/** Time `fn` `n` times after a short warm-up; sorted milliseconds. */
async function time(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-replica-'));
  if (asRoot) execFileSync('chown', ['postgres', work]);
  const primary: Cluster = { dir: path.join(work, 'primary'), port: await freePort(), started: false };
  const replica: Cluster = { dir: path.join(work, 'replica'), port: await freePort(), started: false };
  const cleanup = () => {
    stop(replica);
    stop(primary);
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const dbs: Db[] = [];
  try {
    log(`work dir ${work}; primary :${primary.port}, replica :${replica.port}`);
    pgRun('initdb', ['-D', primary.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    fs.appendFileSync(
      path.join(primary.dir, 'postgresql.conf'),
      "\nwal_level = replica\nmax_wal_senders = 4\nlisten_addresses = '127.0.0.1'\nshared_buffers = 256MB\nfsync = off\n",
    );
    // initdb's pg_hba.conf already allows local replication with trust; loopback too, to be sure.
    fs.appendFileSync(path.join(primary.dir, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
    start(primary);
    const server = `postgres://postgres@127.0.0.1:${primary.port}`;
    const url = `${server}/motcua`;
    execFileSync(path.join(PG_BIN, 'createdb'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      'motcua',
    ]);
    log(`seeding ${count.toLocaleString('en')} dossiers on the primary …`);
    const t0 = performance.now();
    execFileSync(process.execPath, ['bench/seed-dossiers.ts', '--db', url, '--count', String(count)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    log(`seeded in ${fmt((performance.now() - t0) / 1000)} s`);
    const pgbenchDb = 'pgbench';
    execFileSync(path.join(PG_BIN, 'createdb'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      pgbenchDb,
    ]);
    execFileSync(
      path.join(PG_BIN, 'pgbench'),
      ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-i', '-s', '5', '-q', pgbenchDb],
      {
        stdio: 'ignore',
      },
    );

    const tb = performance.now();
    pgRun('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      replica.dir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    log(`pg_basebackup -R in ${fmt((performance.now() - tb) / 1000)} s`);
    start(replica);
    const readUrl = `postgres://postgres@127.0.0.1:${replica.port}/motcua`;
    const pdb = createDb(url, 4);
    const rdb = createDb(readUrl, 4, 2_000);
    dbs.push(pdb, rdb);
    const inRecovery = (await sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`.execute(rdb)).rows[0]!.r;
    if (!inRecovery) throw new Error('the replica is not in recovery');
    for (let i = 0; i < 100 && (await replicaLag(rdb)) !== 0; i++) await sleep(100);
    log(`replica streaming; idle lag ${await replicaLag(rdb)} s`);

    // The dashboard's queries: the province over the year and over the month, and the ranking.
    const province = await pdb
      .selectFrom('agencies')
      .select('path')
      .where('parent_id', 'is', null)
      .executeTakeFirstOrThrow();
    const scope: Scope = { agencyPath: province.path };
    const today = localDateOf(new Date());
    const year = periodOf('year', today);
    const month = periodOf('month', today);
    const now = new Date();
    const queries: [string, (db: Db) => Promise<unknown>][] = [
      ['indicator report, province, year', (db) => indicatorReport(db, scope, 'year', year, now)],
      ['indicator report, province, month', (db) => indicatorReport(db, scope, 'month', month, now)],
      ['ranking of agencies, year', (db) => breakdown(db, scope, year, 'agency')],
    ];
    for (const [name, q] of queries) {
      const same = JSON.stringify(await q(pdb)) === JSON.stringify(await q(rdb));
      if (!same) log(`MISMATCH between primary and replica: ${name}`);
    }
    const rows: (string | number)[][] = [];
    const timeAll = async (label: string) => {
      for (const [name, q] of queries) {
        const p = summarize(await time(() => q(pdb), runs));
        const r = summarize(await time(() => q(rdb), runs));
        rows.push([`${name} (${label})`, fmt(p.p50), fmt(p.p95), fmt(r.p50), fmt(r.p95), fmt(r.p50 / p.p50, 2)]);
      }
    };
    await timeAll('idle');

    // Writes on the primary; the lag sampled every 100 ms, as the router sees it and as the primary does.
    const router = new ReadRouter({ primary: pdb, replica: rdb, maxLagSeconds: 30, checkEveryMs: 0 });
    const pbCmd = path.join(PG_BIN, 'pgbench');
    const pbArgs = (seconds: number) =>
      ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-n', pgbenchDb].concat([
        '-c',
        String(clients),
        '-j',
        '2',
        '-T',
        String(seconds),
      ]);
    const writer = spawn(pbCmd, pbArgs(writeSeconds), { stdio: ['ignore', 'pipe', 'inherit'] });
    let pgbenchOut = '';
    writer.stdout.on('data', (d) => {
      pgbenchOut += String(d);
    });
    const done = new Promise<void>((resolve) => writer.on('exit', () => resolve()));
    let writing = true;
    void done.then(() => {
      writing = false;
    });
    const lags: number[] = [];
    const bytes: number[] = [];
    const primarySide: number[] = [];
    let onReplica = 0;
    let samples = 0;
    const sampler = (async () => {
      while (writing) {
        const lag = await replicaLag(rdb);
        lags.push(Number.isFinite(lag) ? lag : 1e9);
        const s = (
          await sql<{ b: string | null; l: number | null }>`
            SELECT pg_wal_lsn_diff(sent_lsn, replay_lsn)::text AS b, extract(epoch FROM replay_lag)::float8 AS l
            FROM pg_stat_replication LIMIT 1`.execute(pdb)
        ).rows[0];
        bytes.push(Number(s?.b ?? 0));
        primarySide.push(Number(s?.l ?? 0));
        samples++;
        if ((await router.pick()) === rdb) onReplica++;
        await sleep(100);
      }
    })();
    await sleep(1_000);
    await timeAll('under writes');
    await done;
    await sampler;
    const tps = /tps = ([\d.]+)/.exec(pgbenchOut)?.[1] ?? '?';
    for (let i = 0; i < 100 && (await replicaLag(rdb)) !== 0; i++) await sleep(100);
    const after = await replicaLag(rdb);

    // The bound: replay paused on the replica while the primary writes; a 1 s bound sends reads
    // to the primary, and back to the replica once it has caught up.
    const strict = new ReadRouter({ primary: pdb, replica: rdb, maxLagSeconds: 1, checkEveryMs: 0 });
    const where = async () => ((await strict.pick()) === rdb ? 'replica' : 'primary');
    await sql`SELECT pg_wal_replay_pause()`.execute(rdb);
    execFileSync(pbCmd, pbArgs(3), { stdio: 'ignore' });
    await sleep(500);
    const paused = { lag: await replicaLag(rdb), on: await where() };
    await sql`SELECT pg_wal_replay_resume()`.execute(rdb);
    for (let i = 0; i < 100 && (await replicaLag(rdb)) !== 0; i++) await sleep(100);
    const resumed = { lag: await replicaLag(rdb), on: await where() };

    const L = summarize([...lags].sort((a, b) => a - b));
    const B = summarize([...bytes].sort((a, b) => a - b));
    const P = summarize([...primarySide].sort((a, b) => a - b));
    console.log(
      `\nStreaming replica (PostgreSQL ${(await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(pdb)).rows[0]!.v}, ${count.toLocaleString('en')} dossiers)\n`,
    );
    console.log(`writes: pgbench TPC-B-like, ${clients} clients, ${writeSeconds} s, ${tps} tps on the primary`);
    console.log(
      `replay lag during writes (${samples} samples every ~100 ms): router's rule p50 ${fmt(L.p50, 3)} s, p95 ${fmt(L.p95, 3)} s, max ${fmt(Math.max(...lags), 3)} s; ` +
        `pg_stat_replication.replay_lag p50 ${fmt(P.p50, 3)} s, p95 ${fmt(P.p95, 3)} s; bytes behind p50 ${fmt(B.p50, 0)}, p95 ${fmt(B.p95, 0)}`,
    );
    console.log(
      `reads routed to the replica during writes (bound 30 s): ${onReplica}/${samples}; lag after the writes: ${after} s\n`,
    );
    console.log(
      `bound 1 s, replay paused for 3 s of writes: lag ${fmt(paused.lag, 2)} s → reads on the ${paused.on}; resumed: lag ${fmt(resumed.lag, 2)} s → reads on the ${resumed.on}\n`,
    );
    console.log(
      table(['query', 'primary p50 ms', 'primary p95', 'replica p50 ms', 'replica p95', 'replica/primary p50'], rows),
    );
  } finally {
    for (const db of dbs) await db.destroy().catch(() => undefined);
    cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
