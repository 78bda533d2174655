import { randomUUID } from 'node:crypto';
import { sampleFill } from '@motcua/core';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { mergeDuplicateDrafts } from '../src/db/migrations/0011_one_draft_per_procedure.ts';
import { checkReception } from '../src/modules/dossiers/dossier.reception.ts';
import { draftWithMandatoryFiles, uploadToDraft } from './apply-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * The citizen's online application as the portal's wizard makes it: one draft per (citizen,
 * procedure), the handling unit chosen among the procedure's units (Decree 118/2025 art. 14(2)),
 * every mandatory document attached before submission.
 */

let app: TestApp;
let db: Db;
let citizen: Client;
let organization: Client;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  // Level-2 VNeID sessions: Đăng ký thường trú, used below, requires it (catalog identityLevel).
  citizen = await sessionFor(db, DEMO.citizen, { vneid: 2 });
  organization = await sessionFor(db, DEMO.organization, { vneid: 2 });
});

async function call(who: Client, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  const headers: Record<string, string> = { ...who.headers };
  if (method === 'POST' && url === '/dossiers') headers['idempotency-key'] = randomUUID();
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function procedure(name: string): Promise<Json> {
  const v = await db
    .selectFrom('procedure_versions')
    .select('procedure_id')
    .where('name', '=', name)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const r = await call(citizen, 'GET', `/procedures/${v.procedure_id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function commune(name: string): Promise<string> {
  const a = await db
    .selectFrom('agencies')
    .select('id')
    .where('name', '=', name)
    .where('level', '=', 'commune')
    .executeTakeFirstOrThrow();
  return a.id;
}

const formOf = (p: Json) => (p.eForm ? sampleFill(p.eForm.schema) : {});

async function counts(userId: string) {
  const n = async (q: Promise<{ n: string | number | bigint }>) => Number((await q).n);
  return {
    dossiers: await n(
      db
        .selectFrom('dossiers')
        .select(db.fn.countAll().as('n'))
        .where('applicant_user_id', '=', userId)
        .executeTakeFirstOrThrow() as Promise<{ n: string }>,
    ),
    outbox: await n(
      db.selectFrom('outbox').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow() as Promise<{ n: string }>,
    ),
    events: await n(
      db.selectFrom('dossier_events').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow() as Promise<{
        n: string;
      }>,
    ),
  };
}

describe('one draft per citizen and procedure', () => {
  it('starting a draft again returns the same draft, unchanged', async () => {
    const p = await procedure('Đăng ký thường trú');
    const first = await call(citizen, 'POST', '/drafts', { procedureId: p.id, formData: { a: 1 } });
    expect(first.statusCode, first.body).toBe(201);
    const again = await call(citizen, 'POST', '/drafts', { procedureId: p.id, formData: { a: 2 } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().formData).toEqual({ a: 1 });
    const mine = await call(citizen, 'GET', `/drafts?procedureId=${p.id}`);
    expect(mine.json().items.map((d: Json) => d.id)).toEqual([first.json().id]);
    // Another applicant has a draft of their own (a land procedure: citizens and organizations
    // alike may apply; Đăng ký thường trú is for citizens only).
    const land = await procedure('Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất');
    const own = await call(citizen, 'POST', '/drafts', { procedureId: land.id });
    const other = await call(organization, 'POST', '/drafts', { procedureId: land.id });
    expect(other.statusCode, other.body).toBe(201);
    expect(other.json().id).not.toBe(own.json().id);
  });

  it('two concurrent starts (a double click) make one draft', async () => {
    const p = await procedure('Đăng ký khai sinh');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => call(citizen, 'POST', '/drafts', { procedureId: p.id })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const rows = await db
      .selectFrom('dossier_drafts')
      .select('id')
      .where('applicant_user_id', '=', citizen.userId)
      .where('procedure_id', '=', p.id)
      .execute();
    expect(rows).toHaveLength(1);
    const audit = await db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'draft.create')
      .where('target_id', '=', rows[0]!.id)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('keeps contact details, the chosen unit and the note beside the e-form; a stale version is refused', async () => {
    const p = await procedure('Đăng ký thường trú');
    const d = (await call(citizen, 'GET', `/drafts?procedureId=${p.id}`)).json().items[0];
    const thanhKhe = await commune('UBND Phường Thanh Khê');
    const saved = await call(citizen, 'PUT', `/drafts/${d.id}`, {
      version: d.version,
      contact: {
        address: '5 Hùng Vương',
        email: 'an@example.vn',
        residenceCommuneId: await commune('UBND Phường Hải Châu'),
      },
      agencyId: thanhKhe,
      note: 'Xin nhận kết quả qua bưu điện',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      version: d.version + 1,
      formData: { a: 1 },
      contact: { address: '5 Hùng Vương', email: 'an@example.vn' },
      agencyId: thanhKhe,
      note: 'Xin nhận kết quả qua bưu điện',
    });
    const stale = await call(citizen, 'PUT', `/drafts/${d.id}`, { version: d.version, formData: {} });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentVersion).toBe(d.version + 1);
    // A unit that does not handle the procedure cannot be saved as the choice.
    const stp = await db
      .selectFrom('agencies')
      .select('id')
      .where('name', 'like', 'Sở Tư pháp%')
      .executeTakeFirstOrThrow();
    const wrong = await call(citizen, 'PUT', `/drafts/${d.id}`, { version: d.version + 1, agencyId: stp.id });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().field).toBe('agencyId');
    expect((await call(citizen, 'GET', `/drafts/${d.id}`)).json().agencyId).toBe(thanhKhe);
  });

  it('a procedure that takes no online dossiers gets no draft', async () => {
    const p = await procedure('Đăng ký kết hôn');
    expect(p.channels).not.toContain('online');
    const r = await call(citizen, 'POST', '/drafts', { procedureId: p.id });
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('procedure_not_available');
    expect(r.json().detail_vi).toBe('Thủ tục không nhận hồ sơ trực tuyến');
  });
});

describe('mandatory documents', () => {
  it('a submission missing a mandatory component is refused with its name; nothing is created', async () => {
    const p = await procedure('Đăng ký khai sinh');
    const mandatory = (p.documents as Json[]).flatMap((d, i) => (d.requirement === 'mandatory' ? [i] : []));
    // The seeded birth registration: the declaration, the birth certificate and an identity paper.
    expect(mandatory).toEqual([0, 1, 5]);
    const draft = (await call(citizen, 'POST', '/drafts', { procedureId: p.id })).json();
    for (const slot of ['doc-0', 'doc-1', 'doc-2']) {
      expect((await uploadToDraft(app, citizen, draft.id, slot)).statusCode).toBe(201);
    }
    const before = await counts(citizen.userId);
    const body = {
      procedureId: p.id,
      agencyId: await commune('UBND Phường Hải Châu'),
      formData: formOf(p),
      draftId: draft.id,
    };
    const r = await call(citizen, 'POST', '/dossiers', body);
    expect(r.statusCode, r.body).toBe(422);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = r.json();
    expect(problem.code).toBe('documents_missing');
    expect(problem.title_vi).toBe('Còn thiếu giấy tờ bắt buộc của thủ tục');
    expect(problem.title_en).toBe('Mandatory documents of the procedure are missing');
    expect(problem.missing).toEqual([{ index: 5, slot: 'doc-5', name: p.documents[5].name }]);
    expect(problem.detail_vi).toBe(`Còn thiếu: ${p.documents[5].name}`);
    expect(p.documents[5].name).toMatch(/^Giấy tờ tùy thân/);
    expect(await counts(citizen.userId)).toEqual(before);
    // The draft and its files are still there.
    const still = (await call(citizen, 'GET', `/drafts/${draft.id}`)).json();
    expect(still.attachments.map((a: Json) => a.slot)).toEqual(['doc-0', 'doc-1', 'doc-2']);

    // No draft at all: every mandatory component is listed but the declaration the e-form filled.
    const bare = await call(citizen, 'POST', '/dossiers', { ...body, draftId: undefined });
    expect(bare.statusCode).toBe(422);
    expect(bare.json().missing.map((m: Json) => m.index)).toEqual([1, 5]);
    expect(await counts(citizen.userId)).toEqual(before);

    // With the last one attached it goes through; conditional components (3, 4, 6) are not needed.
    expect((await uploadToDraft(app, citizen, draft.id, 'doc-5')).statusCode).toBe(201);
    const ok = await call(citizen, 'POST', '/dossiers', body);
    expect(ok.statusCode, ok.body).toBe(201);
    const files = await call(citizen, 'GET', `/dossiers/${ok.json().id}/attachments`);
    expect(files.json().items.map((a: Json) => a.slot)).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-5']);
    // The draft became the dossier: none left for the procedure.
    expect((await call(citizen, 'GET', `/drafts?procedureId=${p.id}`)).json().items).toEqual([]);
  });

  it('a file of another kind does not count as the document', async () => {
    const p = await procedure('Đăng ký khai sinh');
    const draft = (await call(citizen, 'POST', '/drafts', { procedureId: p.id })).json();
    const { multipartBody, TINY_PDF } = await import('./apply-helpers.ts');
    const { body, contentType } = await multipartBody(
      { slot: 'doc-1', kind: 'supplement' },
      { bytes: TINY_PDF, fileName: 'x.pdf' },
    );
    const up = await app.inject({
      method: 'POST',
      url: `/api/v1/drafts/${draft.id}/attachments`,
      headers: { ...citizen.headers, 'content-type': contentType },
      payload: body,
    });
    expect(up.statusCode, up.body).toBe(201);
    expect((await uploadToDraft(app, citizen, draft.id, 'doc-5')).statusCode).toBe(201);
    const r = await call(citizen, 'POST', '/dossiers', {
      procedureId: p.id,
      agencyId: await commune('UBND Phường Hải Châu'),
      formData: formOf(p),
      draftId: draft.id,
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().missing.map((m: Json) => m.slot)).toEqual(['doc-1']);
  });

  it('the declaration the e-form fills needs no file online; at the counter the paper one is still checked', async () => {
    const p = await procedure('Đăng ký thường trú');
    // Document 0 is the CT01 declaration, the only mandatory one; the e-form is CT01.
    expect(p.eForm).toBeTruthy();
    expect(p.documents[0].filledByEForm).toBe(true);
    expect((p.documents as Json[]).flatMap((d, i) => (d.requirement === 'mandatory' ? [i] : []))).toEqual([0]);
    const draft = (await call(citizen, 'POST', '/drafts', { procedureId: p.id })).json();
    const r = await call(citizen, 'POST', '/dossiers', {
      procedureId: p.id,
      agencyId: await commune('UBND Phường Hải Châu'),
      formData: formOf(p),
      draftId: draft.id,
    });
    expect(r.statusCode, r.body).toBe(201);
    // The counter ignores the flag: the paper declaration must be ticked like any mandatory document.
    const docs = p.documents as { name: string; requirement: 'mandatory' | 'conditional'; filledByEForm?: boolean }[];
    expect(() => checkReception(docs, [])).toThrow();
    expect(checkReception(docs, [{ name: docs[0]!.name, original: 1 }]).map((d) => d.name)).toEqual([docs[0]!.name]);
  });

  it('only the declaration an e-form fills carries the flag', async () => {
    const birth = await procedure('Đăng ký khai sinh');
    // Only the seeded e-form declarations carry the flag: the birth certificate (document 1) does not.
    expect(birth.documents[0].filledByEForm).toBe(true);
    expect(birth.documents[1].filledByEForm ?? false).toBe(false);
  });

  it('a draft of another procedure is refused', async () => {
    const birth = await procedure('Đăng ký khai sinh');
    const residence = await procedure('Đăng ký thường trú');
    const draftId = await draftWithMandatoryFiles(app, db, citizen, birth.id);
    const r = await call(citizen, 'POST', '/dossiers', {
      procedureId: residence.id,
      agencyId: await commune('UBND Phường Hải Châu'),
      formData: formOf(residence),
      draftId,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toBe('draftId');
  });
});

describe('the handling unit (phi địa giới, Decree 118/2025 art. 14(2))', () => {
  it('any unit that handles the procedure may be chosen, wherever the applicant lives', async () => {
    const p = await procedure('Đăng ký thường trú');
    const thanhKhe = await commune('UBND Phường Thanh Khê');
    const haiChau = await commune('UBND Phường Hải Châu');
    expect((p.agencies as Json[]).map((a) => a.id)).toContain(thanhKhe);
    const draftId = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const r = await call(citizen, 'POST', '/dossiers', {
      procedureId: p.id,
      agencyId: thanhKhe,
      formData: formOf(p),
      draftId,
      applicant: { residenceCommuneId: haiChau, address: '12 Lê Duẩn' },
    });
    expect(r.statusCode, r.body).toBe(201);
    const agencies = await db
      .selectFrom('dossier_agencies as da')
      .innerJoin('agencies as a', 'a.id', 'da.agency_id')
      .select('a.name')
      .where('da.dossier_id', '=', r.json().id)
      .orderBy('a.name')
      .execute();
    // The chosen ward and its one-stop unit; not the ward of residence.
    expect(agencies.map((a) => a.name)).toEqual(['Bộ phận Một cửa', 'UBND Phường Thanh Khê']);
  });

  it('a unit that does not handle the procedure is refused, and nothing is created', async () => {
    const p = await procedure('Đăng ký khai sinh');
    const draftId = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const stp = await db
      .selectFrom('agencies')
      .select('id')
      .where('name', 'like', 'Sở Tư pháp%')
      .executeTakeFirstOrThrow();
    const before = await counts(citizen.userId);
    const r = await call(citizen, 'POST', '/dossiers', {
      procedureId: p.id,
      agencyId: stp.id,
      formData: formOf(p),
      draftId,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      code: 'validation_failed',
      field: 'agencyId',
      detail_vi: 'Chọn cơ quan giải quyết trong danh sách của thủ tục',
    });
    expect(await counts(citizen.userId)).toEqual(before);
  });

  it('without a choice: the unit saved in the draft, else the ward of residence', async () => {
    const p = await procedure('Đăng ký khai sinh');
    const sonTra = await commune('UBND Phường Sơn Trà');
    const draftId = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const { version } = (await call(citizen, 'GET', `/drafts/${draftId}`)).json();
    expect((await call(citizen, 'PUT', `/drafts/${draftId}`, { version, agencyId: sonTra })).statusCode).toBe(200);
    const fromDraft = await call(citizen, 'POST', '/dossiers', { procedureId: p.id, formData: formOf(p), draftId });
    expect(fromDraft.statusCode, fromDraft.body).toBe(201);
    const unitOf = async (id: string) =>
      (
        await db
          .selectFrom('dossier_agencies as da')
          .innerJoin('agencies as a', 'a.id', 'da.agency_id')
          .select('a.name')
          .where('da.dossier_id', '=', id)
          .where('a.level', '=', 'commune')
          .executeTakeFirstOrThrow()
      ).name;
    expect(await unitOf(fromDraft.json().id)).toBe('UBND Phường Sơn Trà');

    // Not the first ward of the list (Hải Châu): the residence decides, not the order.
    const thanhKhe = await commune('UBND Phường Thanh Khê');
    const second = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const fromResidence = await call(citizen, 'POST', '/dossiers', {
      procedureId: p.id,
      formData: formOf(p),
      draftId: second,
      applicant: { residenceCommuneId: thanhKhe },
    });
    expect(fromResidence.statusCode, fromResidence.body).toBe(201);
    expect(await unitOf(fromResidence.json().id)).toBe('UBND Phường Thanh Khê');

    // No choice, no residence, many units: refused (which ward would it be?).
    const third = await draftWithMandatoryFiles(app, db, citizen, p.id);
    const none = await call(citizen, 'POST', '/dossiers', { procedureId: p.id, formData: formOf(p), draftId: third });
    expect(none.statusCode).toBe(400);
    expect(none.json().field).toBe('agencyId');
  });
});

describe('discarding a draft', () => {
  it('the owner discards her draft with its files in one go; the next start is a fresh draft', async () => {
    const p = await procedure('Đăng ký thường trú');
    const started = await call(citizen, 'POST', '/drafts', { procedureId: p.id, formData: { ghi_chu: 'cũ' } });
    expect([200, 201]).toContain(started.statusCode);
    const draft = started.json();
    expect((await uploadToDraft(app, citizen, draft.id, 'doc-0')).statusCode).toBe(201);
    // Someone else's draft: 404, and it is untouched.
    const foreign = await call(organization, 'DELETE', `/drafts/${draft.id}`);
    expect(foreign.statusCode, foreign.body).toBe(404);
    expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await call(citizen, 'GET', `/drafts/${draft.id}`)).statusCode).toBe(200);

    const gone = await call(citizen, 'DELETE', `/drafts/${draft.id}`);
    expect(gone.statusCode, gone.body).toBe(204);
    expect((await call(citizen, 'GET', `/drafts/${draft.id}`)).statusCode).toBe(404);
    const files = await db.selectFrom('attachments').select('id').where('draft_id', '=', draft.id).execute();
    expect(files).toEqual([]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'result'])
      .where('target_id', '=', draft.id)
      .where('action', '=', 'draft.discard')
      .execute();
    expect(audit).toEqual([{ action: 'draft.discard', result: 'ok' }]);
    // Twice: nothing left to discard.
    expect((await call(citizen, 'DELETE', `/drafts/${draft.id}`)).statusCode).toBe(404);

    const fresh = await call(citizen, 'POST', '/drafts', { procedureId: p.id });
    expect(fresh.statusCode, fresh.body).toBe(201);
    expect(fresh.json().id).not.toBe(draft.id);
    expect(fresh.json().formData).toEqual({});
    expect(fresh.json().attachments).toEqual([]);
  });
});

describe('upload limits', () => {
  it('tells anyone the accepted types and the maximum size before a file is chosen', async () => {
    const r = await app.inject({ url: '/api/v1/attachments/limits' });
    expect(r.statusCode).toBe(200);
    expect(r.json().maxBytes).toBe(20 * 1024 * 1024);
    expect(r.json().types.map((t: Json) => t.extensions[0])).toEqual([
      'pdf',
      'jpg',
      'png',
      'tif',
      'webp',
      'docx',
      'xlsx',
      'odt',
    ]);
  });
});

describe('migration 0011: drafts made before one-per-procedure', () => {
  it('merges one citizen’s drafts of a procedure into the latest, keeping every file in upload order', async () => {
    const v = await db
      .selectFrom('procedure_versions')
      .select(['id', 'procedure_id'])
      .where('name', '=', 'Đăng ký kết hôn')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    await sql`DROP INDEX dossier_drafts_one_per_procedure`.execute(db);
    const draft = (userId: string, updated: string, formData: object) =>
      db
        .insertInto('dossier_drafts')
        .values({
          applicant_user_id: userId,
          procedure_version_id: v.id,
          form_data: JSON.stringify(formData),
          updated_at: new Date(updated),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((r) => r.id);
    const older = await draft(citizen.userId, '2026-11-01T03:00:00Z', { ban: 'cũ' });
    const newer = await draft(citizen.userId, '2026-11-02T03:00:00Z', { ban: 'mới' });
    const someoneElse = await draft(organization.userId, '2026-11-01T03:00:00Z', { ban: 'khác' });
    const file = (draftId: string, slot: string, at: string, name: string) => ({
      draft_id: draftId,
      kind: 'document' as const,
      slot,
      version_no: 1,
      file_name: name,
      media_type: 'application/pdf',
      size_bytes: 10,
      sha256: 'a'.repeat(64),
      uploaded_at: new Date(at),
    });
    await db
      .insertInto('attachments')
      .values([
        file(older, 'doc-0', '2026-11-01T03:00:00Z', 'to-khai-cu.pdf'),
        file(newer, 'doc-0', '2026-11-02T03:00:00Z', 'to-khai-moi.pdf'),
        file(newer, 'doc-1', '2026-11-02T03:05:00Z', 'cccd.pdf'),
        file(someoneElse, 'doc-0', '2026-11-01T03:00:00Z', 'khac.pdf'),
      ])
      .execute();

    await db.transaction().execute((tx) => mergeDuplicateDrafts(tx));
    await sql`CREATE UNIQUE INDEX dossier_drafts_one_per_procedure ON dossier_drafts (applicant_user_id, procedure_id)`.execute(
      db,
    );

    const left = await db
      .selectFrom('dossier_drafts')
      .select(['id', 'applicant_user_id', 'form_data'])
      .where('procedure_id', '=', v.procedure_id)
      .orderBy('applicant_user_id')
      .execute();
    expect(left.map((d) => d.id).sort()).toEqual([newer, someoneElse].sort());
    expect(left.find((d) => d.id === newer)!.form_data).toEqual({ ban: 'mới' });
    const files = await db
      .selectFrom('attachments')
      .select(['slot', 'version_no', 'file_name'])
      .where('draft_id', '=', newer)
      .orderBy('slot')
      .orderBy('version_no')
      .execute();
    expect(files).toEqual([
      { slot: 'doc-0', version_no: 1, file_name: 'to-khai-cu.pdf' },
      { slot: 'doc-0', version_no: 2, file_name: 'to-khai-moi.pdf' },
      { slot: 'doc-1', version_no: 1, file_name: 'cccd.pdf' },
    ]);
    const theirs = await db.selectFrom('attachments').select('file_name').where('draft_id', '=', someoneElse).execute();
    expect(theirs).toEqual([{ file_name: 'khac.pdf' }]);
  });
});
