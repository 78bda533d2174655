import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { uploadResultFile } from './result-file.ts';

/**
 * Officers' and leaders' actions as issue 13 fixes them, through the HTTP API, on "Cấp lại Giấy
 * chứng nhận quyền sử dụng đất do bị mất" (the department's land division consults the
 * applicant's ward, the department's leader approves, confirms and finishes):
 * - only the consulted agency answers a consultation (403 problem+json, vi and en, for anyone else);
 * - approval needs the result file and records which one (attachment id + SHA-256) with the opinion;
 *   `sign` ("Xác nhận văn bản kết quả (chưa ký số)") needs that approved file; a changed file needs a
 *   new approval.
 */

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
const s: Record<string, Client> = {};
const OTHER_WARD_OFFICER = 'chuyenvien.khac';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

async function call(who: string, method: 'GET' | 'POST', url: string, payload?: unknown, lang = 'vi') {
  const headers: Record<string, string> = { ...s[who]!.headers, 'accept-language': lang };
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function version(id: string): Promise<number> {
  return (await db.selectFrom('dossiers').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
}

async function act(who: string, id: string, body: Json, lang = 'vi') {
  return call(who, 'POST', `/dossiers/${id}/actions`, { version: await version(id), ...body }, lang);
}

async function ok(who: string, id: string, body: Json) {
  const r = await act(who, id, body);
  expect(r.statusCode, `${who} ${body.type}: ${r.body}`).toBe(200);
}

async function offered(who: string, id: string): Promise<string[]> {
  const r = await call(who, 'GET', `/dossiers/${id}`);
  if (r.statusCode !== 200) return [];
  return r.json().availableActions;
}

async function lastEvent(id: string): Promise<Json> {
  const r = await call('lanhdao.snnmt', 'GET', `/dossiers/${id}/history`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items.at(-1);
}

/** A walk-in dossier of the land procedure, received at the service center, at the division's consult step. */
async function atConsultation(): Promise<string> {
  const v = await db
    .selectFrom('procedure_versions')
    .select(['procedure_id', 'content'])
    .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const ward = await db
    .selectFrom('agencies')
    .select('id')
    .where('admin_unit_code', '=', '20242')
    .executeTakeFirstOrThrow();
  const docs = (v.content as { documents: { name: string; requirement?: string; required?: boolean }[] }).documents;
  const checklist = docs
    .filter((d) => d.requirement === 'mandatory' || d.required === true)
    .map((d) => ({ name: d.name, original: 1, copy: 0 }));
  const r = await call(DEMO.receptionist, 'POST', '/counter/dossiers', {
    procedureId: v.procedure_id,
    formData: {},
    applicant: { name: 'Trần Văn Bình', idNumber: '048090009876', phone: '0905000111', residenceCommuneId: ward.id },
    checklist,
  });
  expect(r.statusCode, r.body).toBe(201);
  const id = r.json().id as string;
  await ok(DEMO.receptionist, id, { type: 'forward' });
  await ok('chuyenvien.snnmt', id, { type: 'claim' });
  await ok('chuyenvien.snnmt', id, { type: 'consult', targets: [{ consultationId: 'xac_minh_xa' }] });
  return id;
}

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  // An officer of another ward (not Hải Châu), to show that being a ward officer is not enough.
  const other = await db
    .selectFrom('agencies')
    .select('id')
    .where('level', '=', 'commune')
    .where('admin_unit_code', '<>', '20242')
    .orderBy('code')
    .limit(1)
    .executeTakeFirstOrThrow();
  const hash = await db.selectFrom('users').select('password_hash').where('username', '=', DEMO.communeOfficer);
  const u = await db
    .insertInto('users')
    .values({
      kind: 'officer',
      username: OTHER_WARD_OFFICER,
      full_name: 'Nguyễn Văn Khác',
      email: null,
      phone: null,
      agency_id: other.id,
      applicant_type: null,
      personal_id: null,
      tax_code: null,
      password_hash: (await hash.executeTakeFirstOrThrow()).password_hash,
      locked_until: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('user_roles').values({ user_id: u.id, role: 'officer' }).execute();
  for (const u of [
    DEMO.receptionist,
    DEMO.citizen,
    'chuyenvien.snnmt',
    'lanhdao.snnmt',
    DEMO.communeOfficer,
    DEMO.communeLeader,
    OTHER_WARD_OFFICER,
  ]) {
    s[u] = await sessionFor(db, u);
  }
});

describe('answering a consultation: only the consulted ward', () => {
  let id = '';
  beforeAll(async () => {
    id = await atConsultation();
  });

  // actor → is "Trả lời xin ý kiến" offered, and the answer when they send it anyway.
  const TABLE: [who: string, role: string, offered: boolean, status: number, code: string][] = [
    ['chuyenvien.snnmt', 'the officer who asked', false, 403, 'forbidden'],
    ['lanhdao.snnmt', "the asking department's leader", false, 403, 'forbidden'],
    [OTHER_WARD_OFFICER, "another ward's officer (the dossier is not theirs to see)", false, 404, 'dossier_not_found'],
    [DEMO.communeLeader, "the consulted ward's leader", true, 0, ''],
    [DEMO.communeOfficer, "the consulted ward's officer", true, 200, ''],
  ];

  it.each(TABLE)('%s (%s): offered %s', async (who, _role, expected) => {
    expect((await offered(who, id)).includes('consultation_result')).toBe(expected);
  });

  it('everyone but the consulted ward is refused, with a bilingual problem, and nothing changes', async () => {
    const before = await version(id);
    for (const [who, , , status, code] of TABLE.filter((t) => t[3] >= 400)) {
      for (const lang of ['vi', 'en']) {
        const r = await act(
          who,
          id,
          { type: 'consultation_result', consultationId: 'xac_minh_xa', outcome: 'agreed' },
          lang,
        );
        expect(r.statusCode, `${who}: ${r.body}`).toBe(status);
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
        const p = r.json();
        expect(p.code).toBe(code);
        expect(p.title_vi).toBeTruthy();
        expect(p.title_en).toBeTruthy();
        if (code === 'forbidden') {
          expect(p.detail_vi).toBe('Bạn không có quyền thực hiện thao tác này');
          expect(p.detail_en).toBe('You may not perform this action');
        }
      }
    }
    expect(await version(id)).toBe(before);
  });

  it('the result document comes only from the step: the consulted ward and the counter may not attach one', async () => {
    // who → may attach a file of kind `result` while the division's step is open
    const table: [string, number][] = [
      [DEMO.communeOfficer, 403],
      [DEMO.communeLeader, 403],
      [DEMO.receptionist, 403],
      ['lanhdao.snnmt', 201],
      ['chuyenvien.snnmt', 201],
    ];
    const got: [string, number][] = [];
    for (const [who] of table) got.push([who, (await uploadResultFile(app, s[who]!.headers, id)).statusCode]);
    expect(got).toEqual(table);
  });

  it("the consulted ward's officer answers; the consultation closes", async () => {
    await ok(DEMO.communeOfficer, id, {
      type: 'consultation_result',
      consultationId: 'xac_minh_xa',
      outcome: 'agreed',
    });
    const d = (await call('chuyenvien.snnmt', 'GET', `/dossiers/${id}`)).json();
    expect(d.consultations).toEqual([]);
    expect(d.availableActions).toContain('forward');
  });
});

describe('approval and confirmation of the result file', () => {
  let id = '';
  beforeAll(async () => {
    id = await atConsultation();
    await ok(DEMO.communeOfficer, id, {
      type: 'consultation_result',
      consultationId: 'xac_minh_xa',
      outcome: 'agreed',
    });
    await ok('chuyenvien.snnmt', id, { type: 'forward' });
  });

  it('without a result file the leader is offered neither approval nor confirmation, and both are refused', async () => {
    const d = (await call('lanhdao.snnmt', 'GET', `/dossiers/${id}`)).json();
    expect(d.currentStep.id).toBe('ky_duyet');
    expect(d.resultFile).toBeNull();
    expect(d.availableActions).not.toContain('approve');
    expect(d.availableActions).not.toContain('sign');
    const before = await version(id);
    for (const type of ['approve', 'sign', 'finish']) {
      const r = await act('lanhdao.snnmt', id, { type });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().reason).toBe(
        { approve: 'result_file_missing', sign: 'result_file_missing', finish: 'not_approved' }[type],
      );
    }
    const en = await act('lanhdao.snnmt', id, { type: 'sign' }, 'en');
    expect(en.json().detail_en).toBe(
      'No result file: attach the result document (certificate, decision…) to the dossier first',
    );
    expect(en.json().detail_vi).toBe(
      'Chưa có tệp kết quả: hãy đính kèm văn bản kết quả (giấy chứng nhận, quyết định…) vào hồ sơ',
    );
    expect(await version(id)).toBe(before);
  });

  it('with the file attached: approve (opinion, which file) → confirm → a new file needs a new approval → finish', async () => {
    const first = await uploadResultFile(app, s['lanhdao.snnmt']!.headers, id, { label: 'bản 1' });
    expect(first.statusCode).toBe(201);
    expect(await offered('lanhdao.snnmt', id)).toEqual(expect.arrayContaining(['approve']));
    expect(await offered('lanhdao.snnmt', id)).not.toContain('sign');
    // who may approve at the leader's step (main handler: the leader who was forwarded to, or the unit's leader)
    const officer = await act('chuyenvien.snnmt', id, { type: 'approve' });
    expect(officer.statusCode).toBe(403);
    // confirming before approval is refused
    const early = await act('lanhdao.snnmt', id, { type: 'sign' });
    expect([early.statusCode, early.json().reason]).toEqual([422, 'result_not_approved']);

    await ok('lanhdao.snnmt', id, { type: 'approve', opinion: 'Đồng ý cấp lại Giấy chứng nhận' });
    const approved = await lastEvent(id);
    expect(approved.type).toBe('approved');
    expect(approved.event.resultFile).toEqual({ attachmentId: first.id, sha256: first.sha256 });
    expect(approved.event.opinion).toBe('Đồng ý cấp lại Giấy chứng nhận');
    expect(approved.attachmentIds).toEqual([first.id]);
    const d = (await call('lanhdao.snnmt', 'GET', `/dossiers/${id}`)).json();
    expect(d.marks).toEqual({
      approved: true,
      signed: false,
      approvedResult: { attachmentId: first.id, sha256: first.sha256 },
      approvalOpinion: 'Đồng ý cấp lại Giấy chứng nhận',
      signedResult: null,
    });
    expect(d.availableActions).toEqual(expect.arrayContaining(['sign']));
    expect(d.availableActions).not.toContain('approve');

    // the result file is replaced after approval: confirmation and finishing wait for a new approval
    const second = await uploadResultFile(app, s['lanhdao.snnmt']!.headers, id, { label: 'bản 2 đã sửa' });
    expect(second.statusCode).toBe(201);
    expect(second.sha256).not.toBe(first.sha256);
    const stale = await act('lanhdao.snnmt', id, { type: 'sign' });
    expect([stale.statusCode, stale.json().reason]).toEqual([422, 'result_not_approved']);
    const notYet = await act('lanhdao.snnmt', id, { type: 'finish' });
    expect([notYet.statusCode, notYet.json().reason]).toEqual([422, 'not_approved']);
    expect(await offered('lanhdao.snnmt', id)).toContain('approve');

    await ok('lanhdao.snnmt', id, { type: 'approve' });
    expect((await lastEvent(id)).event.resultFile).toEqual({ attachmentId: second.id, sha256: second.sha256 });
    const wrongDoc = await act('lanhdao.snnmt', id, { type: 'sign', documentId: first.id });
    expect([wrongDoc.statusCode, wrongDoc.json().reason]).toEqual([422, 'result_not_approved']);
    await ok('lanhdao.snnmt', id, { type: 'sign' });
    const signed = await lastEvent(id);
    expect([signed.type, signed.event.documentId, signed.event.sha256]).toEqual(['signed', second.id, second.sha256]);
    expect(signed.attachmentIds).toEqual([second.id]);
    await ok('lanhdao.snnmt', id, { type: 'finish' });
    expect((await call('lanhdao.snnmt', 'GET', `/dossiers/${id}`)).json().status).toBe('result_ready');
  });
});
