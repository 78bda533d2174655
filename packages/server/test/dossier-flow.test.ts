import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/modules/audit/audit.service.ts';
import { calendarFor } from '../src/modules/dossiers/dossier.decide.ts';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { formFor } from './eform-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { mandatoryChecklist, mandatoryChecklistOfProcedure } from './reception-helpers.ts';
import { uploadResultFile } from './result-file.ts';

/**
 * One dossier of a two-agency procedure, from online submission to return and rating, through the
 * HTTP API: the land registration division appraises and consults the commune of residence (liên
 * thông), the department's leader approves and signs, the one-stop counter returns the result.
 */

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
const s: Record<string, Client> = {};

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  for (const u of [
    DEMO.citizen,
    DEMO.organization,
    DEMO.receptionist,
    'chuyenvien.snnmt',
    'lanhdao.snnmt',
    DEMO.communeOfficer,
    DEMO.deptOfficer,
  ]) {
    s[u] = await sessionFor(db, u);
  }
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

async function call(who: string, method: 'GET' | 'POST', url: string, payload?: unknown, key?: string) {
  const headers: Record<string, string> = { ...s[who]!.headers };
  if (method === 'POST') headers['idempotency-key'] = key ?? randomUUID();
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

async function detail(who: string, id: string): Promise<Json> {
  const r = await call(who, 'GET', `/dossiers/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function queue(who: string, name: string): Promise<Json[]> {
  const r = await call(who, 'GET', `/dossiers?queue=${name}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items;
}

async function landProcedure() {
  const p = await db
    .selectFrom('procedure_versions')
    .select(['procedure_id'])
    .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const commune = await db
    .selectFrom('agencies')
    .select(['id', 'code'])
    .where('admin_unit_code', '=', '20242')
    .executeTakeFirstOrThrow();
  return { procedureId: p.procedure_id, commune };
}

describe('a two-agency dossier from online submission to rating', () => {
  let id = '';
  let code = '';
  let secret = '';
  let fileId = '';

  it('the citizen submits online; a retry with the same key acts once', async () => {
    const { procedureId, commune } = await landProcedure();
    const body = {
      procedureId,
      // The procedure's e-form (Mẫu số 18), filled in as the citizen does in the portal.
      formData: await formFor(db, procedureId),
      applicant: { phone: '0905123456', residenceCommuneId: commune.id, address: '12 Lê Duẩn, Hải Châu' },
      // The mandatory document (the application form) uploaded to the draft first.
      draftId: await draftWithMandatoryFiles(app, db, s[DEMO.citizen]!, procedureId),
    };
    const key = randomUUID();
    const first = await call(DEMO.citizen, 'POST', '/dossiers', body, key);
    expect(first.statusCode, first.body).toBe(201);
    const again = await call(DEMO.citizen, 'POST', '/dossiers', body, key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    ({ id, code, lookupSecret: secret } = first.json());
    // Decree 118/2025 art. 28: receiving unit's code, receipt date, the day's number.
    expect(code).toMatch(/^000\.01\.20\.H\d+-\d{6}-\d{4}$/);
    const rows = await db
      .selectFrom('dossiers')
      .select('id')
      .where('applicant_user_id', '=', s[DEMO.citizen]!.userId)
      .execute();
    expect(rows).toHaveLength(1);
    // The same key for another body is refused.
    const reused = await call(DEMO.citizen, 'POST', '/dossiers', { ...body, formData: { x: 1 } }, key);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
  });

  it('the receptionist of the service center sees it and receives it: the clock starts', async () => {
    const inbox = await queue(DEMO.receptionist, 'reception');
    expect(inbox.map((d) => d.id)).toContain(id);
    await act(DEMO.receptionist, id, { type: 'receive', checklist: await mandatoryChecklist(db, id) });
    const d = await detail(DEMO.receptionist, id);
    expect(d.status).toBe('received');
    expect(d.nationalCode).toBe(2);
    const calendar = await calendarFor(
      db,
      (await db.selectFrom('dossiers').select('province_id').executeTakeFirstOrThrow()).province_id,
    );
    // The appointment is 10 working days from the clock start (procedure's legal limit).
    const expected = calendar.dueAt(new Date(d.receivedAt), { days: 10 });
    expect(d.due).toBe(expected.toISOString());
    expect(d.remaining.overdue).toBe(false);
    expect(d.availableActions).toContain('forward');
  });

  it('transfer to the first step; the division claims it and consults the commune', async () => {
    await act(DEMO.receptionist, id, { type: 'forward' });
    let d = await detail('chuyenvien.snnmt', id);
    expect(d.status).toBe('processing');
    expect(d.currentStep.id).toBe('tham_dinh');
    expect(d.subStatus.id).toBe('awaiting_claim');
    expect(d.currentStep.remaining.days + d.currentStep.remaining.hours).toBeGreaterThan(0);
    const unclaimed = await queue('chuyenvien.snnmt', 'unit_unclaimed');
    expect(unclaimed.map((x) => x.id)).toContain(id);
    await act('chuyenvien.snnmt', id, { type: 'claim' });
    expect((await queue('chuyenvien.snnmt', 'mine')).map((x) => x.id)).toContain(id);
    await act('chuyenvien.snnmt', id, { type: 'consult', targets: [{ consultationId: 'xac_minh_xa' }] });
    d = await detail('chuyenvien.snnmt', id);
    expect(d.subStatus.id).toBe('inter_agency');
    expect(d.flags.map((f: Json) => f.id)).toContain('in_consultation');
    expect(d.consultations[0].agency.name).toMatch(/Hải Châu/);
    // Cannot move on while the consultation is open.
    const blocked = await act('chuyenvien.snnmt', id, { type: 'forward' }, 422);
    expect(blocked.code).toBe('rule_violated');
  });

  it('the commune answers the consultation; an officer elsewhere cannot see the dossier', async () => {
    expect((await queue(DEMO.communeOfficer, 'consultation')).map((x) => x.id)).toContain(id);
    await act(DEMO.communeOfficer, id, {
      type: 'consultation_result',
      consultationId: 'xac_minh_xa',
      outcome: 'agreed',
    });
    const other = await call(DEMO.deptOfficer, 'GET', `/dossiers/${id}`);
    expect(other.statusCode).toBe(404);
    const org = await call(DEMO.organization, 'GET', `/dossiers/${id}`);
    expect(org.statusCode).toBe(404);
  });

  it('forwarded to the leader, who approves, signs and finishes', async () => {
    await act('chuyenvien.snnmt', id, { type: 'forward' });
    const d = await detail('lanhdao.snnmt', id);
    expect(d.currentStep.id).toBe('ky_duyet');
    // Without the result document the leader has nothing to approve (issue 13).
    expect(d.availableActions).not.toContain('approve');
    expect(d.availableActions).not.toContain('sign');
    const none = await act('lanhdao.snnmt', id, { type: 'approve' }, 422);
    expect(none.reason).toBe('result_file_missing');
    // The result document (giấy chứng nhận), attached by the leader, is what is approved and confirmed.
    const up = await uploadResultFile(app, s['lanhdao.snnmt']!.headers, id);
    expect(up.statusCode).toBe(201);
    fileId = up.id;
    expect((await detail('lanhdao.snnmt', id)).availableActions).toEqual(expect.arrayContaining(['approve']));
    await act('lanhdao.snnmt', id, { type: 'approve' });
    await act('lanhdao.snnmt', id, { type: 'sign' });
    await act('lanhdao.snnmt', id, { type: 'finish' });
    expect((await detail('lanhdao.snnmt', id)).status).toBe('result_ready');
    expect((await queue(DEMO.receptionist, 'return')).map((x) => x.id)).toContain(id);
  });

  it('the counter returns the result; the citizen rates the service once', async () => {
    // The confirmed result, attached by the leader before approval, is recorded on the return.
    const foreign = await act(
      DEMO.receptionist,
      id,
      { type: 'return_result', method: 'counter', attachmentIds: [randomUUID()] },
      404,
    );
    expect(foreign.code).toBe('attachment_not_found');
    await act(DEMO.receptionist, id, { type: 'return_result', method: 'counter', attachmentIds: [fileId] });
    const hist = (await call(DEMO.citizen, 'GET', `/dossiers/${id}/history`)).json().items as Json[];
    expect(hist.at(-1)!.attachmentIds).toEqual([fileId]);
    const scores = { time_vs_limit: 2, staff_attitude: 2, contacts_needed: 1 };
    const returnedAt = (
      await db.selectFrom('dossiers').select('finished_at').where('id', '=', id).executeTakeFirstOrThrow()
    ).finished_at;
    expect(returnedAt).not.toBeNull();
    // The portal offers the rating only when the machine would accept one.
    expect((await detail(DEMO.citizen, id)).availableActions).toContain('rate');
    await act(DEMO.citizen, id, { type: 'rate', scores, comment: 'Nhanh, chu đáo' });
    // Rating afterwards does not move the moment handling ended.
    const row = await db.selectFrom('dossiers').select('finished_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.finished_at).toEqual(returnedAt);
    const d = await detail(DEMO.citizen, id);
    expect(d.status).toBe('returned');
    expect(d.nationalCode).toBe(10);
    expect(d.rating.scores).toEqual(scores);
    const again = await act(DEMO.citizen, id, { type: 'rate', scores }, 422);
    expect(again.reason).toBe('already_rated');
  });

  it('history, outbox and audit hold one entry per command', async () => {
    // The staff history (the applicant's omits internal events and names: citizen-views.test.ts).
    const h = (await call(DEMO.receptionist, 'GET', `/dossiers/${id}/history`)).json().items as Json[];
    expect(h.map((e) => e.type)).toEqual([
      'submitted',
      'received',
      'forwarded',
      'claimed',
      'consultation_opened',
      'consultation_closed',
      'forwarded',
      'approved',
      'signed',
      'finished',
      'result_returned',
      'rated',
    ]);
    expect(h.map((e) => e.version)).toEqual(h.map((_, i) => i + 1));
    expect(h[3]!.actor.name).toBe('Lý Thị Thu');
    const outbox = await db
      .selectFrom('outbox')
      .select('payload')
      .where('aggregate_id', '=', id)
      .orderBy('id')
      .execute();
    expect(outbox.map((o) => (o.payload as Json).eventType)).toEqual(h.map((e) => e.type));
    const audits = await db.selectFrom('audit_log').select('action').where('target_id', '=', id).execute();
    expect(audits).toHaveLength(h.length);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('prints the receipt (form 01) and the control slip (form 06); forms whose event has not happened are 404', async () => {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const receipt = await call(DEMO.receptionist, 'GET', `/dossiers/${id}/documents/01`);
    expect(receipt.statusCode, receipt.body).toBe(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    const text = (await extractText(await getDocumentProxy(new Uint8Array(receipt.rawPayload)), { mergePages: true }))
      .text;
    expect(text).toContain(code);
    expect(text).toContain('Nguyễn Thị Ánh');
    expect(text).toMatch(/GIẤY TIẾP NHẬN HỒ SƠ/i);
    // The control slip names the officers who handed the dossier on: it is the office's, not the applicant's.
    expect((await call(DEMO.citizen, 'GET', `/dossiers/${id}/documents/06`)).statusCode).toBe(404);
    const slip = await call(DEMO.receptionist, 'GET', `/dossiers/${id}/documents/06`);
    expect(slip.statusCode).toBe(200);
    const slipText = (await extractText(await getDocumentProxy(new Uint8Array(slip.rawPayload)), { mergePages: true }))
      .text;
    expect(slipText).toContain('Phòng Quản lý đất đai');
    expect(slipText).toMatch(/Hải Châu/);
    const none = await call(DEMO.receptionist, 'GET', `/dossiers/${id}/documents/04`);
    expect(none.statusCode).toBe(404);
    const outsider = await call(DEMO.deptOfficer, 'GET', `/dossiers/${id}/documents/01`);
    expect(outsider.statusCode).toBe(404);
  });

  it('the tracking book (form 07) lists the dossier for the receiving unit', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const r = await call(DEMO.receptionist, 'GET', `/reports/tracking-book?from=${today}&to=${today}`);
    expect(r.statusCode, r.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
    expect(cells).toContain(code);
  });

  it('public lookup by code and secret (or phone) shows status without personal data', async () => {
    const r = await app.inject({
      url: `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=${secret.toLowerCase()}`,
    });
    expect(r.statusCode, r.body).toBe(200);
    const v = r.json();
    expect(v.status).toBe('returned');
    expect(JSON.stringify(v)).not.toMatch(/Nguyễn Thị Ánh|0905123456|048090001234|Lê Duẩn/);
    const byPhone = await app.inject({ url: `/api/v1/lookup?code=${encodeURIComponent(code)}&phone=0905.123.456` });
    expect(byPhone.statusCode).toBe(200);
    const wrong = await app.inject({ url: `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=AAAAAAAA` });
    expect(wrong.statusCode).toBe(404);
    const unknown = await app.inject({ url: `/api/v1/lookup?code=NOPE-1&secret=${secret}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe(wrong.json().code);
  });
});

describe('concurrency and conflicts', () => {
  it('N officers claim one step at once: one wins, the others get 409 with the current version', async () => {
    const { procedureId, commune } = await landProcedure();
    const r = await call(DEMO.citizen, 'POST', '/dossiers', {
      procedureId,
      formData: await formFor(db, procedureId),
      applicant: { residenceCommuneId: commune.id },
      draftId: await draftWithMandatoryFiles(app, db, s[DEMO.citizen]!, procedureId),
    });
    const { id } = r.json();
    await act(DEMO.receptionist, id, { type: 'receive', checklist: await mandatoryChecklist(db, id) });
    await act(DEMO.receptionist, id, { type: 'forward' });
    const { version } = await detail('chuyenvien.snnmt', id);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('chuyenvien.snnmt', 'POST', `/dossiers/${id}/actions`, { type: 'claim', version }),
      ),
    );
    const codes = results.map((x) => x.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(5);
    const conflict = results.find((x) => x.statusCode === 409)!.json();
    expect(conflict.code).toBe('version_conflict');
    expect(conflict.currentVersion).toBe(version + 1);
    const events = await db.selectFrom('dossier_events').select('type').where('dossier_id', '=', id).execute();
    expect(events.filter((e) => e.type === 'claimed')).toHaveLength(1);
  });

  it('a stale version is refused and changes nothing', async () => {
    const any = await db
      .selectFrom('dossiers')
      .select(['id', 'version'])
      .where('status', '=', 'processing')
      .executeTakeFirstOrThrow();
    const before = await db.selectFrom('dossier_events').select('id').execute();
    const r = await call('chuyenvien.snnmt', 'POST', `/dossiers/${any.id}/actions`, {
      type: 'approve',
      version: any.version - 1,
    });
    expect(r.statusCode).toBe(409);
    expect((await db.selectFrom('dossier_events').select('id').execute()).length).toBe(before.length);
  });

  it('commands without an idempotency key, with unknown fields or for unknown dossiers are refused', async () => {
    const any = await db.selectFrom('dossiers').select(['id', 'version']).executeTakeFirstOrThrow();
    const noKey = await app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${any.id}/actions`,
      headers: s[DEMO.receptionist]!.headers,
      payload: { type: 'claim', version: any.version },
    });
    expect(noKey.statusCode).toBe(400);
    const unknownField = await call(DEMO.receptionist, 'POST', `/dossiers/${any.id}/actions`, {
      type: 'claim',
      version: any.version,
      hack: true,
    });
    expect(unknownField.statusCode).toBe(400);
    const unknown = await call(DEMO.receptionist, 'POST', `/dossiers/${randomUUID()}/actions`, {
      type: 'claim',
      version: 1,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('dossier_not_found');
  });
});

describe('the one-stop counter', () => {
  it('a walk-in dossier is received on the spot with an appointment', async () => {
    const p = await db
      .selectFrom('procedure_versions')
      .select('procedure_id')
      .where('name', '=', 'Cấp Giấy xác nhận tình trạng hôn nhân')
      .executeTakeFirstOrThrow();
    const who = await sessionFor(db, DEMO.communeReceptionist);
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/counter/dossiers',
      headers: { ...who.headers, 'idempotency-key': randomUUID() },
      payload: {
        procedureId: p.procedure_id,
        applicant: { name: 'Trần Văn Bình', idNumber: '048090009999', phone: '0905000111' },
        checklist: await mandatoryChecklistOfProcedure(db, p.procedure_id),
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json();
    expect(created.status).toBe('received');
    const row = await db.selectFrom('dossiers').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.channel).toBe('counter');
    expect(row.due).not.toBeNull();
    expect(row.code).toMatch(/^001\.01\.90\.H\d+-\d{6}-\d{4}$/);
    // The commune's officers handle it (the step agency resolves to the commune of the one-stop unit).
    await app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${created.id}/actions`,
      headers: { ...who.headers, 'idempotency-key': randomUUID() },
      payload: { type: 'forward', version: created.version },
    });
    const d = await detail(DEMO.communeOfficer, created.id);
    expect(d.currentStep.agency.name).toMatch(/^UBND Phường Hải Châu/);
  });
});

describe('inter-agency consultation with a linked child dossier (liên thông)', () => {
  it('the child opens at the commune, is handled there, and its result answers the parent', async () => {
    const { procedureId, commune } = await landProcedure();
    const r = await call(DEMO.citizen, 'POST', '/dossiers', {
      procedureId,
      formData: await formFor(db, procedureId),
      applicant: { residenceCommuneId: commune.id },
      draftId: await draftWithMandatoryFiles(app, db, s[DEMO.citizen]!, procedureId),
    });
    const { id } = r.json();
    await act(DEMO.receptionist, id, { type: 'receive', checklist: await mandatoryChecklist(db, id) });
    await act(DEMO.receptionist, id, { type: 'forward' });
    await act('chuyenvien.snnmt', id, { type: 'claim' });
    await act('chuyenvien.snnmt', id, {
      type: 'consult',
      targets: [{ consultationId: 'xac_minh_xa', openChildDossier: true }],
    });
    const parent = await detail('chuyenvien.snnmt', id);
    const childId = parent.consultations[0].childDossierId as string;
    expect(childId).toMatch(/^[0-9a-f-]{36}$/);
    const inbox = await queue(DEMO.communeOfficer, 'unit_unclaimed');
    expect(inbox.map((x) => x.id)).toContain(childId);
    const child = await detail(DEMO.communeOfficer, childId);
    expect(child.status).toBe('processing');
    expect(child.code).toMatch(/^000\.\d+\.90\.H\d+-\d{6}-\d{4}$/);
    expect(child.currentStep.due).toBe(parent.consultations[0].due);
    await act(DEMO.communeOfficer, childId, { type: 'claim' });
    await act(DEMO.communeOfficer, childId, { type: 'approve' });
    await act(DEMO.communeOfficer, childId, { type: 'finish' });
    expect((await detail(DEMO.communeOfficer, childId)).status).toBe('returned');
    const after = await detail('chuyenvien.snnmt', id);
    expect(after.consultations).toEqual([]);
    expect(after.subStatus.id).toBe('in_progress');
    const h = (await call('chuyenvien.snnmt', 'GET', `/dossiers/${id}/history`)).json().items as Json[];
    const closed = h.find((e) => e.type === 'consultation_closed')!;
    expect(closed.event.outcome).toBe('agreed');
    expect(closed.note).toContain(child.code);
    // The citizen does not see the internal child dossier.
    expect((await call(DEMO.citizen, 'GET', `/dossiers/${childId}`)).statusCode).toBe(404);
  });
});
