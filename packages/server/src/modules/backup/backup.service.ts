/**
 * Backup and restore (docs/decisions/0004-backup-format.md): one gzip file of JSON lines written by
 * the application itself — every table of the `public` schema read in one snapshot, the attachment
 * blobs those rows reference, and the jobs still queued — so it needs no pg_dump (the embedded
 * PostgreSQL ships none) and restores into PostgreSQL 15…18 alike.
 *
 * File layout, one JSON value per line:
 *   1. header  {"format":"motcua-backup","version":1,"createdAt","server","migrations":[…]}
 *   2. per table: {"section":"table","name","columns":[…]} then one line per row: the row as
 *      PostgreSQL's own row_to_json text (never parsed in Node: numeric and bigint keep their digits)
 *   3. per pending job: {"section":"job","task","payload","runAt","queue","key","maxAttempts"}
 *   4. per blob: {"section":"blob","sha256","size","data":<base64>}
 *   5. trailer {"section":"end","tables","rows","jobs","blobs"} — a file without it is truncated.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { runMigrations } from 'graphile-worker';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Db } from '../../db/database.ts';
import { migrations } from '../../db/migrations/index.ts';
import { referencedBlobDigests } from '../attachments/attachments.queries.ts';
import type { LocalDiskStorage } from '../attachments/storage.ts';

export const BACKUP_FORMAT = 'motcua-backup';
export const BACKUP_VERSION = 1;
/** Kysely's own bookkeeping: restored by running the migrations, not copied. */
const SKIP_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);
const BATCH = 500;

export type BackupSummary = { tables: number; rows: number; jobs: number; blobs: number; migrations: string[] };

type TableInfo = { name: string; columns: string[] };

async function publicTables(c: pg.ClientBase): Promise<TableInfo[]> {
  const r = await c.query<{ table_name: string; columns: string[] }>(
    `SELECT c.relname::text AS table_name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      GROUP BY c.relname
      ORDER BY c.relname`,
  );
  return r.rows.filter((t) => !SKIP_TABLES.has(t.table_name)).map((t) => ({ name: t.table_name, columns: t.columns }));
}

const ident = (c: pg.ClientBase, s: string) => c.escapeIdentifier(s);

class LineWriter {
  private readonly gz = createGzip();
  private readonly done: Promise<void>;
  constructor(file: string) {
    this.done = pipeline(this.gz, fs.createWriteStream(file, { mode: 0o600 }));
  }
  async line(s: string): Promise<void> {
    if (!this.gz.write(`${s}\n`)) await new Promise((r) => this.gz.once('drain', r));
  }
  async close(): Promise<void> {
    this.gz.end();
    await this.done;
  }
}

/** Write a backup of the database at `url` and the blobs its attachments reference to `file`. */
export async function backupDatabase(url: string, storage: LocalDiskStorage, file: string): Promise<BackupSummary> {
  const c = new pg.Client({ connectionString: url, application_name: 'motcua-backup' });
  await c.connect();
  const tmp = `${file}.part`;
  const out = new LineWriter(tmp);
  const summary: BackupSummary = { tables: 0, rows: 0, jobs: 0, blobs: 0, migrations: [] };
  try {
    // One snapshot for everything: the tables agree with each other as of one moment.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const server = (await c.query<{ v: string }>('SHOW server_version')).rows[0]!.v;
    summary.migrations = (await c.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).rows.map(
      (r) => r.name,
    );
    await out.line(
      JSON.stringify({
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        server,
        migrations: summary.migrations,
      }),
    );
    const blobs = new Set<string>();
    for (const t of await publicTables(c)) {
      await out.line(JSON.stringify({ section: 'table', name: t.name, columns: t.columns }));
      summary.tables++;
      const cols = t.columns.map((x) => ident(c, x)).join(', ');
      await c.query(
        `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(x)::text AS j FROM (SELECT ${cols} FROM ${ident(c, t.name)}) x`,
      );
      for (;;) {
        const r = await c.query<{ j: string }>(`FETCH ${BATCH} FROM backup_rows`);
        for (const row of r.rows) await out.line(row.j);
        summary.rows += r.rows.length;
        if (r.rows.length < BATCH) break;
      }
      await c.query('CLOSE backup_rows');
      if (t.name === 'attachments') {
        for (const sha256 of await referencedBlobDigests(c)) blobs.add(sha256);
      }
    }
    // Jobs not yet done (the queued notification of a message already taken from the outbox).
    const hasJobs = (await c.query(`SELECT to_regclass('graphile_worker._private_jobs') AS t`)).rows[0]?.t;
    if (hasJobs) {
      const jobs = await c.query<{
        task: string;
        payload: unknown;
        run_at: Date;
        queue: string | null;
        key: string | null;
        max_attempts: number;
      }>(
        `SELECT t.identifier AS task, j.payload, j.run_at, q.queue_name AS queue, j.key, j.max_attempts
           FROM graphile_worker._private_jobs j
           JOIN graphile_worker._private_tasks t ON t.id = j.task_id
           LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
          WHERE t.identifier <> 'periodic_scans' AND (j.attempts < j.max_attempts)
          ORDER BY j.id`,
      );
      for (const j of jobs.rows) {
        await out.line(
          JSON.stringify({
            section: 'job',
            task: j.task,
            payload: j.payload,
            runAt: j.run_at.toISOString(),
            queue: j.queue,
            key: j.key,
            maxAttempts: j.max_attempts,
          }),
        );
        summary.jobs++;
      }
    }
    await c.query('COMMIT');
    for (const sha256 of [...blobs].sort()) {
      const stream = await storage.get(sha256);
      if (!stream) throw new Error(`attachment blob ${sha256} is missing from ${storage.rootDir}`);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      await out.line(JSON.stringify({ section: 'blob', sha256, size: data.length, data: data.toString('base64') }));
      summary.blobs++;
    }
    await out.line(
      JSON.stringify({
        section: 'end',
        tables: summary.tables,
        rows: summary.rows,
        jobs: summary.jobs,
        blobs: summary.blobs,
      }),
    );
    await out.close();
    fs.renameSync(tmp, file);
    return summary;
  } catch (err) {
    await out.close().catch(() => undefined);
    fs.rmSync(tmp, { force: true });
    throw err;
  } finally {
    await c.end().catch(() => undefined);
  }
}

type Header = { format: string; version: number; migrations: string[]; createdAt: string; server: string };

async function* lines(file: string): AsyncGenerator<string> {
  const rl = readline.createInterface({
    input: fs.createReadStream(file).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const l of rl) if (l.length > 0) yield l;
}

/** Read the whole file once before touching the database: a truncated or altered file is refused. */
export async function verifyBackupFile(file: string): Promise<{ rows: number; jobs: number; blobs: number }> {
  const seen = { rows: 0, jobs: 0, blobs: 0 };
  let trailer: Record<string, unknown> | null = null;
  let first = true;
  for await (const l of lines(file)) {
    if (first) {
      first = false;
      continue;
    }
    if (trailer) throw new Error(`${file} has data after its trailer`);
    if (!l.startsWith('{"section":')) {
      seen.rows++;
      continue;
    }
    const s = JSON.parse(l) as { section: string } & Record<string, unknown>;
    if (s.section === 'job') seen.jobs++;
    else if (s.section === 'blob') seen.blobs++;
    else if (s.section === 'end') trailer = s;
  }
  if (!trailer) throw new Error(`${file} is truncated (no trailer)`);
  if (trailer.rows !== seen.rows || trailer.jobs !== seen.jobs || trailer.blobs !== seen.blobs)
    throw new Error(`${file} is inconsistent: its counts differ from its trailer`);
  return seen;
}

/**
 * Restore a backup into an empty database: migrations up to the backup's, the rows in place of
 * whatever the migrations inserted (triggers and
 * foreign keys off while loading, as pg_restore does), sequences past the restored ids, the queued
 * jobs, the blobs; then the migrations newer than the backup. All rows in one transaction.
 */
export async function restoreDatabase(
  db: Db,
  url: string,
  storage: LocalDiskStorage,
  file: string,
): Promise<BackupSummary & { applied: string[] }> {
  const it = lines(file)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new Error(`${file} is empty`);
  const header = JSON.parse(first.value) as Header;
  if (header.format !== BACKUP_FORMAT || header.version !== BACKUP_VERSION)
    throw new Error(`${file} is not a motcua backup (format ${header.format} ${header.version})`);
  await verifyBackupFile(file);
  const known = new Set(Object.keys(migrations));
  const unknown = header.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new Error(`the backup comes from a newer motcua (migrations ${unknown.join(', ')})`);

  const present = await sql<{ n: string }>`
    SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'kysely_migration%'`.execute(db);
  if (Number(present.rows[0]?.n) > 0) throw new Error('restore needs an empty database (this one has tables)');
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const last = header.migrations.at(-1);
  if (last) {
    const r = await migrator.migrateTo(last);
    if (r.error) throw r.error;
  }

  const c = new pg.Client({ connectionString: url, application_name: 'motcua-restore' });
  await c.connect();
  const summary: BackupSummary = { tables: 0, rows: 0, jobs: 0, blobs: 0, migrations: header.migrations };
  const jobs: Record<string, unknown>[] = [];
  let ended = false;
  try {
    await c.query('BEGIN');
    // Rows go in as they were: no trigger rewrites them, no foreign key orders the tables.
    await c.query(`SET LOCAL session_replication_role = replica`);
    const tables = new Map((await publicTables(c)).map((t) => [t.name, t]));
    // Migrations may insert reference rows (calendar revision…): the backup's rows replace them.
    for (const t of tables.keys()) await c.query(`DELETE FROM ${ident(c, t)}`);
    let table: TableInfo | null = null;
    let batch: string[] = [];
    const flush = async () => {
      if (!table || batch.length === 0) return;
      const cols = table.columns.map((x) => ident(c, x)).join(', ');
      await c.query(
        `INSERT INTO ${ident(c, table.name)} (${cols}) OVERRIDING SYSTEM VALUE
         SELECT ${cols} FROM json_populate_recordset(NULL::${ident(c, table.name)}, $1::json)`,
        [`[${batch.join(',')}]`],
      );
      summary.rows += batch.length;
      batch = [];
    };
    for (let n = await it.next(); !n.done; n = await it.next()) {
      const l = n.value;
      if (!l.startsWith('{"section":')) {
        if (!table) throw new Error('row outside a table section');
        batch.push(l);
        if (batch.length >= BATCH) await flush();
        continue;
      }
      await flush();
      const s = JSON.parse(l) as { section: string } & Record<string, unknown>;
      if (s.section === 'table') {
        const t = tables.get(s.name as string);
        if (!t) throw new Error(`table ${String(s.name)} of the backup does not exist`);
        const cols = s.columns as string[];
        const missing = cols.filter((x) => !t.columns.includes(x));
        if (missing.length) throw new Error(`table ${t.name} lacks columns ${missing.join(', ')}`);
        table = { name: t.name, columns: cols };
        summary.tables++;
      } else if (s.section === 'job') {
        table = null;
        jobs.push(s);
      } else if (s.section === 'blob') {
        table = null;
        const data = Buffer.from(s.data as string, 'base64');
        const put = await storage.put(data);
        if (put.sha256 !== s.sha256) throw new Error(`blob ${String(s.sha256)} is corrupt`);
        summary.blobs++;
      } else if (s.section === 'end') {
        if (s.rows !== summary.rows || s.blobs !== summary.blobs || s.jobs !== jobs.length)
          throw new Error('the backup is inconsistent: counts differ from its trailer');
        ended = true;
      } else if (s.section.length > 0) {
        throw new Error(`unknown section ${s.section}`);
      }
    }
    if (!ended) throw new Error(`${file} is truncated (no trailer)`);
    // Identity columns continue after the restored ids.
    const seqs = await c.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`,
    );
    for (const s of seqs.rows) {
      const t = ident(c, s.table_name);
      const col = ident(c, s.column_name);
      await c.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max(${col}) FROM ${t}), 1), (SELECT max(${col}) FROM ${t}) IS NOT NULL)`,
        [`public.${t}`, s.column_name],
      );
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end().catch(() => undefined);
  }
  if (jobs.length > 0) {
    await runMigrations({ connectionString: url });
    for (const j of jobs) {
      await sql`SELECT graphile_worker.add_job(${j.task as string}, ${JSON.stringify(j.payload)}::json,
        queue_name => ${(j.queue as string | null) ?? null}, run_at => ${j.runAt as string}::timestamptz,
        max_attempts => ${j.maxAttempts as number}, job_key => ${(j.key as string | null) ?? null})`.execute(db);
    }
    summary.jobs = jobs.length;
  }
  const after = await migrator.migrateToLatest();
  if (after.error) throw after.error;
  const applied = (after.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  return { ...summary, applied };
}
