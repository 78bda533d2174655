import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runMigrations } from 'graphile-worker';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT_DIR } from '../../src/config.ts';
import { createDb, type Db } from '../../src/db/database.ts';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import { draftWithMandatoryFiles } from '../apply-helpers.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from '../helpers.ts';
import { mandatoryChecklist } from '../reception-helpers.ts';
import { checkInvariants, tempDir } from './harness.ts';
import { landProcedure } from './scenarios.ts';

/**
 * `motcua backup` then `motcua restore` into an empty database and an empty data directory: every
 * table's rows, the attachment files and the audit chain come back as they were.
 */
const run = promisify(execFile);
const CLI = path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs');

let app: TestApp;
let db: Db;
let url: string;
const srcDir = tempDir('backup-src');
const fileIds: string[] = [];

async function emptyDatabase(): Promise<{ url: string; db: Db }> {
  const adminUrl = inject('adminUrl');
  const name = `motcua_t_${inject('runTag')}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const dbx = createDb(u.toString(), 2);
  afterAll(async () => {
    await dbx.destroy();
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });
  return { url: u.toString(), db: dbx };
}

/** Row count and checksum of every public table (generated columns included). */
async function fingerprint(x: Db): Promise<Record<string, string>> {
  const tables = await sql<{ relname: string }>`
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'kysely_migration%' ORDER BY 1`.execute(x);
  const out: Record<string, string> = {};
  for (const { relname } of tables.rows) {
    const r = await sql<{ n: string; h: string | null }>`
      SELECT count(*) AS n, md5(string_agg(row_to_json(t)::text, E'\n' ORDER BY row_to_json(t)::text)) AS h
        FROM ${sql.table(relname)} t`.execute(x);
    out[relname] = `${r.rows[0]!.n}:${r.rows[0]!.h}`;
  }
  return out;
}

async function upload(dossierId: string, who: Awaited<ReturnType<typeof sessionFor>>, bytes: Buffer, name: string) {
  const form = new FormData();
  // A scan the counter adds to the dossier (results now come only from the step's handler).
  form.append('slot', 'scan');
  form.append('kind', 'document');
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  const req = new Request('http://x/', { method: 'POST', body: form });
  const r = await app.inject({
    method: 'POST',
    url: `/api/v1/dossiers/${dossierId}/attachments`,
    headers: { ...who.headers, 'content-type': req.headers.get('content-type')! },
    payload: Buffer.from(await req.arrayBuffer()),
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

beforeAll(async () => {
  ({ app, db, url } = await startTestApp({ dataDir: srcDir }));
  const { procedureId, communeId, formData } = await landProcedure(db);
  const citizen = await sessionFor(db, DEMO.citizen);
  const receptionist = await sessionFor(db, DEMO.receptionist);
  for (let i = 0; i < 3; i++) {
    const s = await app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers: { ...citizen.headers, 'idempotency-key': randomUUID() },
      payload: {
        procedureId,
        formData,
        applicant: { residenceCommuneId: communeId, address: `${i} Lê Duẩn` },
        draftId: await draftWithMandatoryFiles(app, db, citizen, procedureId),
      },
    });
    expect(s.statusCode, s.body).toBe(201);
    const { id, version } = s.json();
    const r = await app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${id}/actions`,
      headers: { ...receptionist.headers, 'idempotency-key': randomUUID() },
      payload: { type: 'receive', version, checklist: await mandatoryChecklist(db, id) },
    });
    expect(r.statusCode, r.body).toBe(200);
    const pdf = Buffer.from(`%PDF-1.4\n% dossier ${i} ${randomUUID()}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
    fileIds.push(await upload(id, receptionist, pdf, `Kết quả ${i}.pdf`));
  }
  // A job still queued when the backup is taken (its outbox row is already published).
  await runMigrations({ connectionString: url });
  await sql`SELECT graphile_worker.add_job('notify_applicant', '{"outboxId":"0"}'::json, job_key => 'backup-test')`.execute(
    db,
  );
}, 120_000);

describe('backup and restore', () => {
  it('restores into an empty database: rows, files, queued jobs and the audit chain intact', async () => {
    const file = path.join(tempDir('backup-file'), 'motcua.backup.gz');
    const env = { ...process.env, DATABASE_URL: url, MOTCUA_DATA_DIR: srcDir };
    const b = await run(process.execPath, [CLI, 'backup', file], { env });
    // 4 files: the 3 results and the application form the citizen attached to each dossier (the
    // same bytes three times, stored once).
    expect(b.stdout).toMatch(/backup written to .*: \d+ tables, \d+ rows, 1 queued jobs, 4 files/);

    const target = await emptyDatabase();
    const dstDir = tempDir('backup-dst');
    const r = await run(process.execPath, [CLI, 'restore', file], {
      env: { ...process.env, DATABASE_URL: target.url, MOTCUA_DATA_DIR: dstDir },
    });
    expect(r.stdout).toMatch(/restored \d+ tables, \d+ rows, 1 queued jobs, 4 files/);

    expect(await fingerprint(target.db)).toEqual(await fingerprint(db));
    expect((await verifyAuditChain(target.db)).ok).toBe(true);
    expect(await checkInvariants(target.db)).toEqual([]);
    const files = await target.db.selectFrom('attachments').select(['id', 'sha256']).execute();
    expect(files.map((f) => f.id).sort()).toEqual(expect.arrayContaining([...fileIds].sort()));
    for (const f of files) {
      const p = path.join(dstDir, 'files', f.sha256.slice(0, 2), f.sha256.slice(2, 4), f.sha256);
      expect(fs.readFileSync(p)).toEqual(
        fs.readFileSync(path.join(srcDir, 'files', f.sha256.slice(0, 2), f.sha256.slice(2, 4), f.sha256)),
      );
    }
    const jobs = await sql<{ key: string }>`SELECT key FROM graphile_worker._private_jobs`.execute(target.db);
    expect(jobs.rows.map((j) => j.key)).toEqual(['backup-test']);
    // Identity columns continue after the restored ids: a new audit row chains on.
    const maxId = (await target.db.selectFrom('audit_log').select(sql<string>`max(id)`.as('m')).executeTakeFirst())!.m;
    const c = await run(process.execPath, [CLI, 'audit', 'verify'], {
      env: { ...process.env, DATABASE_URL: target.url },
    });
    expect(c.stdout).toContain('audit chain OK');
    expect(Number(maxId)).toBeGreaterThan(0);

    // A second restore into the now non-empty database is refused; so is a truncated file.
    const again = await run(process.execPath, [CLI, 'restore', file], {
      env: { ...process.env, DATABASE_URL: target.url, MOTCUA_DATA_DIR: dstDir },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((again as { code: number }).code).toBe(1);
    expect((again as { stderr: string }).stderr).toContain('empty database');
  }, 120_000);

  it('refuses a truncated backup and leaves the database empty', async () => {
    const file = path.join(tempDir('backup-trunc'), 'motcua.backup.gz');
    await run(process.execPath, [CLI, 'backup', file], {
      env: { ...process.env, DATABASE_URL: url, MOTCUA_DATA_DIR: srcDir },
    });
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const text = gunzipSync(fs.readFileSync(file)).toString();
    const cut = text.split('\n').slice(0, -3).join('\n');
    fs.writeFileSync(file, gzipSync(cut));
    const target = await emptyDatabase();
    const r = await run(process.execPath, [CLI, 'restore', file], {
      env: { ...process.env, DATABASE_URL: target.url, MOTCUA_DATA_DIR: tempDir('backup-trunc-dst') },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toMatch(/truncated|inconsistent/);
    // Refused before anything was written: the database is still empty (no tables at all).
    const n = await sql<{ n: string }>`
      SELECT count(*) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
       WHERE s.nspname = 'public' AND c.relkind = 'r'`.execute(target.db);
    expect(Number(n.rows[0]!.n)).toBe(0);
  }, 120_000);
});
