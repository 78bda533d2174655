import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/config.ts';
import { verifyAuditChain } from '../src/modules/audit/audit.service.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

const run = promisify(execFile);
const CLI = path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs');

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
let url: string;
beforeAll(async () => {
  ({ app, db, url } = await startTestApp());
});

const json = { 'content-type': 'application/json' };

describe('audit log', () => {
  it('records every command — accepted and rejected — with who, agency, what, target and request id', async () => {
    const admin = await sessionFor(db, DEMO.communeAdmin);
    const haiChau = await db
      .selectFrom('agencies')
      .select('id')
      .where('name', '=', 'UBND Phường Hải Châu')
      .executeTakeFirstOrThrow();
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...admin.headers, 'x-request-id': 'req-audit-ok-0001' },
      payload: {
        username: 'audit.ok',
        fullName: 'Kiểm Tra',
        agencyId: haiChau.id,
        roles: ['officer'],
        password: 'kiemtra2026',
      },
    });
    expect(ok.statusCode).toBe(201);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...admin.headers, 'x-request-id': 'req-audit-bad-0001' },
      payload: { username: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    const failedLogin = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { ...json, 'x-request-id': 'req-audit-login-01' },
      payload: { username: DEMO.admin, password: 'wrong-password-1' },
    });
    expect(failedLogin.statusCode).toBe(401);

    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('request_id', 'in', ['req-audit-ok-0001', 'req-audit-bad-0001', 'req-audit-login-01'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.request_id, r.action, r.result])).toEqual([
      ['req-audit-ok-0001', 'user.create', 'ok'],
      ['req-audit-bad-0001', 'user.create', 'validation_failed'],
      ['req-audit-login-01', 'auth.login', 'invalid_credentials'],
    ]);
    expect(rows[0]).toMatchObject({
      actor_id: admin.userId,
      actor_kind: 'officer',
      agency_id: haiChau.id,
      target_type: 'user',
      target_id: ok.json().id,
    });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(sql`UPDATE audit_log SET result = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('chains under concurrent commands without forks', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { username: `c${i}` } }),
      ),
    );
    const r = await verifyAuditChain(db);
    expect(r.ok).toBe(true);
    const forks = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM (SELECT chain, prev_hash FROM audit_log GROUP BY chain, prev_hash HAVING count(*) > 1) f`.execute(
      db,
    );
    expect(forks.rows[0]!.n).toBe(0);
  });

  it('names the first tampered row, in the API and in `motcua audit verify`', async () => {
    const good = await run(process.execPath, [CLI, 'audit', 'verify'], { env: { ...process.env, DATABASE_URL: url } });
    expect(good.stdout).toMatch(/audit chain OK: \d+ rows verified/);

    const victim = await db
      .selectFrom('audit_log')
      .select('id')
      .orderBy('id')
      .offset(2)
      .limit(1)
      .executeTakeFirstOrThrow();
    // Someone with database access bypasses the trigger and edits one row.
    await db.connection().execute(async (c) => {
      await sql`SET session_replication_role = replica`.execute(c);
      await sql`UPDATE audit_log SET result = 'ok (edited)' WHERE id = ${victim.id}`.execute(c);
      await sql`SET session_replication_role = DEFAULT`.execute(c);
    });
    const report = await verifyAuditChain(db);
    expect(report).toMatchObject({ ok: false, brokenId: victim.id, reason: 'hash_mismatch' });

    const admin = await sessionFor(db, DEMO.admin);
    const api = await app.inject({ url: '/api/v1/audit/verify', headers: admin.headers });
    expect(api.json()).toMatchObject({ ok: false, brokenId: victim.id });

    const bad = await run(process.execPath, [CLI, 'audit', 'verify'], {
      env: { ...process.env, DATABASE_URL: url },
    }).catch((e: { code: number; stdout: string }) => e);
    expect('code' in bad && bad.code).toBe(1);
    expect(bad.stdout).toContain(`BROKEN at row id ${victim.id}`);
  });
});
