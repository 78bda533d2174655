import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import type { Db } from '../src/db/database.ts';
import { type Jobs, startJobs } from '../src/jobs.ts';
import {
  HttpNationalPortal,
  parsePortalDate,
  portalChannel,
  portalDate,
} from '../src/modules/integration/nationalportal.adapter.ts';
import {
  type NationalPortalSimulator,
  startNationalPortalSimulator,
} from '../src/modules/integration/nationalportal.simulator.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import {
  act,
  agencyIdByName,
  landProcedure,
  people,
  type RegisteredClient,
  registerClient,
  submitLandDossier,
  tokenFor,
  waitFor,
} from './integration-helpers.ts';
import { mandatoryChecklist } from './reception-helpers.ts';

/**
 * National portal synchronization against the local simulator: status pushes (DongBoHoSoMC-like)
 * that survive the portal failing, and dossiers submitted on the portal arriving through an API
 * client with `dossiers:write`.
 */

let app: TestApp;
let db: Db;
let config: Config;
let jobs: Jobs;
let portal: NationalPortalSimulator;
let s: Record<string, Client>;
const PORTAL_TOKEN = 'dvcqg-test-token';

beforeAll(async () => {
  portal = await startNationalPortalSimulator({ token: PORTAL_TOKEN });
  let url: string;
  ({ app, db, url, config } = await startTestApp({
    deliveryRetryBaseMs: 100,
    deliveryMaxAttempts: 6,
    nationalPortalUrl: portal.url,
    nationalPortalToken: PORTAL_TOKEN,
  }));
  jobs = await startJobs({
    db,
    connectionString: url,
    config,
    concurrency: 4,
    pollInterval: 50,
    relayIntervalMs: 50,
    cron: false,
    mailer: { send: async () => undefined, close: async () => undefined },
    log: () => undefined,
  });
  s = await people(db);
  // The seed's land procedure has no national code (mã TTHC) yet: give it one, as the catalog administrator would.
  const { procedureId } = await landProcedure(db);
  await db.updateTable('procedures').set({ code: '9.000001' }).where('id', '=', procedureId).execute();
});

afterAll(async () => {
  await jobs?.stop();
  await portal?.close();
});

describe('formats', () => {
  it('dates are yyyyMMddHHmmss in Asia/Ho_Chi_Minh; channels 1 counter, 2 online, 3 postal', () => {
    expect(portalDate(new Date('2026-03-10T17:05:09Z'))).toBe('20260311000509');
    expect(parsePortalDate('20260311000509')?.toISOString()).toBe('2026-03-10T17:05:09.000Z');
    expect(parsePortalDate('20260230120000')).toBeUndefined();
    expect(parsePortalDate('2026-03-11')).toBeUndefined();
    expect([portalChannel('counter'), portalChannel('online'), portalChannel('postal')]).toEqual([1, 2, 3]);
  });

  it('the HTTP adapter sends the bearer token and fails on a refusal', async () => {
    const wrong = new HttpNationalPortal({ baseUrl: portal.url, token: 'wrong', timeoutMs: 2000 });
    await expect(wrong.pushDossier('H17', { MaHoSo: 'X', TrangThaiHoSo: 1 } as never)).rejects.toThrow(/401/);
  });
});

describe('status pushes', () => {
  it('every status change reaches the portal, in the end with the current status, although it failed at first', async () => {
    portal.failNext = 3;
    const d = await submitLandDossier(app, db, s[DEMO.citizen]!);
    await act(app, s[DEMO.receptionist]!, d.id, { type: 'receive', checklist: await mandatoryChecklist(db, d.id) });
    await act(app, s[DEMO.receptionist]!, d.id, { type: 'forward' });
    // claim changes no status: no push for it
    await act(app, s['chuyenvien.snnmt']!, d.id, { type: 'claim' });
    const pushes = await waitFor('three pushes to be sent', async () => {
      const rows = await db
        .selectFrom('national_portal_pushes')
        .selectAll()
        .where('dossier_id', '=', d.id)
        .orderBy('dossier_version')
        .execute();
      return rows.length === 3 && rows.every((r) => r.state === 'sent') ? rows : undefined;
    });
    expect(pushes.map((p) => [p.dossier_version, p.status_code])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
    expect(portal.failures).toBe(3);
    expect(pushes.reduce((n, p) => n + p.attempts, 0)).toBe(3 + 3);
    expect(pushes.some((p) => p.attempts > 1 && p.last_error === null)).toBe(true);

    const record = portal.records.get(d.code)!;
    expect(record).toMatchObject({
      MaHoSo: d.code,
      TenTTHC: expect.stringContaining('Cấp lại Giấy chứng nhận quyền sử dụng đất'),
      KenhThucHien: 2,
      LoaiDoiTuong: 1,
      TrangThaiHoSo: 4,
      SoDienThoai: '0905123456',
    });
    expect(record.MaTTHC).toBe('9.000001');
    expect(record.NgayTiepNhan).toMatch(/^\d{14}$/);
    expect(record.NgayHenTra).toMatch(/^\d{14}$/);
    const row = await db
      .selectFrom('dossiers')
      .select(['received_at', 'due'])
      .where('id', '=', d.id)
      .executeTakeFirstOrThrow();
    expect(parsePortalDate(record.NgayTiepNhan!)!.getTime()).toBe(Math.floor(row.received_at!.getTime() / 1000) * 1000);
    // Built when the push ran: the claim may already be in it.
    expect(record.QuaTrinhXuLy.map((q) => q.TrangThai).slice(0, 3)).toEqual([1, 2, 4]);
    // The portal never ends on an older status, whatever order the retries came in.
    expect(portal.pushes.filter((p) => p.MaHoSo === d.code).at(-1)!.TrangThaiHoSo).toBe(4);

    const admin = await sessionFor(db, DEMO.admin);
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/integration/national-portal/pushes?dossierId=${d.id}`,
      headers: admin.headers,
    });
    expect(list.json().items).toHaveLength(3);
  });

  it('a portal that keeps failing: the push fails for good after the last attempt; the dossier went on regardless', async () => {
    portal.failNext = 1000;
    const d = await submitLandDossier(app, db, s[DEMO.citizen]!);
    const failed = await waitFor('the push to fail for good', async () =>
      db
        .selectFrom('national_portal_pushes')
        .selectAll()
        .where('dossier_id', '=', d.id)
        .where('state', '=', 'failed')
        .executeTakeFirst(),
    );
    expect(failed.attempts).toBe(6);
    expect(failed.last_error).toContain('503');
    // The dossier was received meanwhile: commands never wait for the portal.
    await act(app, s[DEMO.receptionist]!, d.id, { type: 'receive', checklist: await mandatoryChecklist(db, d.id) });
    portal.failNext = 0;
  });
});

describe('dossiers submitted on the national portal', () => {
  let portalClient: RegisteredClient;
  const submission = async (body: Record<string, unknown>, client = portalClient) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/integration/national-portal/dossiers',
      headers: { authorization: `Bearer ${await tokenFor(app, client)}`, 'x-purpose': 'Tiếp nhận hồ sơ từ Cổng DVCQG' },
      payload: body,
    });

  it('become dossiers through the ordinary submission, once per MaHoSo', async () => {
    const { procedureId, procedureCode, handlers } = await landProcedure(db);
    portalClient = await registerClient(app, db, {
      name: 'Cổng Dịch vụ công quốc gia',
      scopes: ['dossiers:write', 'dossiers:read'],
      agencyIds: handlers.map((h) => h.id),
      procedureIds: [procedureId],
    });
    const body = {
      MaHoSo: 'G22.99-260310-000123',
      MaTTHC: procedureCode,
      MaDonVi: handlers[0]!.code,
      ChuHoSo: 'Trần Văn Bình',
      LoaiDoiTuong: 1,
      MaDoiTuong: '048090009999',
      SoDienThoai: '0911222333',
      Email: 'binh.tran@example.vn',
      DiaChi: '5 Bạch Đằng, Hải Châu',
      DuLieuBieuMau: {},
      NgayNopHoSo: '20260310091500',
    };
    const first = await submission(body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ MaHoSo: body.MaHoSo, status: 'submitted' });
    const again = await submission(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const rows = await db
      .selectFrom('dossiers')
      .select(['id', 'channel', 'applicant_name', 'applicant_id_number'])
      .where('applicant_name', '=', 'Trần Văn Bình')
      .execute();
    expect(rows).toEqual([
      { id: first.json().id, channel: 'online', applicant_name: 'Trần Văn Bình', applicant_id_number: '048090009999' },
    ]);
    const link = await db
      .selectFrom('national_portal_dossiers')
      .selectAll()
      .where('portal_code', '=', body.MaHoSo)
      .executeTakeFirstOrThrow();
    expect(link).toMatchObject({ dossier_id: first.json().id, client_id: portalClient.clientId });
    const history = await db
      .selectFrom('dossier_events')
      .select(['type', 'note', 'actor_name'])
      .where('dossier_id', '=', first.json().id)
      .execute();
    expect(history[0]!.note).toContain(body.MaHoSo);
    // The receptionist handles it like any online dossier; its status goes back to the portal.
    const checklist = await mandatoryChecklist(db, first.json().id);
    await act(app, s[DEMO.receptionist]!, first.json().id, { type: 'receive', checklist });
    await waitFor(
      'the portal to know it is received',
      () => portal.records.get(first.json().code)?.TrangThaiHoSo === 2,
    );
    // The call is in the exchange log with its purpose and dossier code.
    const logged = await db
      .selectFrom('exchange_log')
      .select(['purpose', 'dossier_code', 'status'])
      .where('client_id', '=', portalClient.clientId)
      .where('method', '=', 'POST')
      .execute();
    expect(logged).toContainEqual({
      purpose: 'Tiếp nhận hồ sơ từ Cổng DVCQG',
      dossier_code: first.json().code,
      status: 201,
    });
  });

  it('refuses procedures and agencies outside the client’s scope, unknown procedures and bad input', async () => {
    const { procedureCode, handlers } = await landProcedure(db);
    const base = { MaHoSo: 'G22.99-260310-000200', MaTTHC: procedureCode, ChuHoSo: 'Lê Thị C', LoaiDoiTuong: 1 };
    const elsewhere = await registerClient(app, db, {
      scopes: ['dossiers:write'],
      agencyIds: [await agencyIdByName(db, 'UBND Phường Hải Châu')],
    });
    const out = await submission({ ...base, MaDonVi: handlers[0]!.code }, elsewhere);
    expect(out.statusCode).toBe(403);
    expect(out.json().code).toBe('insufficient_scope');
    const other = await db
      .selectFrom('procedures as p')
      .innerJoin('procedure_versions as v', 'v.procedure_id', 'p.id')
      .select('p.code')
      .where('v.status', '=', 'published')
      .where('p.code', 'is not', null)
      .where('p.code', '!=', procedureCode)
      .limit(1)
      .executeTakeFirstOrThrow();
    const wrongProcedure = await submission({ ...base, MaTTHC: other.code });
    expect(wrongProcedure.statusCode).toBe(403);
    expect(wrongProcedure.json().code).toBe('insufficient_scope');
    const unknown = await submission({ ...base, MaTTHC: '9.999999' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('procedure_not_available');
    const badDate = await submission({ ...base, NgayNopHoSo: '2026-03-10' });
    expect(badDate.statusCode).toBe(400);
    const badBody = await submission({ ...base, LoaiDoiTuong: 3 });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.headers['content-type']).toContain('application/problem+json');
    const count = await db
      .selectFrom('national_portal_dossiers')
      .select('portal_code')
      .where('portal_code', '=', base.MaHoSo)
      .execute();
    expect(count).toHaveLength(0);
  });
});
