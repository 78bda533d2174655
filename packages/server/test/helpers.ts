import { randomBytes } from 'node:crypto';
import type { Actor } from '@motcua/core';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { type Config, loadConfig } from '../src/config.ts';
import { createDb, type Db } from '../src/db/database.ts';
import { type AppDeps, type AppState, buildApp } from '../src/http/app.ts';
import { createSession } from '../src/modules/accounts/sessions.ts';

export type TestApp = Awaited<ReturnType<typeof buildApp>>;

/** A database of this test file's own, cloned from the seeded template; dropped after the file. */
export async function createTestDatabase(): Promise<{ url: string; db: Db }> {
  const adminUrl = inject('adminUrl');
  const name = `motcua_t_${inject('runTag')}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('templateDb')}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = createDb(url, 5);
  afterAll(async () => {
    await db.destroy();
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });
  return { url, db };
}

export async function startTestApp(
  overrides: Partial<Config> = {},
  state: AppState = { ready: true, migrating: false },
  deps: Pick<AppDeps, 'registers'> = {},
) {
  const { db, url } = await createTestDatabase();
  const config = { ...loadConfig({}), loginRateLimitPerMinute: 10_000, ...overrides };
  const app = await buildApp({ db, config, state, logger: false, ...deps });
  await app.ready();
  afterAll(() => app.close());
  return { app, db, url, config, state };
}

export type Client = {
  cookie: string;
  csrf: string;
  userId: string;
  headers: Record<string, string>;
};

/**
 * A signed-in client without paying for argon2: a session row written directly. `vneid`: as if
 * signed in through VNeID at that level (issue 17), which some procedures require.
 */
export async function sessionFor(db: Db, username: string, opts: { vneid?: 1 | 2 } = {}): Promise<Client> {
  const u = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const s = await createSession(
    db,
    u.id,
    1,
    { ip: null, userAgent: 'test' },
    opts.vneid ? { authMethod: 'oidc:vneid', assuranceLevel: opts.vneid } : {},
  );
  return {
    cookie: `motcua_session=${s.token}`,
    csrf: s.csrfToken,
    userId: u.id,
    headers: { cookie: `motcua_session=${s.token}`, 'x-csrf-token': s.csrfToken },
  };
}

export const DEMO = {
  admin: 'admin',
  provincialLeader: 'lanhdao.thanhpho',
  receptionist: 'tiepnhan.ttphc',
  deptLeader: 'lanhdao.stp',
  deptOfficer: 'chuyenvien.stp',
  communeReceptionist: 'tiepnhan.haichau',
  communeOfficer: 'chuyenvien.haichau',
  communeLeader: 'lanhdao.haichau',
  communeAdmin: 'quantri.haichau',
  citizen: '048090001234',
  organization: '0401234567',
  password: 'motcua2026',
} as const;

export async function count(
  db: Db,
  table: 'users' | 'sessions' | 'audit_log' | 'agencies' | 'outbox' | 'dossiers',
): Promise<number> {
  const r = await db.selectFrom(table).select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The authorization actor of a demo user, as a session would carry it (for service-level tests). */
export async function actorOf(db: Db, username: string): Promise<Actor> {
  const u = await db
    .selectFrom('users')
    .leftJoin('agencies', 'agencies.id', 'users.agency_id')
    .select(['users.id', 'users.kind', 'users.agency_id', 'agencies.path'])
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  if (u.kind === 'applicant') return { kind: 'applicant', userId: u.id };
  const roles = await db.selectFrom('user_roles').select('role').where('user_id', '=', u.id).execute();
  return {
    kind: 'officer',
    userId: u.id,
    agencyId: u.agency_id!,
    agencyPath: u.path!,
    roles: roles.map((r) => r.role),
  };
}
