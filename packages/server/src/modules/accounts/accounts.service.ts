import { type Actor, canSeeRecord, type OfficerRole } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import { Problem } from '../../http/problem.ts';
import { findAgency } from '../agencies/agencies.service.ts';
import { auditFields, type CommandContext, recordAudit } from '../audit/audit.service.ts';

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
    .leftJoin('agencies as a', 'a.id', 'u.agency_id')
    .select([
      'u.id',
      'u.kind',
      'u.username',
      'u.full_name',
      'u.email',
      'u.phone',
      'u.agency_id',
      'a.name as agency_name',
      'u.applicant_type',
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
  | { ok: false; problem: 'invalid_credentials' | 'account_locked' };

/**
 * Sign in with username and password. Repeated failures lock the account for a while
 * (`loginMaxFailures`, `loginLockMinutes`); the counter and the audit row commit even when the
 * attempt fails, so the caller raises the problem after this returns.
 */
export async function login(
  db: Db,
  input: { username: string; password: string },
  ctx: CommandContext,
  policy: { maxFailures: number; lockMinutes: number; sessionTtlHours: number },
): Promise<LoginOutcome> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'kind', 'password_hash', 'locked_until', 'active'])
    .where(sql<boolean>`lower(username) = lower(${input.username})`)
    .executeTakeFirst();
  const audit = (tx: Executor, userId: string | null, result: string) =>
    recordAudit(tx, {
      ...auditFields(ctx),
      actorId: userId,
      actorKind: user ? user.kind : 'anonymous',
      action: 'auth.login',
      targetType: 'user',
      targetId: userId,
      result,
      details: { username: input.username.slice(0, 100), ip: ctx.ip ?? null },
    });

  if (!user?.active) {
    await dummyVerify(input.password);
    await audit(db, null, 'invalid_credentials');
    return { ok: false, problem: 'invalid_credentials' };
  }
  if (user.locked_until && user.locked_until > new Date()) {
    await audit(db, user.id, 'account_locked');
    return { ok: false, problem: 'account_locked' };
  }
  const good = await verifyPassword(user.password_hash, input.password);
  return db.transaction().execute(async (tx): Promise<LoginOutcome> => {
    if (!good) {
      const r = await tx
        .updateTable('users')
        .set({
          failed_logins: sql`failed_logins + 1`,
          locked_until: sql`CASE WHEN failed_logins + 1 >= ${policy.maxFailures}
            THEN now() + make_interval(mins => ${policy.lockMinutes}) ELSE locked_until END`,
        })
        .where('id', '=', user.id)
        .returning(['failed_logins'])
        .executeTakeFirstOrThrow();
      const locked = r.failed_logins >= policy.maxFailures;
      await audit(tx, user.id, locked ? 'account_locked' : 'invalid_credentials');
      return { ok: false, problem: locked ? 'account_locked' : 'invalid_credentials' };
    }
    await tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    const session = await createSession(tx, user.id, policy.sessionTtlHours, {
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
    });
    await audit(tx, user.id, 'ok');
    return { ok: true, userId: user.id, session };
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
        personal_id: null,
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

/** Load an officer the actor may see (own subtree), or fail with 404 — not 403, to leak nothing. */
async function officerInScope(ex: Executor, actor: Actor, userId: string) {
  const row = await ex
    .selectFrom('users as u')
    .innerJoin('agencies as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.version', 'a.path', 'a.level'])
    .where('u.id', '=', userId)
    .where('u.kind', '=', 'officer')
    .executeTakeFirst();
  if (!row || !canSeeRecord(actor, { agencyPaths: [row.path] })) throw new Problem('not_found');
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
    if (input.roles) assertRolesFitAgency(input.roles, current.level);
    const updated = await tx
      .updateTable('users')
      .set({
        ...(input.fullName !== undefined ? { full_name: input.fullName } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
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
  let query = userViewQuery(db).where('u.kind', '=', 'officer').where('a.path', 'like', `${actor.agencyPath}%`);
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
