import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * What the administration's procedure editor reads beside the catalog's commands: the list with
 * drafts (a procedure created in the UI is a draft and must be findable again), and the content
 * check that words every problem with its place, before saving or publishing.
 */
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
let admin: Client;
beforeAll(async () => {
  ({ app, db } = await startTestApp());
  admin = await sessionFor(db, DEMO.admin);
});

const wardId = async () =>
  (await db.selectFrom('agencies').select('id').where('name', '=', 'UBND Phường Hải Châu').executeTakeFirstOrThrow())
    .id;

function step(id: string, extra: Record<string, unknown>) {
  return {
    id,
    name_vi: `Bước ${id}`,
    agency: { kind: 'receiving_authority' },
    role: 'officer',
    allotment: { days: 2 },
    actions: ['forward'],
    ...extra,
  };
}

async function content(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Xác nhận thử nghiệm của trình soạn thủ tục',
    field: { code: 'THU-NGHIEM-UI', name: 'Thử nghiệm giao diện' },
    level: 'commune',
    agencyIds: [await wardId()],
    channels: ['counter', 'online'],
    applicantKinds: ['citizen'],
    lifeEvents: [],
    documents: [
      {
        name: 'Đơn đề nghị',
        original: 1,
        copy: 0,
        requirement: 'mandatory',
        condition: null,
        templateFile: null,
        templateUrl: null,
      },
    ],
    timeLimit: { value: 5, unit: 'working_days', text: null },
    fees: [{ name: 'Lệ phí', amountVnd: 20000, text: null }],
    legalBasis: ['Luật Cư trú 2020'],
    result: { name: 'Giấy xác nhận', kind: 'certificate' },
    onlineLevel: 'full',
    eForm: null,
    workflow: {
      schemaVersion: 1,
      steps: [
        step('a', {}),
        step('b', { role: 'leader', actions: ['approve', 'sign'], final: true, allotment: { days: 1 } }),
      ],
    },
    source: { verified: false, text: null, notes: null },
    ...overrides,
  };
}

const procedureCount = async () =>
  Number(
    (
      await db
        .selectFrom('procedures')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const check = (c: unknown, lang = 'vi') =>
  app.inject({
    method: 'POST',
    url: '/api/v1/admin/procedures/check',
    payload: { content: c } as object,
    headers: { ...admin.headers, 'accept-language': lang },
  });

describe('POST /admin/procedures/check', () => {
  it('a complete, publishable content has no problem', async () => {
    const r = await check(await content());
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ ok: true, errors: [] });
  });

  it('a broken workflow: each problem with its path, the core code and words; nothing is written', async () => {
    const before = await procedureCount();
    const broken = await content({
      workflow: {
        schemaVersion: 1,
        steps: [step('a', {}), step('b', { role: 'leader', actions: ['approve', 'sign'] })],
      },
    });
    const r = await check(broken);
    expect(r.statusCode, r.body).toBe(200);
    const errors = r.json().errors as { path: string; code: string; publishOnly: boolean; message: string }[];
    expect(errors.map((e) => [e.path, e.code, e.publishOnly]).sort()).toEqual(
      [
        ['workflow.steps', 'no_final_step', false],
        ['workflow.steps.1.actions', 'forward_not_allowed', false],
        ['workflow.steps.1.next', 'no_next_step', false],
      ].sort(),
    );
    expect(errors.find((e) => e.code === 'no_final_step')!.message).toBe(
      'quy trình không có bước cuối (bước trả kết quả)',
    );
    expect(await procedureCount()).toBe(before);
  });

  it('what only publishing refuses is marked publishOnly (no handling agency, no workflow)', async () => {
    const r = await check(await content({ agencyIds: [], workflow: null }));
    const errors = r.json().errors as { path: string; code: string; publishOnly: boolean }[];
    expect(errors.map((e) => [e.path, e.code, e.publishOnly])).toEqual([
      ['agencyIds', 'no_agency', true],
      ['workflow', 'no_workflow', true],
    ]);
  });

  it('field problems are worded: our own messages split by language, an empty name is "required"', async () => {
    const bad = await content({ name: '', fees: [{ name: 'Phí', amountVnd: null, text: null }] });
    const vi = (await check(bad)).json().errors as { path: string; message: string }[];
    expect(vi.find((e) => e.path === 'name')!.message).toBe('Bắt buộc nhập');
    expect(vi.find((e) => e.path === 'fees.0.text')!.message).toBe('Cần số tiền hoặc mô tả cách tính');
    const en = (await check(bad, 'en')).json().errors as { path: string; message: string }[];
    expect(en.find((e) => e.path === 'fees.0.text')!.message).toBe('amount or rule text required');
  });

  it('only administrators may call it', async () => {
    const officer = await sessionFor(db, DEMO.deptOfficer);
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/procedures/check',
      payload: { content: {} },
      headers: officer.headers,
    });
    expect(r.statusCode).toBe(403);
  });
});

describe('GET /admin/procedures', () => {
  it('lists a draft created in the editor (the public search does not), then shows it published', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/procedures',
      payload: await content(),
      headers: admin.headers,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const list = async (q: string, status?: string) =>
      (
        await app.inject({
          url: `/api/v1/admin/procedures?q=${encodeURIComponent(q)}${status ? `&status=${status}` : ''}`,
          headers: admin.headers,
        })
      ).json();
    const drafts = await list('xac nhan thu nghiem cua trinh soan', 'draft');
    expect(drafts.items).toEqual([
      expect.objectContaining({
        id,
        name: 'Xác nhận thử nghiệm của trình soạn thủ tục',
        level: 'commune',
        hasDraft: true,
        publishedVersionNo: null,
      }),
    ]);
    const pub = await app.inject({
      url: '/api/v1/procedures?q=xac%20nhan%20thu%20nghiem%20cua%20trinh%20soan',
    });
    expect(pub.json().items.map((p: { id: string }) => p.id)).not.toContain(id);

    const published = await app.inject({
      method: 'POST',
      url: `/api/v1/procedures/${id}/publish`,
      payload: { version: created.json().version },
      headers: admin.headers,
    });
    expect(published.statusCode, published.body).toBe(200);
    expect((await list('xac nhan thu nghiem cua trinh soan', 'draft')).items).toEqual([]);
    expect((await list('xac nhan thu nghiem cua trinh soan', 'published')).items).toEqual([
      expect.objectContaining({ id, hasDraft: false, publishedVersionNo: 1 }),
    ]);
    const anon = await app.inject({ url: '/api/v1/admin/procedures' });
    expect(anon.statusCode).toBe(401);
  });
});
