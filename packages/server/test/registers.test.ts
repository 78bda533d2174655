import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBusinessRegister } from '../src/modules/registers/business.adapter.ts';
import {
  type BusinessRegistrySimulator,
  startBusinessRegistrySimulator,
} from '../src/modules/registers/business.simulator.ts';
import {
  buildCitizenEnvelope,
  HttpPopulationRegister,
  lgspAccessToken,
} from '../src/modules/registers/population.adapter.ts';
import { type PopulationSimulator, startPopulationSimulator } from '../src/modules/registers/population.simulator.ts';
import type { PersonRecord } from '../src/modules/registers/registers.types.ts';
import { DEMO_RESIDENTS, type DemoResident } from '../src/seed/demo-residents.ts';

/**
 * The two national-register adapters against their local simulators (NATIONAL-SYSTEMS.md §7, §5.2):
 * mapping, fail-soft outcomes, the wire shape the simulator saw, token reuse. No database.
 */

const CRED = { clientId: 'motcua', clientSecret: 's3cret' };
const LGSP = { accessKey: 'ak', secretKey: 'sk', appName: 'motcua', partnerCode: '000.00.00.H20' };
const ctx = { requestId: 'req-1', officerCode: 'CB001', serviceCode: '1.001612', agencyCode: '000.00.01.H20' };

let sim: PopulationSimulator;
const population = (over: Partial<ConstructorParameters<typeof HttpPopulationRegister>[0]> = {}) =>
  new HttpPopulationRegister({ url: sim.url, tokenUrl: sim.tokenUrl, ...CRED, ...LGSP, timeoutMs: 2_000, ...over });
const ANH = '048090001234';
const NOT_FOUND = { ok: false, reason: 'not_found' };
const find = (personalId: string, p: HttpPopulationRegister = population()) => p.findCitizen({ personalId }, ctx);
const tokenRequests = () => sim.requests.filter((r) => r.operation === 'token').length;

beforeAll(async () => {
  sim = await startPopulationSimulator({ token: CRED });
});
afterAll(() => sim.close());

describe('population DB (TraCuuThongTinCongDan)', () => {
  it('maps every field of a resident', async () => {
    const out = await find(ANH);
    expect(out).toEqual({
      ok: true,
      record: {
        personalId: '048090001234',
        oldIdCard: '201234567',
        fullName: 'Nguyễn Thị Ánh',
        dateOfBirth: '1990-05-14',
        sex: 'female',
        nationality: 'VN',
        ethnicity: '01',
        permanentResidence: { provinceCode: '48', communeCode: '20242', detail: '12 Trần Phú, tổ 5' },
        currentResidence: { provinceCode: '48', communeCode: '20242', detail: '12 Trần Phú, tổ 5' },
        maritalStatus: 'married',
        household: {
          number: 'HK-48-000123',
          headName: 'Phạm Văn Hùng',
          headPersonalId: '048088002468',
          relationToHead: 'Vợ',
        },
        spouse: { fullName: 'Phạm Văn Hùng', personalId: '048088002468' },
      } satisfies PersonRecord,
    });
    const r = (out as { record: PersonRecord }).record;
    expect(r.fullName).toBe(r.fullName.normalize('NFC'));
    expect(r.household?.headName).toBe('Phạm Văn Hùng'.normalize('NFC'));
  });

  it('maps parents, a different current residence and a single person', async () => {
    const child = await find('048225000135');
    expect(child.ok && child.record).toMatchObject({
      sex: 'male',
      maritalStatus: 'single',
      father: { fullName: 'Phạm Văn Hùng', personalId: '048088002468' },
      mother: { fullName: 'Nguyễn Thị Ánh', personalId: '048090001234' },
      household: { relationToHead: 'Con', headPersonalId: '048088002468' },
    });
    const binh = await find('048085004321');
    expect(binh.ok && binh.record.permanentResidence.communeCode).toBe('20209');
    expect(binh.ok && binh.record.currentResidence).toEqual({
      provinceCode: '48',
      communeCode: '20242',
      detail: '7 Bạch Đằng, tổ 2',
    });
    expect(binh.ok && 'spouse' in binh.record).toBe(false);
  });

  it('needs every given key to match: name or date of birth wrong → not_found', async () => {
    const p = population();
    const q = { personalId: '048090001234' };
    const good = await p.findCitizen(
      { ...q, fullName: 'NGUYỄN THỊ ÁNH'.normalize('NFD'), dateOfBirth: '1990-05-14' },
      ctx,
    );
    expect(good.ok).toBe(true);
    expect(await p.findCitizen({ ...q, fullName: 'Nguyễn Thị Anh' }, ctx)).toEqual(NOT_FOUND);
    expect(await p.findCitizen({ ...q, dateOfBirth: '1990-05-15' }, ctx)).toEqual(NOT_FOUND);
  });

  it('unknown id → not_found; a malformed id or date → not_found without a request', async () => {
    expect(await find('048999999999')).toEqual(NOT_FOUND);
    const before = sim.requests.length;
    expect((await find('48090001234')).ok).toBe(false);
    const badDate = await population().findCitizen({ personalId: '048090001234', dateOfBirth: '14/05/1990' }, ctx);
    expect(badDate).toMatchObject({ ok: false, reason: 'not_found' });
    expect(sim.requests.length).toBe(before);
  });

  it('times out when the register answers after the deadline', async () => {
    const p = population({ timeoutMs: 50 });
    sim.delayMs = 200;
    try {
      const started = Date.now();
      const out = await find(ANH, p);
      expect(out).toMatchObject({ ok: false, reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      sim.delayMs = 0;
    }
  });

  it('a SOAP Fault (HTTP 500) → unavailable, then the next call succeeds', async () => {
    const p = population();
    sim.failNext = 1;
    const failed = await find(ANH, p);
    expect(failed).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(failed.ok === false && failed.detail).toContain('Hệ thống đang bận');
    expect((await find(ANH, p)).ok).toBe(true);
  });

  it('bad client credentials → refused; a bad lgspaccesstoken header → 401', async () => {
    const refused = await find(ANH, population({ clientSecret: 'wrong' }));
    expect(refused).toEqual({ ok: false, reason: 'refused', detail: 'token HTTP 401' });
    const res = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', lgspaccesstoken: 'not base64 json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'motcua', client_secret: 's3cret' }),
    });
    expect(res.status).toBe(401);
  });

  it('a bearer token the register did not issue → refused', async () => {
    const other = await startPopulationSimulator({ token: CRED });
    try {
      const out = await find(ANH, population({ tokenUrl: other.tokenUrl }));
      expect(out).toEqual({ ok: false, reason: 'refused', detail: 'HTTP 401' });
    } finally {
      await other.close();
    }
  });

  it('a missing required key is a SOAP Fault with a Vietnamese faultstring → unavailable', async () => {
    const out = await find(ANH, population({ integrationCode: '' }));
    expect(out).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(out.ok === false && out.detail).toContain('Thiếu thông tin bắt buộc: MaTichHop');
  });

  it('sends the SOAP keys in the documented order with the LGSP headers', async () => {
    const before = sim.requests.length;
    await population().findCitizen(
      { personalId: '048090001234', fullName: 'Nguyễn Thị Ánh', dateOfBirth: '1990-05-14' },
      ctx,
    );
    const seen = sim.requests.slice(before).find((r) => r.operation === 'TraCuuThongTinCongDan')!;
    expect(seen.keys?.join(' ')).toBe('MaYeuCau MaDVC MaTichHop MaCanBo SoDinhDanh HoVaTen NgayThangNamSinh MaDonVi');
    expect(seen.fields).toMatchObject({
      MaYeuCau: 'req-1',
      MaDVC: '1.001612',
      MaTichHop: '037',
      MaCanBo: 'CB001',
      SoDinhDanh: '048090001234',
      HoVaTen: 'Nguyễn Thị Ánh',
      NgayThangNamSinh: '19900514',
    });
    expect(seen.personalId).toBe('048090001234');
    expect(seen.headers['content-type']).toBe('application/xml');
    expect(seen.headers.soapaction).toBe('""');
    expect(seen.headers.authorization).toMatch(/^Bearer sim-/);
    expect(JSON.parse(Buffer.from(seen.headers.lgspaccesstoken!, 'base64').toString('utf8'))).toEqual({
      AccessKey: 'ak',
      SecretKey: 'sk',
      AppName: 'motcua',
      PartnerCode: '000.00.00.H20',
      PartnerCodeCus: '000.00.00.H20',
    });
  });

  it('reuses one token across lookups', async () => {
    const p = population();
    const before = tokenRequests();
    await Promise.all([find(ANH, p), find('048088002468', p)]);
    await find('048300009999', p);
    expect(tokenRequests() - before).toBe(1);
  });

  it('escapes XML text both ways: a name like <x>&"\' survives', async () => {
    const odd: DemoResident = { ...DEMO_RESIDENTS[3]!, personalId: '001200000001', fullName: `<x>&"' Lê` };
    const own = await startPopulationSimulator({ residents: [odd] });
    try {
      const q = { personalId: odd.personalId, fullName: odd.fullName };
      expect(buildCitizenEnvelope('TraCuuThongTinCongDan', q, ctx, '037')).toContain(
        '<qldc:HoVaTen>&lt;x&gt;&amp;&quot;&apos; Lê</qldc:HoVaTen>',
      );
      const p = new HttpPopulationRegister({ url: own.url, tokenUrl: own.tokenUrl, ...CRED, ...LGSP });
      const out = await p.findCitizen(q, ctx);
      expect(out.ok && out.record.fullName).toBe(`<x>&"' Lê`);
      expect(out.ok && out.record.personalId).toBe('001200000001');
      expect(own.requests.at(-1)?.fields?.HoVaTen).toBe(`<x>&"' Lê`);
    } finally {
      await own.close();
    }
  });

  it('answers XacThucThongTinCongDan with KetQuaXacThuc/TonTai', async () => {
    const header = lgspAccessToken(LGSP);
    const auth = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { lgspaccesstoken: header },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'motcua', client_secret: 's3cret' }),
    });
    const bearer = `Bearer ${((await auth.json()) as { access_token: string }).access_token}`;
    const ask = async (dateOfBirth: string) => {
      const res = await fetch(sim.url, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', authorization: bearer, lgspaccesstoken: header },
        body: buildCitizenEnvelope('XacThucThongTinCongDan', { personalId: '048090001234', dateOfBirth }, ctx, '037'),
      });
      return res.text();
    };
    expect(await ask('1990-05-14')).toMatch(/<dc:TonTai>true<\/dc:TonTai>/);
    expect(await ask('1990-05-13')).toMatch(/<dc:TonTai>false<\/dc:TonTai>/);
  });
});

/** A fetch that answers the token call, then the given service answer(s) in turn. */
function stubFetch(...answers: (() => Response)[]): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  let i = 0;
  const f = async (input: string | URL | Request) => {
    const url = String(input);
    calls.push(url);
    if (url.endsWith('/token')) return Response.json({ access_token: `t${calls.length}` });
    const next = answers[Math.min(i++, answers.length - 1)]!;
    return next();
  };
  return Object.assign(f as typeof fetch, { calls });
}

describe('population adapter, odd answers (stubbed transport)', () => {
  const opts = { url: 'http://lgsp.test/dancu', ...CRED, ...LGSP };
  it('unparsable XML → invalid_response; a network error → unavailable', async () => {
    const bad = new HttpPopulationRegister({ ...opts, fetch: stubFetch(() => new Response('<a><b></a>')) });
    expect(await find(ANH, bad)).toMatchObject({ reason: 'invalid_response' });
    const down = new HttpPopulationRegister({
      ...opts,
      fetch: (async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      }) as typeof fetch,
    });
    expect(await find(ANH, down)).toEqual({ ok: false, reason: 'unavailable', detail: 'ECONNREFUSED' });
  });

  it('decodes numeric character references, reads HoVaTen as text, drops a refused cached token once', async () => {
    const xml =
      '<Envelope><Body><R><CongdanCollection><CongDan><SoDinhDanh>001090000001</SoDinhDanh>' +
      '<HoVaTen>L&#234; V&#259;n A</HoVaTen><NgayThangNamSinh><NgayThangNam>19900101</NgayThangNam></NgayThangNamSinh>' +
      '<GioiTinh>1</GioiTinh><TinhTrangHonNhan>3</TinhTrangHonNhan></CongDan></CongdanCollection></R></Body></Envelope>';
    const ok = () => new Response(xml);
    const f = stubFetch(ok, () => new Response('', { status: 401 }), ok);
    const p = new HttpPopulationRegister({ ...opts, fetch: f });
    const out = await find('001090000001', p);
    expect(out.ok && out.record).toMatchObject({
      fullName: 'Lê Văn A',
      maritalStatus: 'divorced_or_widowed',
      household: null,
    });
    expect((await find('001090000001', p)).ok).toBe(true);
    expect(f.calls.filter((u) => u.endsWith('/token')).length).toBe(2);
  });
});

describe('business registry (NGSP chiTietDoanhNghiep)', () => {
  let biz: BusinessRegistrySimulator;
  const consumer = { key: 'ck', secret: 'cs' };
  const business = (over: Partial<ConstructorParameters<typeof HttpBusinessRegister>[0]> = {}) =>
    new HttpBusinessRegister({ url: biz.url, consumerKey: 'ck', consumerSecret: 'cs', timeoutMs: 2_000, ...over });
  beforeAll(async () => {
    biz = await startBusinessRegistrySimulator({ consumer });
  });
  afterAll(() => biz.close());

  it('finds a business, with one token for several lookups', async () => {
    const b = business();
    const out = await b.findBusiness('0401234567', ctx);
    expect(out).toEqual({
      ok: true,
      record: {
        taxCode: '0401234567',
        name: 'Công ty TNHH Sông Hàn Demo',
        headOfficeAddress: '25 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng',
        legalRepresentatives: [{ fullName: 'Nguyễn Thị Ánh' }],
      },
    });
    expect((await b.findBusiness('0402345678', ctx)).ok).toBe(true);
    expect(biz.requests.filter((r) => r.operation === 'token').length).toBe(1);
    const call = biz.requests.find((r) => r.operation === 'chiTietDoanhNghiep')!;
    expect(call.taxCode).toBe('0401234567');
    expect(call.headers.authorization).toMatch(/^Bearer ngsp-/);
    const token = biz.requests.find((r) => r.operation === 'token')!;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from('ck:cs').toString('base64')}`);
  });

  it('unknown (also a 10-3 branch code) → not_found; an invalid code makes no request', async () => {
    expect(await business().findBusiness('0409999999', ctx)).toEqual(NOT_FOUND);
    expect(await business().findBusiness('0401234567-001', ctx)).toEqual(NOT_FOUND);
    const before = biz.requests.length;
    for (const bad of ['040123456', '04012345678', '0401234567-01', 'abc', '']) {
      expect(await business().findBusiness(bad, ctx)).toMatchObject({ ok: false, reason: 'not_found' });
    }
    expect(biz.requests.length).toBe(before);
  });

  it('timeout, HTTP 500 → unavailable then success, bad secret → refused', async () => {
    const b = business({ timeoutMs: 50 });
    biz.delayMs = 200;
    try {
      expect(await b.findBusiness('0401234567', ctx)).toMatchObject({ ok: false, reason: 'timeout' });
    } finally {
      biz.delayMs = 0;
    }
    biz.failNext = 1;
    expect(await b.findBusiness('0401234567', ctx)).toMatchObject({ ok: false, reason: 'unavailable' });
    expect((await b.findBusiness('0401234567', ctx)).ok).toBe(true);
    expect(await business({ consumerSecret: 'nope' }).findBusiness('0401234567', ctx)).toMatchObject({
      ok: false,
      reason: 'refused',
    });
  });

  it('accepts HOAdress as an object', async () => {
    const answer = {
      Data: {
        MainInformation: { NAME: 'Công ty X' },
        Representatives: [],
        HOAdress: { AddressFullText: '1 Lê Lợi, Đà Nẵng' },
      },
    };
    const b = new HttpBusinessRegister({
      url: 'http://ngsp.test/apiCSDLDKDN/1.0',
      consumerKey: 'k',
      consumerSecret: 's',
      fetch: stubFetch(() => Response.json(answer)),
    });
    expect(await b.findBusiness('0401234567', ctx)).toMatchObject({
      ok: true,
      record: { name: 'Công ty X', headOfficeAddress: '1 Lê Lợi, Đà Nẵng', legalRepresentatives: [] },
    });
  });
});
