/**
 * Verification by one-time code (mã xác nhận), as public-service portals do it: registering a
 * citizen or organization account, and resetting a forgotten password. The code goes to an email
 * address or a phone (SMS) through the local channels (the development mailbox / SMTP; the SMS
 * store of notifications/sms.*.ts). Codes have 6 digits, expire after 10 minutes, allow 5 attempts,
 * are used once, and are stored as argon2id hashes (a leaked table does not give them away within
 * their lifetime).
 *
 * Neither flow tells a stranger whether an account exists: registering an ID number that already
 * has an account answers exactly like a new one — no code is sent to the requester, the owner is
 * told through their registered channel — and a reset request answers the same for any username.
 */
import { randomInt } from 'node:crypto';
import { normalizeTaxCode } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { queueSms } from '../notifications/sms.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { insertApplicantUser } from './accounts.queries.ts';
import { hashPassword, isAcceptablePassword, verifyPassword } from './password.ts';

export const CODE_TTL_MINUTES = 10;
export const CODE_MAX_ATTEMPTS = 5;
/** Codes per username and purpose in an hour: beyond that nothing more is sent (no SMS bombing). */
export const CODES_PER_HOUR = 5;
/** Outbox topic of an account email (accounts.jobs.ts sends it). */
export const ACCOUNT_EMAIL_TOPIC = 'account.email';

export type Channel = 'email' | 'sms';

const weakPassword = () =>
  new Problem('validation_failed', {
    detail: {
      vi: 'Mật khẩu cần ít nhất 8 ký tự, có cả chữ và số',
      en: 'The password needs at least 8 characters with letters and digits',
    },
  });

/** One answer for a wrong, expired, used or exhausted code, and for an unknown verification. */
const failed = () => new Problem('verification_failed');

export function newCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** 0905123456 → 090****456; ngoc.tran@example.com → n***@example.com */
export function maskDestination(channel: Channel, to: string): string {
  if (channel === 'sms') return to.length > 6 ? `${to.slice(0, 3)}${'*'.repeat(to.length - 6)}${to.slice(-3)}` : '***';
  const [local = '', domain = ''] = to.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

type Message = { kind: string; sms: string; subject: string; email: string };

async function send(tx: Tx, channel: Channel, to: string, m: Message): Promise<void> {
  if (channel === 'sms') {
    await queueSms(tx, { kind: m.kind, to, text: m.sms });
    return;
  }
  await enqueue(tx, {
    topic: ACCOUNT_EMAIL_TOPIC,
    aggregateType: 'account',
    aggregateId: m.kind,
    payload: { to, subject: m.subject, text: m.email },
  });
}

// SMS texts without diacritics: brandname SMS are sent in GSM-7, where one message holds 160 characters.
const registrationCode = (code: string): Message => ({
  kind: 'registration_code',
  sms: `MOTCUA: Ma xac nhan dang ky tai khoan Cong dich vu cong: ${code}. Hieu luc ${CODE_TTL_MINUTES} phut. Khong cung cap ma nay cho bat ky ai.`,
  subject: 'Mã xác nhận đăng ký tài khoản / Registration code',
  email: [
    `Mã xác nhận đăng ký tài khoản Cổng dịch vụ công của bạn là: ${code}`,
    `Mã có hiệu lực ${CODE_TTL_MINUTES} phút. Không cung cấp mã này cho bất kỳ ai, kể cả cán bộ.`,
    '',
    `Your registration code for the public-service portal is ${code}. It is valid for ${CODE_TTL_MINUTES} minutes.`,
  ].join('\n'),
});

const alreadyRegistered = (): Message => ({
  kind: 'registration_existing',
  sms: 'MOTCUA: Co yeu cau dang ky tai khoan moi bang so dinh danh/ma so thue cua ban. Tai khoan cua ban van giu nguyen; neu quen mat khau, hay dung chuc nang "Quen mat khau".',
  subject: 'Yêu cầu đăng ký tài khoản bằng số định danh của bạn / A registration with your ID',
  email: [
    'Có người vừa yêu cầu đăng ký tài khoản mới trên Cổng dịch vụ công bằng số định danh cá nhân hoặc mã số thuế của bạn.',
    'Tài khoản hiện có của bạn vẫn giữ nguyên. Nếu bạn quên mật khẩu, hãy dùng chức năng "Quên mật khẩu" ở trang đăng nhập.',
    'Nếu không phải bạn, bạn không cần làm gì.',
    '',
    'Someone asked to register a new account with your ID number or tax code. Your account is unchanged;',
    'if you forgot your password, use "Forgot your password" on the sign-in page.',
  ].join('\n'),
});

const resetCode = (code: string): Message => ({
  kind: 'password_reset_code',
  sms: `MOTCUA: Ma xac nhan dat lai mat khau: ${code}. Hieu luc ${CODE_TTL_MINUTES} phut. Neu ban khong yeu cau, hay bo qua tin nhan nay.`,
  subject: 'Mã xác nhận đặt lại mật khẩu / Password reset code',
  email: [
    `Mã xác nhận đặt lại mật khẩu tài khoản Cổng dịch vụ công của bạn là: ${code}`,
    `Mã có hiệu lực ${CODE_TTL_MINUTES} phút. Nếu bạn không yêu cầu đặt lại mật khẩu, hãy bỏ qua thư này.`,
    '',
    `Your password reset code is ${code}. It is valid for ${CODE_TTL_MINUTES} minutes. If you did not ask for it, ignore this message.`,
  ].join('\n'),
});

async function recentCodes(tx: Tx, purpose: 'registration' | 'password_reset', subject: string, now: Date) {
  const r = await tx
    .selectFrom('verification_codes')
    .select(tx.fn.countAll<string>().as('n'))
    .where('purpose', '=', purpose)
    .where('subject', '=', subject)
    .where('created_at', '>', new Date(now.getTime() - 3_600_000))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export type RegistrationRequest =
  | {
      applicantType: 'citizen';
      personalId: string;
      fullName: string;
      phone?: string;
      email?: string;
      password: string;
      channel: Channel;
    }
  | {
      applicantType: 'organization';
      taxCode: string;
      fullName: string;
      phone?: string;
      email?: string;
      password: string;
      channel: Channel;
    };

export type VerificationStarted = { verificationId: string; channel: Channel; sentTo: string; expiresAt: string };

/**
 * Step 1 of registration: the details are kept (password hashed) with a code sent to the chosen
 * channel. An ID number that already has an account gets the same answer; the code is never sent
 * and the owner is told instead.
 */
export async function startRegistration(
  db: Db,
  input: RegistrationRequest,
  ctx: CommandContext,
  now = new Date(),
): Promise<VerificationStarted> {
  if (!isAcceptablePassword(input.password)) throw weakPassword();
  const destination = input.channel === 'sms' ? input.phone : input.email;
  if (!destination) {
    throw new Problem('validation_failed', {
      detail: {
        vi: input.channel === 'sms' ? 'Cần số điện thoại để nhận mã qua SMS' : 'Cần email để nhận mã qua email',
        en:
          input.channel === 'sms' ? 'A phone number is needed for an SMS code' : 'An email is needed for an email code',
      },
      errors: [
        {
          path: `body.${input.channel === 'sms' ? 'phone' : 'email'}`,
          code: 'required',
          message: 'Required',
          message_vi: 'Bắt buộc nhập',
          message_en: 'Required',
        },
      ],
    });
  }
  const username = input.applicantType === 'citizen' ? input.personalId.trim() : normalizeTaxCode(input.taxCode);
  const code = newCode();
  // Hashing both always: the answer takes as long for an existing account as for a new one.
  const [passwordHash, codeHash] = await Promise.all([hashPassword(input.password), hashPassword(code)]);
  const expiresAt = new Date(now.getTime() + CODE_TTL_MINUTES * 60_000);
  const id = await db.transaction().execute(async (tx) => {
    // One request at a time per username (the count below must see the previous one).
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`registration:${username}`}))`.execute(tx);
    const recent = await recentCodes(tx, 'registration', username, now);
    const existing = await tx
      .selectFrom('users')
      .select(['id', 'email', 'phone'])
      .where(sql<boolean>`lower(username) = lower(${username})`)
      .executeTakeFirst();
    const payload = existing
      ? null
      : {
          applicantType: input.applicantType,
          username,
          fullName: input.fullName,
          email: input.email ?? null,
          phone: input.phone ?? null,
          passwordHash,
        };
    const row = await tx
      .insertInto('verification_codes')
      .values({
        purpose: 'registration',
        subject: username,
        user_id: null,
        channel: input.channel,
        destination,
        code_hash: codeHash,
        payload: payload === null ? null : JSON.stringify(payload),
        expires_at: expiresAt,
        consumed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (recent < CODES_PER_HOUR) {
      if (!existing) await send(tx, input.channel, destination, registrationCode(code));
      else if (existing.email) await send(tx, 'email', existing.email, alreadyRegistered());
      else if (existing.phone) await send(tx, 'sms', existing.phone, alreadyRegistered());
    }
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'auth.register_requested',
      targetType: 'verification',
      targetId: row.id,
      // Internal only: the caller's answer is the same either way.
      result: existing ? 'existing_account' : recent >= CODES_PER_HOUR ? 'throttled' : 'ok',
      details: { applicantType: input.applicantType, channel: input.channel },
    });
    return row.id;
  });
  return {
    verificationId: id,
    channel: input.channel,
    sentTo: maskDestination(input.channel, destination),
    expiresAt: expiresAt.toISOString(),
  };
}

type CodeRow = {
  id: string;
  user_id: string | null;
  code_hash: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  expires_at: Date;
  consumed_at: Date | null;
  channel: Channel | null;
  destination: string | null;
};

/**
 * Check a code on its locked row: counts the attempt, consumes the row when right. Returns false
 * (and the attempt stays counted when the transaction commits) when wrong, expired, used or spent.
 */
async function checkCode(tx: Tx, row: CodeRow | undefined, code: string, now: Date): Promise<boolean> {
  if (!row || row.consumed_at !== null || row.expires_at <= now || row.attempts >= row.max_attempts) return false;
  const good = /^\d{6}$/.test(code) && (await verifyPassword(row.code_hash, code));
  await tx
    .updateTable('verification_codes')
    .set({ attempts: sql`attempts + 1`, ...(good ? { consumed_at: now } : {}) })
    .where('id', '=', row.id)
    .execute();
  return good;
}

function lockCode(tx: Tx, id: string, purpose: 'registration' | 'password_reset') {
  return tx
    .selectFrom('verification_codes')
    .select([
      'id',
      'user_id',
      'code_hash',
      'payload',
      'attempts',
      'max_attempts',
      'expires_at',
      'consumed_at',
      'channel',
      'destination',
    ])
    .where('id', '=', id)
    .where('purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
}

type PendingAccount = {
  applicantType: 'citizen' | 'organization';
  username: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  passwordHash: string;
};

/** Step 2 of registration: the right code creates the account (once). Anything else: `verification_failed`. */
export async function verifyRegistration(
  db: Db,
  input: { verificationId: string; code: string },
  ctx: CommandContext,
  now = new Date(),
): Promise<string> {
  const outcome = await db.transaction().execute(async (tx) => {
    const row = await lockCode(tx, input.verificationId, 'registration');
    const good = await checkCode(tx, row, input.code.trim(), now);
    const pending = (row?.payload ?? null) as PendingAccount | null;
    if (!good || !pending) return null;
    const taken = await tx
      .selectFrom('users')
      .select('id')
      .where(sql<boolean>`lower(username) = lower(${pending.username})`)
      .executeTakeFirst();
    // Registered meanwhile by another verification: same answer as a wrong code.
    if (taken) return null;
    const id = await insertApplicantUser(tx, {
      applicantType: pending.applicantType,
      number: pending.username,
      fullName: pending.fullName,
      email: pending.email,
      phone: pending.phone,
      passwordHash: pending.passwordHash,
    });
    await recordAudit(tx, {
      ...auditFields(ctx),
      actorId: id,
      actorKind: 'applicant',
      action: 'auth.register',
      targetType: 'user',
      targetId: id,
      result: 'ok',
      details: { applicantType: pending.applicantType, verifiedBy: row?.channel ?? null },
    });
    await enqueue(tx, {
      topic: 'user.registered',
      aggregateType: 'user',
      aggregateId: id,
      payload: { userId: id, applicantType: pending.applicantType },
    });
    return id;
  });
  if (outcome === null) throw failed();
  return outcome;
}

/** Step 1 of a reset: the same answer for any username; a code goes to the account's registered channel. */
export async function startPasswordReset(
  db: Db,
  input: { username: string; channel?: Channel },
  ctx: CommandContext,
  now = new Date(),
): Promise<{ verificationId: string; expiresAt: string }> {
  const typed = input.username.trim();
  const subject = /^\d{10}-?\d{3}$/.test(typed) ? normalizeTaxCode(typed) : typed.toLowerCase();
  const code = newCode();
  const codeHash = await hashPassword(code);
  const expiresAt = new Date(now.getTime() + CODE_TTL_MINUTES * 60_000);
  const id = await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`password_reset:${subject}`}))`.execute(tx);
    const recent = await recentCodes(tx, 'password_reset', subject, now);
    const user = await tx
      .selectFrom('users')
      .select(['id', 'email', 'phone', 'active'])
      .where(sql<boolean>`lower(username) = lower(${subject})`)
      .executeTakeFirst();
    const usable = user?.active ? user : undefined;
    const channel: Channel | null = !usable
      ? null
      : input.channel === 'sms' && usable.phone
        ? 'sms'
        : input.channel === 'email' && usable.email
          ? 'email'
          : usable.email
            ? 'email'
            : usable.phone
              ? 'sms'
              : null;
    const destination = channel === null ? null : channel === 'sms' ? usable!.phone : usable!.email;
    const row = await tx
      .insertInto('verification_codes')
      .values({
        purpose: 'password_reset',
        subject,
        user_id: usable?.id ?? null,
        channel,
        destination,
        code_hash: codeHash,
        payload: null,
        expires_at: expiresAt,
        consumed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sent = channel !== null && destination !== null && recent < CODES_PER_HOUR;
    if (sent) await send(tx, channel, destination, resetCode(code));
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'auth.password_reset_requested',
      targetType: 'verification',
      targetId: row.id,
      result: sent ? 'ok' : !usable ? 'unknown_user' : channel === null ? 'no_channel' : 'throttled',
      details: { channel },
    });
    return row.id;
  });
  return { verificationId: id, expiresAt: expiresAt.toISOString() };
}

/** Step 2 of a reset: the right code sets the new password, unlocks the account and ends every session. */
export async function confirmPasswordReset(
  db: Db,
  input: { verificationId: string; code: string; newPassword: string },
  ctx: CommandContext,
  now = new Date(),
): Promise<void> {
  if (!isAcceptablePassword(input.newPassword)) throw weakPassword();
  const passwordHash = await hashPassword(input.newPassword);
  const ok = await db.transaction().execute(async (tx) => {
    const row = await lockCode(tx, input.verificationId, 'password_reset');
    const good = await checkCode(tx, row, input.code.trim(), now);
    if (!good || !row?.user_id) return false;
    await tx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        failed_logins: 0,
        locked_until: null,
        version: sql`version + 1`,
        updated_at: now,
      })
      .where('id', '=', row.user_id)
      .execute();
    await tx.deleteFrom('sessions').where('user_id', '=', row.user_id).execute();
    await recordAudit(tx, {
      ...auditFields(ctx),
      actorId: row.user_id,
      action: 'auth.password_reset',
      targetType: 'user',
      targetId: row.user_id,
      result: 'ok',
      details: { channel: row.channel },
    });
    return true;
  });
  if (!ok) throw failed();
}
