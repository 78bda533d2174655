import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
let admin: Client;
beforeAll(async () => {
  ({ app, db } = await startTestApp());
  admin = await sessionFor(db, DEMO.admin);
});

const search = async (qs: string) => {
  const r = await app.inject({ url: `/api/v1/procedures?${qs}` });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as {
    items: {
      id: string;
      code: string | null;
      name: string;
      level: string;
      onlineLevel: string | null;
      field: { code: string };
    }[];
    total: number;
    page: number;
    pageSize: number;
  };
};

const agencyId = async (name: string) =>
  (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

describe('seeded catalog', () => {
  it('publishes the 39 procedures of procedures.json the demo province can handle; the 2 police ones stay drafts', async () => {
    const all = await search('pageSize=100');
    expect(all.total).toBe(39);
    const versions = await db.selectFrom('procedure_versions').select(['status', 'name']).orderBy('name').execute();
    expect(versions.length).toBe(41);
    expect(versions.filter((v) => v.status === 'published').length).toBe(39);
    expect(versions.filter((v) => v.status === 'draft').map((v) => v.name)).toEqual([
      'Cấp Phiếu lý lịch tư pháp (số 1, số 2) cho cá nhân',
      'Đổi giấy phép lái xe',
    ]);
  });

  it('keeps source, verification and notes, shown to administrators only', async () => {
    const { items } = await search('q=1.001193');
    expect(items[0]!.code).toBe('1.001193');
    const id = items[0]!.id;
    const pub = await app.inject({ url: `/api/v1/procedures/${id}` });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().source).toBeUndefined();
    expect(pub.json()).toMatchObject({
      name: 'Đăng ký khai sinh',
      level: 'commune',
      timeLimit: { value: 1, unit: 'working_days' },
    });
    // "UBND cấp xã" resolves to every commune of the demo province
    const communes = await db.selectFrom('agencies').select('id').where('level', '=', 'commune').execute();
    expect(pub.json().agencies.length).toBe(communes.length);
    const asAdmin = await app.inject({ url: `/api/v1/procedures/${id}`, headers: admin.headers });
    expect(asAdmin.json().source).toMatchObject({ verified: true, text: expect.stringContaining('dichvucong.gov.vn') });
    const versions = await app.inject({ url: `/api/v1/procedures/${id}/versions`, headers: admin.headers });
    expect(versions.statusCode).toBe(200);
    expect(versions.json().items[0].source.notes).toContain('onlineLevel');
  });

  it('maps provincial procedures to the matching department', async () => {
    const { items } = await search('q=noi quy lao dong');
    const r = await app.inject({ url: `/api/v1/procedures/${items[0]!.id}` });
    expect(r.json().agencies.map((a: { name: string }) => a.name)).toEqual(['Sở Nội vụ']);
  });
});

describe('search', () => {
  it('finds "Đăng ký khai sinh" without accents, in any case, and ranks it first', async () => {
    for (const q of ['dang ky khai sinh', 'DANG KY KHAI SINH', 'Đăng ký khai sinh', '  đăng   ký khai sinh ']) {
      const { items } = await search(`q=${encodeURIComponent(q)}`);
      expect(items[0]!.name, q).toBe('Đăng ký khai sinh');
      expect(items.map((i) => i.name)).toContain('Đăng ký khai sinh có yếu tố nước ngoài');
    }
  });

  it('accepts NFD input (combining marks) and folds đ to d', async () => {
    const nfd = 'đăng ký khai sinh'.normalize('NFD');
    expect(nfd).not.toBe('đăng ký khai sinh');
    const { items } = await search(`q=${encodeURIComponent(nfd)}`);
    expect(items[0]!.name).toBe('Đăng ký khai sinh');
    const d = await search(`q=${encodeURIComponent('dat dai')}`);
    expect(d.total).toBeGreaterThan(0);
    expect(d.items.every((i) => /đất|Đất/.test(i.name) || i.field.code === 'DAT-DAI')).toBe(true);
  });

  it('tolerates a typo through trigram similarity', async () => {
    const { items } = await search(`q=${encodeURIComponent('chung thuc di chuc')}`);
    expect(items[0]!.name).toBe('Chứng thực di chúc');
    const typo = await search(`q=${encodeURIComponent('chung thuc di chuk')}`);
    expect(typo.items.map((i) => i.name)).toContain('Chứng thực di chúc');
  });

  it('filters by field, level, online level and agency', async () => {
    const hoTich = await search('field=HO-TICH&pageSize=100');
    expect(hoTich.total).toBe(10);
    expect(hoTich.items.every((i) => i.field.code === 'HO-TICH')).toBe(true);
    const province = await search('level=province&pageSize=100');
    expect(province.total).toBe(11);
    const partial = await search('onlineLevel=partial&pageSize=100');
    expect(partial.total).toBe(5);
    expect(partial.items.every((i) => i.onlineLevel === 'partial')).toBe(true);
    const snv = await search(`agencyId=${await agencyId('Sở Nội vụ')}&pageSize=100`);
    expect(snv.total).toBe(4);
    const combined = await search(`q=ket+hon&level=commune&field=HO-TICH`);
    expect(combined.items.map((i) => i.name)).toEqual(
      expect.arrayContaining(['Đăng ký kết hôn', 'Đăng ký kết hôn có yếu tố nước ngoài']),
    );
  });

  it('paginates with a stable total', async () => {
    const p1 = await search('pageSize=15&page=1');
    const p3 = await search('pageSize=15&page=3');
    const p4 = await search('pageSize=15&page=4');
    expect([p1.total, p3.total, p4.total]).toEqual([39, 39, 39]);
    expect(p1.items.length).toBe(15);
    expect(p3.items.length).toBe(9);
    expect(p4.items.length).toBe(0);
    const ids = new Set([...(await search('pageSize=15&page=2')).items, ...p1.items, ...p3.items].map((i) => i.id));
    expect(ids.size).toBe(39);
  });

  it('lists fields with counts', async () => {
    const r = await app.inject({ url: '/api/v1/fields' });
    expect(r.statusCode).toBe(200);
    const items = r.json().items as { code: string; name: string; count: number }[];
    // Lý lịch tư pháp and Đường bộ have only the police's drafts.
    expect(items.length).toBe(17);
    expect(items.find((f) => f.code === 'HO-TICH')).toEqual({ code: 'HO-TICH', name: 'Hộ tịch', count: 10 });
    expect(items.reduce((s, f) => s + f.count, 0)).toBe(39);
  });

  it('browses by life event: every event has its count, and the filter returns exactly those procedures', async () => {
    const r = await app.inject({ url: '/api/v1/life-events' });
    expect(r.statusCode).toBe(200);
    const events = r.json().items as { code: string; audience: string; name: string; count: number }[];
    expect(events.find((e) => e.code === 'birth')).toMatchObject({ audience: 'citizen', name: 'Có con nhỏ' });
    for (const e of events) {
      const found = await search(`lifeEvent=${e.code}&pageSize=100`);
      expect(found.total, e.code).toBe(e.count);
    }
    const births = (await search('lifeEvent=birth&pageSize=100')).items.map((i) => i.name);
    expect(births).toContain('Đăng ký khai sinh');
    expect(births).not.toContain('Đăng ký kết hôn');
    const business = (await search('lifeEvent=start_business&pageSize=100')).items.map((i) => i.name);
    expect(business).toContain('Đăng ký thành lập hộ kinh doanh');
    // Every seeded procedure is under at least one event; a search narrows an event further.
    const listed = new Set<string>();
    for (const e of events) for (const i of (await search(`lifeEvent=${e.code}&pageSize=100`)).items) listed.add(i.id);
    expect(listed.size).toBe(39);
    expect((await search('lifeEvent=marriage&q=nuoc ngoai')).items[0]!.name).toBe(
      'Đăng ký kết hôn có yếu tố nước ngoài',
    );
    expect((await app.inject({ url: '/api/v1/procedures?lifeEvent=wedding' })).statusCode).toBe(400);
  });

  it('rejects bad query parameters with 400', async () => {
    const r = await app.inject({ url: '/api/v1/procedures?level=galaxy' });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('validation_failed');
  });
});
