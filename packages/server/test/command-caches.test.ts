import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../src/db/database.ts';
import { agencyDirectory, receivingUnitOf } from '../src/modules/agencies/agencies.queries.ts';
import { publishedProcedure } from '../src/modules/catalog/catalog.cache.ts';
import { readRevisions } from '../src/shared/revisions.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * The per-process copies a command uses (issue 16, migration 0019): the agency tree and the
 * calendar stay cached while `cache_revisions` says they are current, and any transaction that
 * changes agencies moves the revision, so another process reloads at its next command.
 */

let app: TestApp;
let db: Db;
let url: string;
let other: Db;

beforeAll(async () => {
  ({ app, db, url } = await startTestApp());
  other = createDb(url, 2); // a second pool stands for a second server process
});
afterAll(async () => {
  await other.destroy();
});

describe('the agency tree of a process', () => {
  it('is reused while the revision holds, and reloaded after an edit made elsewhere', async () => {
    const first = await agencyDirectory(other, await readRevisions(other));
    expect(await agencyDirectory(other, await readRevisions(other))).toBe(first);
    const row = await db
      .selectFrom('agencies')
      .select(['id', 'code', 'name', 'version'])
      .where('admin_unit_code', '=', '20242')
      .executeTakeFirstOrThrow();
    expect(first.byId(row.id)?.name).toBe(row.name);
    expect(first.byCode(row.code)?.id).toBe(row.id);

    const admin = await sessionFor(db, DEMO.admin);
    const before = await readRevisions(db);
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/v1/agencies/${row.id}`,
      headers: admin.headers,
      payload: { version: row.version, name: `${row.name} (đổi tên)` },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const after = await readRevisions(other);
    expect(BigInt(after.agencies)).toBeGreaterThan(BigInt(before.agencies));
    expect(after.calendar).toBe(before.calendar);
    const second = await agencyDirectory(other, after);
    expect(second).not.toBe(first);
    expect(second.byId(row.id)?.name).toBe(`${row.name} (đổi tên)`);
  });

  it('moves with any write to agencies, even one made by SQL outside the API', async () => {
    const before = await readRevisions(db);
    await db
      .updateTable('agencies')
      .set({ name: 'x' })
      .where('id', '=', '00000000-0000-0000-0000-000000000000')
      .execute();
    expect(BigInt((await readRevisions(db)).agencies)).toBeGreaterThan(BigInt(before.agencies));
  });

  it('lists the units below an agency as the query does', async () => {
    const dir = await agencyDirectory(db, await readRevisions(db));
    const root = await db
      .selectFrom('agencies')
      .select('path')
      .where('parent_id', 'is', null)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const below = await db.selectFrom('agencies').select('code').where('path', 'like', `${root.path}_%`).execute();
    expect(new Set(dir.codesBelow(root.path, 10_000))).toEqual(new Set(below.map((r) => r.code)));
    expect(dir.codesBelow(root.path, 3)).toHaveLength(3);
  });

  it('names the receiving unit under every agency as the query does', async () => {
    const dir = await agencyDirectory(db, await readRevisions(db));
    const all = await db.selectFrom('agencies').select('id').execute();
    let found = 0;
    for (const a of all) {
      const expected = (await receivingUnitOf(db, a.id)) ?? null;
      expect(dir.receivingUnitUnder(a.id), a.id).toBe(expected);
      if (expected) found++;
    }
    expect(found).toBeGreaterThan(10);
    expect(dir.receivingUnitUnder('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });
});

describe('the published procedures of a process (migration 0022)', () => {
  it('are reused while the catalog revision holds, frozen, and read again after any catalog write', async () => {
    const v = await db
      .selectFrom('procedure_versions')
      .select(['id', 'procedure_id', 'name'])
      .where('status', '=', 'published')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const rev = (await readRevisions(other)).catalog;
    const first = await publishedProcedure(other, rev, v.procedure_id);
    expect(first?.version.id).toBe(v.id);
    expect(first?.handlers.length).toBeGreaterThan(0);
    expect(await publishedProcedure(other, rev, v.procedure_id)).toBe(first);
    // No command may change what the next one reads.
    expect(() => {
      (first!.version as { name: string }).name = 'x';
    }).toThrow(TypeError);
    expect(() => {
      (first!.version.content as Record<string, unknown>).channels = [];
    }).toThrow(TypeError);

    // Any write to the catalog's tables moves the revision, through the API or not (a published
    // version itself is immutable: its procedure row stands for the write here).
    await db
      .updateTable('procedures')
      .set((eb) => ({ code: eb.ref('code') }))
      .where('id', '=', v.procedure_id)
      .execute();
    const after = (await readRevisions(other)).catalog;
    expect(BigInt(after)).toBeGreaterThan(BigInt(rev));
    const second = await publishedProcedure(other, after, v.procedure_id);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    for (const table of ['procedure_versions', 'procedure_version_agencies'] as const) {
      const before = BigInt((await readRevisions(db)).catalog);
      await db.deleteFrom(table).where(sql<boolean>`false`).execute();
      expect(BigInt((await readRevisions(db)).catalog), table).toBeGreaterThan(before);
    }
  });
});
