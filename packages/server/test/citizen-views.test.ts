import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { formFor } from './eform-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { uploadResultFile } from './result-file.ts';

/**
 * What the applicant sees of their dossier (issue 13): no officer's internal note and no staff
 * name in the API (detail, history, public lookup), the message the law says they get; the rating
 * asked per criterion on its own scale; a finished dossier shows its timeliness, not a remaining time.
 */

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
const s: Record<string, Client> = {};
const STAFF = [DEMO.receptionist, 'chuyenvien.snnmt', 'lanhdao.snnmt'];
/** Internal notes, written the way officers write them to each other. */
const INTERNAL = {
  supplement: 'NỘI BỘ: kính trình lãnh đạo Sở cho ý kiến về hồ sơ này',
  receive: 'NỘI BỘ: hồ sơ của người quen anh Tâm, ưu tiên',
  forward: 'Kính trình lãnh đạo Sở xem xét, phê duyệt',
  finish: 'NỘI BỘ: đã kiểm tra chữ ký',
};

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  for (const u of [DEMO.citizen, ...STAFF]) s[u] = await sessionFor(db, u);
});

async function call(who: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const headers: Record<string, string> = { ...s[who]!.headers };
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function act(who: string, id: string, body: Json, expected = 200): Promise<Json> {
  const detail = (await call(who, 'GET', `/dossiers/${id}`)).json();
  const r = await call(who, 'POST', `/dossiers/${id}/actions`, { version: detail.version, ...body });
  expect(r.statusCode, `${who} ${body.type}: ${r.body}`).toBe(expected);
  return r.json();
}

async function get(who: string, url: string): Promise<Json> {
  const r = await call(who, 'GET', url);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** The receptionist's checklist: every mandatory component received as one original (Decree 118 art. 17(3)). */
async function checklist(id: string) {
  const v = await db
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as v', 'v.id', 'd.procedure_version_id')
    .select('v.content')
    .where('d.id', '=', id)
    .executeTakeFirstOrThrow();
  const docs = (v.content as { documents: { name: string; requirement: string }[] }).documents;
  return docs.filter((d) => d.requirement === 'mandatory').map((d) => ({ name: d.name, original: 1 }));
}

async function submitLandDossier(): Promise<{ id: string; code: string; secret: string }> {
  const p = await db
    .selectFrom('procedure_versions')
    .select(['procedure_id'])
    .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const commune = await db
    .selectFrom('agencies')
    .select(['id'])
    .where('admin_unit_code', '=', '20242')
    .executeTakeFirstOrThrow();
  const r = await call(DEMO.citizen, 'POST', '/dossiers', {
    procedureId: p.procedure_id,
    formData: await formFor(db, p.procedure_id),
    applicant: { phone: '0905123456', residenceCommuneId: commune.id, address: '12 Lê Duẩn, Hải Châu' },
    draftId: await draftWithMandatoryFiles(app, db, s[DEMO.citizen]!, p.procedure_id),
  });
  expect(r.statusCode, r.body).toBe(201);
  const b = r.json();
  return { id: b.id, code: b.code, secret: b.lookupSecret };
}

async function staffNames(): Promise<string[]> {
  const rows = await db.selectFrom('users').select('full_name').where('username', 'in', STAFF).execute();
  expect(rows).toHaveLength(3);
  return rows.map((r) => r.full_name);
}

/** Everything the applicant can read about the dossier through the API, as one string. */
async function applicantSees(id: string, code: string, secret: string): Promise<string> {
  const detail = await get(DEMO.citizen, `/dossiers/${id}`);
  const history = await get(DEMO.citizen, `/dossiers/${id}/history`);
  const list = await get(DEMO.citizen, '/dossiers?queue=all');
  const lookup = await app.inject({ url: `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=${secret}` });
  expect(lookup.statusCode, lookup.body).toBe(200);
  return JSON.stringify([detail, history, list, lookup.json()]);
}

describe('internal notes and staff names never reach the applicant', () => {
  let id = '';
  let code = '';
  let secret = '';

  it('a supplement request: the applicant gets the items and the message, not the internal note', async () => {
    ({ id, code, secret } = await submitLandDossier());
    await act(DEMO.receptionist, id, {
      type: 'request_supplement',
      items: ['Bản sao Căn cước còn hạn'],
      note: INTERNAL.supplement,
      message: 'Ảnh chụp Căn cước bị mờ, đề nghị nộp lại bản rõ nét',
    });
    const seen = await applicantSees(id, code, secret);
    expect(seen).not.toContain(INTERNAL.supplement);
    for (const name of await staffNames()) expect(seen).not.toContain(name);
    const history = (await get(DEMO.citizen, `/dossiers/${id}/history`)).items as Json[];
    expect(history.map((h) => h.type)).toEqual(['submitted', 'supplement_requested']);
    expect(history[1]).toMatchObject({
      note: null,
      message: 'Ảnh chụp Căn cước bị mờ, đề nghị nộp lại bản rõ nét',
      details: { items: ['Bản sao Căn cước còn hạn'] },
      actor: { self: false, name: null },
    });
    expect(history[1]).not.toHaveProperty('event');
    // The clock is paused while the supplement is awaited: no remaining time.
    const d = await get(DEMO.citizen, `/dossiers/${id}`);
    expect(d.clock).toBe('paused');
    expect(d.remaining).toBeNull();
    // The office queues carry the same clock, so they show "Tạm dừng" rather than a countdown.
    const queue = (await get(DEMO.receptionist, '/dossiers?queue=all')).items as Json[];
    expect(queue.find((q) => q.id === id)).toMatchObject({ clock: 'paused', remaining: null });
    // The staff still read their note and the name.
    const staff = (await get(DEMO.receptionist, `/dossiers/${id}/history`)).items as Json[];
    expect(staff[1]!.note).toBe(INTERNAL.supplement);
    expect(staff[1]!.actor.name).not.toBeNull();
    // The printed supplement request (form 02) gives the message as the reason, not the note.
    const { extractText, getDocumentProxy } = await import('unpdf');
    const pdf = await call(DEMO.citizen, 'GET', `/dossiers/${id}/documents/02`);
    expect(pdf.statusCode).toBe(200);
    const text = (await extractText(await getDocumentProxy(new Uint8Array(pdf.rawPayload)), { mergePages: true })).text;
    expect(text).not.toContain('NỘI BỘ');
  });

  it('the outbox message (what notifications send from) carries the message apart from the note', async () => {
    const rows = await db
      .selectFrom('outbox')
      .select('payload')
      .where('aggregate_id', '=', id)
      .where('topic', '=', 'dossier.event')
      .orderBy('id')
      .execute();
    expect(rows.at(-1)!.payload).toMatchObject({
      eventType: 'supplement_requested',
      note: INTERNAL.supplement,
      message: 'Ảnh chụp Căn cước bị mờ, đề nghị nộp lại bản rõ nét',
    });
  });
});

describe('a dossier walked to its return: the applicant view, the timeliness, the rating', () => {
  let id = '';
  let code = '';
  let secret = '';

  it('staff notes on every step stay internal; the applicant sees the public steps only', async () => {
    ({ id, code, secret } = await submitLandDossier());
    await act(DEMO.receptionist, id, { type: 'receive', note: INTERNAL.receive, checklist: await checklist(id) });
    let d = await get(DEMO.citizen, `/dossiers/${id}`);
    expect(d.clock).toBe('running');
    expect(d.remaining).not.toBeNull();
    expect(d.settlement).toBeNull();
    await act(DEMO.receptionist, id, { type: 'forward' });
    await act('chuyenvien.snnmt', id, { type: 'claim' });
    d = await get(DEMO.citizen, `/dossiers/${id}`);
    // No assignee, no step deadline, no internal flags for the applicant.
    expect(d).not.toHaveProperty('assignees');
    expect(d).not.toHaveProperty('consultations');
    expect(d.currentStep).toEqual({
      id: 'tham_dinh',
      name_vi: expect.any(String),
      name_en: expect.anything(),
      agency: expect.objectContaining({ name: expect.any(String) }),
    });
    const officer = await get('chuyenvien.snnmt', `/dossiers/${id}`);
    expect(officer.assignees.main.name).not.toBeNull();
    await act('chuyenvien.snnmt', id, { type: 'forward', note: INTERNAL.forward });
    const up = await uploadResultFile(app, s['lanhdao.snnmt']!.headers, id);
    expect(up.statusCode).toBe(201);
    await act('lanhdao.snnmt', id, { type: 'approve' });
    await act('lanhdao.snnmt', id, { type: 'sign' });
    await act('lanhdao.snnmt', id, {
      type: 'finish',
      note: INTERNAL.finish,
      message: 'Kết quả đã sẵn sàng, mời ông/bà nhận tại Bộ phận Một cửa',
    });
    await act(DEMO.receptionist, id, { type: 'return_result', method: 'counter', attachmentIds: [up.id] });
    const seen = await applicantSees(id, code, secret);
    for (const note of Object.values(INTERNAL)) expect(seen).not.toContain(note);
    for (const name of await staffNames()) expect(seen).not.toContain(name);
    expect(seen).toContain('Kết quả đã sẵn sàng, mời ông/bà nhận tại Bộ phận Một cửa');
    const history = (await get(DEMO.citizen, `/dossiers/${id}/history`)).items as Json[];
    expect(history.map((h) => h.type)).toEqual([
      'submitted',
      'received',
      'forwarded',
      'forwarded',
      'finished',
      'result_returned',
    ]);
    expect(history[0]!.actor).toEqual({ self: true, name: null, agency: null });
    expect(history[5]).toMatchObject({ details: { method: 'counter' }, attachmentIds: [up.id] });
  });

  it('form 06, the internal control slip, is the officers’: the applicant and anonymous callers get none', async () => {
    const officer = await call(DEMO.receptionist, 'GET', `/dossiers/${id}/documents/06`);
    expect(officer.statusCode, officer.body).toBe(200);
    expect(officer.headers['content-type']).toMatch(/^application\/pdf/);
    const mine = await call(DEMO.citizen, 'GET', `/dossiers/${id}/documents/06`);
    expect(mine.statusCode, mine.body).toBe(404);
    expect(mine.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(mine.json().detail_vi).toBe('Không có văn bản này cho người nộp hồ sơ');
    const anonymous = await app.inject({ url: `/api/v1/dossiers/${id}/documents/06` });
    expect([401, 404]).toContain(anonymous.statusCode);
    expect(anonymous.body).not.toMatch(/^%PDF/);
    // The notices she is given stay hers: the receipt (form 01).
    const receipt = await call(DEMO.citizen, 'GET', `/dossiers/${id}/documents/01`);
    expect(receipt.statusCode, receipt.body).toBe(200);
  });

  it('a returned dossier shows "Hoàn thành trước hạn" with its date and no remaining time', async () => {
    const d = await get(DEMO.citizen, `/dossiers/${id}`);
    expect(d.status).toBe('returned');
    expect(d.clock).toBe('stopped');
    expect(d.remaining).toBeNull();
    expect(d.settlement).toEqual({
      kind: 'early',
      at: d.resultAt,
      label_vi: 'Hoàn thành trước hạn',
      label_en: 'Completed early',
    });
    // The officers' view too: no remaining time for the dossier or its (last) step.
    const o = await get(DEMO.receptionist, `/dossiers/${id}`);
    expect(o.remaining).toBeNull();
    expect(o.currentStep?.remaining ?? null).toBeNull();
    expect(o.settlement.kind).toBe('early');
    const lookup = await app.inject({ url: `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=${secret}` });
    expect(lookup.json()).toMatchObject({ clock: 'stopped', overdue: false, settlement: { kind: 'early' } });
  });

  it('the rating: each criterion on its own scale, checked by the server', async () => {
    // "Số lần phải liên hệ" answered on a satisfaction scale is refused.
    const wrong = await act(DEMO.citizen, id, { type: 'rate', answers: { contacts_needed: 'very_satisfied' } }, 400);
    expect(wrong.code).toBe('validation_failed');
    expect(JSON.stringify(wrong.errors)).toContain('contacts_needed');
    const unknown = await act(DEMO.citizen, id, { type: 'rate', answers: { staff_attitude: 'two' } }, 400);
    expect(unknown.code).toBe('validation_failed');
    const both = await act(
      DEMO.citizen,
      id,
      { type: 'rate', answers: { staff_attitude: 'satisfied' }, scores: { staff_attitude: 2 } },
      400,
    );
    expect(both.reason).toBe('invalid_payload');
    expect((await get(DEMO.citizen, `/dossiers/${id}`)).rating).toBeNull();
    await act(DEMO.citizen, id, {
      type: 'rate',
      answers: {
        time_vs_limit: 'early',
        contacts_needed: 'two',
        staff_attitude: 'satisfied',
        agencies_contacted: 'one',
      },
      comment: 'Cán bộ hướng dẫn tận tình',
    });
    const d = await get(DEMO.citizen, `/dossiers/${id}`);
    expect(d.rating).toMatchObject({
      answers: {
        time_vs_limit: 'early',
        contacts_needed: 'two',
        staff_attitude: 'satisfied',
        agencies_contacted: 'one',
      },
      // Circular 01/2018 points: early 2, a second contact 1, satisfied 2, one agency 2.
      scores: { time_vs_limit: 2, contacts_needed: 1, staff_attitude: 2, agencies_contacted: 2 },
      comment: 'Cán bộ hướng dẫn tận tình',
    });
    // The indicators count it from the stored points: satisfied (no 0), 7 of 8 points.
    const contrib = await sql<Json>`
      SELECT c.rated, c.rated_satisfied, c.rating_points, c.rating_max
      FROM dossiers d, dossier_stat_contrib(d) c WHERE d.id = ${id} AND c.rated = 1`.execute(db);
    expect(contrib.rows).toEqual([{ rated: 1, rated_satisfied: 1, rating_points: 7, rating_max: 8 }]);
  });

  it('a refusal: the applicant reads its reasons (form 03), not the note', async () => {
    const other = await submitLandDossier();
    await act(DEMO.receptionist, other.id, {
      type: 'refuse',
      reasons: ['Thửa đất đang có tranh chấp'],
      note: 'NỘI BỘ: đã trao đổi với phòng đăng ký',
    });
    const history = (await get(DEMO.citizen, `/dossiers/${other.id}/history`)).items as Json[];
    expect(history[1]).toMatchObject({
      type: 'refused',
      note: null,
      details: { reasons: ['Thửa đất đang có tranh chấp'] },
    });
    expect(JSON.stringify(history)).not.toContain('NỘI BỘ');
    // Nothing to rate on a refused dossier.
    const r = await act(DEMO.citizen, other.id, { type: 'rate', answers: { staff_attitude: 'dissatisfied' } }, 409);
    expect(r.code).toBe('action_not_allowed');
  });
});
