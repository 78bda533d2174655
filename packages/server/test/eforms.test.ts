import { randomUUID } from 'node:crypto';
import { eformValidate, sampleFill } from '@motcua/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { createEFormAjv } from '../src/modules/dossiers/dossier.eform.ts';
import { SEEDED_EFORMS } from '../src/seed/eforms/index.ts';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { type Client, count, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * The seeded e-forms (the official tờ khai of the most used procedures), validated by Ajv on the
 * server exactly as rjsf does in the browser, with errors in Vietnamese and English naming the
 * field; the designed field order survives storage in jsonb.
 */

let app: TestApp;
let db: Db;
let citizen: Client;
let admin: Client;
let receptionist: Client;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  citizen = await sessionFor(db, DEMO.citizen);
  admin = await sessionFor(db, DEMO.admin);
  receptionist = await sessionFor(db, DEMO.communeReceptionist);
});

async function published(name: string): Promise<Json> {
  const v = await db
    .selectFrom('procedure_versions')
    .select('procedure_id')
    .where('name', '=', name)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const r = await app.inject({ url: `/api/v1/procedures/${v.procedure_id}` });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

const commune = async (name: string) =>
  (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

function submit(who: Client, body: Record<string, unknown>, lang = 'vi') {
  return app.inject({
    method: 'POST',
    url: '/api/v1/dossiers',
    headers: { ...who.headers, 'idempotency-key': randomUUID(), 'accept-language': lang },
    payload: body,
  });
}

const BIRTH = 'Đăng ký khai sinh';

describe('the seeded catalog has real e-forms', () => {
  it('at least the twelve procedures of the issue, each published with its form and a cited source', async () => {
    const names = SEEDED_EFORMS.map((f) => f.name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const expected of [
      'Đăng ký khai sinh',
      'Đăng ký thường trú',
      'Đăng ký kết hôn',
      'Đăng ký khai tử',
      'Cấp Giấy xác nhận tình trạng hôn nhân',
      'Đăng ký thành lập hộ kinh doanh',
      'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất',
      'Hợp thửa đất',
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.some((n) => n.startsWith('Chứng thực bản sao từ bản chính'))).toBe(true);
    expect(names.some((n) => n.startsWith('Đăng ký đất đai, tài sản gắn liền với đất'))).toBe(true);
    expect(names.some((n) => n.startsWith('Đăng ký biến động'))).toBe(true);
    expect(names.some((n) => n.startsWith('Đính chính Giấy chứng nhận'))).toBe(true);
    for (const f of SEEDED_EFORMS) {
      const p = await published(f.name);
      expect(p.eForm, f.name).not.toBeNull();
      expect(p.eForm.schema.$comment, f.name).toMatch(/Circular|Decree|Thông tư|Nghị định/);
    }
  });

  it('the birth registration form: the fields of Tờ khai đăng ký khai sinh, in its order', async () => {
    const p = await published(BIRTH);
    expect(p.eForm.schema.$comment).toContain('Circular 04/2020/TT-BTP');
    expect(p.eForm.uiSchema['ui:order']).toEqual([
      'requesterName',
      'requesterResidence',
      'requesterIdNumber',
      'relationship',
      'childName',
      'childBirthDate',
      'childSex',
      'childEthnicity',
      'childNationality',
      'childBirthPlace',
      'childHomeTown',
      'motherName',
      'motherBirthYear',
      'motherEthnicity',
      'motherNationality',
      'motherResidence',
      'fatherName',
      'fatherBirthYear',
      'fatherEthnicity',
      'fatherNationality',
      'fatherResidence',
      'copies',
    ]);
    const s = p.eForm.schema.properties;
    expect(s.childName.title).toBe('Họ, chữ đệm, tên');
    expect(s.childSex.enum).toEqual(['Nam', 'Nữ']);
    expect(s.childEthnicity.enum).toHaveLength(54);
    expect(s.childBirthDate).toMatchObject({ type: 'string', format: 'date' });
    expect(s.requesterIdNumber.pattern).toBe('^[0-9]{12}$');
    expect(p.eForm.schema.required).toEqual(expect.arrayContaining(['childName', 'childBirthDate', 'childSex']));
    expect(p.eForm.schema.required).not.toContain('fatherName');
  });

  it('every seeded e-form is a valid JSON Schema (Ajv strict) and a generated fill validates', async () => {
    const strict = createEFormAjv({ strict: true });
    for (const f of SEEDED_EFORMS) {
      const schema = (await published(f.name)).eForm.schema;
      const validate = strict.compile(schema);
      expect(validate(sampleFill(schema)), `${f.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(
        validate(sampleFill(schema, { requiredOnly: true })),
        `${f.name}: ${JSON.stringify(validate.errors)}`,
      ).toBe(true);
      expect(validate({}), f.name).toBe(false);
    }
  });
});

/** Wrong values for one field of a fill: each kind of mistake a person (or a script) makes. */
function mutations(fill: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}, { unknownField: 'x' }];
  const walk = (value: unknown, set: (v: unknown) => Record<string, unknown>) => {
    if (Array.isArray(value)) {
      out.push(set([]), set('not a list'));
      value.forEach((item, i) => {
        walk(item, (v) => set(value.map((x, j) => (j === i ? v : x))));
      });
      return;
    }
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const { [k]: _gone, ...without } = value as Record<string, unknown>;
        out.push(set(without));
        walk(v, (nv) => set({ ...(value as Record<string, unknown>), [k]: nv }));
      }
      return;
    }
    if (typeof value === 'string') {
      for (const v of ['', 'Khác', '2026-02-30', '31/12/2026', '12345', 'x'.repeat(2001), 42, null]) out.push(set(v));
    } else if (typeof value === 'number') {
      for (const v of [-1, 0, 0.5, 1e16, 'mười', 12.25]) out.push(set(v));
    } else if (typeof value === 'boolean') out.push(set('có'));
  };
  walk(fill, (v) => v as Record<string, unknown>);
  return out;
}

const key = (e: { keyword: string; instancePath: string; params: unknown }) =>
  `${e.keyword} ${e.instancePath} ${JSON.stringify(e.params)}`;

describe("the browser check gives the server's errors", () => {
  it('core eformValidate and Ajv agree on every seeded form, for a complete fill and each kind of mistake', async () => {
    const ajv = createEFormAjv();
    let cases = 0;
    for (const f of SEEDED_EFORMS) {
      const schema = (await published(f.name)).eForm.schema;
      const validate = ajv.compile(schema);
      for (const data of [
        sampleFill(schema),
        sampleFill(schema, { requiredOnly: true }),
        ...mutations(sampleFill(schema)),
      ]) {
        validate(data);
        const server = (validate.errors ?? []).map(key).sort();
        const browser = eformValidate(schema, data).map(key).sort();
        expect(browser, `${f.name}: ${JSON.stringify(data).slice(0, 300)}`).toEqual(server);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });
});

describe('submission validates the e-form, in the applicant language', () => {
  it('a form missing a required field → 400, the field named by its title, nothing stored', async () => {
    const p = await published(BIRTH);
    const agencyId = await commune('UBND Phường Hải Châu');
    const draftId = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const { childName: _omitted, ...rest } = sampleFill(p.eForm.schema);
    const before = await count(db, 'dossiers');

    const vi = await submit(citizen, { procedureId: p.id, agencyId, draftId, formData: rest });
    expect(vi.statusCode, vi.body).toBe(400);
    expect(vi.json()).toMatchObject({
      code: 'validation_failed',
      detail: 'Tờ khai chưa đúng hoặc còn thiếu thông tin',
    });
    expect(vi.json().errors).toEqual([
      {
        path: 'formData.childName',
        code: 'required',
        message: 'Vui lòng nhập “Họ, chữ đệm, tên”',
        message_vi: 'Vui lòng nhập “Họ, chữ đệm, tên”',
        message_en: 'Please enter “Họ, chữ đệm, tên”',
      },
    ]);
    const en = await submit(citizen, { procedureId: p.id, agencyId, draftId, formData: rest }, 'en');
    expect(en.json().errors[0].message).toBe('Please enter “Họ, chữ đệm, tên”');
    expect(await count(db, 'dossiers')).toBe(before);
  });

  it('formats: a personal ID that is not 12 digits, a date that is not one, a sex not in the list', async () => {
    const p = await published(BIRTH);
    const agencyId = await commune('UBND Phường Hải Châu');
    const draftId = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const formData = {
      ...sampleFill(p.eForm.schema),
      requesterIdNumber: '04809000123',
      childBirthDate: '31/02/2026',
      childSex: 'Khác',
    };
    const r = await submit(citizen, { procedureId: p.id, agencyId, draftId, formData });
    expect(r.statusCode, r.body).toBe(400);
    const byPath = Object.fromEntries((r.json().errors as Json[]).map((e) => [e.path, e.message_vi]));
    expect(byPath).toEqual({
      'formData.requesterIdNumber': '“Giấy tờ tùy thân (số định danh cá nhân)” phải gồm đúng 12 chữ số',
      'formData.childBirthDate': '“Ngày, tháng, năm sinh” phải là ngày hợp lệ (ngày/tháng/năm)',
      'formData.childSex': '“Giới tính” phải là một trong các giá trị: “Nam”; “Nữ”',
    });
  });

  it('a complete form is accepted and stored as sent', async () => {
    const p = await published(BIRTH);
    const agencyId = await commune('UBND Phường Hải Châu');
    const draftId = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const formData = sampleFill(p.eForm.schema, { requiredOnly: true });
    const r = await submit(citizen, { procedureId: p.id, agencyId, draftId, formData });
    expect(r.statusCode, r.body).toBe(201);
    const row = await db
      .selectFrom('dossiers')
      .select('form_data')
      .where('id', '=', r.json().id)
      .executeTakeFirstOrThrow();
    expect(row.form_data).toEqual(formData);
  });

  it('at the counter the paper tờ khai may be handed in instead (empty form); typed values must still validate', async () => {
    const p = await published('Cấp Giấy xác nhận tình trạng hôn nhân');
    const post = (formData: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/counter/dossiers',
        headers: { ...receptionist.headers, 'idempotency-key': randomUUID() },
        payload: {
          procedureId: p.id,
          formData,
          applicant: { name: 'Trần Thị Mai', idNumber: '048190001111' },
          // Every mandatory component checked at the counter, the paper tờ khai among them.
          checklist: (p.documents as Json[])
            .filter((d) => d.requirement === 'mandatory')
            .map((d) => ({ name: d.name, original: 1 })),
        },
      });
    const paper = await post({});
    expect(paper.statusCode, paper.body).toBe(201);
    const typed = await post({ personName: 'Trần Thị Mai', copies: 0 });
    expect(typed.statusCode, typed.body).toBe(400);
    expect((typed.json().errors as Json[]).find((e) => e.path === 'formData.copies')).toMatchObject({
      code: 'minimum',
      message_vi: '“Số lượng Giấy xác nhận đề nghị cấp” phải lớn hơn hoặc bằng 1',
    });
  });
});

describe('the designed field order survives storage (jsonb sorts object keys)', () => {
  it('save → load over the API: properties come back reordered, ui:order keeps the design', async () => {
    const sjp = (
      await db.selectFrom('agencies').select('id').where('name', '=', 'Sở Tư pháp').executeTakeFirstOrThrow()
    ).id;
    const schema = {
      type: 'object',
      properties: {
        zeta: { type: 'string', title: 'Họ và tên' },
        alpha: { type: 'string', title: 'Địa chỉ' },
        b: { type: 'string', title: 'Ghi chú' },
      },
      required: ['zeta'],
    };
    const body = {
      name: 'Thủ tục thử thứ tự trường',
      field: { code: 'THU-NGHIEM', name: 'Thử nghiệm' },
      level: 'province',
      agencyIds: [sjp],
      channels: ['counter'],
      applicantKinds: ['citizen'],
      documents: [],
      timeLimit: { value: 5, unit: 'working_days', text: null },
      fees: [],
      legalBasis: [],
      result: { name: 'Giấy xác nhận', kind: 'certificate' },
      onlineLevel: null,
      eForm: { schema, uiSchema: null },
      workflow: null,
      source: { verified: false, text: null, notes: null },
    };
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/procedures',
      headers: admin.headers,
      payload: body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const loaded = await app.inject({ url: `/api/v1/admin/procedures/${created.json().id}`, headers: admin.headers });
    const eForm = loaded.json().draft.eForm;
    // The cause: jsonb orders keys by length, then bytes.
    expect(Object.keys(eForm.schema.properties)).toEqual(['b', 'zeta', 'alpha']);
    // The fix: the designed order travels as ui:order.
    expect(eForm.uiSchema).toEqual({ 'ui:order': ['zeta', 'alpha', 'b'] });

    // The designer reorders (sends its own ui:order): kept as sent.
    const saved = await app.inject({
      method: 'PUT',
      url: `/api/v1/procedures/${created.json().id}/draft`,
      headers: admin.headers,
      payload: {
        ...body,
        version: loaded.json().version,
        eForm: { schema, uiSchema: { 'ui:order': ['alpha', 'b', 'zeta'] } },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const again = await app.inject({ url: `/api/v1/admin/procedures/${created.json().id}`, headers: admin.headers });
    expect(again.json().draft.eForm.uiSchema).toEqual({ 'ui:order': ['alpha', 'b', 'zeta'] });
  });
});
