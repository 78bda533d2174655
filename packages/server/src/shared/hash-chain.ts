import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { Db, Executor, Tx } from '../db/database.ts';

/**
 * Hash chains: append-only tables whose rows each carry `prev_hash` (the hash of the previous row
 * of their chain) and `hash` = SHA-256(prev_hash '\n' canonical JSON of the row's content), so a
 * changed, removed or inserted row breaks the chain. The audit log (64 chains, decision 0006) and
 * the exchange log (one chain, modules/integration) are both written and verified with these.
 */

/** The `prev_hash` of a chain's first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys: the hash must not depend on jsonb's key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * A row's hash: SHA-256 of the previous row's hash, a newline and the canonical JSON of the row's
 * hashed content. Stored rows depend on this exact input; never change it (a new format would be
 * new chains, not a re-hash).
 */
export function chainHash(prevHash: string, content: Record<string, unknown>): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** A row's link, computed by the database from its chain's head (a scalar subquery: last hash or NULL). */
export type ChainLink = (head: RawBuilder<string | null>) => {
  prev_hash: RawBuilder<string>;
  hash: RawBuilder<string>;
};

export type ChainAppend<C, R> = {
  /**
   * Serialize appends to the chain: take its transaction-level advisory lock (held until COMMIT)
   * and say which chain it is. Its own statement: a statement's snapshot is taken before it waits,
   * so reading the head in the locking statement could miss the previous holder's row.
   */
  lock: (tx: Tx) => Promise<C>;
  /** The rows to append, in order. */
  rows: readonly R[];
  /** A row's hashed content, as its table's row hash (and verifier) reads it. */
  hashed: (row: R) => Record<string, unknown>;
  /** Insert one row with `prev_hash` and `hash` from `link(<the chain's head>)`. */
  insert: (tx: Tx, chain: C, row: R, link: ChainLink) => Promise<void>;
};

/**
 * Append rows to a hash chain: lock the chain once, then insert each row with `prev_hash` = the
 * chain's head and `hash` = `chainHash` of it, both computed by the database in the insert itself
 * (each insert's snapshot is taken after the lock and sees the rows before it, so the head is the
 * last row). PostgreSQL's sha256 over the UTF-8 text is the same digest as Node's; the verifier
 * recomputes it in JavaScript (test/audit-chains.test.ts). Inside a transaction the rows commit
 * with it (and the lock is held until then); outside one it opens its own.
 */
export async function appendToChain<C, R>(ex: Executor, spec: ChainAppend<C, R>): Promise<void> {
  if (spec.rows.length === 0) return;
  if (!ex.isTransaction) {
    await (ex as Db).transaction().execute((tx) => appendToChain(tx, spec));
    return;
  }
  const tx = ex as Tx;
  const chain = await spec.lock(tx);
  for (const row of spec.rows) {
    const tail = `\n${canonicalJson(spec.hashed(row))}`;
    await spec.insert(tx, chain, row, (head) => {
      const prev = sql<string>`coalesce(${head}, ${GENESIS_HASH})::text`;
      return {
        prev_hash: prev,
        hash: sql<string>`encode(sha256(convert_to(${prev} || ${tail}::text, 'UTF8')), 'hex')`,
      };
    });
  }
}

export type ChainReport =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenId: string; reason: 'hash_mismatch' | 'prev_hash_mismatch' };

/**
 * Walk a hash chain in id order, a batch at a time; report the first row whose content or link
 * does not match. Shared by the audit log and the exchange log (modules/integration).
 */
export async function verifyHashChain<R extends { id: string; prev_hash: string; hash: string }>(
  nextBatch: (afterId: string, limit: number) => Promise<R[]>,
  rowHash: (row: NoInfer<R>) => string,
  batchSize = 5000,
): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let lastId = '0';
  let checked = 0;
  for (;;) {
    const rows = await nextBatch(lastId, batchSize);
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      if (r.prev_hash !== prev) return { ok: false, checked, brokenId: r.id, reason: 'prev_hash_mismatch' };
      if (rowHash(r) !== r.hash) return { ok: false, checked, brokenId: r.id, reason: 'hash_mismatch' };
      prev = r.hash;
      checked++;
    }
    lastId = rows[rows.length - 1]!.id;
  }
}
