import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import type { Db } from '../src/db/database.ts';
import { type Jobs, startJobs } from '../src/jobs.ts';
import { runDeadlineScan } from '../src/modules/dossiers/dossier.deadlines.ts';
import { createSmtpMailer, startDevMailbox } from '../src/modules/notifications/mail.transport.ts';
import { relayOutboxOnce, routeTopic, startOutboxRelay } from '../src/modules/outbox/outbox.relay.ts';
import { enqueue } from '../src/modules/outbox/outbox.service.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

// ---------------------------------------------------------------- a real SMTP server for the test

type Received = { to: string[]; raw: string; subject: string; body: string; headers: Map<string, string> };

/** RFC 2047 encoded words (adjacent ones joined before decoding: a character may span two). */
function decodeWords(s: string): string {
  const parts = s.replace(/(\?=)\s+(?==\?)/g, '$1').split(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)/);
  let out = '';
  let bytes: Buffer[] = [];
  const flush = () => {
    out += Buffer.concat(bytes).toString('utf8');
    bytes = [];
  };
  for (const p of parts) {
    const m = /^=\?[^?]+\?([BbQq])\?([^?]*)\?=$/.exec(p);
    if (!m) {
      flush();
      out += p;
    } else if (m[1]!.toUpperCase() === 'B') {
      bytes.push(Buffer.from(m[2]!, 'base64'));
    } else {
      const latin = m[2]!
        .replace(/_/g, ' ')
        .replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
      bytes.push(Buffer.from(latin, 'latin1'));
    }
  }
  flush();
  return out;
}

function decodeQuotedPrintable(s: string): string {
  const latin = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(latin, 'latin1').toString('utf8');
}

function parseMail(raw: string): Omit<Received, 'to' | 'raw'> {
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
  else if (cte === 'quoted-printable') body = decodeQuotedPrintable(body);
  return { headers, subject: decodeWords(headers.get('subject') ?? ''), body: body.replace(/\r\n/g, '\n') };
}

type TestSmtp = {
  url: string;
  messages: Received[];
  /** Answer the next n messages with 451 (a transient failure). */
  failNext: number;
  /** Addresses refused with 550 at RCPT TO (a permanent failure). */
  refuse: Set<string>;
  close(): Promise<void>;
};

async function startSmtp(): Promise<TestSmtp> {
  const state = { messages: [] as Received[], failNext: 0, refuse: new Set<string>() };
  const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (state.refuse.has(address.address)) return cb(smtpError(550, 'mailbox unavailable'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.failNext > 0) {
          state.failNext--;
          return cb(smtpError(451, 'try again later'));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        state.messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, ...parseMail(raw) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

// ---------------------------------------------------------------- fixture

let app: TestApp;
let db: Db;
let config: Config;
let smtp: TestSmtp;
let jobs: Jobs;
const MAX_ATTEMPTS = 3;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; tick?: () => Promise<unknown> } = {},
): Promise<T> {
  const until = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await opts.tick?.();
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** Move retried jobs' run_at to now: the backoff (seconds to hours) is graphile-worker's, not under test here. */
async function skipBackoff() {
  await sql`UPDATE graphile_worker._private_jobs SET run_at = now()
    WHERE attempts > 0 AND attempts < max_attempts AND locked_at IS NULL AND run_at > now()`.execute(db);
}

/**
 * Every job of our tasks has finished: completed jobs are deleted, failed-for-good ones stay.
 * graphile-worker counts an attempt when it claims a job, so a job on its last attempt has
 * attempts = max_attempts while it still runs: a locked job is never finished.
 */
async function drained(): Promise<boolean> {
  const r = await sql<{ n: string }>`
    SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`.execute(db);
  const j = await sql<{ n: string }>`
    SELECT count(*) AS n FROM graphile_worker.jobs
    WHERE task_identifier IN ('notify_applicant','send_alert')
      AND (attempts < max_attempts OR locked_at IS NOT NULL)`.execute(db);
  return r.rows[0]!.n === '0' && j.rows[0]!.n === '0';
}

const ids = {} as {
  province: string;
  procedure: string;
  version: string;
  commune: string;
  onestop: string;
  officer: string;
  leader: string;
};

async function idOf(username: string) {
  return (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
}

beforeAll(async () => {
  let url: string;
  ({ app, db, url, config } = await startTestApp());
  smtp = await startSmtp();
  const province = await db
    .selectFrom('agencies')
    .select('id')
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow();
  const version = await db
    .selectFrom('procedure_versions')
    .select(['id', 'procedure_id'])
    .where('status', '=', 'published')
    .limit(1)
    .executeTakeFirstOrThrow();
  const commune = await db
    .selectFrom('agencies')
    .select('id')
    .where('name', '=', 'UBND Phường Hải Châu')
    .executeTakeFirstOrThrow();
  const onestop = await db
    .selectFrom('agencies')
    .select('id')
    .where('parent_id', '=', commune.id)
    .where('receives_dossiers', '=', true)
    .executeTakeFirstOrThrow();
  Object.assign(ids, {
    province: province.id,
    procedure: version.procedure_id,
    version: version.id,
    commune: commune.id,
    onestop: onestop.id,
    officer: await idOf(DEMO.communeOfficer),
    leader: await idOf(DEMO.communeLeader),
  });
  await sql`UPDATE users SET email = username || '@test.motcua.vn' WHERE kind = 'officer'`.execute(db);

  // A topic routed to a task no worker runs: its jobs stay in the queue to be counted.
  routeTopic('test.relay', 'test_unhandled');
  jobs = await startJobs({
    db,
    connectionString: url,
    config: { ...config, smtpUrl: smtp.url, publicUrl: 'https://dichvucong.example.vn' },
    concurrency: 4,
    pollInterval: 100,
    relayIntervalMs: 50,
    maxAttempts: MAX_ATTEMPTS,
    cron: false,
    log: () => undefined,
  });
});

afterAll(async () => {
  await jobs?.stop();
  await smtp?.close();
});

type DossierSeed = {
  status: string;
  due?: Date | null;
  stepDue?: Date | null;
  stepEnteredAt?: Date | null;
  pausedSince?: Date | null;
  assignee?: string | null;
};

/** A dossier row written directly (the dossier engine is not under test here). */
async function insertDossier(s: DossierSeed): Promise<{ id: string; code: string }> {
  const id = randomUUID();
  const code = `000.00.90.H17-260310-${randomBytes(3).toString('hex')}`;
  await db
    .insertInto('dossiers')
    .values({
      id,
      code,
      lookup_secret: 'ABCD2345',
      province_id: ids.province,
      procedure_id: ids.procedure,
      procedure_version_id: ids.version,
      procedure_name: 'Chứng thực bản sao từ bản chính',
      field_code: 'CT',
      workflow: JSON.stringify({ steps: [{ id: 'xu-ly', name_vi: 'Xử lý hồ sơ' }] }),
      legal_limit: null,
      channel: 'online',
      applicant: JSON.stringify({ name: 'Nguyễn Thị Ánh' }),
      applicant_name: 'Nguyễn Thị Ánh',
      form_data: '{}',
      receiving_agency_id: ids.onestop,
      status: s.status,
      flags: [],
      current_step: 'xu-ly',
      step_agency_id: ids.commune,
      main_assignee_id: s.assignee === undefined ? ids.officer : s.assignee,
      coordinator_ids: [],
      observer_ids: [],
      step_entered_at: s.stepEnteredAt ?? new Date('2026-03-09T01:00:00Z'),
      step_due: s.stepDue ?? null,
      submitted_at: new Date('2026-03-09T00:30:00Z'),
      received_at: new Date('2026-03-09T00:45:00Z'),
      due: s.due ?? null,
      paused_since: s.pausedSince ?? null,
      state: '{}',
      version: 1,
    })
    .execute();
  return { id, code };
}

async function publishEvent(d: { id: string; code: string }, event: Record<string, unknown>) {
  await db.transaction().execute((tx) =>
    enqueue(tx, {
      topic: 'dossier.event',
      aggregateType: 'dossier',
      aggregateId: d.id,
      payload: {
        dossierId: d.id,
        code: d.code,
        at: '2026-03-10T02:15:00.000Z',
        status: 'received',
        previousStatus: 'submitted',
        stepId: null,
        stepName: null,
        stepAgencyId: null,
        receivingAgencyId: ids.onestop,
        applicantUserId: null,
        applicantEmail: 'anh.nguyen@example.vn',
        applicantName: 'Nguyễn Thị Ánh',
        procedureName: 'Chứng thực bản sao từ bản chính',
        due: null,
        note: null,
        ...event,
      },
    }),
  );
}

const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));

// ---------------------------------------------------------------- tests

describe('outbox relay', () => {
  it('publishes each outbox row as exactly one job, with two more relays running concurrently', async () => {
    const n = 150;
    const first = await db.transaction().execute(async (tx) => {
      for (let i = 0; i < n; i++) {
        await enqueue(tx, { topic: 'test.relay', aggregateType: 'test', aggregateId: String(i), payload: { i } });
      }
      return sql<{ id: string }>`SELECT min(id) AS id FROM outbox WHERE topic = 'test.relay'`.execute(tx);
    });
    const firstId = first.rows[0]!.id;
    // A job already queued under a row's key (as if a relay had queued it and then lost its mark):
    // the relay must not add a second one.
    await sql`SELECT graphile_worker.add_job('test_unhandled', '{}'::json,
      job_key => ${`outbox:${firstId}:test_unhandled`}, job_key_mode => 'unsafe_dedupe')`.execute(db);

    // The worker's relay plus two loops with small batches, and a burst of one-shot relays.
    const relays = [
      startOutboxRelay(db, { batchSize: 7, intervalMs: 5 }),
      startOutboxRelay(db, { batchSize: 5, intervalMs: 5 }),
    ];
    await Promise.all(Array.from({ length: 6 }, () => relayOutboxOnce(db, { batchSize: 10 })));
    await waitFor('the outbox to be published', async () => {
      const r = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`.execute(db);
      return r.rows[0]!.n === '0';
    });
    await Promise.all(relays.map((r) => r.stop()));

    const jobsPerRow = await sql<{ key: string; n: string }>`
      SELECT key, count(*) AS n FROM graphile_worker.jobs
      WHERE task_identifier = 'test_unhandled' GROUP BY key`.execute(db);
    expect(jobsPerRow.rows).toHaveLength(n);
    expect(jobsPerRow.rows.every((r) => r.n === '1')).toBe(true);
    const outboxIds = await db.selectFrom('outbox').select('id').where('topic', '=', 'test.relay').execute();
    expect(new Set(jobsPerRow.rows.map((r) => r.key))).toEqual(
      new Set(outboxIds.map((o) => `outbox:${o.id}:test_unhandled`)),
    );
  });
});

describe('notify_applicant', () => {
  it('emails the applicant once, in Vietnamese with the English below, with the code and lookup link', async () => {
    const d = await insertDossier({ status: 'received' });
    await publishEvent(d, { eventType: 'received', version: 2, due: '2026-03-17T09:30:00.000Z' });
    // An event that does not concern the applicant: no email.
    await publishEvent(d, { eventType: 'forwarded', version: 3, status: 'processing', previousStatus: 'received' });
    await waitFor('the receipt email', async () =>
      mailsTo('anh.nguyen@example.vn').find((m) => m.body.includes(d.code)),
    );
    await waitFor('the jobs to finish', drained);

    const mails = smtp.messages.filter((m) => m.body.includes(d.code));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['anh.nguyen@example.vn']);
    expect(mail.subject).toBe(`Hồ sơ ${d.code} đã được tiếp nhận`);
    expect(mail.headers.get('from')).toContain('no-reply@motcua.local');
    expect(mail.body).toContain('Kính gửi Ông/Bà Nguyễn Thị Ánh');
    expect(mail.body).toContain('đã được tiếp nhận lúc 10/03/2026 09:15');
    expect(mail.body).toContain('Ngày hẹn trả kết quả: 17/03/2026 16:30');
    expect(mail.body).toContain(`https://dichvucong.example.vn/tra-cuu?ma=${encodeURIComponent(d.code)}`);
    expect(mail.body.indexOf('Dear Nguyễn Thị Ánh')).toBeGreaterThan(mail.body.indexOf('Kính gửi'));
    expect(mail.body).toContain('Appointment for the result: 17/03/2026 16:30');

    const rows = await db.selectFrom('notifications').selectAll().where('dossier_id', '=', d.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event_version: 2,
      status: 'sent',
      attempts: 1,
      recipient: 'anh.nguyen@example.vn',
    });

    // The same event delivered again (a duplicate message): the notifications row says sent, nothing goes out.
    await publishEvent(d, { eventType: 'received', version: 2, due: '2026-03-17T09:30:00.000Z' });
    await waitFor('the duplicate job to finish', drained);
    expect(smtp.messages.filter((m) => m.body.includes(d.code))).toHaveLength(1);
  });

  it('retries a failing transport with backoff and sends exactly one email', async () => {
    const d = await insertDossier({ status: 'supplement_requested' });
    smtp.failNext = 2;
    const beforeFailure = Date.now();
    await publishEvent(d, {
      eventType: 'supplement_requested',
      version: 4,
      status: 'supplement_requested',
      previousStatus: 'received',
      note: 'Bản sao CCCD bị mờ',
    });
    const failedOnce = await waitFor('the first failure', async () => {
      const r = await sql<{ attempts: number; run_at: Date; last_error: string }>`
        SELECT attempts, run_at, last_error FROM graphile_worker.jobs
        WHERE task_identifier = 'notify_applicant' AND attempts = 1 AND locked_at IS NULL`.execute(db);
      return r.rows[0];
    });
    // graphile-worker's exponential backoff: the first retry waits about e¹ ≈ 2.7 s after the
    // failure, which came after `beforeFailure` (not compared with the time we noticed it: a busy
    // machine may notice late).
    expect(failedOnce.run_at.getTime()).toBeGreaterThan(beforeFailure + 2000);
    expect(failedOnce.last_error).toMatch(/451|try again/);
    const failedRow = await db
      .selectFrom('notifications')
      .selectAll()
      .where('dossier_id', '=', d.id)
      .executeTakeFirstOrThrow();
    expect(failedRow).toMatchObject({ status: 'failed', attempts: 1 });

    await waitFor(
      'the email after two failures',
      async () => mailsTo('anh.nguyen@example.vn').find((m) => m.body.includes(d.code)),
      {
        tick: skipBackoff,
      },
    );
    await waitFor('the job to finish', drained, { tick: skipBackoff });
    const mails = smtp.messages.filter((m) => m.body.includes(d.code));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Hồ sơ ${d.code} cần bổ sung, hoàn thiện`);
    // The items come from the history row (none here); the outbox `note` is internal and not mailed.
    expect(mails[0]!.body).toContain('cần được bổ sung, hoàn thiện');
    expect(mails[0]!.body).not.toContain('Bản sao CCCD bị mờ');
    // The delivery row is written by the attempt that sent the email (it may land just after the mail).
    const row = await waitFor('the delivery recorded as sent', async () => {
      const r = await db
        .selectFrom('notifications')
        .selectAll()
        .where('dossier_id', '=', d.id)
        .executeTakeFirstOrThrow();
      return r.status === 'sent' ? r : undefined;
    });
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it('shows a delivery that fails for good in GET /admin/jobs and /admin/notifications; an admin may retry it', async () => {
    const d = await insertDossier({ status: 'refused' });
    smtp.refuse.add('bounce@example.vn');
    await publishEvent(d, {
      eventType: 'refused',
      version: 2,
      status: 'refused',
      applicantEmail: 'bounce@example.vn',
      note: 'Không thuộc thẩm quyền',
    });
    const failed = await waitFor(
      'the job to fail for good',
      async () => {
        const r = await sql<{ id: string }>`
          SELECT id FROM graphile_worker.jobs
          WHERE task_identifier = 'notify_applicant' AND attempts >= max_attempts AND locked_at IS NULL`.execute(db);
        return r.rows[0];
      },
      { tick: skipBackoff },
    );

    const admin = await sessionFor(db, DEMO.admin);
    const res = await app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.available).toBe(true);
    expect(body.counts).toContainEqual({ task: 'notify_applicant', state: 'failed', count: 1 });
    expect(body.counts).toContainEqual(expect.objectContaining({ task: 'test_unhandled', state: 'queued' }));
    const problem = body.problems.find((p: { id: string }) => p.id === String(failed.id));
    expect(problem).toMatchObject({ task: 'notify_applicant', state: 'failed', attempts: MAX_ATTEMPTS });
    expect(problem.lastError).toMatch(/550|mailbox unavailable/);

    const notes = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/notifications?status=failed',
      headers: admin.headers,
    });
    expect(notes.statusCode).toBe(200);
    expect(notes.json().items).toEqual([
      expect.objectContaining({
        dossierId: d.id,
        recipient: 'bounce@example.vn',
        status: 'failed',
        attempts: MAX_ATTEMPTS,
      }),
    ]);

    // Only the top-level administrator runs the queue.
    const communeAdmin = await sessionFor(db, DEMO.communeAdmin);
    const denied = await app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: communeAdmin.headers });
    expect(denied.statusCode).toBe(403);

    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/jobs/999999999/retry',
      headers: admin.headers,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');

    smtp.refuse.delete('bounce@example.vn');
    const retry = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/jobs/${failed.id}/retry`,
      headers: admin.headers,
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({
      id: String(failed.id),
      attempts: MAX_ATTEMPTS,
      maxAttempts: MAX_ATTEMPTS + 1,
    });
    await waitFor('the retried email', async () => mailsTo('bounce@example.vn').length === 1);
    await waitFor('the job to finish', drained);
    const row = await db
      .selectFrom('notifications')
      .selectAll()
      .where('dossier_id', '=', d.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: MAX_ATTEMPTS + 1 });
    expect(mailsTo('bounce@example.vn')[0]!.subject).toBe(`Hồ sơ ${d.code} bị từ chối tiếp nhận`);
  });
});

describe('deadline scan', () => {
  // Tuesday 10/03/2026 09:00 in Vietnam.
  const NOW = new Date('2026-03-10T02:00:00Z');
  const at = (iso: string) => new Date(iso);

  it('reminds the assignee and escalates to leaders once per step visit', async () => {
    const late = await insertDossier({
      status: 'processing',
      stepDue: at('2026-03-10T01:00:00Z'), // 08:00, an hour ago
      due: at('2026-03-09T09:00:00Z'), // yesterday 16:00
    });
    const soon = await insertDossier({ status: 'processing', stepDue: at('2026-03-10T04:00:00Z') }); // 11:00: 2 working hours
    const later = await insertDossier({ status: 'processing', stepDue: at('2026-03-12T02:00:00Z') }); // 15 working hours
    const paused = await insertDossier({
      status: 'supplement_requested',
      stepDue: at('2026-03-09T01:00:00Z'),
      due: at('2026-03-09T02:00:00Z'),
      pausedSince: at('2026-03-08T02:00:00Z'),
    });
    const unassigned = await insertDossier({
      status: 'processing',
      stepDue: at('2026-03-10T04:00:00Z'),
      assignee: null,
    });
    const mine = new Set([late.id, soon.id, later.id, paused.id, unassigned.id]);

    const first = (await runDeadlineScan(db, NOW)).filter((a) => mine.has(a.dossierId));
    const summary = first.map((a) => `${a.dossierId === late.id ? 'late' : 'soon'}:${a.kind}`).sort();
    expect(summary).toEqual([
      'late:appointment_overdue',
      'late:step_overdue',
      'late:step_reminder',
      'soon:step_reminder',
    ]);
    const byKind = Object.fromEntries(first.filter((a) => a.dossierId === late.id).map((a) => [a.kind, a]));
    expect(byKind.step_reminder!.recipients.map((r) => r.email)).toEqual([`${DEMO.communeOfficer}@test.motcua.vn`]);
    expect(byKind.step_overdue!.recipients.map((r) => r.email)).toEqual([`${DEMO.communeLeader}@test.motcua.vn`]);
    // The one-stop unit has no leader of its own: its commune's leader is told.
    expect(byKind.appointment_overdue!.recipients.map((r) => r.email)).toEqual([
      `${DEMO.communeLeader}@test.motcua.vn`,
    ]);

    // Scanning again, later still: nothing new.
    expect((await runDeadlineScan(db, NOW)).filter((a) => mine.has(a.dossierId))).toEqual([]);
    expect((await runDeadlineScan(db, at('2026-03-10T03:00:00Z'))).filter((a) => mine.has(a.dossierId))).toEqual([]);
    const alerts = await db
      .selectFrom('dossier_alerts')
      .select(['dossier_id', 'kind'])
      .where('dossier_id', 'in', [...mine])
      .execute();
    expect(alerts).toHaveLength(4);

    // The emails: one per alert and recipient, sent by the worker.
    const officer = `${DEMO.communeOfficer}@test.motcua.vn`;
    const leader = `${DEMO.communeLeader}@test.motcua.vn`;
    await waitFor('the alert emails', async () => mailsTo(officer).length >= 2 && mailsTo(leader).length >= 2);
    await waitFor('the jobs to finish', drained);
    expect(new Set(mailsTo(officer).map((m) => m.subject))).toEqual(
      new Set([`[Nhắc việc] Hồ sơ ${late.code} đã quá hạn xử lý`, `[Nhắc việc] Hồ sơ ${soon.code} sắp đến hạn xử lý`]),
    );
    expect(mailsTo(officer)).toHaveLength(2);
    expect(new Set(mailsTo(leader).map((m) => m.subject))).toEqual(
      new Set([
        `[Cảnh báo] Hồ sơ ${late.code} quá hạn hẹn trả kết quả`,
        `[Cảnh báo] Hồ sơ ${late.code} quá hạn xử lý tại đơn vị`,
      ]),
    );
    expect(mailsTo(leader)).toHaveLength(2);
    const reminder = mailsTo(officer).find((m) => m.body.includes(soon.code))!;
    expect(reminder.body).toContain('hạn 10/03/2026 11:00');
    expect(reminder.body).toContain('"Xử lý hồ sơ"');

    // A new step visit (sent on to the next step, already late): alerted again, once.
    await db
      .updateTable('dossiers')
      .set({ step_entered_at: at('2026-03-10T01:30:00Z'), step_due: at('2026-03-10T01:45:00Z') })
      .where('id', '=', late.id)
      .execute();
    const again = (await runDeadlineScan(db, NOW)).filter((a) => a.dossierId === late.id).map((a) => a.kind);
    expect(again.sort()).toEqual(['appointment_overdue', 'step_overdue', 'step_reminder']);
    expect((await runDeadlineScan(db, NOW)).filter((a) => a.dossierId === late.id)).toEqual([]);
  });
});

describe('development mailbox', () => {
  it('keeps every message it receives as an .eml file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'motcua-mailbox-'));
    const mailbox = await startDevMailbox(path.join(dir, 'mailbox'));
    const mailer = createSmtpMailer(mailbox.url, 'motcua <no-reply@motcua.local>');
    try {
      await mailer.send({ to: 'anh.nguyen@example.vn', subject: 'Hồ sơ đã được tiếp nhận', text: 'Kính gửi Ông/Bà' });
      const files = await fs.readdir(mailbox.dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}\.eml$/);
      const mail = parseMail(await fs.readFile(path.join(mailbox.dir, files[0]!), 'utf8'));
      expect(mail.subject).toBe('Hồ sơ đã được tiếp nhận');
      expect(mail.body).toContain('Kính gửi Ông/Bà');
      expect(mail.headers.get('x-mailbox-rcpt-to')).toBe('anh.nguyen@example.vn');
    } finally {
      await mailer.close();
      await mailbox.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
