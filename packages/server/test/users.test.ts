import { beforeAll, describe, expect, it } from 'vitest';
import { count, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

const agencyId = async (name: string) =>
  (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

describe('officer accounts within the agency subtree', () => {
  it('a commune administrator sees only the commune’s officers', async () => {
    const commune = await sessionFor(db, DEMO.communeAdmin);
    const r = await app.inject({ url: '/api/v1/users?pageSize=200', headers: commune.headers });
    expect(r.statusCode).toBe(200);
    const names = r
      .json()
      .items.map((u: { username: string }) => u.username)
      .sort();
    expect(names).toEqual(
      [DEMO.communeOfficer, DEMO.communeLeader, DEMO.communeReceptionist, DEMO.communeAdmin].sort(),
    );
    const province = await sessionFor(db, DEMO.admin);
    const all = await app.inject({ url: '/api/v1/users?pageSize=200', headers: province.headers });
    expect(all.json().total).toBe(11);
  });

  it('creates an officer inside the subtree, refuses outside it, and changes nothing when refused', async () => {
    const commune = await sessionFor(db, DEMO.communeAdmin);
    const haiChau = await agencyId('UBND Phường Hải Châu');
    const justice = await agencyId('Sở Tư pháp');
    const body = (agency: string, username: string) => ({
      username,
      fullName: 'Lý Thị Thu',
      agencyId: agency,
      roles: ['receptionist'],
      password: 'khoitao2026',
    });
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: commune.headers,
      payload: body(haiChau, 'thu.ly'),
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      username: 'thu.ly',
      roles: ['receptionist'],
      agencyName: 'UBND Phường Hải Châu',
    });

    const before = await count(db, 'users');
    const outside = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: commune.headers,
      payload: body(justice, 'ngoai.pham.vi'),
    });
    expect(outside.statusCode).toBe(403);
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: commune.headers,
      payload: body(haiChau, 'THU.LY'),
    });
    expect(dup.statusCode).toBe(409);
    const leaderRole = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: commune.headers,
      payload: { ...body(haiChau, 'sai.vai.tro'), roles: ['provincial_leader'] },
    });
    expect(leaderRole.statusCode).toBe(400);
    expect(await count(db, 'users')).toBe(before);
  });

  it("keeps an officer's personal ID (for the province's IdP), one account per ID, a clear 409 otherwise", async () => {
    const commune = await sessionFor(db, DEMO.communeAdmin);
    const haiChau = await agencyId('UBND Phường Hải Châu');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: commune.headers,
      payload: {
        username: 'cb.dinhdanh',
        fullName: 'Mai Văn Định',
        agencyId: haiChau,
        roles: ['officer'],
        password: 'khoitao2026',
        personalId: '048099001122',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().personalId).toBe('048099001122');
    const before = await count(db, 'users');
    // The demo citizen's number: taken by her account.
    const taken = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${created.json().id}`,
      headers: commune.headers,
      payload: { version: created.json().version, personalId: DEMO.citizen },
    });
    expect(taken.statusCode, taken.body).toBe(409);
    expect(taken.json().detail).toMatch(/Số định danh/);
    const bad = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${created.json().id}`,
      headers: commune.headers,
      payload: { version: created.json().version, personalId: '12345' },
    });
    expect(bad.statusCode).toBe(400);
    const cleared = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${created.json().id}`,
      headers: commune.headers,
      payload: { version: created.json().version, personalId: null },
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().personalId).toBeNull();
    expect(await count(db, 'users')).toBe(before);
  });

  it('hides officers outside the subtree as not found', async () => {
    const commune = await sessionFor(db, DEMO.communeAdmin);
    const stp = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', DEMO.deptOfficer)
      .executeTakeFirstOrThrow();
    const r = await app.inject({ url: `/api/v1/users/${stp.id}`, headers: commune.headers });
    expect(r.statusCode).toBe(404);
  });

  it('concurrent edits with the same version: one wins, the other gets 409 with the current version', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    const target = await db
      .selectFrom('users')
      .select(['id', 'version'])
      .where('username', '=', DEMO.communeLeader)
      .executeTakeFirstOrThrow();
    const edit = (fullName: string) =>
      app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${target.id}`,
        headers: admin.headers,
        payload: { version: target.version, fullName },
      });
    const results = await Promise.all([edit('Huỳnh Văn Phúc A'), edit('Huỳnh Văn Phúc B'), edit('Huỳnh Văn Phúc C')]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409]);
    const loser = results.find((r) => r.statusCode === 409)!;
    expect(loser.json()).toMatchObject({ code: 'conflict', currentVersion: target.version + 1 });
    const winner = results.find((r) => r.statusCode === 200)!.json();
    const row = await db
      .selectFrom('users')
      .select(['full_name', 'version'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ full_name: winner.fullName, version: target.version + 1 });
  });

  it('deactivating an officer ends their sessions', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    const victim = await sessionFor(db, DEMO.communeReceptionist);
    const v = await db.selectFrom('users').select('version').where('id', '=', victim.userId).executeTakeFirstOrThrow();
    const r = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${victim.userId}`,
      headers: admin.headers,
      payload: { version: v.version, active: false },
    });
    expect(r.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/auth/me', headers: victim.headers })).statusCode).toBe(401);
  });
});
