import { type Actor, canSeeRecord, type OfficerRole } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { countFailure, countHit, forget, secondsToWait, waitFromNow } from '../../shared/rate-limits.ts';
import { agencyColumn, agencyIsUnder } from '../agencies/agencies.queries.ts';
import { findAgency } from '../agencies/agencies.service.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';

export type { CommandContext };

import { enqueue } from '../outbox/outbox.service.ts';
import type { UserView } from './accounts.schemas.ts';
import { dummyVerify, hashPassword, isAcceptablePassword, verifyPassword } from './password.ts';
import { createSession } from './sessions.ts';

const weakPassword = () =>
  new Problem('validation_failed', {
    detail: {
      vi: 'Mật khẩu cần ít nhất 8 ký tự, có cả chữ và số',
      en: 'The password needs at least 8 characters with letters and digits',
    },
  });

function userViewQuery(ex: Executor) {
  return ex
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.kind',
      'u.username',
      'u.full_name',
      'u.email',
      'u.phone',
      'u.agency_id',
      agencyColumn('u.agency_id', 'name').as('agency_name'),
      'u.applicant_type',
      'u.personal_id',
      'u.active',
      'u.version',
      sql<
        OfficerRole[]
      >`coalesce((SELECT array_agg(role ORDER BY role) FROM user_roles r WHERE r.user_id = u.id), '{}')`.as('roles'),
    ]);
}

type UserViewRow = Awaited<ReturnType<ReturnType<typeof userViewQuery>['executeTakeFirstOrThrow']>>;

function toUserView(u: UserViewRow): UserView {
  return {
    id: u.id,
    kind: u.kind,
    username: u.username,
    fullName: u.full_name,
    email: u.email,
    phone: u.phone,
    agencyId: u.agency_id,
    agencyName: u.agency_name,
    applicantType: u.applicant_type,
    personalId: u.personal_id,
    roles: u.roles,
    active: u.active,
    version: u.version,
  };
}

export async function getUserView(ex: Executor, id: string): Promise<UserView | undefined> {
  const u = await userViewQuery(ex).where('u.id', '=', id).executeTakeFirst();
  return u && toUserView(u);
}

export type LoginOutcome =
  | { ok: true; userId: string; session: { token: string; csrfToken: string; expiresAt: Date } }
  | { ok: false; problem: 'invalid_credentials' }
  | { ok: false; problem: 'sign_in_throttled'; retryAfterSeconds: number };

/**
 * The wait after `failures` wrong passwords from one address for one username: none up to
 * `maxFailures - 1`, then 30 s doubling with each further failure, capped at `lockMinutes`.
 */
export function signInDelaySeconds(failures: number, policy: { maxFailures: number; lockMinutes: number }): number {
  if (failures < policy.maxFailures) return 0;
  return Math.min(30 * 2 ** (failures - policy.maxFailures), policy.lockMinutes * 60);
}

/** The throttle's key: the username as typed (known or not — the same either way) and the client address. */
const throttleKey = (username: string, ip: string | null | undefined) =>
  `sign-in:${username.trim().toLowerCase().slice(0, 100)}:${ip ?? '-'}`;

/**
 * Sign in with username and password (issue 14). Failures are counted per (username, address) in
 * the shared `rate_limits` table, whether or not the account exists: after `maxFailures` the
 * address waits a growing delay before it may try that username again (429 with Retry-After).
 * There is no account lock an attacker could trigger: the owner signing in from another address is
 * not held up. Known and unknown usernames get the same answers and do the same work (one password
 * hash each; a waiting address none). The audit row commits even when the attempt fails.
 */
export async function login(
  db: Db,
  input: { username: string; password: string },
  ctx: CommandContext,
  policy: { maxFailures: number; lockMinutes: number; sessionTtlHours: number },
): Promise<LoginOutcome> {
  const key = throttleKey(input.username, ctx.ip);
  const user = await db
    .selectFrom('users')
    .select(['id', 'kind', 'password_hash', 'active'])
    .where(sql<boolean>`lower(username) = lower(${input.username})`)
    .executeTakeFirst();
  const known = user?.active ? user : undefined;
  const audit = (tx: Executor, result: string) =>
    recordAudit(tx, {
      ...auditFields(ctx),
      actorId: known?.id ?? null,
      actorKind: known ? known.kind : 'anonymous',
      action: 'auth.login',
      targetType: 'user',
      targetId: known?.id ?? null,
      result,
      details: { username: input.username.slice(0, 100), ip: ctx.ip ?? null },
    });

  // A waiting address is told how long, before any password is looked at.
  const wait = await secondsToWait(db, key);
  if (wait > 0) {
    await audit(db, 'sign_in_throttled');
    return { ok: false, problem: 'sign_in_throttled', retryAfterSeconds: Math.ceil(wait) };
  }

  const good = known ? await verifyPassword(known.password_hash, input.password) : await dummyVerify(input.password);
  return db.transaction().execute(async (tx): Promise<LoginOutcome> => {
    if (!known || !good) {
      // `hits` counts the failures; `window_start` holds the moment the address may try again.
      // Failures older than `lockMinutes` are forgotten.
      const failures = await countFailure(tx, key, policy.lockMinutes);
      const delay = signInDelaySeconds(failures, policy);
      if (delay > 0) await waitFromNow(tx, key, delay);
      await audit(tx, 'invalid_credentials');
      return { ok: false, problem: 'invalid_credentials' };
    }
    await forget(tx, key);
    const session = await createSession(tx, known.id, policy.sessionTtlHours, {
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
    });
    await audit(tx, 'ok');
    return { ok: true, userId: known.id, session };
  });
}

export async function changePassword(
  db: Db,
  userId: string,
  input: { currentPassword: string; newPassword: string },
  ctx: CommandContext,
  keepSessionHash: string | null,
): Promise<void> {
  if (!isAcceptablePassword(input.newPassword)) throw weakPassword();
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    await countPasswordGuess(db, userId, ctx, keepSessionHash);
    throw new Problem('invalid_credentials');
  }
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: hash, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
    // Other sessions end: a changed password must shut out whoever knew the old one.
    let del = tx.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepSessionHash) del = del.where('token_hash', '<>', keepSessionHash);
    await del.execute();
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'auth.change_password',
      targetType: 'user',
      targetId: userId,
      result: 'ok',
    });
  });
}

/** Wrong current passwords a session may send before it is ended (issue 14). */
export const PASSWORD_GUESSES_PER_SESSION = 5;

/**
 * Someone holding a stolen session must not find the password by trying `POST /auth/password`
 * without end: wrong answers are counted per session (in the shared `rate_limits` table, one budget
 * for every API process), and at the limit the session is ended, with its audit row, so the next
 * attempt needs the password at sign-in — where the sign-in limits apply.
 */
async function countPasswordGuess(db: Db, userId: string, ctx: CommandContext, sessionHash: string | null) {
  if (!sessionHash) return;
  const key = `password-change:${sessionHash}`;
  if ((await countHit(db, key)) < PASSWORD_GUESSES_PER_SESSION) return;
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('token_hash', '=', sessionHash).execute();
    await forget(tx, key);
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'auth.change_password',
      targetType: 'user',
      targetId: userId,
      result: 'denied',
      details: { reason: 'too_many_wrong_current_passwords', sessionEnded: true },
    });
  });
  throw new Problem('password_guesses_exceeded');
}

function assertRolesFitAgency(roles: OfficerRole[], agencyLevel: string) {
  if (roles.includes('provincial_leader') && agencyLevel !== 'province') {
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Vai trò lãnh đạo tỉnh chỉ gán cho cán bộ thuộc UBND tỉnh',
        en: 'The provincial_leader role belongs to officers of the provincial People’s Committee',
      },
    });
  }
}

/** An administrator creates an officer inside their own agency subtree. */
export async function createOfficer(
  db: Db,
  input: {
    username: string;
    fullName: string;
    agencyId: string;
    roles: OfficerRole[];
    password: string;
    email?: string | undefined;
    phone?: string | undefined;
    personalId?: string | undefined;
  },
  ctx: CommandContext,
): Promise<string> {
  if (!isAcceptablePassword(input.password)) throw weakPassword();
  const agency = await findAgency(db, input.agencyId);
  if (!agency) throw new Problem('not_found', { detail: { vi: 'Không có cơ quan này', en: 'No such agency' } });
  if (ctx.actor.kind === 'officer' && !canSeeRecord(ctx.actor, { agencyPaths: [agency.path] }, ['admin'])) {
    throw new Problem('forbidden');
  }
  if (!agency.active) {
    throw new Problem('rule_violated', {
      detail: { vi: 'Cơ quan đang ngừng hoạt động', en: 'The agency is inactive' },
      extra: { reason: 'agency_inactive' },
    });
  }
  assertRolesFitAgency(input.roles, agency.level);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    const taken = await tx
      .selectFrom('users')
      .select('id')
      .where(sql<boolean>`lower(username) = lower(${input.username})`)
      .executeTakeFirst();
    if (taken) throw new Problem('duplicate', { detail: { vi: 'Tên đăng nhập đã tồn tại', en: 'Username taken' } });
    if (input.personalId) await assertPersonalIdFree(tx, input.personalId, null);
    const { id } = await tx
      .insertInto('users')
      .values({
        kind: 'officer',
        username: input.username,
        full_name: input.fullName,
        email: input.email ?? null,
        phone: input.phone ?? null,
        agency_id: agency.id,
        applicant_type: null,
        personal_id: input.personalId ?? null,
        tax_code: null,
        password_hash: passwordHash,
        locked_until: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('user_roles')
      .values([...new Set(input.roles)].map((role) => ({ user_id: id, role })))
      .execute();
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'user.create',
      targetType: 'user',
      targetId: id,
      result: 'ok',
      details: { username: input.username, agencyId: agency.id, roles: input.roles },
    });
    await enqueue(tx, {
      topic: 'user.created',
      aggregateType: 'user',
      aggregateId: id,
      payload: { userId: id, agencyId: agency.id, roles: input.roles },
    });
    return id;
  });
}

/** One personal ID, one account (users_personal_id): a clear 409 instead of the index's error. */
async function assertPersonalIdFree(ex: Executor, personalId: string, self: string | null): Promise<void> {
  let q = ex.selectFrom('users').select('id').where('personal_id', '=', personalId);
  if (self) q = q.where('id', '<>', self);
  if (await q.executeTakeFirst()) {
    throw new Problem('duplicate', {
      detail: {
        vi: 'Số định danh cá nhân đã gắn với tài khoản khác',
        en: 'The personal ID belongs to another account',
      },
    });
  }
}

/** Load an officer the actor may see (own subtree), or fail with 404 — not 403, to leak nothing. */
async function officerInScope(ex: Executor, actor: Actor, userId: string) {
  const row = await ex
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.version',
      agencyColumn('u.agency_id', 'path').as('path'),
      agencyColumn('u.agency_id', 'level').as('level'),
    ])
    .where('u.id', '=', userId)
    .where('u.kind', '=', 'officer')
    .executeTakeFirst();
  if (!row?.path || !canSeeRecord(actor, { agencyPaths: [row.path] })) throw new Problem('not_found');
  return row;
}

export async function getOfficer(db: Db, actor: Actor, userId: string): Promise<UserView> {
  await officerInScope(db, actor, userId);
  return (await getUserView(db, userId))!;
}

/** Optimistic concurrency: the caller sends the version it saw; a stale version is a 409. */
export async function updateOfficer(
  db: Db,
  userId: string,
  input: {
    version: number;
    fullName?: string | undefined;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    roles?: OfficerRole[] | undefined;
    active?: boolean | undefined;
    personalId?: string | null | undefined;
  },
  ctx: CommandContext,
): Promise<UserView> {
  return db.transaction().execute(async (tx) => {
    const current = await officerInScope(tx, ctx.actor, userId);
    // Lock, then compare: the loser of a race learns the winner's version, not the one it read.
    const locked = await tx
      .selectFrom('users')
      .select('version')
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.version !== input.version) throw new Problem('conflict', { extra: { currentVersion: locked.version } });
    if (input.roles) assertRolesFitAgency(input.roles, current.level ?? '');
    if (input.personalId) await assertPersonalIdFree(tx, input.personalId, userId);
    const updated = await tx
      .updateTable('users')
      .set({
        ...(input.fullName !== undefined ? { full_name: input.fullName } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(input.personalId !== undefined ? { personal_id: input.personalId } : {}),
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .where('version', '=', input.version)
      .returning('version')
      .executeTakeFirst();
    if (!updated) throw new Problem('conflict', { extra: { currentVersion: locked.version } });
    if (input.roles) {
      await tx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
      await tx
        .insertInto('user_roles')
        .values([...new Set(input.roles)].map((role) => ({ user_id: userId, role })))
        .execute();
    }
    if (input.active === false) await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'user.update',
      targetType: 'user',
      targetId: userId,
      result: 'ok',
      details: { fields: Object.keys(input).filter((k) => k !== 'version') },
    });
    return (await getUserView(tx, userId))!;
  });
}

/** Officers of the actor's agency subtree, searchable by name or username without accents. */
export async function listOfficers(
  db: Db,
  actor: Actor,
  q: { q?: string | undefined; agencyId?: string | undefined; page: number; pageSize: number },
): Promise<{ items: UserView[]; total: number }> {
  if (actor.kind !== 'officer') throw new Problem('forbidden');
  let query = userViewQuery(db).where('u.kind', '=', 'officer').where(agencyIsUnder('u.agency_id', actor.agencyPath));
  if (q.agencyId) query = query.where('u.agency_id', '=', q.agencyId);
  if (q.q) {
    const needle = `%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`unaccent(lower(u.full_name)) LIKE unaccent(lower(${needle}))`,
        sql<boolean>`lower(u.username) LIKE lower(${needle})`,
      ]),
    );
  }
  const rows = await query
    .select(sql<number>`count(*) OVER ()::int`.as('total'))
    .orderBy('u.full_name')
    .orderBy('u.id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return { items: rows.map(toUserView), total: rows[0]?.total ?? 0 };
}
