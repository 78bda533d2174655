import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/config.ts';
import { TABLE_OWNERS } from '../src/ownership.ts';
import { crossings, moduleOf, tablesNamedIn } from './architecture.scan.ts';

/**
 * The structure docs/architecture.md describes, checked: one owner per table (src/ownership.ts),
 * no runtime import cycle, no server source file over 600 lines outside the migrations.
 */
const SRC = path.join(ROOT_DIR, 'packages/server/src');

describe('table ownership', () => {
  it('every table of the schema has exactly one owner', () => {
    const schema = fs.readFileSync(path.join(SRC, 'db/schema.ts'), 'utf8');
    const body = schema.slice(schema.indexOf('export interface Database {'));
    const tables = [...body.slice(0, body.indexOf('}')).matchAll(/^\s+([a-z_]+):/gm)].map((m) => m[1]!);
    // The indicator tables of migration 0007 are read with raw SQL and are not in the Kysely schema.
    const owned = Object.values(TABLE_OWNERS).flat() as string[];
    for (const t of tables) expect(owned, t).toContain(t);
    expect(new Set(owned).size).toBe(owned.length);
  });

  it('the scanner sees builder and raw-SQL references, not comments', () => {
    const src = [
      "db.selectFrom('dossiers as d').innerJoin('agencies as a', 'a.id', 'd.agency_id')",
      'sql`UPDATE users SET x = 1 FROM user_roles`',
      "// selectFrom('attachments') in a comment",
      '/* JOIN procedures */',
    ].join('\n');
    expect([...tablesNamedIn(src)].sort()).toEqual(['agencies', 'dossiers', 'user_roles', 'users']);
    expect(moduleOf('modules/dossiers/dossier.views.ts')).toBe('dossiers');
    expect(moduleOf('db/migrations/0007_indicators.ts')).toBeNull();
  });

  it('modules name only their own tables (every crossing goes through the owner’s *.queries.ts)', () => {
    expect(crossings().map((c) => `${c.file} → ${c.table} (owned by ${c.owner})`)).toEqual([]);
  });
});

describe('imports and size', () => {
  it('no runtime import cycle from the entry points (dpdm, type-only imports ignored)', async () => {
    const dpdm = path.join(ROOT_DIR, 'node_modules/.bin/dpdm');
    const entries = ['serve.ts', 'cli.ts', 'jobs.ts', 'http/app.ts'].map((f) => path.join(SRC, f));
    const r = await promisify(execFile)(
      dpdm,
      ['-T', '--no-warning', '--no-tree', '--exit-code', 'circular:1', ...entries],
      { cwd: ROOT_DIR, timeout: 120_000 },
    ).catch((e: { stdout?: string; code?: number }) => ({ stdout: e.stdout ?? '', code: e.code }));
    expect(r.stdout).toContain('no circular dependency');
  }, 150_000);

  it('no server source file over 600 lines outside the migrations', () => {
    const long: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (p !== path.join(SRC, 'db/migrations')) walk(p);
        } else if (e.name.endsWith('.ts')) {
          const n = fs.readFileSync(p, 'utf8').split('\n').length;
          if (n > 600) long.push(`${path.relative(SRC, p)}: ${n}`);
        }
      }
    };
    walk(SRC);
    expect(long).toEqual([]);
  });
});
