import { createHash } from 'node:crypto';
import type { Actor } from '@motcua/core';
import { type OperationNodeSource, sql } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { AuditRow } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { appendToChain, type ChainReport, chainHash, verifyHashChain } from '../../shared/hash-chain.ts';

// The chain primitives (append, row hash, verification) are shared with the exchange log; other
// modules hash their own content with the same canonical JSON.
export { canonicalJson } from '../../shared/hash-chain.ts';

/**
 * The audit log is AUDIT_CHAINS hash chains (decision 0006): a row links to the previous row of its
 * own chain, so only appends to the same chain wait for each other. Appends to chain c take the
 * advisory lock (AUDIT_LOCK_KEY, c) for the rest of their transaction.
 */
export const AUDIT_CHAINS = 64;
const AUDIT_LOCK_KEY = 0x6d6f7463; // "motc"

/**
 * The chain an entry goes to: by its target (every row about one dossier, user or procedure in one
 * chain, in order), else its agency, else its request. Stable across processes and releases.
 */
export function auditChainOf(
  entry: Pick<AuditEntry, 'targetType' | 'targetId' | 'agencyId' | 'requestId' | 'actorId'>,
) {
  const key =
    entry.targetId != null
      ? `${entry.targetType ?? ''}:${entry.targetId}`
      : (entry.agencyId ?? entry.requestId ?? entry.actorId ?? '');
  return createHash('sha256').update(key).digest().readUInt32BE(0) % AUDIT_CHAINS;
}

/** The user behind an actor, if any (the `*_by` columns of the tables). */
export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'anonymous' || actor.kind === 'client' ? null : actor.userId;
}

/** The actor columns of an audit row, the same way for every module. */
export function auditFields(ctx: CommandContext): Pick<AuditEntry, 'actorId' | 'actorKind' | 'agencyId' | 'requestId'> {
  const a = ctx.actor;
  return {
    // An API client's rows carry its client id (api_clients) as the actor.
    actorId: a.kind === 'client' ? a.clientId : actorUserId(a),
    actorKind: ctx.system ? 'system' : a.kind,
    agencyId: a.kind === 'officer' ? a.agencyId : null,
    requestId: ctx.requestId,
  };
}

export type AuditEntry = {
  actorId: string | null;
  actorKind: 'anonymous' | 'applicant' | 'officer' | 'system' | 'client';
  agencyId: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  requestId?: string | null;
  /** `ok`, or the problem code / HTTP status of a rejected command. */
  result: string;
  details?: Record<string, unknown>;
};

type HashedFields = Pick<
  AuditRow,
  | 'at'
  | 'actor_id'
  | 'actor_kind'
  | 'agency_id'
  | 'action'
  | 'target_type'
  | 'target_id'
  | 'request_id'
  | 'result'
  | 'details'
  | 'prev_hash'
>;

/** What an audit row's hash covers besides its link: every field, `at` as ISO 8601. */
function auditHashed(row: Omit<HashedFields, 'prev_hash'>): Record<string, unknown> {
  return {
    at: row.at.toISOString(),
    actor_id: row.actor_id,
    actor_kind: row.actor_kind,
    agency_id: row.agency_id,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    request_id: row.request_id,
    result: row.result,
    details: row.details,
  };
}

export function auditRowHash(row: HashedFields): string {
  return chainHash(row.prev_hash, auditHashed(row));
}

/**
 * Append one row to the chain. Call it inside the command's transaction so the audit row commits
 * with the change it describes; outside a transaction it opens its own.
 */
export async function recordAudit(ex: Executor, entry: AuditEntry, now = new Date()): Promise<void> {
  // Rows deferred in this transaction come first: the chain keeps the order they happened in.
  const earlier = deferred.get(ex) ?? [];
  if (earlier.length > 0) deferred.set(ex, []);
  await recordAudits(ex, [...earlier, { entry, at: now }]);
}

/**
 * One chain per transaction: its first row chooses it (auditChainOf) and the later rows follow, so
 * a transaction holds one chain lock and two transactions can never wait for each other's chain
 * in opposite orders (no deadlock). The chosen chain lives in a transaction-local setting; taking
 * the lock again in the same transaction returns at once.
 */
async function lockChain(tx: Tx, first: Parameters<typeof auditChainOf>[0]): Promise<number> {
  // The writes riding with the append (alongWithAudit) go in this statement, as CTEs: one round
  // trip less per command. They are inserts nothing in the transaction reads back.
  const ctes = riderCtes(takeRiders(tx));
  const chosen = await sql<{ chain: number }>`
    ${ctes}SELECT x.chain, pg_advisory_xact_lock(${AUDIT_LOCK_KEY}, x.chain),
           set_config('motcua.audit_chain', x.chain::text, true)
      FROM (SELECT coalesce(nullif(current_setting('motcua.audit_chain', true), '')::int, ${auditChainOf(first)}) AS chain) x`.execute(
    tx,
  );
  return chosen.rows[0]!.chain;
}

/** Inserts that ride with a transaction's audit append (alongWithAudit), by transaction. */
const riding = new WeakMap<object, OperationNodeSource[]>();

function takeRiders(tx: Tx): OperationNodeSource[] {
  const r = riding.get(tx) ?? [];
  if (r.length > 0) riding.set(tx, []);
  return r;
}

/** `WITH rider_0 AS (…), … ` for a statement to start with; empty without riders. */
function riderCtes(riders: OperationNodeSource[]) {
  return riders.length ? sql`WITH ${sql.join(riders.map((r, i) => sql`${sql.ref(`rider_${i}`)} AS (${r})`))} ` : sql``;
}

/**
 * Run this INSERT with the transaction's audit append, in the statement that takes the chain lock
 * (inside withDeferredAudit only; without audit rows it runs at the end of `fn`). For a write
 * nothing later in the transaction reads, such as the idempotency key's stored answer. Its errors
 * (a unique violation) are the statement's, with the constraint's name.
 */
export function alongWithAudit(tx: Tx, insert: OperationNodeSource): void {
  const r = riding.get(tx);
  if (!r) throw new Error('alongWithAudit outside withDeferredAudit: the write would be lost');
  r.push(insert);
}

/** Audit rows a transaction will append at its end (deferAudit), by transaction. */
const deferred = new WeakMap<object, { entry: AuditEntry; at: Date }[]>();

/**
 * Run `fn` in `tx` with audit rows deferred: `deferAudit` queues them and they are appended, in
 * order, when `fn` is done — the last statements before COMMIT, so the chain's lock is held only
 * for them (a command's chain lock used to be held from its first event to its COMMIT).
 */
export async function withDeferredAudit<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  deferred.set(tx, []);
  riding.set(tx, []);
  const result = await fn();
  const items = deferred.get(tx) ?? [];
  deferred.delete(tx);
  await recordAudits(tx, items);
  // No audit row took the lock (and the riders with it): they run on their own.
  const left = takeRiders(tx);
  riding.delete(tx);
  if (left.length > 0) await sql`${riderCtes(left)}SELECT 1`.execute(tx);
  return result;
}

/**
 * Take, now, the chain lock the transaction's deferred rows will need (the chain of `target`, or
 * the one the transaction already holds). A submission takes it before its unit's code counter:
 * waiting for a chain while holding the counter row would make every submission to the unit wait.
 */
export async function holdAuditChain(tx: Tx, target: { targetType: string; targetId: string }): Promise<void> {
  await lockChain(tx, { ...target, agencyId: null, requestId: null, actorId: null });
}

/** Queue an audit row for the end of the transaction (inside withDeferredAudit only: never lost). */
export function deferAudit(tx: Tx, entry: AuditEntry, at: Date): void {
  const items = deferred.get(tx);
  if (!items) throw new Error('deferAudit outside withDeferredAudit: the audit row would be lost');
  items.push({ entry, at });
}

/**
 * Append rows to one chain, in order, under one lock: a command's rows, written last in its
 * transaction so that the chain lock is held only for these inserts and the COMMIT.
 */
export async function recordAudits(ex: Executor, items: readonly { entry: AuditEntry; at: Date }[]): Promise<void> {
  // Millisecond precision: what JavaScript can hold is what gets hashed and stored.
  const rows = items.map(
    ({ entry, at }): Omit<HashedFields, 'prev_hash'> => ({
      at: new Date(Math.floor(at.getTime())),
      actor_id: entry.actorId,
      actor_kind: entry.actorKind,
      agency_id: entry.agencyId,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      request_id: entry.requestId ?? null,
      result: entry.result,
      details: JSON.parse(JSON.stringify(entry.details ?? {})),
    }),
  );
  const first = items[0]?.entry;
  if (!first) return;
  await appendToChain(ex, {
    lock: (tx) => lockChain(tx, first),
    rows,
    hashed: auditHashed,
    insert: async (tx, chain, row, link) => {
      const head = sql<string | null>`(SELECT hash FROM audit_log WHERE chain = ${chain} ORDER BY id DESC LIMIT 1)`;
      await tx
        .insertInto('audit_log')
        .values({ ...row, chain, details: JSON.stringify(row.details), ...link(head) })
        .execute();
    },
  });
}

/**
 * Walk every audit chain in order; report the first row (lowest id) whose content or link does not
 * match, with the number of rows verified in all chains.
 */
export async function verifyAuditChain(db: Db, batchSize = 5000): Promise<ChainReport> {
  let checked = 0;
  let broken: Extract<ChainReport, { ok: false }> | null = null;
  for (let chain = 0; chain < AUDIT_CHAINS; chain++) {
    const r = await verifyHashChain(
      (afterId: string, limit: number) =>
        db
          .selectFrom('audit_log')
          .selectAll()
          .where('chain', '=', chain)
          .where(sql<boolean>`id > ${afterId}::bigint`)
          .orderBy('id')
          .limit(limit)
          .execute(),
      auditRowHash,
      batchSize,
    );
    checked += r.checked;
    if (!r.ok && (broken === null || BigInt(r.brokenId) < BigInt(broken.brokenId))) broken = r;
  }
  return broken ? { ...broken, checked } : { ok: true, checked };
}
