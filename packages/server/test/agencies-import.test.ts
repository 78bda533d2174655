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

type Row = {
  code: string;
  parentCode: string | null;
  name: string;
  nameEn: string | null;
  level: string;
  adminUnitCode: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
};
type File = { format: string; version: number; agencies: Row[] };

const PROVINCE = '000.00.00.H17';

async function exportJson(client: Client = admin): Promise<File> {
  const r = await app.inject({ url: '/api/v1/agencies/export?format=json', headers: client.headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function exportXlsx(): Promise<Buffer> {
  const r = await app.inject({ url: '/api/v1/agencies/export?format=xlsx', headers: admin.headers });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(r.headers['content-disposition']).toMatch(/^attachment/);
  return r.rawPayload;
}

const importBody = (payload: unknown, client: Client = admin) =>
  app.inject({ method: 'POST', url: '/api/v1/agencies/import', headers: client.headers, payload: payload as object });
const importFile = (agencies: Partial<Row>[]) =>
  importBody({ format: 'json', file: { format: 'motcua.agencies', version: 1, agencies } });

const byCode = (code: string) =>
  db.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirstOrThrow();

const row = (r: Pick<Row, 'code' | 'parentCode' | 'name' | 'level'> & Partial<Row>): Row => ({
  nameEn: null,
  adminUnitCode: null,
  address: null,
  phone: null,
  email: null,
  ...r,
});

describe('export', () => {
  it('the whole province in tree order: parents first, siblings by code', async () => {
    const file = await exportJson();
    expect(file).toMatchObject({ format: 'motcua.agencies', version: 1 });
    expect(file.agencies.length).toBe(await count(db, 'agencies'));
    expect(file.agencies[0]).toMatchObject({ code: PROVINCE, parentCode: null, level: 'province' });
    expect(Object.keys(file.agencies[0]!).sort()).toEqual(
      ['address', 'adminUnitCode', 'code', 'email', 'level', 'name', 'nameEn', 'parentCode', 'phone'].sort(),
    );
    const seen = new Set<string>();
    for (const a of file.agencies) {
      if (a.parentCode !== null) expect(seen.has(a.parentCode), a.code).toBe(true);
      seen.add(a.code);
    }
    const topLevel = file.agencies.filter((a) => a.parentCode === PROVINCE).map((a) => a.code);
    expect(topLevel).toEqual([...topLevel].sort());
  });

  it('a commune administrator exports only their own subtree; others are refused', async () => {
    const file = await exportJson(await sessionFor(db, DEMO.communeAdmin));
    const commune = await db
      .selectFrom('agencies')
      .select(['code', 'path'])
      .where('admin_unit_code', '=', '20242')
      .executeTakeFirstOrThrow();
    expect(file.agencies[0]).toMatchObject({ code: commune.code, parentCode: PROVINCE, level: 'commune' });
    expect(file.agencies.length).toBeGreaterThanOrEqual(2);
    for (const a of file.agencies.slice(1)) expect(a.parentCode).toBe(commune.code);
    expect((await app.inject({ url: '/api/v1/agencies/export' })).statusCode).toBe(401);
    const leader = await sessionFor(db, DEMO.deptLeader);
    expect((await app.inject({ url: '/api/v1/agencies/export', headers: leader.headers })).statusCode).toBe(403);
  });
});

describe('import', () => {
  it('JSON round trip: importing the export changes nothing', async () => {
    const file = await exportJson();
    const outbox = await count(db, 'outbox');
    const r = await importBody({ format: 'json', file });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ created: 0, updated: 0, unchanged: file.agencies.length });
    expect(await exportJson()).toEqual(file);
    // one summary message, one audit row
    expect(await count(db, 'outbox')).toBe(outbox + 1);
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'agency.import')
      .orderBy('at', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ result: 'ok', details: { format: 'json', created: 0, updated: 0 } });
  });

  it('adds a department with two units (two-level) and a district with a commune (three-level)', async () => {
    const before = await count(db, 'agencies');
    // children listed before their parents: the import sorts them
    const agencies = [
      row({ code: '000.01.77.H17', parentCode: '000.00.77.H17', name: 'Phòng Thử nghiệm 1', level: 'unit' }),
      row({ code: '000.02.77.H17', parentCode: '000.00.77.H17', name: 'Phòng Thử nghiệm 2', level: 'unit' }),
      row({
        code: '000.00.77.H17',
        parentCode: PROVINCE,
        name: 'Sở Thử nghiệm',
        nameEn: 'Department of Testing',
        level: 'department',
        email: 'sotn@danang.gov.vn',
      }),
      row({
        code: '000.01.88.H17',
        parentCode: '000.00.88.H17',
        name: 'UBND Xã Thử Nghiệm',
        level: 'commune',
        adminUnitCode: '99999',
      }),
      row({ code: '001.01.88.H17', parentCode: '000.01.88.H17', name: 'Bộ phận Một cửa', level: 'unit' }),
      row({ code: '000.00.88.H17', parentCode: PROVINCE, name: 'UBND Huyện Thử Nghiệm', level: 'district' }),
    ];
    const r = await importFile(agencies);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ created: 6, updated: 0, unchanged: 0 });
    expect(await count(db, 'agencies')).toBe(before + 6);

    const province = await byCode(PROVINCE);
    const dept = await byCode('000.00.77.H17');
    expect(dept).toMatchObject({ parent_id: province.id, level: 'department', name_en: 'Department of Testing' });
    expect(dept.path).toBe(`${province.path}${dept.id}/`);
    for (const c of ['000.01.77.H17', '000.02.77.H17']) {
      const u = await byCode(c);
      expect(u.parent_id).toBe(dept.id);
      expect(u.path).toBe(`${dept.path}${u.id}/`);
    }
    const district = await byCode('000.00.88.H17');
    const commune = await byCode('000.01.88.H17');
    const onestop = await byCode('001.01.88.H17');
    expect(district.path).toBe(`${province.path}${district.id}/`);
    expect(commune).toMatchObject({ parent_id: district.id, path: `${district.path}${commune.id}/` });
    expect(commune.admin_unit_code).toBe('99999');
    expect(onestop).toMatchObject({ parent_id: commune.id, path: `${commune.path}${onestop.id}/` });

    const listed = (await app.inject({ url: `/api/v1/agencies?parentId=${dept.id}` })).json().items;
    expect(listed.map((a: { code: string }) => a.code)).toEqual(['000.01.77.H17', '000.02.77.H17']);
    const districts = (await app.inject({ url: '/api/v1/agencies?level=district' })).json().items;
    expect(districts.map((a: { code: string }) => a.code)).toContain('000.00.88.H17');

    // the export puts them in tree order; importing again changes nothing
    const file = await exportJson();
    const codes = file.agencies.map((a) => a.code);
    expect(codes.indexOf('000.00.88.H17')).toBeLessThan(codes.indexOf('000.01.88.H17'));
    expect(codes.indexOf('000.01.88.H17')).toBeLessThan(codes.indexOf('001.01.88.H17'));
    const again = await importFile(agencies);
    expect(again.json()).toEqual({ created: 0, updated: 0, unchanged: 6 });
    // an edited field is an update
    const edited = await importFile([{ ...agencies[2]!, phone: '02363000111' }]);
    expect(edited.json()).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect((await byCode('000.00.77.H17')).phone).toBe('02363000111');
  });

  it('Excel round trip: unchanged, then an edited name updates one agency', async () => {
    const xlsx = await exportXlsx();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Cơ quan']);
    const ws = wb.getWorksheet('Cơ quan')!;
    expect(ws.getRow(1).getCell(1).value).toBe('Mã cơ quan / Code');
    const total = await count(db, 'agencies');
    expect(ws.actualRowCount).toBe(total + 1);

    const same = await importBody({ format: 'xlsx', data: xlsx.toString('base64') });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toEqual({ created: 0, updated: 0, unchanged: total });

    let n = 0;
    ws.eachRow((r, i) => {
      if (r.getCell(1).value === '000.00.77.H17') n = i;
    });
    expect(n).toBeGreaterThan(1);
    ws.getRow(n).getCell(3).value = 'Sở Thử nghiệm và Đổi mới';
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await importBody({ format: 'xlsx', data: buf.toString('base64') });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ created: 0, updated: 1, unchanged: total - 1 });
    expect((await byCode('000.00.77.H17')).name).toBe('Sở Thử nghiệm và Đổi mới');
  });

  it('Excel export neutralizes formula-like text (OWASP CSV injection); the import restores it', async () => {
    const evil = '=HYPERLINK("http://x.example","Bấm vào đây")';
    await db.updateTable('agencies').set({ address: evil }).where('code', '=', '000.00.77.H17').execute();
    const xlsx = await exportXlsx();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Cơ quan')!;
    const cells: unknown[] = [];
    ws.eachRow((r) => {
      r.eachCell((c) => {
        if (typeof c.value === 'string' && c.value.includes('HYPERLINK')) cells.push(c.value);
        if (c.formula) cells.push({ formula: c.formula });
      });
    });
    expect(cells).toEqual([`'${evil}`]);
    const total = await count(db, 'agencies');
    const same = await importBody({ format: 'xlsx', data: xlsx.toString('base64') });
    expect(same.json()).toEqual({ created: 0, updated: 0, unchanged: total });
    expect((await byCode('000.00.77.H17')).address).toBe(evil);
  });

  it('bad input: 400 with field errors naming the row, nothing written', async () => {
    const before = { agencies: await count(db, 'agencies'), outbox: await count(db, 'outbox') };
    const file = await exportJson();
    const communeAt = file.agencies.findIndex((a) => a.level === 'commune' && a.parentCode === PROVINCE);
    const unitAt = file.agencies.findIndex(
      (a) => a.level === 'unit' && a.parentCode === file.agencies[communeAt]!.code,
    );
    const commune = file.agencies[communeAt]!;
    const n = file.agencies.length;
    file.agencies[unitAt] = { ...file.agencies[unitAt]!, parentCode: '000.00.77.H17' }; // re-parent
    file.agencies.push(
      row({ code: '000.05.77.H17', parentCode: '000.99.99.H17', name: 'Không có cấp trên', level: 'unit' }), // n
      row({ code: '000.09.66.H17', parentCode: commune.code, name: 'Sở dưới xã', level: 'department' }), // n+1
      row({ code: '000.06.77.H17', parentCode: '000.00.77.H17', name: 'Phòng A', level: 'unit' }), // n+2
      row({ code: '000.06.77.H17', parentCode: '000.00.77.H17', name: 'Phòng A lặp', level: 'unit' }), // n+3
      row({ code: '000.07.77.H17', parentCode: '000.08.77.H17', name: 'Vòng 1', level: 'unit' }), // n+4
      row({ code: '000.08.77.H17', parentCode: '000.07.77.H17', name: 'Vòng 2', level: 'unit' }), // n+5
      row({ code: '000.10.77.H17', parentCode: '000.00.77.H17', name: 'Hợp lệ', level: 'unit' }), // n+6
    );
    const r = await importBody({ format: 'json', file });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().code).toBe('validation_failed');
    const paths = r.json().errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(
      [
        `body.file.agencies.${unitAt}.parentCode`,
        `body.file.agencies.${n}.parentCode`,
        `body.file.agencies.${n + 1}.level`,
        `body.file.agencies.${n + 3}.code`,
        `body.file.agencies.${n + 4}.parentCode`,
        `body.file.agencies.${n + 5}.parentCode`,
      ].sort(),
    );

    // shape errors: every row checked
    const shape = await importFile([
      row({ code: 'bad code', parentCode: PROVINCE, name: 'x', level: 'unit' }),
      row({ code: '000.11.77.H17', parentCode: PROVINCE, name: '  ', level: 'galaxy' }),
    ]);
    expect(shape.statusCode).toBe(400);
    expect(shape.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'body.file.agencies.0.code',
      'body.file.agencies.1.name',
      'body.file.agencies.1.level',
    ]);
    // a new agency without a parent, and a changed level
    const lvl = await importFile([
      row({ code: '000.12.77.H17', parentCode: null, name: 'Tỉnh thứ hai', level: 'province' }),
      row({ code: '000.00.77.H17', parentCode: PROVINCE, name: 'Sở Thử nghiệm', level: 'center' }),
    ]);
    expect(lvl.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'body.file.agencies.0.parentCode',
      'body.file.agencies.1.level',
    ]);

    // Excel: the error names the sheet and row
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportXlsx()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Cơ quan')!;
    ws.addRow(['000.13.77.H17', '000.98.98.H17', 'Không có cấp trên', null, 'unit']);
    const last = ws.rowCount;
    ws.getRow(3).getCell(5).value = 'galaxy';
    const badX = await importBody({
      format: 'xlsx',
      data: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64'),
    });
    expect(badX.statusCode).toBe(400);
    expect(badX.json().errors.map((e: { path: string }) => e.path)).toEqual(['Cơ quan!3.level']);
    ws.getRow(3).getCell(5).value = file.agencies[1]!.level;
    const badX2 = await importBody({
      format: 'xlsx',
      data: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64'),
    });
    expect(badX2.json().errors.map((e: { path: string }) => e.path)).toEqual([`Cơ quan!${last}.parentCode`]);
    const bogus = await importBody({ format: 'xlsx', data: Buffer.from('not a workbook').toString('base64') });
    expect(bogus.statusCode).toBe(400);
    expect((await importBody({})).statusCode).toBe(400);
    expect((await importBody({ format: 'json' })).statusCode).toBe(400);

    expect(await count(db, 'agencies')).toBe(before.agencies);
    expect(await count(db, 'outbox')).toBe(before.outbox);
    expect((await byCode(file.agencies[unitAt]!.code)).parent_id).toBe((await byCode(commune.code)).id);
  });

  it('only the province administrator may import: commune admin 403, others 403, anonymous 401', async () => {
    const before = await count(db, 'agencies');
    const body = {
      format: 'json',
      file: {
        format: 'motcua.agencies',
        version: 1,
        agencies: [row({ code: '000.20.77.H17', parentCode: PROVINCE, name: 'Không được phép', level: 'center' })],
      },
    };
    for (const user of [DEMO.communeAdmin, DEMO.deptLeader, DEMO.receptionist, DEMO.citizen]) {
      const r = await importBody(body, await sessionFor(db, user));
      expect(r.statusCode, user).toBe(403);
    }
    const anon = await app.inject({ method: 'POST', url: '/api/v1/agencies/import', payload: body });
    expect(anon.statusCode).toBe(401);
    expect(await count(db, 'agencies')).toBe(before);
  });
});
