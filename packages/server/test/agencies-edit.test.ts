import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { count, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/** Administrators add, edit, deactivate and reactivate agencies of their subtree. */

let app: TestApp;
let db: Db;

beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

async function as(username: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  const who = await sessionFor(db, username);
  return app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
}

async function agencyByCode(code: string) {
  return db.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
}

describe('agency lifecycle', () => {
  it('adds a one-stop reception unit, edits it, deactivates it and brings it back', async () => {
    const commune = await db
      .selectFrom('agencies')
      .selectAll()
      .where('admin_unit_code', '=', '20242')
      .executeTakeFirstOrThrow();
    const created = await as(DEMO.admin, 'POST', '/agencies', {
      parentId: commune.id,
      code: 'TEST.DESK.01',
      name: 'Điểm tiếp nhận số 2',
      level: 'unit',
      receivesDossiers: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ receivesDossiers: true, active: true, version: 1 });
    const id = created.json().id as string;

    const outboxBefore = await count(db, 'outbox');
    const edited = await as(DEMO.admin, 'PATCH', `/agencies/${id}`, {
      version: 1,
      name: 'Điểm tiếp nhận số 2 (Hòa Cường)',
      phone: '0236 3888 999',
      address: '',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      name: 'Điểm tiếp nhận số 2 (Hòa Cường)',
      phone: '0236 3888 999',
      address: null,
      code: 'TEST.DESK.01',
      version: 2,
    });
    // One transaction: the row, its audit entry and its outbox message.
    expect(await count(db, 'outbox')).toBe(outboxBefore + 1);
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'agency.update')
      .where('target_id', '=', id)
      .execute();
    expect(audit).toHaveLength(1);

    // A stale version loses and changes nothing.
    const stale = await as(DEMO.admin, 'PATCH', `/agencies/${id}`, { version: 1, name: 'Ghi đè' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentVersion).toBe(2);
    expect((await agencyByCode('TEST.DESK.01')).name).toBe('Điểm tiếp nhận số 2 (Hòa Cường)');

    const off = await as(DEMO.admin, 'PATCH', `/agencies/${id}`, { version: 2, active: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ active: false, version: 3 });
    // Gone from the public list, still in the administration's.
    const publicList = await app.inject({ method: 'GET', url: `/api/v1/agencies?parentId=${commune.id}` });
    expect(publicList.json().items.map((a: { id: string }) => a.id)).not.toContain(id);
    const adminList = await as(DEMO.admin, 'GET', `/agencies?parentId=${commune.id}&includeInactive=true`);
    expect(adminList.json().items.map((a: { id: string }) => a.id)).toContain(id);
    // No new officers in an inactive agency.
    const officer = await as(DEMO.admin, 'POST', '/users', {
      username: 'canbo.diemtiepnhan2',
      fullName: 'Cán Bộ Thử',
      agencyId: id,
      roles: ['receptionist'],
      password: 'Mat-khau-that-dai-2026',
    });
    expect(officer.statusCode, officer.body).toBe(422);
    expect(officer.json().reason).toBe('agency_inactive');

    const on = await as(DEMO.admin, 'PATCH', `/agencies/${id}`, { version: 3, active: true });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ active: true, version: 4 });
  });

  it('refuses to deactivate an agency still in use, and says what depends on it', async () => {
    const commune = await db
      .selectFrom('agencies')
      .selectAll()
      .where('admin_unit_code', '=', '20242')
      .executeTakeFirstOrThrow();
    const r = await as(DEMO.admin, 'PATCH', `/agencies/${commune.id}`, { version: commune.version, active: false });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().reason).toBe('agency_in_use');
    expect(r.json().dependents.officers).toBeGreaterThan(0);
    expect(r.json().dependents.procedures).toBeGreaterThan(0);
    expect((await agencyByCode(commune.code)).active).toBe(true);
    expect((await agencyByCode(commune.code)).version).toBe(commune.version);
  });

  it('keeps the code and the tree; only units receive dossiers; scope and roles are enforced', async () => {
    const commune = await db
      .selectFrom('agencies')
      .selectAll()
      .where('admin_unit_code', '=', '20242')
      .executeTakeFirstOrThrow();
    const moved = await as(DEMO.admin, 'PATCH', `/agencies/${commune.id}`, {
      version: commune.version,
      code: 'NEW.CODE',
    });
    expect(moved.statusCode).toBe(400);
    const notUnit = await as(DEMO.admin, 'PATCH', `/agencies/${commune.id}`, {
      version: commune.version,
      receivesDossiers: true,
    });
    expect(notUnit.statusCode).toBe(400);
    // A commune's administrator edits their commune's units, not another commune or a department.
    const other = await db
      .selectFrom('agencies')
      .selectAll()
      .where('level', '=', 'department')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const outside = await as(DEMO.communeAdmin, 'PATCH', `/agencies/${other.id}`, {
      version: other.version,
      name: 'Đổi tên trái phép',
    });
    expect(outside.statusCode).toBe(404);
    expect((await agencyByCode(other.code)).name).toBe(other.name);
    expect((await as(DEMO.deptOfficer, 'PATCH', `/agencies/${other.id}`, { version: 1 })).statusCode).toBe(403);
    const unknown = await as(DEMO.admin, 'PATCH', '/agencies/00000000-0000-4000-8000-000000000000', { version: 1 });
    expect(unknown.statusCode).toBe(404);
  });
});
