import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { extractText, extractTextItems, getDocumentProxy } from 'unpdf';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { formFor } from './eform-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * Reception at the one-stop counter (issue 13, "Counter"): the receptionist records what was
 * received, original or copy and how many (Decree 118/2025 art. 17(3)); a dossier is received only
 * when every mandatory component is checked — otherwise 422 and nothing changes; form 01 lists
 * exactly what was received, on one page with its signatures, without the catalog's editorial
 * notes; form 06 shows the round trip to the consulted ward.
 */

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
const s: Record<string, Client> = {};
// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

/** The procedure's documents in this test (written here, so that the expectations are literal). */
const DON =
  'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 18 kèm NĐ 151/2025/NĐ-CP; nguồn trước 01/7/2025 ghi Mẫu số 11/ĐK NĐ 101/2024)';
const DON_PRINTED = 'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 18 kèm NĐ 151/2025/NĐ-CP)';
const GCN = 'Giấy chứng nhận quyền sử dụng đất đã cấp';
const CCCD = 'Căn cước của người đề nghị';
const UQ = 'Văn bản ủy quyền';
const doc = (name: string, requirement: 'mandatory' | 'conditional', condition: string | null = null) => ({
  name,
  original: 1,
  copy: null,
  requirement,
  condition,
  templateFile: null,
  templateUrl: null,
});
const DOCUMENTS = [
  doc(DON, 'mandatory'),
  doc(GCN, 'conditional', 'Nếu còn giữ bản đã cấp'),
  doc(CCCD, 'mandatory'),
  doc(UQ, 'conditional', 'Khi nộp thay'),
];

let procedureId = '';
let communeId = '';

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  for (const u of [
    DEMO.citizen,
    DEMO.receptionist,
    'chuyenvien.snnmt',
    DEMO.communeOfficer,
    DEMO.communeReceptionist,
  ]) {
    s[u] = await sessionFor(db, u);
  }
  const v = await db
    .selectFrom('procedure_versions')
    .select(['id', 'procedure_id'])
    .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  procedureId = v.procedure_id;
  // This test's own document list, no e-form: the reception rules are under test, not the catalog.
  // (Published versions are immutable by trigger; this test database bypasses it once.)
  await db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await sql`UPDATE procedure_versions
      SET content = jsonb_set(jsonb_set(content, '{documents}', ${JSON.stringify(DOCUMENTS)}::jsonb), '{eForm}', 'null'::jsonb)
      WHERE id = ${v.id}`.execute(tx);
  });
  communeId = (
    await db.selectFrom('agencies').select('id').where('admin_unit_code', '=', '20242').executeTakeFirstOrThrow()
  ).id;
});

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

async function act(who: string, id: string, body: Json, expected = 200, lang = 'vi'): Promise<Json> {
  const detail = (await call(who, 'GET', `/dossiers/${id}`)).json();
  const r = await call(who, 'POST', `/dossiers/${id}/actions`, { version: detail.version, ...body }, lang);
  expect(r.statusCode, `${who} ${body.type}: ${r.body}`).toBe(expected);
  return r.json();
}

async function submitOnline(): Promise<{ id: string; code: string; lookupSecret: string }> {
  const r = await call(DEMO.citizen, 'POST', '/dossiers', {
    procedureId,
    formData: await formFor(db, procedureId),
    applicant: { phone: '0905123456', residenceCommuneId: communeId, address: '12 Lê Duẩn, Hải Châu' },
    draftId: await draftWithMandatoryFiles(app, db, s[DEMO.citizen]!, procedureId),
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

/** Everything a refused command must leave as it was. */
async function footprint(id: string) {
  const row = await db
    .selectFrom('dossiers')
    .select(['version', 'status', 'state', 'received_at', 'due'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const n = async (table: 'dossier_events' | 'outbox') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select(db.fn.countAll<string>().as('n'))
          .where(table === 'outbox' ? 'aggregate_id' : 'dossier_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { row, events: await n('dossier_events'), outbox: await n('outbox') };
}

type Cell = { str: string; x: number; y: number; width: number };

async function pdfOf(id: string, form: '01' | '06') {
  const r = await call(DEMO.receptionist, 'GET', `/dossiers/${id}/documents/${form}`);
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['content-type']).toContain('application/pdf');
  const pdf = await getDocumentProxy(new Uint8Array(r.rawPayload));
  const { text } = await extractText(pdf, { mergePages: false });
  const { items } = await extractTextItems(pdf);
  const pages = pdf.numPages;
  await pdf.loadingTask.destroy();
  return { pages, text: text as string[], items: items as Cell[][] };
}

/**
 * The table of form 01 as printed: per row number, what stands in the "Bản chính" and "Bản sao"
 * columns (text items assigned to the column whose header they sit under).
 */
function receiptTable(items: Cell[]): Record<string, { original: string; copy: string }> {
  const header = (label: string) => items.find((i) => i.str === label)!;
  const orig = header('Bản chính');
  const copy = header('Bản sao');
  expect(orig, 'the "Bản chính" header').toBeDefined();
  const mid = (i: Cell) => i.x + i.width / 2;
  const rows: Record<string, { original: string; copy: string }> = {};
  const numbers = items.filter((i) => /^\d+$/.test(i.str) && i.x < orig.x - 150 && i.y < orig.y);
  for (const n of numbers) {
    const sameRow = items.filter((i) => Math.abs(i.y - n.y) < 1 && i !== n);
    const at = (h: Cell) =>
      sameRow
        .filter((i) => Math.abs(mid(i) - mid(h)) < 20)
        .map((i) => i.str)
        .join('');
    rows[n.str] = { original: at(orig), copy: at(copy) };
  }
  return rows;
}

describe('receiving an online dossier requires the mandatory documents checked', () => {
  let id = '';
  let code = '';
  let secret = '';

  it('a receive with nothing checked is refused with 422 naming every unchecked mandatory component; nothing changes', async () => {
    ({ id, code, lookupSecret: secret } = await submitOnline());
    const before = await footprint(id);
    const r = await act(DEMO.receptionist, id, { type: 'receive' }, 422);
    expect(r.code).toBe('mandatory_documents_unchecked');
    expect(r.title_vi).toBe('Chưa kiểm tra đủ các thành phần hồ sơ bắt buộc');
    expect(r.title_en).toBe('Not every mandatory document has been checked');
    expect(r.detail_vi).toBe(
      `Chưa kiểm tra thành phần hồ sơ bắt buộc: ${DON}; ${CCCD}. Nếu hồ sơ thiếu, hãy yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu số 02).`,
    );
    expect(r.detail_en).toBe(
      `Mandatory documents not checked: ${DON}; ${CCCD}. If the dossier is incomplete, request a supplement (form 02) instead.`,
    );
    expect(r.missing).toEqual([DON, CCCD]);
    expect(await footprint(id)).toEqual(before);
  });

  it('only the optional components ticked: still 422, naming the mandatory ones; English on request', async () => {
    const before = await footprint(id);
    const r = await act(
      DEMO.receptionist,
      id,
      {
        type: 'receive',
        checklist: [
          { name: DON, original: 1 },
          { name: UQ, original: 1 },
        ],
      },
      422,
      'en',
    );
    expect(r.code).toBe('mandatory_documents_unchecked');
    expect(r.missing).toEqual([CCCD]);
    expect(r.title).toBe('Not every mandatory document has been checked');
    expect(await footprint(id)).toEqual(before);
  });

  it('a component the procedure does not list, listed twice, or with no copy at all: 400, nothing changes', async () => {
    const before = await footprint(id);
    const all = [
      { name: DON, original: 1 },
      { name: CCCD, copy: 1 },
    ];
    const unknown = await act(
      DEMO.receptionist,
      id,
      { type: 'receive', checklist: [...all, { name: 'Sổ hộ khẩu', original: 1 }] },
      400,
    );
    expect(unknown.code).toBe('validation_failed');
    expect(unknown.errors.map((e: Json) => e.message_vi)).toEqual([
      'Thủ tục không có thành phần hồ sơ này: Sổ hộ khẩu',
    ]);
    const twice = await act(
      DEMO.receptionist,
      id,
      { type: 'receive', checklist: [...all, { name: DON, copy: 1 }] },
      400,
    );
    expect(twice.errors.map((e: Json) => e.code)).toEqual(['duplicate_document']);
    const none = await act(
      DEMO.receptionist,
      id,
      {
        type: 'receive',
        checklist: [
          { name: DON, original: 1 },
          { name: CCCD, original: 0, copy: 0 },
        ],
      },
      400,
    );
    expect(none.errors.map((e: Json) => e.message_vi)).toEqual([`Chưa ghi số bản chính hoặc bản sao đã nhận: ${CCCD}`]);
    expect(await footprint(id)).toEqual(before);
  });

  it('who may receive is answered before the checklist: the applicant gets 403, not a checklist error', async () => {
    const r = await act(DEMO.citizen, id, { type: 'receive' }, 403);
    expect(r.code).toBe('forbidden');
  });

  it('with every mandatory component checked it is received; the checklist is stored with the event, in the procedure’s order', async () => {
    await act(DEMO.receptionist, id, {
      type: 'receive',
      checklist: [
        { name: CCCD, original: 0, copy: 1 },
        { name: DON, original: 1, copy: 0 },
        { name: GCN, original: 1, copy: 2 },
      ],
    });
    const ev = await db
      .selectFrom('dossier_events')
      .select('event')
      .where('dossier_id', '=', id)
      .where('type', '=', 'received')
      .executeTakeFirstOrThrow();
    expect((ev.event as Json).checklist).toEqual([
      { name: DON, original: 1, copy: 0 },
      { name: GCN, original: 1, copy: 2 },
      { name: CCCD, original: 0, copy: 1 },
    ]);
    const d = (await call(DEMO.receptionist, 'GET', `/dossiers/${id}`)).json();
    expect(d.status).toBe('received');
  });

  it('form 01 lists exactly what was received, original or copy, without editorial notes, on one page', async () => {
    const { pages, text, items } = await pdfOf(id, '01');
    expect(pages).toBe(1);
    const page = text[0]!.replace(/\s+/g, ' ');
    expect(page).toContain(code);
    expect(page).toContain(secret);
    for (const name of [DON_PRINTED, GCN, CCCD]) expect(page).toContain(name);
    // Not received: not printed. The catalog's editorial note: never printed.
    expect(page).not.toContain(UQ);
    expect(page).not.toContain('nguồn');
    expect(page).not.toContain('Mẫu số 11/ĐK');
    expect(receiptTable(items[0]!)).toEqual({
      '1': { original: '01', copy: '' },
      '2': { original: '01', copy: '02' },
      '3': { original: '', copy: '01' },
    });
    // The signature block sits on the same page as the list.
    expect(page).toContain('NGƯỜI NỘP HỒ SƠ');
    expect(page).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
    // The printed lookup link carries code and secret (it opens the result: web /tra-cuu).
    expect(page).toContain(`/tra-cuu?ma=${encodeURIComponent(code)}&mk=${encodeURIComponent(secret)}`);
  });

  it('form 06 shows the round trip to the consulted ward: sent to whom and when, answered when and by whom', async () => {
    await act(DEMO.receptionist, id, { type: 'forward' });
    await act('chuyenvien.snnmt', id, { type: 'claim' });
    await act('chuyenvien.snnmt', id, { type: 'consult', targets: [{ consultationId: 'xac_minh_xa' }] });
    await act(DEMO.communeOfficer, id, {
      type: 'consultation_result',
      consultationId: 'xac_minh_xa',
      outcome: 'agreed',
    });
    const events = await db
      .selectFrom('dossier_events')
      .select(['type'])
      .where('dossier_id', '=', id)
      .where('type', 'in', ['consultation_opened', 'consultation_closed'])
      .orderBy('version')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['consultation_opened', 'consultation_closed']);
    const { text } = await pdfOf(id, '06');
    const all = text.join(' ').replace(/\s+/g, ' ');
    expect(all).toContain('Xin ý kiến: Xác minh, niêm yết tại UBND cấp xã nơi cư trú');
    expect(all).toContain('Trả lời xin ý kiến (Xác minh, niêm yết tại UBND cấp xã nơi cư trú): Đồng ý');
    expect(all).toContain('Cơ quan phối hợp giải quyết: UBND Phường Hải Châu');
    // Who answered: the ward's officer, by name.
    const officer = await db
      .selectFrom('users')
      .select('full_name')
      .where('username', '=', DEMO.communeOfficer)
      .executeTakeFirstOrThrow();
    expect(all).toContain(officer.full_name);
  });
});

describe('the walk-in counter applies the same rule', () => {
  const body = (checklist?: Json[]) => ({
    procedureId,
    applicant: { name: 'Trần Văn Bình', idNumber: '048090009999', phone: '0905000111' },
    formData: {},
    ...(checklist ? { checklist } : {}),
  });
  const dossiers = async () =>
    Number((await db.selectFrom('dossiers').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('without the mandatory components checked: 422 and no dossier is created', async () => {
    const n = await dossiers();
    const r = await call(DEMO.receptionist, 'POST', '/counter/dossiers', body([{ name: DON, original: 1 }]));
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().missing).toEqual([CCCD]);
    expect(await dossiers()).toBe(n);
  });

  it('with them: received on the spot, and form 01 lists the two components', async () => {
    const r = await call(
      DEMO.receptionist,
      'POST',
      '/counter/dossiers',
      body([
        { name: DON, original: 1 },
        { name: CCCD, copy: 1 },
      ]),
    );
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().status).toBe('received');
    const { pages, text, items } = await pdfOf(r.json().id, '01');
    expect(pages).toBe(1);
    expect(text[0]).not.toContain(GCN);
    expect(receiptTable(items[0]!)).toEqual({
      '1': { original: '01', copy: '' },
      '2': { original: '', copy: '01' },
    });
  });
});
