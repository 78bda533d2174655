import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Jobs, startJobs } from '../src/jobs.ts';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { mandatoryChecklist, mandatoryChecklistOfProcedure } from './reception-helpers.ts';
import { uploadResultFile } from './result-file.ts';

/**
 * The applicant's notices (issue 13, "Notifications"): submitted (online), received with the
 * appointment, supplement requested (what and why), refused (the reasons), result ready,
 * returned — each sent once, read from the local development mailbox (.eml files under
 * MOTCUA_DATA_DIR/mailbox), each with a lookup link carrying code AND secret that resolves through
 * GET /api/v1/lookup; an applicant with an account also gets /my/<id>; nobody is invited to rate
 * on the lookup page (it cannot take a rating).
 */

const PUBLIC = 'http://motcua.test';
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
let jobs: Jobs;
let mailboxDir = '';
const s: Record<string, Client> = {};
// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;
let procedureId = '';
let communeId = '';

beforeAll(async () => {
  let url: string;
  let config: Awaited<ReturnType<typeof startTestApp>>['config'];
  ({ app, db, url, config } = await startTestApp({ publicUrl: PUBLIC }));
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'motcua-notices-'));
  mailboxDir = path.join(dataDir, 'mailbox');
  for (const u of [DEMO.citizen, DEMO.receptionist, 'chuyenvien.snnmt', 'lanhdao.snnmt', DEMO.communeOfficer]) {
    s[u] = await sessionFor(db, u);
  }
  const v = await db
    .selectFrom('procedure_versions')
    .select(['procedure_id'])
    .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  procedureId = v.procedure_id;
  // No e-form in this test (notices are under test, not the form; published versions are
  // immutable by trigger, bypassed once in this test database).
  await db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await sql`UPDATE procedure_versions SET content = jsonb_set(content, '{eForm}', 'null'::jsonb)
      WHERE procedure_id = ${procedureId} AND status = 'published'`.execute(tx);
  });
  communeId = (
    await db.selectFrom('agencies').select('id').where('admin_unit_code', '=', '20242').executeTakeFirstOrThrow()
  ).id;
  // The local development mailbox, as `npm start` has it without MOTCUA_SMTP_URL.
  jobs = await startJobs({
    db,
    connectionString: url,
    config: { ...config, smtpUrl: undefined, dataDir, publicUrl: PUBLIC },
    concurrency: 2,
    pollInterval: 100,
    relayIntervalMs: 50,
    cron: false,
    log: () => undefined,
  });
});

afterAll(async () => {
  await jobs?.stop();
});

async function call(who: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const headers: Record<string, string> = { ...(s[who]?.headers ?? {}) };
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

async function submitOnline(): Promise<{ id: string; code: string; lookupSecret: string }> {
  // One draft per (citizen, procedure): a finished draft is adopted by its dossier, the next one is new.
  const r = await call(DEMO.citizen, 'POST', '/dossiers', {
    procedureId,
    formData: {},
    applicant: { phone: '0905123456', residenceCommuneId: communeId, address: '12 Lê Duẩn, Hải Châu' },
    draftId: await draftWithMandatoryFiles(app, db, s[DEMO.citizen]!, procedureId),
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

// ---------------------------------------------------------------- the mailbox

type Mail = { to: string; subject: string; body: string };

function decodeWords(v: string): string {
  return v.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function parseEml(raw: string): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  let body = raw.slice(split + 4);
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (cte === 'quoted-printable') {
    const latin = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, h) => String.fromCharCode(Number.parseInt(h, 16)));
    body = Buffer.from(latin, 'latin1').toString('utf8');
  }
  return {
    to: headers.get('x-mailbox-rcpt-to') ?? headers.get('to') ?? '',
    subject: decodeWords(headers.get('subject') ?? ''),
    body: body.replace(/\r\n/g, '\n'),
  };
}

async function mailbox(): Promise<Mail[]> {
  const files = await fs.readdir(mailboxDir).catch(() => [] as string[]);
  return Promise.all(
    files
      .filter((f) => f.endsWith('.eml'))
      .map(async (f) => parseEml(await fs.readFile(path.join(mailboxDir, f), 'utf8'))),
  );
}

/** The mails about a dossier once `n` of them have arrived (and the queue has settled). */
async function mailsOf(code: string, n: number): Promise<Mail[]> {
  const until = Date.now() + 20_000;
  for (;;) {
    const mine = (await mailbox()).filter((m) => m.body.includes(code));
    if (mine.length >= n) {
      // Anything queued behind them would show up now: wait for the queue to drain, then look again.
      await settle();
      return (await mailbox()).filter((m) => m.body.includes(code));
    }
    if (Date.now() > until) throw new Error(`timed out: ${mine.length} of ${n} mails for ${code}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function settle() {
  const until = Date.now() + 20_000;
  for (;;) {
    const o = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`.execute(db);
    const j = await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker.jobs
      WHERE task_identifier = 'notify_applicant'`.execute(db);
    if (o.rows[0]!.n === '0' && j.rows[0]!.n === '0') return;
    if (Date.now() > until) throw new Error('the notification queue did not drain');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The lookup link of a mail resolves, with its code and secret, through the public lookup API. */
async function expectWorkingLookupLink(mail: Mail, code: string, secret: string) {
  const links = [...mail.body.matchAll(/http:\/\/motcua\.test\/tra-cuu\?\S+/g)].map((m) => m[0]);
  expect(links.length, mail.subject).toBeGreaterThan(0);
  for (const link of links) {
    const u = new URL(link);
    expect(u.searchParams.get('ma')).toBe(code);
    expect(u.searchParams.get('mk')).toBe(secret);
    const r = await app.inject({
      method: 'GET',
      url: `/api/v1/lookup?code=${encodeURIComponent(u.searchParams.get('ma')!)}&secret=${encodeURIComponent(u.searchParams.get('mk')!)}`,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().code).toBe(code);
  }
}

// ---------------------------------------------------------------- tests

describe('an online dossier from submission to return: one notice per step, each with working links', () => {
  let d = { id: '', code: '', lookupSecret: '' };

  it('submitted online: a notice that it awaits the check (Decree 118/2025 art. 17(2): answer within 8 working hours)', async () => {
    d = await submitOnline();
    const [mail, ...more] = await mailsOf(d.code, 1);
    expect(more).toEqual([]);
    expect(mail!.to).toBe('anh.nguyen@example.vn');
    expect(mail!.subject).toBe(`Đã nhận hồ sơ trực tuyến ${d.code}, đang chờ kiểm tra`);
    expect(mail!.body).toContain('trong thời hạn 8 giờ làm việc');
    expect(mail!.body).toContain(`Hồ sơ của tôi (đăng nhập): ${PUBLIC}/my/${d.id}`);
    // Vietnamese first, English below.
    expect(mail!.body.indexOf('----- English -----')).toBeGreaterThan(mail!.body.indexOf('Kính gửi'));
    expect(mail!.body).toContain(`Online dossier ${d.code} submitted, awaiting check`);
    await expectWorkingLookupLink(mail!, d.code, d.lookupSecret);
  });

  it('received: the appointment, the lookup password and the lookup link with the secret', async () => {
    await act(DEMO.receptionist, d.id, { type: 'receive', checklist: await mandatoryChecklist(db, d.id) });
    const mails = await mailsOf(d.code, 2);
    const received = mails.filter((m) => m.subject === `Hồ sơ ${d.code} đã được tiếp nhận`);
    expect(received).toHaveLength(1);
    const body = received[0]!.body;
    const due = (await db.selectFrom('dossiers').select('due').where('id', '=', d.id).executeTakeFirstOrThrow()).due!;
    const vn = new Date(due.getTime() + 7 * 3_600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    expect(body).toContain(
      `Ngày hẹn trả kết quả: ${p(vn.getUTCDate())}/${p(vn.getUTCMonth() + 1)}/${vn.getUTCFullYear()} ${p(vn.getUTCHours())}:${p(vn.getUTCMinutes())}.`,
    );
    expect(body).toContain(`Mật khẩu tra cứu hồ sơ: ${d.lookupSecret}`);
    expect(body).toContain(
      `Tra cứu hồ sơ (không cần đăng nhập): ${PUBLIC}/tra-cuu?ma=${encodeURIComponent(d.code)}&mk=${encodeURIComponent(d.lookupSecret)}`,
    );
    await expectWorkingLookupLink(received[0]!, d.code, d.lookupSecret);
  });

  it('result ready, then returned: the return notice invites rating on the applicant’s own page, not on the lookup page', async () => {
    await act(DEMO.receptionist, d.id, { type: 'forward' });
    await act('chuyenvien.snnmt', d.id, { type: 'claim' });
    await act('chuyenvien.snnmt', d.id, { type: 'consult', targets: [{ consultationId: 'xac_minh_xa' }] });
    await act(DEMO.communeOfficer, d.id, {
      type: 'consultation_result',
      consultationId: 'xac_minh_xa',
      outcome: 'agreed',
    });
    await act('chuyenvien.snnmt', d.id, { type: 'forward' });
    const up = await uploadResultFile(app, s['lanhdao.snnmt']!.headers, d.id);
    expect(up.statusCode).toBe(201);
    await act('lanhdao.snnmt', d.id, { type: 'approve' });
    await act('lanhdao.snnmt', d.id, { type: 'sign' });
    await act('lanhdao.snnmt', d.id, { type: 'finish' });
    await act(DEMO.receptionist, d.id, { type: 'return_result', method: 'counter', attachmentIds: [up.id] });
    const mails = await mailsOf(d.code, 4);
    expect(mails.map((m) => m.subject).sort()).toEqual(
      [
        `Đã nhận hồ sơ trực tuyến ${d.code}, đang chờ kiểm tra`,
        `Hồ sơ ${d.code} đã được tiếp nhận`,
        `Hồ sơ ${d.code} đã có kết quả`,
        `Đã trả kết quả hồ sơ ${d.code}`,
      ].sort(),
    );
    const returned = mails.find((m) => m.subject === `Đã trả kết quả hồ sơ ${d.code}`)!;
    expect(returned.body).toContain('tại Bộ phận Một cửa');
    expect(returned.body).toContain(
      `Mời Ông/Bà đánh giá mức độ hài lòng tại trang hồ sơ của mình (đăng nhập): ${PUBLIC}/my/${d.id}`,
    );
    expect(returned.body).not.toContain('qua trang tra cứu');
    for (const m of mails) await expectWorkingLookupLink(m, d.code, d.lookupSecret);
    // Once each: one delivery row per event, all sent.
    const rows = await db
      .selectFrom('notifications')
      .select(['kind', 'status'])
      .where('dossier_id', '=', d.id)
      .orderBy('event_version')
      .execute();
    expect(rows).toEqual([
      { kind: 'submitted', status: 'sent' },
      { kind: 'received', status: 'sent' },
      { kind: 'finished', status: 'sent' },
      { kind: 'result_returned', status: 'sent' },
    ]);
  });
});

describe('supplement and refusal notices say what and why', () => {
  it('a supplement request lists every item to add; the officer’s internal note is not in it', async () => {
    const d = await submitOnline();
    await act(DEMO.receptionist, d.id, {
      type: 'request_supplement',
      items: ['Bản sao Căn cước có chứng thực', 'Sơ đồ thửa đất có xác nhận của UBND phường'],
      note: 'GHI CHÚ NỘI BỘ: đã gọi điện',
    });
    const mails = await mailsOf(d.code, 2);
    const m = mails.find((x) => x.subject === `Hồ sơ ${d.code} cần bổ sung, hoàn thiện`)!;
    expect(m.body).toContain('  1. Bản sao Căn cước có chứng thực\n  2. Sơ đồ thửa đất có xác nhận của UBND phường');
    expect(m.body).toContain(
      'Hồ sơ chưa được tiếp nhận; thời hạn giải quyết tính từ khi hồ sơ được tiếp nhận đầy đủ, hợp lệ.',
    );
    expect(m.body).toContain(`Ông/Bà bổ sung hồ sơ trực tuyến tại: ${PUBLIC}/my/${d.id}`);
    expect(m.body).not.toContain('GHI CHÚ NỘI BỘ');
    await expectWorkingLookupLink(m, d.code, d.lookupSecret);
  });

  it('a refusal gives the reasons', async () => {
    const d = await submitOnline();
    await act(DEMO.receptionist, d.id, {
      type: 'refuse',
      reasons: ['Thửa đất đang có tranh chấp', 'Không thuộc thẩm quyền giải quyết của Sở'],
    });
    const mails = await mailsOf(d.code, 2);
    const m = mails.find((x) => x.subject === `Hồ sơ ${d.code} bị từ chối tiếp nhận`)!;
    expect(m.body).toContain('đã bị từ chối tiếp nhận lúc');
    expect(m.body).toContain('Lý do:\n  1. Thửa đất đang có tranh chấp\n  2. Không thuộc thẩm quyền giải quyết của Sở');
    expect(m.body).toContain('Reasons:\n  1. Thửa đất đang có tranh chấp');
    await expectWorkingLookupLink(m, d.code, d.lookupSecret);
  });
});

describe('a walk-in applicant without an account', () => {
  it('gets one notice, the receipt by email, with the lookup link and no portal link', async () => {
    const r = await call(DEMO.receptionist, 'POST', '/counter/dossiers', {
      procedureId,
      applicant: {
        name: 'Trần Văn Bình',
        idNumber: '048090009999',
        phone: '0905000111',
        email: 'binh.tran@example.vn',
      },
      formData: {},
      checklist: await mandatoryChecklistOfProcedure(db, procedureId),
    });
    expect(r.statusCode, r.body).toBe(201);
    const d = r.json();
    const mails = await mailsOf(d.code, 1);
    expect(mails.map((m) => m.subject)).toEqual([`Hồ sơ ${d.code} đã được tiếp nhận`]);
    expect(mails[0]!.to).toBe('binh.tran@example.vn');
    expect(mails[0]!.body).not.toContain('/my/');
    await expectWorkingLookupLink(mails[0]!, d.code, d.lookupSecret);
  });
});
