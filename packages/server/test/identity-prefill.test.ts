/**
 * Data reuse (issue 17): the e-form prefilled from VNeID and the national registers (population DB
 * over SOAP/LGSP, business registry over NGSP, both local simulators), verified fields locked
 * through submission, registers that fail soft, the VNeID level a procedure requires, the counter's
 * lookup by ID number, and the person's log of who read their data (Decree 13/2023).
 */
import { randomUUID } from 'node:crypto';
import { sampleFill } from '@motcua/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityProviderConfig } from '../src/config.ts';
import type { Db } from '../src/db/database.ts';
import type { VerifiedIdentity } from '../src/db/schema.ts';
import { signInWithIdentity } from '../src/modules/accounts/identity-sign-in.ts';
import { HttpBusinessRegister } from '../src/modules/registers/business.adapter.ts';
import {
  type BusinessRegistrySimulator,
  startBusinessRegistrySimulator,
} from '../src/modules/registers/business.simulator.ts';
import { HttpPopulationRegister } from '../src/modules/registers/population.adapter.ts';
import { type PopulationSimulator, startPopulationSimulator } from '../src/modules/registers/population.simulator.ts';
import { businessByTaxCode, residentById } from '../src/seed/demo-residents.ts';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { mandatoryChecklist } from './reception-helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

let app: TestApp;
let db: Db;
let population: PopulationSimulator;
let business: BusinessRegistrySimulator;
const VNEID: IdentityProviderConfig = {
  id: 'vneid',
  audience: 'applicant',
  issuer: 'http://127.0.0.1:9',
  clientId: 'x',
  clientSecret: 'x',
  scopes: 'openid profile',
  acrValues: undefined,
};

beforeAll(async () => {
  population = await startPopulationSimulator({ token: { clientId: 'motcua', clientSecret: 's3cret' } });
  business = await startBusinessRegistrySimulator({ consumer: { key: 'motcua', secret: 's3cret' } });
  const registers = {
    population: new HttpPopulationRegister({
      url: population.url,
      tokenUrl: population.tokenUrl,
      clientId: 'motcua',
      clientSecret: 's3cret',
      accessKey: 'k',
      secretKey: 's',
      appName: 'motcua',
      partnerCode: 'DEMO',
      timeoutMs: 300,
    }),
    business: new HttpBusinessRegister({
      url: business.url,
      tokenUrl: business.tokenUrl,
      consumerKey: 'motcua',
      consumerSecret: 's3cret',
      timeoutMs: 300,
    }),
  };
  ({ app, db } = await startTestApp({}, undefined, { registers }));
});
afterAll(async () => {
  await population?.close();
  await business?.close();
});

/** The identity VNeID would assert for a demo resident (or a business and its representative). */
function identityOf(personalId: string, taxCode?: string): VerifiedIdentity {
  const r = residentById(personalId)!;
  const b = taxCode ? businessByTaxCode(taxCode)! : undefined;
  return {
    accountType: b ? 'organization' : 'citizen',
    fullName: r.fullName,
    personalId,
    oldIdCard: null,
    dateOfBirth: r.dateOfBirth,
    sex: r.sex === 1 ? 'male' : 'female',
    address: r.permanentResidence.detail,
    phone: null,
    email: null,
    taxCode: b?.taxCode ?? null,
    businessName: b?.name ?? null,
  };
}

/** A session opened by a VNeID sign-in (the real linking code; the OIDC legs are identity-oidc.test.ts). */
async function vneidSession(subject: string, identity: VerifiedIdentity, level: 1 | 2 = 2): Promise<Client> {
  const r = await signInWithIdentity(
    db,
    VNEID,
    { subject, identity, level, idToken: undefined },
    {
      actor: { kind: 'anonymous' },
      requestId: randomUUID(),
    },
    1,
  );
  if (!r.ok) throw new Error(r.problem);
  const cookie = `motcua_session=${r.session.token}`;
  return {
    cookie,
    csrf: r.session.csrfToken,
    userId: r.userId,
    headers: { cookie, 'x-csrf-token': r.session.csrfToken },
  };
}

async function procedureNamed(name: string): Promise<Json> {
  const v = await db
    .selectFrom('procedure_versions')
    .select('procedure_id')
    .where('name', '=', name)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  return (await app.inject({ url: `/api/v1/procedures/${v.procedure_id}` })).json();
}

const haiChau = async () =>
  (await db.selectFrom('agencies').select('id').where('admin_unit_code', '=', '20242').executeTakeFirstOrThrow()).id;

async function prefill(who: Client, draftId: string) {
  const r = await app.inject({ method: 'POST', url: `/api/v1/drafts/${draftId}/prefill`, headers: who.headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Json;
}

async function submit(who: Client, p: Json, draftId: string, formData: Json, agencyId: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/dossiers',
    headers: { ...who.headers, 'idempotency-key': randomUUID() },
    payload: { procedureId: p.id, draftId, formData, agencyId },
  });
}

async function accessLog(who: Client): Promise<Json[]> {
  const r = await app.inject({ url: '/api/v1/me/personal-data-access', headers: who.headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items;
}

const CERTIFIED_COPY =
  'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết với cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận';

/** A new published version of the procedure that also takes online dossiers from organizations. */
async function openOnlineToBusinesses(p: Json): Promise<Json> {
  const admin = await sessionFor(db, DEMO.admin);
  const versions = await app.inject({ url: `/api/v1/procedures/${p.id}/versions`, headers: admin.headers });
  const v = versions.json().items.find((x: Json) => x.status === 'published');
  const { version } = await db
    .selectFrom('procedures')
    .select('version')
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow();
  const content = {
    name: v.name,
    field: v.field,
    level: v.level,
    agencyIds: v.agencies.map((a: Json) => a.id),
    channels: ['counter', 'online'],
    applicantKinds: ['citizen', 'organization'],
    lifeEvents: v.lifeEvents,
    documents: v.documents,
    timeLimit: v.timeLimit,
    fees: v.fees,
    legalBasis: v.legalBasis,
    result: v.result,
    onlineLevel: v.onlineLevel,
    eForm: v.eForm,
    identityLevel: v.identityLevel,
    workflow: v.workflow,
    source: v.source,
  };
  const put = await app.inject({
    method: 'PUT',
    url: `/api/v1/procedures/${p.id}/draft`,
    headers: admin.headers,
    payload: { ...content, version },
  });
  expect(put.statusCode, put.body).toBe(200);
  const pub = await app.inject({
    method: 'POST',
    url: `/api/v1/procedures/${p.id}/publish`,
    headers: admin.headers,
    payload: { version: put.json().version },
  });
  expect(pub.statusCode, pub.body).toBe(200);
  return (await app.inject({ url: `/api/v1/procedures/${p.id}` })).json();
}

const dossierCount = async () =>
  Number((await db.selectFrom('dossiers').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

describe('the e-form prefilled from VNeID and the population DB', () => {
  let anh: Client;
  let birth: Json;
  let draftId: string;
  let filled: Json;

  beforeAll(async () => {
    anh = await vneidSession('vneid-7f3a9c01', identityOf('048090001234'));
    birth = await procedureNamed('Đăng ký khai sinh');
    draftId = await draftWithMandatoryFiles(app, db, anh, birth.id);
  });

  it('fills the requester from the register, says where each value came from, and locks it', async () => {
    const before = population.requests.filter((r) => r.operation !== 'token').length;
    filled = await prefill(anh, draftId);
    expect(filled.draft.formData).toMatchObject({
      requesterName: 'Nguyễn Thị Ánh',
      requesterIdNumber: '048090001234',
      requesterResidence: '12 Trần Phú, tổ 5, Phường Hải Châu, Thành phố Đà Nẵng',
    });
    expect(filled.origins).toEqual({
      requesterName: 'population_register',
      requesterIdNumber: 'population_register',
      requesterResidence: 'population_register',
    });
    expect(filled.locked.sort()).toEqual(['requesterIdNumber', 'requesterName', 'requesterResidence']);
    expect(filled.draft.verified).toEqual(filled.origins);
    expect(filled.failures).toEqual([]);
    expect(population.requests.filter((r) => r.operation !== 'token').length).toBe(before + 1);
  });

  it('shows the read in the person’s access log', async () => {
    const log = await accessLog(anh);
    expect(log[0]).toMatchObject({
      source: 'population_register',
      purpose: 'Điền sẵn tờ khai: Đăng ký khai sinh',
      outcome: 'found',
      accessor: { self: true, name: 'Nguyễn Thị Ánh' },
    });
  });

  it('refuses a submission that changed a verified field, and creates nothing', async () => {
    const n = await dossierCount();
    const form = { ...sampleFill(birth.eForm.schema), ...filled.draft.formData, requesterName: 'Nguyễn Thị Anh' };
    const r = await submit(anh, birth, draftId, form, await haiChau());
    expect(r.statusCode, r.body).toBe(422);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
    expect(r.json()).toMatchObject({ code: 'verified_field_changed', fields: ['requesterName'] });
    expect(r.json().title).toMatch(/xác thực/);
    expect(await dossierCount()).toBe(n);
  });

  it('takes the verified values, and the officer sees where they came from; his reading is logged', async () => {
    const form = { ...sampleFill(birth.eForm.schema), ...filled.draft.formData };
    const r = await submit(anh, birth, draftId, form, await haiChau());
    expect(r.statusCode, r.body).toBe(201);
    const officer = await sessionFor(db, DEMO.communeReceptionist);
    const d = await app.inject({ url: `/api/v1/dossiers/${r.json().id}`, headers: officer.headers });
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json().verifiedFields).toEqual(filled.origins);
    const log = await accessLog(anh);
    expect(log[0]).toMatchObject({
      source: 'dossier',
      purpose: `Xem hồ sơ ${r.json().code}`,
      accessor: { self: false },
    });
    expect(log[0]?.accessor.name).toBeTruthy();
    // The one-stop unit is named with its ward, so that the person can place it.
    expect(log[0]?.accessor.agencyName).toMatch(/ — UBND Phường Hải Châu$/);

    // Opening one of the dossier's files is a read of its own, naming the file; the applicant's
    // own download is not an officer's read.
    const files = await app.inject({ url: `/api/v1/dossiers/${r.json().id}/attachments`, headers: officer.headers });
    const file = files.json().items[0] as { id: string; fileName: string };
    expect(file).toBeDefined();
    const own = await app.inject({ url: `/api/v1/attachments/${file.id}/content`, headers: anh.headers });
    expect(own.statusCode).toBe(200);
    expect(await accessLog(anh)).toHaveLength(log.length);
    const got = await app.inject({
      url: `/api/v1/attachments/${file.id}/content?disposition=inline`,
      headers: officer.headers,
    });
    expect(got.statusCode).toBe(200);
    const after = await accessLog(anh);
    expect(after).toHaveLength(log.length + 1);
    expect(after[0]).toMatchObject({
      source: 'dossier',
      purpose: `Xem tệp “${file.fileName}” của hồ sơ ${r.json().code}`,
      outcome: 'viewed',
      accessor: { self: false },
    });

    // Printing a form that carries her data is a read too; the applicant's own print is not.
    const id = r.json().id as string;
    const received = await app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${id}/actions`,
      headers: { ...officer.headers, 'idempotency-key': randomUUID() },
      payload: { type: 'receive', version: r.json().version, checklist: await mandatoryChecklist(db, id) },
    });
    expect(received.statusCode, received.body).toBe(200);
    const logged = (await accessLog(anh)).length;
    const ownPrint = await app.inject({ url: `/api/v1/dossiers/${id}/documents/01`, headers: anh.headers });
    expect(ownPrint.statusCode, ownPrint.body).toBe(200);
    expect(await accessLog(anh)).toHaveLength(logged);
    const print = await app.inject({ url: `/api/v1/dossiers/${id}/documents/01`, headers: officer.headers });
    expect(print.statusCode, print.body).toBe(200);
    expect(print.headers['content-type']).toBe('application/pdf');
    const printed = await accessLog(anh);
    expect(printed).toHaveLength(logged + 1);
    expect(printed[0]).toMatchObject({
      source: 'dossier',
      purpose: `In mẫu 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) của hồ sơ ${r.json().code}`,
      accessor: { self: false },
    });
    // A form that does not exist yet (no supplement was requested) is refused and logs nothing.
    const none = await app.inject({ url: `/api/v1/dossiers/${id}/documents/02`, headers: officer.headers });
    expect(none.statusCode).toBe(404);
    expect(await accessLog(anh)).toHaveLength(printed.length);
  });
});

describe('registers fail soft; password sign-ins read no register', () => {
  it('a register that times out leaves its fields to type and is logged; the form still works', async () => {
    const binh = await vneidSession('vneid-2b8e4d17', identityOf('048085004321'));
    const p = await procedureNamed('Đăng ký thành lập hộ kinh doanh');
    const draftId = await draftWithMandatoryFiles(app, db, binh, p.id);
    population.delayMs = 1_000;
    try {
      const r = await prefill(binh, draftId);
      expect(r.failures).toEqual([{ register: 'population_register', reason: 'timeout' }]);
      // What VNeID verified still fills name, ID, birth date and sex; the register's address and
      // ethnicity are left to type.
      expect(r.draft.formData).toMatchObject({
        ownerName: 'Trần Văn Bình',
        ownerIdNumber: '048085004321',
        ownerBirthDate: '1985-11-02',
        ownerSex: 'Nam',
      });
      expect(r.draft.formData.ownerAddress).toBeUndefined();
      expect(r.draft.formData.ownerEthnicity).toBeUndefined();
      expect(r.origins).toMatchObject({ ownerName: 'vneid', ownerSex: 'vneid' });
    } finally {
      population.delayMs = 0;
    }
    expect((await accessLog(binh))[0]).toMatchObject({ source: 'population_register', outcome: 'timeout' });
    // Asked again once the register is back: its fields arrive (current residence, ethnicity by code).
    const again = await prefill(binh, draftId);
    expect(again.failures).toEqual([]);
    expect(again.draft.formData).toMatchObject({
      ownerAddress: '7 Bạch Đằng, tổ 2, Phường Hải Châu, Thành phố Đà Nẵng',
      ownerEthnicity: 'Kinh',
      ownerNationality: 'Việt Nam',
    });
  });

  it('an unavailable register is said the same way', async () => {
    const dung = await vneidSession('vneid-9c1f6a42', identityOf('048300009999'), 1);
    const p = await procedureNamed(CERTIFIED_COPY);
    const draftId = await draftWithMandatoryFiles(app, db, dung, p.id);
    population.failNext = 1;
    const r = await prefill(dung, draftId);
    expect(r.failures).toEqual([{ register: 'population_register', reason: 'unavailable' }]);
    expect(r.origins).toEqual({ requesterName: 'vneid', requesterIdNumber: 'vneid' });
  });

  it('a password session prefills from the account only, unlocked, and reads no register', async () => {
    const password = await sessionFor(db, DEMO.citizen);
    const p = await procedureNamed(CERTIFIED_COPY);
    const draftId = await draftWithMandatoryFiles(app, db, password, p.id);
    const before = population.requests.length;
    const r = await prefill(password, draftId);
    expect(r.origins).toEqual({ requesterName: 'account', requesterIdNumber: 'account' });
    expect(r.locked).toEqual([]);
    expect(population.requests.length).toBe(before);
  });
});

describe('a business signed in through VNeID', () => {
  it('fills a land user’s name and seat from the business registry', async () => {
    const org = await vneidSession('vneid-org-5d2e8b60', identityOf('048090001234', '0401234567'));
    const me = await app.inject({ url: '/api/v1/auth/me', headers: org.headers });
    expect(me.json().user.username).toBe(DEMO.organization);
    // The demo catalog takes land dossiers at the counter only; the province opens this one online
    // for businesses too, through the administrator's editor (a new version, published).
    const p = await openOnlineToBusinesses(await procedureNamed('Hợp thửa đất'));
    expect(p.eForm.prefill.ownerName).toEqual(['business.name', 'person.fullName']);
    const draftId = await draftWithMandatoryFiles(app, db, org, p.id);
    const r = await prefill(org, draftId);
    expect(r.draft.formData).toMatchObject({
      ownerName: 'Công ty TNHH Sông Hàn Demo',
      ownerAddress: '25 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng',
    });
    expect(r.origins).toMatchObject({ ownerName: 'business_registry', ownerAddress: 'business_registry' });
    const log = await accessLog(org);
    expect(log.map((l) => l.source).sort()).toEqual(['business_registry', 'population_register']);
  });
});

describe('the VNeID level a procedure requires (catalog identityLevel)', () => {
  it('refuses Đăng ký thường trú from a password or level-1 session with a clear 403, and takes level 2', async () => {
    const p = await procedureNamed('Đăng ký thường trú');
    expect(p.identityLevel).toBe(2);
    const agencyId = await haiChau();
    for (const who of [await sessionFor(db, DEMO.citizen), await sessionFor(db, DEMO.citizen, { vneid: 1 })]) {
      const draftId = await draftWithMandatoryFiles(app, db, who, p.id);
      const n = await dossierCount();
      const r = await submit(who, p, draftId, sampleFill(p.eForm.schema), agencyId);
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json()).toMatchObject({ code: 'identity_level_required', required: 2 });
      expect(r.json().detail).toMatch(/mức độ 2/);
      expect(await dossierCount()).toBe(n);
    }
    const ok = await sessionFor(db, DEMO.citizen, { vneid: 2 });
    const draftId = await draftWithMandatoryFiles(app, db, ok, p.id);
    const r = await submit(ok, p, draftId, sampleFill(p.eForm.schema), agencyId);
    expect(r.statusCode, r.body).toBe(201);
  });
});

describe('the counter looks a walk-in up in the national registers', () => {
  it('finds a person the product never saw, from the population DB, and logs the read for them', async () => {
    const receptionist = await sessionFor(db, DEMO.communeReceptionist);
    const r = await app.inject({
      url: '/api/v1/counter/applicants?idNumber=048088002468',
      headers: receptionist.headers,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      source: 'population_register',
      name: 'Phạm Văn Hùng',
      hasAccount: false,
      address: '12 Trần Phú, tổ 5, Phường Hải Châu, Thành phố Đà Nẵng',
      register: {
        source: 'population_register',
        dateOfBirth: '1988-09-03',
        sex: 'male',
        householdHeadName: 'Phạm Văn Hùng',
      },
      registerFailure: null,
    });
    const row = await db
      .selectFrom('personal_data_access')
      .selectAll()
      .where('subject_personal_id', '=', '048088002468')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'population_register', accessor_kind: 'officer', outcome: 'found' });
  });

  it('finds a business in the registry, and still answers when the register is down', async () => {
    const receptionist = await sessionFor(db, DEMO.communeReceptionist);
    const b = await app.inject({
      url: '/api/v1/counter/applicants?idNumber=0402345678',
      headers: receptionist.headers,
    });
    expect(b.json()).toMatchObject({
      kind: 'organization',
      source: 'business_registry',
      register: { legalRepresentative: 'Trần Văn Bình' },
    });
    population.delayMs = 1_000;
    try {
      const r = await app.inject({
        url: `/api/v1/counter/applicants?idNumber=${DEMO.citizen}`,
        headers: receptionist.headers,
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ source: 'account', register: null, registerFailure: 'timeout' });
    } finally {
      population.delayMs = 0;
    }
    population.delayMs = 1_000;
    try {
      const nobody = await app.inject({
        url: '/api/v1/counter/applicants?idNumber=048000000002',
        headers: receptionist.headers,
      });
      expect(nobody.statusCode).toBe(404);
      expect(nobody.json()).toMatchObject({ code: 'applicant_not_found', registerFailure: 'timeout' });
    } finally {
      population.delayMs = 0;
    }
    const unknown = await app.inject({
      url: '/api/v1/counter/applicants?idNumber=048000000001',
      headers: receptionist.headers,
    });
    expect(unknown.statusCode).toBe(404);
  });
});
