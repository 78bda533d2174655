import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { localDateOf, type TimeLimit } from '@motcua/core';
import ExcelJS from 'exceljs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en, vi } from '../../web/src/messages.ts';
import { GENERIC_FEE_NAME, onlineLevelText, timeLimitText } from '../../web/src/portal/procedureText.ts';
import { ROOT_DIR } from '../src/config.ts';
import { calendarFor, legalLimitOf } from '../src/modules/dossiers/dossier.decide.ts';
import { type CommandBody, executeCommand } from '../src/modules/dossiers/dossier.execute.ts';
import { closeIncompleteSupplements, supplementWindowEnd } from '../src/modules/dossiers/dossier.scans.ts';
import { submitDossier } from '../src/modules/dossiers/dossier.submit.ts';
import { loadGovstack, parseDataSet } from '../src/modules/govstack/govstack.loader.ts';
import { actorOf, type Client, count, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * Catalog rules of issue 13: calendar-day deadlines never end on a day off (Civil Code 2015 art.
 * 148(5)); only a procedure the engine can carry to the end is published, and the counter never
 * starts a clock it cannot honour; editorial notes stay with administrators; what an outside
 * system brings stays a draft and its dossiers count in their own channel; the Excel file speaks
 * Vietnamese and errors say where, in words. Expected values are written by hand.
 */
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
let admin: Client;
beforeAll(async () => {
  ({ app, db } = await startTestApp());
  admin = await sessionFor(db, DEMO.admin);
});

const HOUR = 3_600_000;
/** 'yyyy-mm-dd HH:mm' in local time. */
const local = (d: Date | number) =>
  new Date(new Date(d).getTime() + 7 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

const procedureNamed = async (name: string) =>
  db
    .selectFrom('procedures as p')
    .innerJoin('procedure_versions as v', 'v.procedure_id', 'p.id')
    .select(['p.id', 'p.version', 'v.status', 'v.content'])
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();

type Doc = { name: string; original: number | null; copy: number | null; requirement: string };
const checklistOf = (content: unknown) =>
  (content as { documents: Doc[] }).documents
    .filter((d) => d.requirement === 'mandatory')
    .map((d) => ({ name: d.name, original: Math.max(1, d.original ?? 0), copy: d.copy ?? 0 }));

describe('calendar-day limits end on a working day (Civil Code 2015 art. 148(5))', () => {
  it('Hòa giải tranh chấp đất đai (30 days) received at the counter Wed 02/12/2026 13:27 is due Mon 04/01/2027 17:00, not New Year’s Day', async () => {
    const p = await procedureNamed('Hòa giải tranh chấp đất đai thuộc thẩm quyền cấp xã');
    expect((p.content as { timeLimit: unknown }).timeLimit).toMatchObject({ value: 30, unit: 'calendar_days' });
    const r = await submitDossier(
      db,
      {
        procedureId: p.id,
        channel: 'counter',
        applicant: { name: 'Nguyễn Văn Hòa', idNumber: '048090004321' },
        formData: {},
        checklist: checklistOf(p.content),
      },
      { actor: await actorOf(db, DEMO.communeReceptionist), requestId: null },
      null,
      { now: new Date('2026-12-02T13:27:00+07:00') },
    );
    const row = await db
      .selectFrom('dossiers')
      .select(['due', 'status'])
      .where('id', '=', (r.body as { id: string }).id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('received');
    expect(local(row.due!)).toBe('2027-01-04 17:00');
  });

  it('the 15-day supplement window ends like every calendar-day period: requested Thu 17/12/2026, not closed on New Year’s Day but after Mon 04/01/2027 17:00', async () => {
    const p = await procedureNamed('Hòa giải tranh chấp đất đai thuộc thẩm quyền cấp xã');
    const ctxOf = async (u: string) => ({ actor: await actorOf(db, u), requestId: null });
    const at = (s: string) => new Date(`${s}+07:00`);
    const r = await submitDossier(
      db,
      {
        procedureId: p.id,
        channel: 'counter',
        applicant: { name: 'Lê Thị Bổ Sung', idNumber: '048090004322' },
        formData: {},
        checklist: checklistOf(p.content),
      },
      await ctxOf(DEMO.communeReceptionist),
      null,
      { now: at('2026-12-16T09:00:00') },
    );
    const id = (r.body as { id: string }).id;
    const run = async (who: string, command: Record<string, unknown>, now: string) =>
      executeCommand(db, {
        dossierId: id,
        command: command as CommandBody,
        ctx: await ctxOf(who),
        idempotencyKey: randomUUID(),
        now: at(now),
      });
    await run(DEMO.communeReceptionist, { type: 'forward' }, '2026-12-16T09:10:00');
    await run(DEMO.communeOfficer, { type: 'claim' }, '2026-12-16T09:20:00');
    await run(DEMO.communeOfficer, { type: 'request_supplement', items: ['Biên bản hòa giải'] }, '2026-12-17T10:00:00');
    const status = async () =>
      (await db.selectFrom('dossiers').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await status()).toBe('supplement_requested');
    const calendar = await calendarFor(
      db,
      (await db.selectFrom('dossiers').select('province_id').where('id', '=', id).executeTakeFirstOrThrow())
        .province_id,
    );
    expect(local(supplementWindowEnd(calendar, at('2026-12-17T10:00:00').getTime()))).toBe('2027-01-04 17:00');
    // 15 × 24 h have passed on Fri 01/01/2027 (a holiday): the window is still open.
    expect(await closeIncompleteSupplements(db, at('2027-01-01T12:00:00'))).not.toContain(id);
    expect(await closeIncompleteSupplements(db, at('2027-01-04T16:59:00'))).not.toContain(id);
    expect(await status()).toBe('supplement_requested');
    expect(await closeIncompleteSupplements(db, at('2027-01-04T17:00:00'))).toContain(id);
    expect(await status()).toBe('closed');
  });

  it('GET /calendar/due?calendarDays= and `motcua calendar due --calendar-days` give the same moment', async () => {
    const r = await app.inject({ url: '/api/v1/calendar/due?from=2026-12-02T13:27:00%2B07:00&calendarDays=30' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ due: '2027-01-04T17:00:00+07:00', limit: { calendarDays: 30 } });
    const ten = await app.inject({ url: '/api/v1/calendar/due?from=2026-12-02T13:27:00%2B07:00&calendarDays=10' });
    expect(ten.json().due).toBe('2026-12-14T17:00:00+07:00');
    const both = await app.inject({
      url: '/api/v1/calendar/due?from=2026-12-02T13:27:00%2B07:00&calendarDays=3&days=1',
    });
    expect(both.statusCode).toBe(400);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'packages/server/bin/motcua.mjs',
        'calendar',
        'due',
        '--from',
        '2026-12-02T13:27:00+07:00',
        '--calendar-days',
        '30',
        '--offline',
      ],
      { cwd: ROOT_DIR, timeout: 20_000 },
    );
    expect(stdout).toBe('2027-01-04T17:00:00+07:00\n');
  });

  it('over the whole published catalog, no appointment or step due falls on a day off (Dec 2026 – Feb 2027, Tết included)', async () => {
    const rows = await db
      .selectFrom('procedure_versions as v')
      .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
      .select(['v.name', 'v.content', 'p.province_id'])
      .where('v.status', '=', 'published')
      .execute();
    expect(rows.length).toBe(39);
    const calendar = await calendarFor(db, rows[0]!.province_id);
    const receipts: number[] = [];
    for (let day = 0; day < 90; day++) {
      for (const time of ['06:45', '09:10', '13:27', '15:30', '16:59', '18:00']) {
        receipts.push(new Date(`2026-12-01T${time}:00+07:00`).getTime() + day * 24 * HOUR);
      }
    }
    let checked = 0;
    const offDays: string[] = [];
    for (const v of rows) {
      const c = v.content as {
        timeLimit: { value: number | null; unit: string } | null;
        workflow: { steps: { allotment: TimeLimit }[] };
      };
      const limit = legalLimitOf(c.timeLimit);
      for (const at of receipts) {
        const dues: Date[] = c.workflow.steps.map((s) => calendar.dueAt(calendar.transferStart(at), s.allotment));
        if (limit !== null) {
          dues.push(
            'calendarDays' in limit ? calendar.dueAtCalendarDays(at, limit.calendarDays) : calendar.dueAt(at, limit),
          );
        }
        for (const due of dues) {
          checked++;
          if (!calendar.isWorkingDay(localDateOf(due))) offDays.push(`${v.name} ${local(at)} → ${local(due)}`);
        }
      }
    }
    expect(offDays).toEqual([]);
    expect(checked).toBeGreaterThan(39 * 540);
  });
});

describe('publishing needs a workflow the engine can carry out', () => {
  it('the police procedures of the demo province are drafts with their reason shown to administrators, and cannot be published', async () => {
    for (const name of ['Đổi giấy phép lái xe', 'Cấp Phiếu lý lịch tư pháp (số 1, số 2) cho cá nhân']) {
      const p = await procedureNamed(name);
      expect(p.status).toBe('draft');
      expect((await app.inject({ url: `/api/v1/procedures/${p.id}` })).statusCode).toBe(404);
      const view = await app.inject({ url: `/api/v1/procedures/${p.id}/versions`, headers: admin.headers });
      expect(view.statusCode).toBe(200);
      const pub = await app.inject({
        method: 'POST',
        url: `/api/v1/procedures/${p.id}/publish`,
        headers: admin.headers,
        payload: { version: p.version },
      });
      expect(pub.statusCode, pub.body).toBe(422);
      expect(pub.json()).toMatchObject({
        code: 'procedure_not_publishable',
        title: 'Thủ tục chưa đủ điều kiện công bố',
      });
      expect(pub.json().detail).toContain('Thủ tục chưa có cơ quan thực hiện đang hoạt động trong tỉnh');
      // Nothing changed: the concurrency counter is where it was.
      expect((await procedureNamed(name)).version).toBe(p.version);
    }
    const search = await app.inject({ url: '/api/v1/procedures?q=giay+phep+lai+xe' });
    expect(search.json().items.map((i: { name: string }) => i.name)).not.toContain('Đổi giấy phép lái xe');
  });

  async function draftProcedure(overrides: Record<string, unknown>) {
    const stp = await db.selectFrom('agencies').select('id').where('name', '=', 'Sở Tư pháp').executeTakeFirstOrThrow();
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/procedures',
      headers: admin.headers,
      payload: {
        name: `Thủ tục thử công bố ${randomUUID().slice(0, 8)}`,
        field: { code: 'THU-NGHIEM', name: 'Thử nghiệm' },
        level: 'province',
        agencyIds: [stp.id],
        channels: ['counter', 'online'],
        applicantKinds: ['citizen'],
        documents: [],
        timeLimit: { value: 5, unit: 'working_days', text: null },
        fees: [],
        legalBasis: [],
        result: { name: 'Giấy xác nhận thử', kind: 'certificate' },
        onlineLevel: 'partial',
        eForm: null,
        workflow: null,
        source: { verified: false, text: null, notes: null },
        ...overrides,
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; version: number; publishIssues: { code: string; message_vi: string }[] };
  }
  const publish = (id: string, version: number) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/procedures/${id}/publish`,
      headers: admin.headers,
      payload: { version },
    });

  const twoSteps = (second: Record<string, unknown>) => ({
    schemaVersion: 1,
    steps: [
      {
        id: 'thu_ly',
        name_vi: 'Thụ lý hồ sơ',
        agency: { kind: 'receiving_authority' },
        role: 'officer',
        allotment: { days: 4 },
        actions: ['forward'],
      },
      {
        id: 'ky',
        name_vi: 'Ký kết quả',
        agency: second,
        role: 'leader',
        allotment: { days: 1 },
        actions: ['approve', 'sign'],
        final: true,
      },
    ],
  });

  it('a procedure without a workflow, or whose step names an agency the province does not have, is refused in words', async () => {
    const none = await draftProcedure({});
    expect(none.publishIssues.map((i) => i.code)).toEqual(['no_workflow']);
    const r = await publish(none.id, none.version);
    expect(r.statusCode).toBe(422);
    expect(r.json().errors).toEqual([
      expect.objectContaining({
        path: 'procedure.workflow',
        message_vi: 'Thủ tục chưa có quy trình xử lý: thiết kế quy trình trước khi công bố',
        message_en: 'The procedure has no workflow: design it before publishing',
      }),
    ]);
    const ghost = await draftProcedure({ workflow: twoSteps({ kind: 'fixed', agencyCode: '000.99.99.Z99' }) });
    const g = await publish(ghost.id, ghost.version);
    expect(g.statusCode).toBe(422);
    expect(g.json().errors[0]).toMatchObject({
      path: 'procedure.workflow.steps.1.agency',
      message_vi: 'Không có cơ quan mã 000.99.99.Z99 trong tỉnh (bước «Ký kết quả»)',
    });
    const noAgency = await draftProcedure({ agencyIds: [], workflow: twoSteps({ kind: 'receiving_authority' }) });
    expect(noAgency.publishIssues.map((i) => i.code)).toEqual([
      'no_agency',
      'step_agency_unresolved',
      'step_agency_unresolved',
    ]);
    expect((await publish(noAgency.id, noAgency.version)).statusCode).toBe(422);
  });

  it('an agency deactivated after publication: the counter refuses before writing anything, and an online dossier is not received', async () => {
    const division = await db
      .selectFrom('agencies')
      .select(['id', 'code'])
      .where('name', '=', 'Phòng Bổ trợ tư pháp')
      .executeTakeFirstOrThrow();
    const p = await draftProcedure({ workflow: twoSteps({ kind: 'fixed', agencyCode: division.code }) });
    expect(p.publishIssues).toEqual([]);
    const published = await publish(p.id, p.version);
    expect(published.statusCode, published.body).toBe(200);
    const citizen = await sessionFor(db, DEMO.citizen);
    const online = await app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers: { ...citizen.headers, 'idempotency-key': randomUUID() },
      payload: { procedureId: p.id, formData: {} },
    });
    expect(online.statusCode, online.body).toBe(201);

    await db.updateTable('agencies').set({ active: false }).where('id', '=', division.id).execute();
    try {
      const before = {
        dossiers: await count(db, 'outbox'),
        rows: (await db.selectFrom('dossiers').select('id').execute()).length,
      };
      const receptionist = await sessionFor(db, DEMO.receptionist);
      const walkIn = await app.inject({
        method: 'POST',
        url: '/api/v1/counter/dossiers',
        headers: { ...receptionist.headers, 'idempotency-key': randomUUID() },
        payload: { procedureId: p.id, applicant: { name: 'Trần Thị Lan', idNumber: '048190001111' } },
      });
      expect(walkIn.statusCode, walkIn.body).toBe(422);
      expect(walkIn.json()).toMatchObject({
        code: 'workflow_agency_unavailable',
        detail_vi: `Cơ quan mã ${division.code} thực hiện bước «Ký kết quả» không có hoặc đã ngừng hoạt động; hồ sơ chưa được tiếp nhận`,
      });
      expect((await db.selectFrom('dossiers').select('id').execute()).length).toBe(before.rows);
      expect(await count(db, 'outbox')).toBe(before.dossiers);

      const id = online.json().id as string;
      const receive = await app.inject({
        method: 'POST',
        url: `/api/v1/dossiers/${id}/actions`,
        headers: { ...receptionist.headers, 'idempotency-key': randomUUID() },
        payload: { type: 'receive', version: online.json().version, checklist: [] },
      });
      expect(receive.statusCode, receive.body).toBe(422);
      expect(receive.json().code).toBe('workflow_agency_unavailable');
      const row = await db
        .selectFrom('dossiers')
        .select(['status', 'due'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'submitted', due: null });
    } finally {
      await db.updateTable('agencies').set({ active: true }).where('id', '=', division.id).execute();
    }
  });

  it('import keeps a procedure without a valid workflow as a draft and says why; the rest is published', async () => {
    const file = JSON.parse(
      (await app.inject({ url: '/api/v1/catalog/export?format=json', headers: admin.headers })).body,
    );
    const base = file.procedures.find((x: { name: string }) => x.name === 'Đăng ký khai sinh');
    const noWorkflow = { ...base, id: null, code: null, name: 'Thủ tục nhập chưa có quy trình', workflow: null };
    const fine = { ...base, id: null, code: null, name: 'Thủ tục nhập có quy trình' };
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: admin.headers,
      payload: { format: 'json', catalog: { ...file, procedures: [noWorkflow, fine] } },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 2, updated: 0, unchanged: 0, keptAsDraft: 1 });
    expect(r.json().drafts).toEqual([
      {
        index: 0,
        code: null,
        name: 'Thủ tục nhập chưa có quy trình',
        issues: [
          {
            path: 'workflow',
            code: 'no_workflow',
            message_vi: 'Thủ tục chưa có quy trình xử lý: thiết kế quy trình trước khi công bố',
            message_en: 'The procedure has no workflow: design it before publishing',
          },
        ],
      },
    ]);
    expect((await procedureNamed('Thủ tục nhập chưa có quy trình')).status).toBe('draft');
    expect((await procedureNamed('Thủ tục nhập có quy trình')).status).toBe('published');
  });
});

/** What the compiler of the source wrote for administrators, never for the public. */
const EDITORIAL =
  /nguồn (đã )?đọc|trong nguồn|nguồn (trước|ghi|không)|chưa thu thập|chưa có số liệu|chưa có mức|Cổng DVCQG ghi/i;

describe('editorial source notes are for administrators only', () => {
  it('no public read of any published procedure carries `source` or an editorial remark; administrators keep them in the notes', async () => {
    const citizen = await sessionFor(db, DEMO.citizen);
    const list = (await app.inject({ url: '/api/v1/procedures?pageSize=100' })).json();
    expect(list.total).toBeGreaterThanOrEqual(39);
    expect(JSON.stringify(list)).not.toMatch(EDITORIAL);
    for (const item of list.items as { id: string; name: string }[]) {
      for (const headers of [{}, citizen.headers]) {
        const r = await app.inject({ url: `/api/v1/procedures/${item.id}`, headers });
        expect(r.statusCode).toBe(200);
        expect(r.json(), item.name).not.toHaveProperty('source');
        expect(r.body, item.name).not.toMatch(EDITORIAL);
      }
    }
    const birth = list.items.find((i: { name: string }) => i.name === 'Đăng ký khai sinh');
    const pub = (await app.inject({ url: `/api/v1/procedures/${birth.id}` })).json();
    expect(pub.fees.map((f: { text: string | null }) => f.text)).toContain(
      'Nộp phí cấp bản sao Giấy khai sinh nếu có yêu cầu cấp bản sao',
    );
    expect(pub.timeLimit.text).toBe(
      'Ngay sau khi nhận đủ giấy tờ theo quy định (khoản 2 Điều 16 Luật Hộ tịch); tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo',
    );
    const asAdmin = (await app.inject({ url: `/api/v1/procedures/${birth.id}`, headers: admin.headers })).json();
    expect(asAdmin.source.notes).toContain(
      'Ghi chú biên tập (không công bố): Cổng DVCQG ghi thời hạn 1 ngày cho cả 3 hình thức nộp; mức thu không ghi trong nguồn đã đọc',
    );
    // "Nguồn không nêu phí" is not "free of charge": the page says the amount is not published.
    const mediation = list.items.find(
      (i: { name: string }) => i.name === 'Hòa giải tranh chấp đất đai thuộc thẩm quyền cấp xã',
    );
    expect((await app.inject({ url: `/api/v1/procedures/${mediation.id}` })).json().fees).toEqual([
      {
        name: 'Phí, lệ phí',
        amountVnd: null,
        text: 'Mức thu chưa được công bố trên Cổng; cán bộ tiếp nhận thông báo khi nộp hồ sơ',
      },
    ]);
    const land = list.items.find((i: { name: string }) =>
      i.name.startsWith('Cấp lại Giấy chứng nhận quyền sử dụng đất'),
    );
    const landDocs = (await app.inject({ url: `/api/v1/procedures/${land.id}` })).json().documents;
    expect(landDocs[0].name).toBe(
      'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 18 kèm NĐ 151/2025/NĐ-CP)',
    );
  });
});

describe('what an outside system brings (GovStack facade)', () => {
  const DATA_FILE = path.resolve(ROOT_DIR, '../shared/specs/govstack-registration-bb-test-data.json');

  it('a GovStack-created service is a draft until an administrator publishes it; its dossiers are online, not counter', async () => {
    const data = parseDataSet(fs.readFileSync(DATA_FILE, 'utf8'));
    const first = await loadGovstack(db, data);
    expect(first).toMatchObject({ services: 13, unpublished: 13 });
    const drafts = await db
      .selectFrom('procedures as p')
      .innerJoin('procedure_versions as v', 'v.procedure_id', 'p.id')
      .select(['p.id', 'p.version', 'v.status'])
      .where('v.field_code', '=', 'govstack')
      .execute();
    expect(drafts.length).toBe(13);
    expect(drafts.every((d) => d.status === 'draft')).toBe(true);
    expect((await app.inject({ url: '/api/v1/procedures?field=govstack' })).json().total).toBe(0);
    expect(
      (
        await db
          .selectFrom('dossiers')
          .select('id')
          .where(
            'procedure_id',
            'in',
            drafts.map((d) => d.id),
          )
          .execute()
      ).length,
    ).toBe(0);

    for (const d of drafts) {
      const r = await app.inject({
        method: 'POST',
        url: `/api/v1/procedures/${d.id}/publish`,
        headers: admin.headers,
        payload: { version: d.version },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const second = await loadGovstack(db, data);
    expect(second).toMatchObject({ dossiers: 8, unpublished: 0 });
    const channels = await db
      .selectFrom('dossiers')
      .select(['channel'])
      .where(
        'procedure_id',
        'in',
        drafts.map((d) => d.id),
      )
      .execute();
    expect(channels.length).toBe(8);
    expect(new Set(channels.map((c) => c.channel))).toEqual(new Set(['online']));
  });
});

describe('the Excel file speaks Vietnamese; errors say where, in words', () => {
  async function workbook() {
    const r = await app.inject({ url: '/api/v1/catalog/export?format=xlsx', headers: admin.headers });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    return wb;
  }
  const rowOf = (ws: ExcelJS.Worksheet, name: string) => {
    let found = 0;
    ws.eachRow((r, n) => {
      if (r.getCell(5).value === name) found = n;
    });
    return found;
  };
  const cells = (ws: ExcelJS.Worksheet, n: number) => {
    const header = ws.getRow(1).values as unknown[];
    const row = ws.getRow(n).values as unknown[];
    return Object.fromEntries(header.map((h, i) => [h, row[i] ?? null]).filter(([h]) => h));
  };

  it('writes Vietnamese values, and reads them back (the old English codes too)', async () => {
    const wb = await workbook();
    const ws = wb.getWorksheet('Thủ tục')!;
    const n = rowOf(ws, 'Hòa giải tranh chấp đất đai thuộc thẩm quyền cấp xã');
    expect(cells(ws, n)).toMatchObject({
      'Cấp thực hiện': 'Cấp xã',
      'Cách thức nộp': 'Trực tiếp; Trực tuyến; Bưu chính',
      'Đối tượng thực hiện': 'Công dân; Tổ chức',
      'Thời hạn': 30,
      'Đơn vị thời hạn': 'Ngày',
      'Loại kết quả': 'Thông báo, xác nhận',
      'Đã xác minh': 'Có',
    });
    const birth = cells(ws, rowOf(ws, 'Đăng ký khai sinh'));
    expect(birth).toMatchObject({
      'Đơn vị thời hạn': 'Ngày làm việc',
      'Sự kiện': 'Có con nhỏ',
      'Loại kết quả': 'Giấy chứng nhận',
    });
    const docs = wb.getWorksheet('Thành phần hồ sơ')!;
    const requirements = new Set<unknown>();
    docs.eachRow((r, i) => {
      if (i > 1) requirements.add(r.getCell(6).value);
    });
    expect(requirements).toEqual(new Set(['Bắt buộc', 'Có điều kiện']));

    // The old codes are still understood: writing them changes nothing.
    ws.getRow(n).getCell(8).value = 'commune';
    ws.getRow(n).getCell(14).value = 'calendar_days';
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: admin.headers,
      payload: { format: 'xlsx', data: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 0, updated: 0 });
  });

  it('the workflow is one row per step and per consultation, in words, not a JSON cell', async () => {
    const wb = await workbook();
    const procedures = wb.getWorksheet('Thủ tục')!;
    const jsonCells: unknown[] = [];
    procedures.eachRow((r, i) => {
      if (i > 1) jsonCells.push(r.getCell(24).value ?? null);
    });
    expect((procedures.getRow(1).values as unknown[])[24]).toBe('Quy trình (JSON)');
    expect(new Set(jsonCells)).toEqual(new Set([null]));
    const landKey = cells(procedures, rowOf(procedures, 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất')).Khóa;
    const steps = wb.getWorksheet('Quy trình')!;
    const mine: Record<string, unknown>[] = [];
    steps.eachRow((_r, i) => {
      if (i > 1 && cells(steps, i)['Khóa thủ tục'] === landKey) mine.push(cells(steps, i));
    });
    expect(
      mine.map((r) => [
        r['Mã bước'],
        r['Nơi thực hiện'],
        r['Vai trò'],
        r['Thời gian'],
        r['Đơn vị thời gian'],
        r['Bước cuối'],
      ]),
    ).toEqual([
      ['tham_dinh', 'Cơ quan cố định (theo mã)', 'Chuyên viên', 7, 'Ngày làm việc', null],
      ['ky_duyet', 'Cơ quan cố định (theo mã)', 'Lãnh đạo', 2, 'Ngày làm việc', 'Có'],
    ]);
    expect(mine[0]!['Thao tác']).toBe(
      'Chuyển bước tiếp theo; Lấy ý kiến cơ quan khác; Yêu cầu bổ sung; Từ chối; Trả lại bước trước',
    );
    expect(mine[1]!['Trạng thái phụ']).toBe('Chờ ký');
    const consultations = wb.getWorksheet('Xin ý kiến')!;
    const asked: Record<string, unknown>[] = [];
    consultations.eachRow((_r, i) => {
      if (i > 1 && cells(consultations, i)['Khóa thủ tục'] === landKey) asked.push(cells(consultations, i));
    });
    expect(asked).toEqual([
      expect.objectContaining({
        'Mã bước': 'tham_dinh',
        'Mã xin ý kiến': 'xac_minh_xa',
        'Nơi thực hiện': 'UBND xã nơi người nộp cư trú',
        'Thời gian': 3,
        'Đơn vị thời gian': 'Ngày làm việc',
      }),
    ]);
    // A wrong role in a step row is named by that row and column.
    let n = 0;
    steps.eachRow((_r, i) => {
      if (i > 1 && n === 0 && cells(steps, i)['Khóa thủ tục'] === landKey) n = i;
    });
    steps.getRow(n).getCell(8).value = 'Thủ trưởng';
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: admin.headers,
      payload: { format: 'xlsx', data: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors.map((e: { message: string }) => e.message.split(': ')[0])).toContain(
      `Trang «Quy trình», dòng ${n}, cột Vai trò`,
    );
  });

  it('row and column errors in words, Vietnamese and English, for Excel and for JSON', async () => {
    const wb = await workbook();
    const ws = wb.getWorksheet('Thủ tục')!;
    ws.getRow(3).getCell(8).value = 'Cấp vũ trụ';
    ws.getRow(4).getCell(13).value = 'ba mươi';
    wb.getWorksheet('Thành phần hồ sơ')!.getRow(2).getCell(6).value = 'Tùy ý';
    const data = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const vi = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: admin.headers,
      payload: { format: 'xlsx', data },
    });
    expect(vi.statusCode).toBe(400);
    const messages = vi.json().errors.map((e: { message: string }) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Dòng 3, cột Cấp thực hiện: giá trị «Cấp vũ trụ» không hợp lệ; dùng một trong: «Cấp tỉnh», «Cấp huyện», «Cấp xã»',
        'Dòng 4, cột Thời hạn: sai kiểu dữ liệu',
        'Trang «Thành phần hồ sơ», dòng 2, cột Yêu cầu: giá trị «Tùy ý» không hợp lệ; dùng một trong: «Bắt buộc», «Có điều kiện»',
      ]),
    );
    const en = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: { ...admin.headers, 'accept-language': 'en' },
      payload: { format: 'xlsx', data },
    });
    expect(en.json().errors.map((e: { message: string }) => e.message)).toEqual(
      expect.arrayContaining([
        'Row 3, column Level: the value “Cấp vũ trụ” is not valid; use one of: “Province”, “District”, “Commune”',
      ]),
    );

    const file = JSON.parse(
      (await app.inject({ url: '/api/v1/catalog/export?format=json', headers: admin.headers })).body,
    );
    file.procedures[1].level = 'galaxy';
    file.procedures[2].documents[0].requirement = 'maybe';
    const json = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: admin.headers,
      payload: { format: 'json', catalog: file },
    });
    expect(json.statusCode).toBe(400);
    const jm = json.json().errors.map((e: { message: string }) => e.message);
    expect(jm).toEqual(
      expect.arrayContaining([
        `Thủ tục thứ 2 («${file.procedures[1].name}»), mục Cấp thực hiện: giá trị «galaxy» không hợp lệ; dùng một trong: «Cấp tỉnh», «Cấp huyện», «Cấp xã»`,
        `Thủ tục thứ 3 («${file.procedures[2].name}»), giấy tờ thứ 1, mục Yêu cầu: giá trị «maybe» không hợp lệ; dùng một trong: «Bắt buộc», «Có điều kiện»`,
      ]),
    );
    expect(jm.join('\n')).not.toContain('body.catalog');
  });
});

describe('the public procedure page says things in words', () => {
  it('online level, time limit and fee rows: no dash, no raw code, no doubled label', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { vi: { translation: vi }, en: { translation: en } },
      lng: 'vi',
      interpolation: { escapeValue: false },
    });
    const t = i18n.getFixedT('vi');
    const tEn = i18n.getFixedT('en');
    // "Mức độ trực tuyến —" for a procedure accepting online dossiers with no stated level.
    expect(onlineLevelText(t, null, true)).toBe('Có nhận hồ sơ trực tuyến (chưa công bố mức độ)');
    expect(onlineLevelText(t, null, false)).toBe('Không cung cấp trực tuyến');
    expect(onlineLevelText(t, 'none', true)).toBe('Không cung cấp trực tuyến');
    expect(onlineLevelText(t, 'full', true)).toBe('Trực tuyến toàn trình');
    expect(onlineLevelText(tEn, null, true)).toBe('Accepts online applications (level not published)');
    expect(timeLimitText(t, { value: 30, unit: 'calendar_days', text: null })).toBe('30 ngày');
    expect(timeLimitText(t, { value: 7, unit: 'working_days', text: null })).toBe('7 ngày làm việc');
    expect(t('procedure.noTimeLimit')).toBe('Chưa công bố thời hạn giải quyết');
    // "Phí, lệ phí: Phí, lệ phí:" — a fee named like the row is not repeated before its text.
    for (const name of ['Phí, lệ phí', 'Lệ phí', 'Phí', 'phí lệ phí'])
      expect(GENERIC_FEE_NAME.test(name), name).toBe(true);
    for (const name of ['Lệ phí hộ tịch', 'Phí thẩm định']) expect(GENERIC_FEE_NAME.test(name), name).toBe(false);
  });
});

describe('no district level since 1 July 2025 (two-level local government)', () => {
  const minimal = (level: string) => ({
    name: `Thủ tục thử cấp huyện ${randomUUID().slice(0, 8)}`,
    field: { code: 'THU-NGHIEM', name: 'Thử nghiệm' },
    level,
    agencyIds: [],
    channels: ['counter'],
    applicantKinds: ['citizen'],
    documents: [],
    timeLimit: null,
    fees: [],
    legalBasis: [],
    result: { name: 'Giấy xác nhận thử', kind: 'certificate' },
    onlineLevel: null,
    eForm: null,
    workflow: null,
    source: { verified: false, text: null, notes: null },
  });

  it('public search by level=district answers 400 in words, Vietnamese and English', async () => {
    const r = await app.inject({ url: '/api/v1/procedures?level=district' });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const p = r.json();
    expect(p.code).toBe('validation_failed');
    expect(p.field).toBe('level');
    expect(p.detail_vi).toMatch(/^Từ ngày 01\/7\/2025 không còn cấp huyện/);
    expect(p.detail_en).toMatch(/^Since 1 July 2025 there is no district level/);
    expect((await app.inject({ url: '/api/v1/procedures?level=commune' })).statusCode).toBe(200);
  });

  it('an administrator cannot create a district-level procedure; province and commune are accepted', async () => {
    const procedures = async () =>
      Number((await db.selectFrom('procedures').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await procedures();
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/procedures',
      headers: admin.headers,
      payload: minimal('district'),
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors.map((e: { path: string }) => e.path)).toContain('body.level');
    expect(await procedures()).toBe(before);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/procedures',
      headers: admin.headers,
      payload: minimal('commune'),
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });
});

describe('the declaration an e-form fills (filledByEForm) travels through the Excel file', () => {
  it('exported as "Có" for the seeded declarations, "Không" elsewhere; reading the file back changes nothing', async () => {
    const r = await app.inject({ url: '/api/v1/catalog/export?format=xlsx', headers: admin.headers });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const docs = wb.getWorksheet('Thành phần hồ sơ')!;
    const header = docs.getRow(1).values as unknown[];
    const col = header.indexOf('Thay bằng biểu mẫu điện tử');
    const nameCol = header.indexOf('Tên giấy tờ');
    expect(col).toBeGreaterThan(0);
    const flagged: string[] = [];
    const values = new Set<unknown>();
    docs.eachRow((row, i) => {
      if (i === 1) return;
      values.add(row.getCell(col).value);
      if (row.getCell(col).value === 'Có') flagged.push(String(row.getCell(nameCol).value));
    });
    expect(values).toEqual(new Set(['Có', 'Không']));
    // Eleven of the twelve seeded e-forms fill a listed declaration (Chứng thực bản sao lists none).
    expect(flagged.length).toBeGreaterThanOrEqual(11);
    for (const name of flagged) expect(name).toMatch(/^(Tờ khai|Đơn|Giấy đề nghị)/);
    const back = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: admin.headers,
      payload: { format: 'xlsx', data: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') },
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ created: 0, updated: 0 });
  });
});
