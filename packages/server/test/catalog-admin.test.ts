import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, count, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
let admin: Client;
beforeAll(async () => {
  ({ app, db } = await startTestApp());
  admin = await sessionFor(db, DEMO.admin);
});

const agencyId = async (name: string) =>
  (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

/** A valid two-step workflow done by the handling agency (resolvable from agencyIds). */
const WORKFLOW = {
  schemaVersion: 1,
  steps: [
    {
      id: 'thu_ly',
      name_vi: 'Thụ lý hồ sơ',
      agency: { kind: 'receiving_authority' },
      role: 'officer',
      allotment: { days: 4 },
      actions: ['forward', 'request_supplement', 'refuse'],
    },
    {
      id: 'phe_duyet',
      name_vi: 'Lãnh đạo phê duyệt, ký',
      agency: { kind: 'receiving_authority' },
      role: 'leader',
      allotment: { days: 1 },
      actions: ['approve', 'sign', 'send_back', 'refuse'],
      final: true,
    },
  ],
};

async function content(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Cấp giấy phép thử nghiệm hành chính',
    field: { code: 'THU-NGHIEM', name: 'Thử nghiệm' },
    level: 'province',
    agencyIds: [await agencyId('Sở Tư pháp')],
    channels: ['counter', 'online'],
    applicantKinds: ['citizen'],
    documents: [
      {
        name: 'Tờ khai',
        original: 1,
        copy: null,
        requirement: 'mandatory',
        condition: null,
        templateFile: 'to-khai.docx',
        templateUrl: null,
      },
      {
        name: 'Giấy ủy quyền',
        original: 1,
        copy: 0,
        requirement: 'conditional',
        condition: 'Khi nộp thay',
        templateFile: null,
        templateUrl: null,
      },
    ],
    timeLimit: { value: 5, unit: 'working_days', text: null },
    fees: [{ name: 'Lệ phí', amountVnd: 50_000, text: null }],
    legalBasis: ['Nghị định 118/2025/NĐ-CP'],
    result: { name: 'Giấy phép thử nghiệm', kind: 'licence' },
    onlineLevel: 'partial',
    eForm: {
      schema: { type: 'object', properties: { hoTen: { type: 'string', title: 'Họ tên' } }, required: ['hoTen'] },
      uiSchema: null,
    },
    workflow: WORKFLOW,
    source: { verified: false, text: 'soạn thử', notes: null },
    ...overrides,
  };
}

const post = (url: string, payload: unknown, client: Client | null = admin) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: client?.headers ?? {} });
const put = (url: string, payload: unknown) =>
  app.inject({ method: 'PUT', url, payload: payload as object, headers: admin.headers });

describe('versioning', () => {
  it('draft → published; editing the published one opens a new draft; publishing archives the old', async () => {
    const created = await post('/api/v1/procedures', { ...(await content()), code: '9.000001' });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({
      code: '9.000001',
      version: 1,
      published: null,
      draft: { versionNo: 1, status: 'draft' },
    });
    // a draft is not public
    expect((await app.inject({ url: `/api/v1/procedures/${p.id}` })).statusCode).toBe(404);

    const pub1 = await post(`/api/v1/procedures/${p.id}/publish`, { version: 1 });
    expect(pub1.statusCode, pub1.body).toBe(200);
    expect(pub1.json()).toMatchObject({ version: 2, draft: null, published: { versionNo: 1, status: 'published' } });
    const v1Id = pub1.json().published.id;
    expect((await app.inject({ url: `/api/v1/procedures/${p.id}` })).json()).toMatchObject({
      versionId: v1Id,
      name: 'Cấp giấy phép thử nghiệm hành chính',
    });

    // edit the published procedure: a new draft; the public still sees version 1
    const edit = await put(`/api/v1/procedures/${p.id}/draft`, {
      ...(await content({ name: 'Cấp giấy phép thử nghiệm (sửa)' })),
      version: 2,
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json()).toMatchObject({
      version: 3,
      published: { id: v1Id, versionNo: 1 },
      draft: { versionNo: 2, name: 'Cấp giấy phép thử nghiệm (sửa)' },
    });
    expect((await app.inject({ url: `/api/v1/procedures/${p.id}` })).json().name).toBe(
      'Cấp giấy phép thử nghiệm hành chính',
    );
    // editing again updates the same draft
    const edit2 = await put(`/api/v1/procedures/${p.id}/draft`, {
      ...(await content({ name: 'Cấp giấy phép thử nghiệm (sửa 2)' })),
      version: 3,
    });
    expect(edit2.json().draft).toMatchObject({ id: edit.json().draft.id, versionNo: 2 });

    // stale version → 409, nothing changes
    const stale = await put(`/api/v1/procedures/${p.id}/draft`, { ...(await content({ name: 'Muộn' })), version: 3 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'conflict', currentVersion: 4 });
    expect((await post(`/api/v1/procedures/${p.id}/publish`, { version: 2 })).statusCode).toBe(409);

    const pub2 = await post(`/api/v1/procedures/${p.id}/publish`, { version: 4 });
    expect(pub2.statusCode).toBe(200);
    expect(pub2.json().published).toMatchObject({ versionNo: 2, name: 'Cấp giấy phép thử nghiệm (sửa 2)' });
    const versions = (await app.inject({ url: `/api/v1/procedures/${p.id}/versions`, headers: admin.headers })).json()
      .items;
    expect(versions.map((v: { versionNo: number; status: string }) => [v.versionNo, v.status])).toEqual([
      [2, 'published'],
      [1, 'archived'],
    ]);
    // nothing to publish now
    expect((await post(`/api/v1/procedures/${p.id}/publish`, { version: 5 })).statusCode).toBe(400);
    // search sees the new name only
    const found = (
      await app.inject({ url: `/api/v1/procedures?q=${encodeURIComponent('giay phep thu nghiem')}` })
    ).json();
    expect(found.items.filter((i: { id: string }) => i.id === p.id).map((i: { name: string }) => i.name)).toEqual([
      'Cấp giấy phép thử nghiệm (sửa 2)',
    ]);
  });

  it('a published version cannot be changed, even by SQL', async () => {
    const v = await db
      .selectFrom('procedure_versions')
      .select('id')
      .where('status', '=', 'published')
      .limit(1)
      .executeTakeFirstOrThrow();
    await expect(
      db.updateTable('procedure_versions').set({ name: 'x' }).where('id', '=', v.id).execute(),
    ).rejects.toThrow(/immutable/);
  });

  it('concurrent publishes with the same version: one wins', async () => {
    const p = (await post('/api/v1/procedures', await content({ name: 'Thủ tục song song' }))).json();
    const results = await Promise.all([1, 2, 3].map(() => post(`/api/v1/procedures/${p.id}/publish`, { version: 1 })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
  });

  it('validates content: 400 with field errors, nothing written', async () => {
    const before = await count(db, 'outbox');
    const bad = await post(
      '/api/v1/procedures',
      await content({
        channels: [],
        timeLimit: { value: null, unit: 'working_days', text: null },
        fees: [{ name: 'Phí', amountVnd: null, text: null }],
        eForm: { schema: { type: 'array', properties: {} }, uiSchema: null },
      }),
    );
    expect(bad.statusCode).toBe(400);
    const paths = bad
      .json()
      .errors.map((e: { path: string }) => e.path)
      .join(' ');
    expect(paths).toContain('channels');
    expect(paths).toContain('timeLimit');
    expect(paths).toContain('fees');
    expect(paths).toContain('eForm');
    const ghost = await post(
      '/api/v1/procedures',
      await content({ agencyIds: ['00000000-0000-4000-8000-000000000000'] }),
    );
    expect(ghost.statusCode).toBe(400);
    expect(ghost.json().errors[0].path).toBe('body.agencyIds.0');
    const dup = await post('/api/v1/procedures', { ...(await content()), code: '1.001193' });
    expect(dup.statusCode).toBe(409);
    expect(await count(db, 'outbox')).toBe(before);
  });
});

describe('who may change the catalog', () => {
  it('only administrators of the province; others get 403, anonymous 401', async () => {
    const body = await content({ name: 'Không được phép' });
    for (const user of [DEMO.deptLeader, DEMO.receptionist, DEMO.citizen, DEMO.communeAdmin]) {
      const c = await sessionFor(db, user);
      const r = await post('/api/v1/procedures', body, c);
      expect(r.statusCode, user).toBe(403);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/catalog/import',
            headers: c.headers,
            payload: { format: 'json', catalog: {} },
          })
        ).statusCode,
      ).toBe(403);
    }
    expect((await post('/api/v1/procedures', body, null)).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/catalog/export' })).statusCode).toBe(401);
    const n = await db.selectFrom('procedure_versions').select('id').where('name', '=', 'Không được phép').execute();
    expect(n.length).toBe(0);
  });
});

async function exportJson() {
  const r = await app.inject({ url: '/api/v1/catalog/export?format=json', headers: admin.headers });
  expect(r.statusCode).toBe(200);
  return r.body;
}

async function exportXlsx() {
  const r = await app.inject({ url: '/api/v1/catalog/export?format=xlsx', headers: admin.headers });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('spreadsheetml');
  return r.rawPayload;
}

async function sheetValues(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => ({
    name: ws.name,
    rows: ws.getSheetValues().map((r) => (Array.isArray(r) ? [...r] : r)),
  }));
}

async function emptyCatalog() {
  await db.deleteFrom('procedures').execute();
  expect(await db.selectFrom('procedure_versions').select('id').execute()).toEqual([]);
}

const importBody = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/v1/catalog/import', headers: admin.headers, payload: payload as object });

describe('import and export', () => {
  it('JSON round trip: export → import into an empty catalog → identical export', async () => {
    const first = await exportJson();
    const file = JSON.parse(first);
    expect(file.format).toBe('motcua-catalog');
    expect(file.procedures.length).toBeGreaterThanOrEqual(39);
    // re-importing unchanged content changes nothing
    const same = await importBody({ format: 'json', catalog: file });
    expect(same.json()).toEqual({
      created: 0,
      updated: 0,
      unchanged: file.procedures.length,
      keptAsDraft: 0,
      drafts: [],
    });
    await emptyCatalog();
    const r = await importBody({ format: 'json', catalog: JSON.parse(first) });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ created: file.procedures.length, updated: 0, unchanged: 0, keptAsDraft: 0, drafts: [] });
    expect(await exportJson()).toBe(first);
  });

  it('Excel round trip: export → import into an empty catalog → identical export', async () => {
    const json = await exportJson();
    const xlsx = await exportXlsx();
    const sheets = await sheetValues(xlsx);
    expect(sheets.map((s) => s.name)).toEqual([
      'Thủ tục',
      'Thành phần hồ sơ',
      'Phí, lệ phí',
      'Quy trình',
      'Xin ý kiến',
    ]);
    await emptyCatalog();
    const r = await importBody({ format: 'xlsx', data: xlsx.toString('base64') });
    expect(r.statusCode, r.body).toBe(200);
    expect(await exportJson()).toBe(json);
    expect(await sheetValues(await exportXlsx())).toEqual(sheets);
  });

  it('an edited row in Excel updates that procedure as a new published version', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportXlsx()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Phí, lệ phí')!;
    const keyCol = 1;
    let row = 0;
    ws.eachRow((r, n) => {
      if (r.getCell(keyCol).value === '1.001193' && r.getCell(2).value === 2) row = n;
    });
    ws.getRow(row).getCell(4).value = 8000;
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await importBody({ format: 'xlsx', data: buf.toString('base64') });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().updated).toBe(1);
    const id = (await db.selectFrom('procedures').select('id').where('code', '=', '1.001193').executeTakeFirstOrThrow())
      .id;
    const pub = (await app.inject({ url: `/api/v1/procedures/${id}` })).json();
    expect(pub.versionNo).toBe(2);
    expect(pub.fees[1].amountVnd).toBe(8000);
  });

  it('bad input: 400 problem with field errors, nothing written', async () => {
    const before = {
      p: await count(db, 'outbox'),
      v: (await db.selectFrom('procedure_versions').select('id').execute()).length,
    };
    const file = JSON.parse(await exportJson());
    file.procedures[0].name = '';
    file.procedures[1].level = 'galaxy';
    file.procedures[2].agencyCodes = ['000.99.99.Z99'];
    file.procedures.push({ ...file.procedures[3], name: 'Bản mới hợp lệ', code: null, id: null });
    const r = await importBody({ format: 'json', catalog: file });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const paths = r.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.catalog.procedures.0.name', 'body.catalog.procedures.1.level']),
    );
    // unknown agency codes are checked once the shape is valid
    file.procedures[0].name = 'x';
    file.procedures[1].level = 'commune';
    const r2 = await importBody({ format: 'json', catalog: file });
    expect(r2.statusCode).toBe(400);
    expect(r2.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.catalog.procedures.2.agencyCodes.0']);

    const bogus = await importBody({ format: 'xlsx', data: Buffer.from('not a workbook').toString('base64') });
    expect(bogus.statusCode).toBe(400);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportXlsx()) as unknown as ArrayBuffer);
    wb.getWorksheet('Thủ tục')!.getRow(3).getCell(8).value = 'galaxy';
    wb.getWorksheet('Thành phần hồ sơ')!.getRow(2).getCell(6).value = 'maybe';
    const badX = await importBody({
      format: 'xlsx',
      data: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64'),
    });
    expect(badX.statusCode).toBe(400);
    const xpaths = badX.json().errors.map((e: { path: string }) => e.path);
    expect(xpaths).toEqual(expect.arrayContaining(['Thủ tục!3.level', 'Thành phần hồ sơ!2.requirement']));
    expect((await importBody({})).statusCode).toBe(400);
    expect(await count(db, 'outbox')).toBe(before.p);
    expect((await db.selectFrom('procedure_versions').select('id').execute()).length).toBe(before.v);
  });
});
