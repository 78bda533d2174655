import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAccountJobs, sendAccountEmail, sendSms } from '../src/modules/accounts/accounts.jobs.ts';
import type { JobContext } from '../src/modules/jobs/jobs.types.ts';
import type { MailMessage } from '../src/modules/notifications/mail.transport.ts';
import { localSmsGateway } from '../src/modules/notifications/sms.gateway.ts';
import { deliverQueuedSms } from '../src/modules/notifications/sms.service.ts';
import { routeTopic, tasksOfTopic } from '../src/modules/outbox/outbox.relay.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * Registration and password reset with a one-time code (issue 13): 6 digits sent by SMS or email
 * through the local channels, 10 minutes, 5 attempts, hashed, single use; the same answer whether or
 * not an ID number already has an account; a reset ends every other session.
 */

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
const json = { 'content-type': 'application/json' };
const smsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-sms-'));

beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in this test
type Json = Record<string, any>;

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { ...json, ...headers }, payload: payload as Json });

/** The SMS the local gateway wrote for `phone`, newest last (the job's work done here). */
async function smsTo(phone: string): Promise<string[]> {
  await deliverQueuedSms(db, localSmsGateway(smsDir));
  return fs
    .readdirSync(smsDir)
    .sort()
    .map((f) => fs.readFileSync(path.join(smsDir, f), 'utf8'))
    .filter((t) => t.startsWith(`To: ${phone}\n`));
}

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

async function emailsTo(to: string): Promise<Json[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('payload')
    .where('topic', '=', 'account.email')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.payload as Json).filter((p) => p.to === to);
}

async function verificationCount(): Promise<number> {
  const r = await db
    .selectFrom('verification_codes')
    .select(db.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const citizen = {
  applicantType: 'citizen',
  personalId: '048301009876',
  fullName: 'Trần Bảo Ngọc',
  phone: '0912345678',
  password: 'matkhau2026',
  channel: 'sms',
};

describe('registering a citizen with a code sent by SMS', () => {
  let verificationId = '';
  let code = '';

  it('answers 202 with where the code went, masked; the SMS store keeps the 6-digit code', async () => {
    const before = Date.now();
    const r = await post('/auth/register', citizen);
    expect(r.statusCode, r.body).toBe(202);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(['channel', 'expiresAt', 'sentTo', 'verificationId']);
    expect(body.channel).toBe('sms');
    expect(body.sentTo).toBe('091****678');
    const ttl = new Date(body.expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(9.9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 5_000);
    verificationId = body.verificationId;
    const sms = await smsTo('0912345678');
    expect(sms).toHaveLength(1);
    code = codeIn(sms[0]!);
    expect(code).toMatch(/^\d{6}$/);
    expect(sms[0]).toContain('Hieu luc 10 phut');
    const row = await db
      .selectFrom('sms_messages')
      .selectAll()
      .where('recipient', '=', '0912345678')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
    expect(row.kind).toBe('registration_code');
    // No account before the code is verified.
    const user = await db.selectFrom('users').select('id').where('username', '=', '048301009876').executeTakeFirst();
    expect(user).toBeUndefined();
  });

  it('stores the code hashed, never in clear', async () => {
    const row = await db
      .selectFrom('verification_codes')
      .select(['code_hash', 'payload', 'attempts', 'max_attempts'])
      .where('id', '=', verificationId)
      .executeTakeFirstOrThrow();
    expect(row.code_hash).toMatch(/^\$argon2id\$/);
    expect(row.code_hash).not.toContain(code);
    expect(JSON.stringify(row.payload)).not.toContain(code);
    expect(JSON.stringify(row.payload)).not.toContain('matkhau2026');
    expect([row.attempts, row.max_attempts]).toEqual([0, 5]);
  });

  it('a wrong code is refused and counted; the right one creates the account once', async () => {
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await post('/auth/register/verify', { verificationId, code: wrongCode });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('verification_failed');
    const ok = await post('/auth/register/verify', { verificationId, code });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      kind: 'applicant',
      applicantType: 'citizen',
      username: '048301009876',
      fullName: 'Trần Bảo Ngọc',
      phone: '0912345678',
    });
    const again = await post('/auth/register/verify', { verificationId, code });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('verification_failed');
    const login = await post('/auth/login', { username: '048301009876', password: 'matkhau2026' });
    expect(login.statusCode).toBe(200);
  });

  it('registering an ID that has an account answers the same, sends the requester nothing, tells the owner', async () => {
    const before = await emailsTo('anh.nguyen@example.vn');
    const r = await post('/auth/register', {
      ...citizen,
      personalId: DEMO.citizen,
      fullName: 'Kẻ Mạo Danh',
      phone: '0987654321',
    });
    expect(r.statusCode).toBe(202);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(['channel', 'expiresAt', 'sentTo', 'verificationId']);
    expect(body.sentTo).toBe('098****321');
    expect(await smsTo('0987654321')).toEqual([]);
    // The owner hears of it by their registered email, with no code in it.
    const after = await emailsTo('anh.nguyen@example.vn');
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)!.text).toContain('Quên mật khẩu');
    expect(codeIn(after.at(-1)!.text)).toBe('');
    // Whatever code is tried, the answer is that of a wrong code.
    for (const c of ['123456', '000000']) {
      const v = await post('/auth/register/verify', { verificationId: body.verificationId, code: c });
      expect(v.statusCode).toBe(400);
      expect(v.json().code).toBe('verification_failed');
    }
    const name = await db
      .selectFrom('users')
      .select('full_name')
      .where('username', '=', DEMO.citizen)
      .executeTakeFirstOrThrow();
    expect(name.full_name).toBe('Nguyễn Thị Ánh');
  });

  it('an organization registers with its tax code and an email code', async () => {
    const r = await post('/auth/register', {
      applicantType: 'organization',
      taxCode: '0401999888-001',
      fullName: 'Chi nhánh Công ty Biển Xanh',
      email: 'ketoan@bienxanh.vn',
      password: 'bienxanh2026',
      channel: 'email',
    });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toMatchObject({ channel: 'email', sentTo: 'k***@bienxanh.vn' });
    const mail = (await emailsTo('ketoan@bienxanh.vn')).at(-1)!;
    expect(mail.subject).toBe('Mã xác nhận đăng ký tài khoản / Registration code');
    const v = await post('/auth/register/verify', { verificationId: r.json().verificationId, code: codeIn(mail.text) });
    expect(v.statusCode, v.body).toBe(201);
    expect(v.json()).toMatchObject({ applicantType: 'organization', username: '0401999888-001' });
  });
});

describe('codes expire, allow 5 attempts, and bad input changes nothing', () => {
  it('an expired code is refused', async () => {
    const r = await post('/auth/register', { ...citizen, personalId: '048196001111', phone: '0912000111' });
    const code = codeIn((await smsTo('0912000111'))[0]!);
    await db
      .updateTable('verification_codes')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', r.json().verificationId)
      .execute();
    const v = await post('/auth/register/verify', { verificationId: r.json().verificationId, code });
    expect(v.statusCode).toBe(400);
    expect(v.json().code).toBe('verification_failed');
  });

  it('after 5 wrong codes the right one no longer works', async () => {
    const r = await post('/auth/register', { ...citizen, personalId: '048196002222', phone: '0912000222' });
    const code = codeIn((await smsTo('0912000222'))[0]!);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) {
      expect(
        (await post('/auth/register/verify', { verificationId: r.json().verificationId, code: wrong })).statusCode,
      ).toBe(400);
    }
    const v = await post('/auth/register/verify', { verificationId: r.json().verificationId, code });
    expect(v.statusCode).toBe(400);
    const row = await db
      .selectFrom('verification_codes')
      .select(['attempts', 'consumed_at'])
      .where('id', '=', r.json().verificationId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ attempts: 5, consumed_at: null });
  });

  it('a wrong personal ID, tax code, missing phone or weak password is a 400 that writes nothing', async () => {
    const before = await verificationCount();
    const cases: [Json, string][] = [
      [{ ...citizen, personalId: '04830100987' }, 'body.personalId'],
      // 999 is no province code (001–096).
      [{ ...citizen, personalId: '999301009876' }, 'body.personalId'],
      [
        {
          applicantType: 'organization',
          taxCode: '04012345',
          fullName: 'X',
          phone: '0912345678',
          password: 'abc12345',
        },
        'body.taxCode',
      ],
      [{ ...citizen, phone: undefined }, 'body.phone'],
    ];
    for (const [body, p] of cases) {
      const r = await post('/auth/register', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().errors.map((e: Json) => e.path)).toContain(p);
    }
    const weak = await post('/auth/register', { ...citizen, personalId: '048196003333', password: 'chichucai' });
    expect(weak.statusCode).toBe(400);
    expect(await verificationCount()).toBe(before);
  });

  it('more than 5 codes an hour for one ID: the same answer, nothing more sent', async () => {
    const phone = '0912000444';
    for (let i = 0; i < 7; i++) {
      const r = await post('/auth/register', { ...citizen, personalId: '048196004444', phone });
      expect(r.statusCode).toBe(202);
    }
    expect(await smsTo(phone)).toHaveLength(5);
  });
});

describe('forgot password: a code to the registered channel, then a new password', () => {
  it('answers the same for an existing and an unknown username', async () => {
    const known = await post('/auth/password/forgot', { username: DEMO.organization });
    const unknown = await post('/auth/password/forgot', { username: '048099999999' });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(Object.keys(known.json()).sort()).toEqual(['expiresAt', 'verificationId']);
    expect(Object.keys(unknown.json()).sort()).toEqual(['expiresAt', 'verificationId']);
    const v = await post('/auth/password/reset', {
      verificationId: unknown.json().verificationId,
      code: '123456',
      newPassword: 'matkhaumoi2027',
    });
    expect(v.statusCode).toBe(400);
    expect(v.json().code).toBe('verification_failed');
  });

  it('the right code sets the password, unlocks the account and ends every session', async () => {
    const a = await sessionFor(db, DEMO.citizen);
    await sessionFor(db, DEMO.citizen);
    await db
      .updateTable('users')
      .set({ locked_until: new Date(Date.now() + 3_600_000), failed_logins: 9 })
      .where('id', '=', a.userId)
      .execute();
    const r = await post('/auth/password/forgot', { username: DEMO.citizen, channel: 'sms' });
    expect(r.statusCode).toBe(202);
    const sms = await smsTo('0905123456');
    const code = codeIn(sms.at(-1)!);
    expect(sms.at(-1)).toContain('dat lai mat khau');
    const weak = await post('/auth/password/reset', {
      verificationId: r.json().verificationId,
      code,
      newPassword: 'abcdefgh',
    });
    expect(weak.statusCode).toBe(400);
    const wrong = await post('/auth/password/reset', {
      verificationId: r.json().verificationId,
      code: code === '000000' ? '111111' : '000000',
      newPassword: 'matkhaumoi2027',
    });
    expect(wrong.json().code).toBe('verification_failed');
    const ok = await post('/auth/password/reset', {
      verificationId: r.json().verificationId,
      code,
      newPassword: 'matkhaumoi2027',
    });
    expect(ok.statusCode, ok.body).toBe(204);
    const sessions = await db.selectFrom('sessions').select('token_hash').where('user_id', '=', a.userId).execute();
    expect(sessions).toEqual([]);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: a.headers });
    expect(me.statusCode).toBe(401);
    expect((await post('/auth/login', { username: DEMO.citizen, password: DEMO.password })).statusCode).toBe(401);
    expect((await post('/auth/login', { username: DEMO.citizen, password: 'matkhaumoi2027' })).statusCode).toBe(200);
    const reuse = await post('/auth/password/reset', {
      verificationId: r.json().verificationId,
      code,
      newPassword: 'matkhaumoi2028',
    });
    expect(reuse.statusCode).toBe(400);
  });

  it('without a channel asked, the code goes by email when the account has one', async () => {
    const r = await post('/auth/password/forgot', { username: DEMO.organization });
    expect(r.statusCode).toBe(202);
    const mail = (await emailsTo('lienhe@songhan-demo.vn')).at(-1)!;
    expect(mail.subject).toBe('Mã xác nhận đặt lại mật khẩu / Password reset code');
    expect(codeIn(mail.text)).toMatch(/^\d{6}$/);
  });
});

describe('the jobs that deliver the codes', () => {
  it('route the outbox topics to their tasks; the email goes to the mailer, the SMS to <dataDir>/sms', async () => {
    registerAccountJobs({ task: () => {}, scan: () => {}, route: routeTopic });
    expect(tasksOfTopic('account.email')).toEqual(['send_account_email']);
    expect(tasksOfTopic('sms.queued')).toEqual(['send_sms']);
    const sent: MailMessage[] = [];
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-data-'));
    const ctx = {
      db,
      config: { dataDir },
      mailer: { send: async (m: MailMessage) => void sent.push(m), close: async () => {} },
      log: () => {},
    } as unknown as JobContext;
    const r = await post('/auth/register', {
      ...citizen,
      personalId: '048196006666',
      phone: '0912000666',
      email: 'huong@example.vn',
      channel: 'email',
    });
    expect(r.statusCode).toBe(202);
    const out = await db
      .selectFrom('outbox')
      .select(['id', 'topic', 'payload'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(out.topic).toBe('account.email');
    const job = (message: unknown) => ({
      outboxId: out.id,
      topic: out.topic,
      aggregateType: 'account',
      aggregateId: 'x',
      message,
    });
    await sendAccountEmail(job(out.payload), ctx);
    expect(sent.map((m) => [m.to, m.subject])).toEqual([
      ['huong@example.vn', 'Mã xác nhận đăng ký tài khoản / Registration code'],
    ]);
    expect(codeIn(sent[0]!.text)).toMatch(/^\d{6}$/);
    // An SMS: the job sends it once, however often it runs.
    await post('/auth/register', { ...citizen, personalId: '048196007777', phone: '0912000777' });
    const sms = await db
      .selectFrom('sms_messages')
      .select('id')
      .where('recipient', '=', '0912000777')
      .executeTakeFirstOrThrow();
    await sendSms(job({ smsId: sms.id }), ctx);
    await sendSms(job({ smsId: sms.id }), ctx);
    const files = fs.readdirSync(path.join(dataDir, 'sms'));
    expect(files).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, 'sms', files[0]!), 'utf8')).toMatch(
      /^To: 0912000777\n\nMOTCUA: Ma xac nhan dang ky tai khoan Cong dich vu cong: \d{6}\./,
    );
  });
});
