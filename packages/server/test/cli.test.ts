import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/config.ts';
import { verifyPassword } from '../src/modules/accounts/password.ts';
import { createTestDatabase } from './helpers.ts';

const run = promisify(execFile);
const CLI = path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs');

describe('operator CLI', () => {
  it('migrate, seed and create-user against DATABASE_URL', async () => {
    const { url, db } = await createTestDatabase();
    const env = { ...process.env, DATABASE_URL: url };
    expect((await run(process.execPath, [CLI, 'migrate'], { env })).stdout).toContain('database is up to date');
    expect((await run(process.execPath, [CLI, 'seed'], { env })).stdout).toContain('already has agencies');
    const created = await run(
      process.execPath,
      [
        CLI,
        'create-user',
        '--username',
        'nguyen.van.moi',
        '--name',
        'Nguyễn Văn Mới',
        '--agency',
        '000.00.02.H17',
        '--role',
        'officer',
        'leader',
      ],
      { env: { ...env, MOTCUA_PASSWORD: 'batdau2026' } },
    );
    expect(created.stdout).toContain('created nguyen.van.moi');
    const u = await db
      .selectFrom('users')
      .innerJoin('agencies', 'agencies.id', 'users.agency_id')
      .select(['users.id', 'users.password_hash', 'agencies.name'])
      .where('username', '=', 'nguyen.van.moi')
      .executeTakeFirstOrThrow();
    expect(u.name).toBe('Sở Tư pháp');
    expect(await verifyPassword(u.password_hash, 'batdau2026')).toBe(true);
    const roles = await db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', u.id)
      .orderBy('role')
      .execute();
    expect(roles.map((r) => r.role)).toEqual(['leader', 'officer']);
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor_kind', 'request_id', 'result'])
      .where('action', '=', 'user.create')
      .where('target_id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_kind: 'system', request_id: 'cli', result: 'ok' });

    const unknownAgency = await run(
      process.execPath,
      [
        CLI,
        'create-user',
        '--username',
        'x.y',
        '--name',
        'X',
        '--agency',
        '999.99.99.H99',
        '--role',
        'officer',
        '--password',
        'abc12345',
      ],
      { env },
    ).catch((e: { code: number; stderr: string }) => e);
    expect('code' in unknownAgency && unknownAgency.code).toBe(1);
    expect(unknownAgency.stderr).toContain('no agency with code');
  });
});
