import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { mandatoryChecklistOfProcedure } from './reception-helpers.ts';

/** The counter looks a walk-in applicant up by ID number and pre-fills the dossier. */

let app: TestApp;
let db: Db;
let procedureId: string;

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  procedureId = (
    await db
      .selectFrom('procedure_versions')
      .select('procedure_id')
      .where('name', '=', 'Cấp Giấy xác nhận tình trạng hôn nhân')
      .executeTakeFirstOrThrow()
  ).procedure_id;
});

async function lookup(username: string, idNumber: string) {
  const who = await sessionFor(db, username);
  return app.inject({
    method: 'GET',
    url: `/api/v1/counter/applicants?idNumber=${encodeURIComponent(idNumber)}`,
    headers: who.headers,
  });
}

async function walkIn(applicant: Record<string, unknown>) {
  const who = await sessionFor(db, DEMO.communeReceptionist);
  const r = await app.inject({
    method: 'POST',
    url: '/api/v1/counter/dossiers',
    headers: { ...who.headers, 'idempotency-key': randomUUID() },
    payload: { procedureId, applicant, checklist: await mandatoryChecklistOfProcedure(db, procedureId) },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; code: string };
}

describe('applicant lookup at the counter', () => {
  it('finds a portal account by its citizen ID; the walk-in dossier then appears in that account', async () => {
    const account = await db
      .selectFrom('users')
      .select(['id', 'full_name', 'personal_id'])
      .where('username', '=', DEMO.citizen)
      .executeTakeFirstOrThrow();
    const r = await lookup(DEMO.communeReceptionist, account.personal_id!);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      kind: 'citizen',
      name: account.full_name,
      idNumber: account.personal_id,
      source: 'account',
      hasAccount: true,
    });

    const d = await walkIn({ name: account.full_name, idNumber: account.personal_id });
    const row = await db
      .selectFrom('dossiers')
      .select('applicant_user_id')
      .where('id', '=', d.id)
      .executeTakeFirstOrThrow();
    expect(row.applicant_user_id).toBe(account.id);
    const again = (await lookup(DEMO.communeReceptionist, account.personal_id!)).json();
    expect(again.lastDossier).toMatchObject({ code: d.code, procedureName: 'Cấp Giấy xác nhận tình trạng hôn nhân' });
  });

  it('finds someone without an account from their latest dossier, contact details included', async () => {
    const idNumber = '048199004321';
    expect((await lookup(DEMO.receptionist, idNumber)).statusCode).toBe(404);
    await walkIn({ name: 'Lê Thị Cũ', idNumber, phone: '0905111222', address: '1 Bạch Đằng' });
    const newer = await walkIn({
      name: 'Lê Thị Mới',
      idNumber,
      phone: '0905333444',
      address: '25 Trần Phú, phường Hải Châu',
    });
    const r = await lookup(DEMO.receptionist, idNumber);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      name: 'Lê Thị Mới',
      phone: '0905333444',
      address: '25 Trần Phú, phường Hải Châu',
      source: 'dossier',
      hasAccount: false,
      lastDossier: { code: newer.code },
    });
  });

  it('answers unknown numbers with 404 problem+json in both languages, bad ones with 400', async () => {
    const unknown = await lookup(DEMO.receptionist, '048000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().code).toBe('applicant_not_found');
    const en = await app.inject({
      method: 'GET',
      url: '/api/v1/counter/applicants?idNumber=048000000000',
      headers: { ...(await sessionFor(db, DEMO.receptionist)).headers, 'accept-language': 'en' },
    });
    expect(en.json().title).toMatch(/No applicant/);
    expect(unknown.json().title).toMatch(/Chưa có người nộp/);
    for (const bad of ['', '12ab', '1'.repeat(40), "048' OR 1=1"]) {
      const r = await lookup(DEMO.receptionist, bad);
      expect(r.statusCode, bad).toBe(400);
    }
  });

  it('is for receptionists only: no prefix or partial search, citizens and other officers get 403', async () => {
    expect((await lookup(DEMO.deptOfficer, DEMO.citizen)).statusCode).toBe(403);
    expect((await lookup(DEMO.citizen, DEMO.citizen)).statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'GET', url: `/api/v1/counter/applicants?idNumber=${DEMO.citizen}` });
    expect(anonymous.statusCode).toBe(401);
    // A prefix of a known number is just an unknown number.
    expect((await lookup(DEMO.receptionist, DEMO.citizen.slice(0, 9))).statusCode).toBe(404);
  });
});
