import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIT_CHAINS,
  type AuditEntry,
  auditChainOf,
  auditRowHash,
  recordAudit,
  verifyAuditChain,
} from '../src/modules/audit/audit.service.ts';
import { startTestApp } from './helpers.ts';

/**
 * The audit log as 64 hash chains (decision 0006): appends to different chains do not wait for
 * each other, rows about one target stay in one chain in order, a transaction writes into one
 * chain only (so two transactions never deadlock on chain locks), and verification still names
 * the first broken row — edited, removed or inserted.
 */
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
beforeAll(async () => {
  ({ db } = await startTestApp());
});

const entry = (targetId: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actorId: null,
  actorKind: 'system',
  agencyId: null,
  action: 'test.chain',
  targetType: 'dossier',
  targetId,
  result: 'ok',
  ...extra,
});

const chainsOf = async (targetIds: string[]) =>
  (
    await db
      .selectFrom('audit_log')
      .select(['target_id', 'chain'])
      .where('target_id', 'in', targetIds)
      .orderBy('id')
      .execute()
  ).map((r) => [r.target_id, r.chain] as const);

describe('audit chains', () => {
  it('spreads targets over the chains, keeps one target in one chain, and a transaction in the chain of its first row', async () => {
    const targets = Array.from({ length: 200 }, (_, i) => `spread-${i}`);
    for (const t of targets) await recordAudit(db, entry(t));
    const rows = await chainsOf(targets);
    for (const [t, c] of rows) expect(c).toBe(auditChainOf(entry(t!)));
    // 200 targets over 64 chains: nearly all chains are used (a fixed hash, so this is deterministic).
    expect(new Set(rows.map(([, c]) => c)).size).toBeGreaterThan(AUDIT_CHAINS * 0.8);

    const again = targets[7]!;
    await recordAudit(db, entry(again, { action: 'test.chain.again' }));
    const both = await db.selectFrom('audit_log').select('chain').where('target_id', '=', again).execute();
    expect(new Set(both.map((r) => r.chain)).size).toBe(1);

    const mixed = ['tx-a', 'tx-b', 'tx-c', 'tx-d'];
    await db.transaction().execute(async (tx) => {
      for (const t of mixed) await recordAudit(tx, entry(t));
    });
    const inTx = await chainsOf(mixed);
    expect(new Set(inTx.map(([, c]) => c))).toEqual(new Set([auditChainOf(entry('tx-a'))]));
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('concurrent transactions writing rows about several targets in opposite orders all commit: no deadlock, no fork', async () => {
    const pairs = Array.from({ length: 40 }, (_, i) => [`pair-${i % 7}`, `pair-${(i * 3 + 1) % 7}`]);
    await Promise.all(
      pairs.map(([a, b], i) =>
        db.transaction().execute(async (tx) => {
          const order = i % 2 === 0 ? [a!, b!] : [b!, a!];
          for (const t of order) await recordAudit(tx, entry(t, { details: { i } }));
        }),
      ),
    );
    const forks = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (SELECT chain, prev_hash FROM audit_log GROUP BY chain, prev_hash HAVING count(*) > 1) f`.execute(
      db,
    );
    expect(forks.rows[0]!.n).toBe(0);
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(true);
    const total = await db.selectFrom('audit_log').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(report.checked).toBe(Number(total.n));
  });

  it('names the first broken row whichever chain it is in: a removed row is named by the next row of its chain', async () => {
    const t = 'removed-target';
    for (let i = 0; i < 3; i++) await recordAudit(db, entry(t, { details: { i } }));
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'chain'])
      .where('target_id', '=', t)
      .orderBy('id')
      .execute();
    // Someone with database access bypasses the append-only trigger and deletes the middle row.
    await db.connection().execute(async (c) => {
      await sql`SET session_replication_role = replica`.execute(c);
      await sql`DELETE FROM audit_log WHERE id = ${rows[1]!.id}`.execute(c);
      await sql`SET session_replication_role = DEFAULT`.execute(c);
    });
    // Rows of other chains written after it do not hide it: the report is the lowest broken id.
    await recordAudit(db, entry('after-the-removal'));
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenId: rows[2]!.id,
      reason: 'prev_hash_mismatch',
    });
  });
});

describe('hashes computed by the database', () => {
  it('are the digests the JavaScript verifier recomputes, for any text (Vietnamese, emoji, quotes, control characters)', async () => {
    const id = '7b0e1c2a-0000-4000-8000-00000000abcd';
    const texts = ['Hồ sơ đã được tiếp nhận — Ủy ban nhân dân phường Hải Châu', '👍 "trích dẫn" \\ \n\t\u0001', ''];
    for (const t of texts) await recordAudit(db, entry(id, { details: { note: t, nested: { ý: [t, 1, null] } } }));
    // (The chains of this file were tampered with above: check these rows, not the whole log.)
    const rows = await db.selectFrom('audit_log').selectAll().where('target_id', '=', id).orderBy('id').execute();
    expect(rows).toHaveLength(texts.length);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    for (const r of rows) expect(auditRowHash(r)).toBe(r.hash);
  });
});
