import { createHash } from 'node:crypto';
import type { Actor } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { AuditRow } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';

export const GENESIS_HASH = '0'.repeat(64);
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

export function auditRowHash(row: HashedFields): string {
  const body = canonicalJson({
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
  });
  return createHash('sha256').update(row.prev_hash).update('\n').update(body).digest('hex');
}

/**
 * Append one row to the chain. Call it inside the command's transaction so the audit row commits
 * with the change it describes; outside a transaction it opens its own.
 */
export async function recordAudit(ex: Executor, entry: AuditEntry, now = new Date()): Promise<void> {
  if (!ex.isTransaction) {
    await (ex as Db).transaction().execute((tx) => recordAudit(tx, entry, now));
    return;
  }
  // One chain per transaction: its first row chooses it (auditChainOf) and the later rows follow,
  // so a transaction holds one chain lock and two transactions can never wait for each other's
  // chain in opposite orders (no deadlock). The chosen chain lives in a transaction-local setting.
  // The lock is one statement and the chain head another: a statement's snapshot is taken before
  // it waits, so reading the head in the locking statement could miss the previous holder's row.
  const chosen = await sql<{ chain: number }>`
    SELECT x.chain, pg_advisory_xact_lock(${AUDIT_LOCK_KEY}, x.chain),
           set_config('motcua.audit_chain', x.chain::text, true)
      FROM (SELECT coalesce(nullif(current_setting('motcua.audit_chain', true), '')::int, ${auditChainOf(entry)}) AS chain) x`.execute(
    ex,
  );
  const chain = chosen.rows[0]!.chain;
  const last = await ex
    .selectFrom('audit_log')
    .select('hash')
    .where('chain', '=', chain)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Millisecond precision: what JavaScript can hold is what gets hashed and stored.
  const at = new Date(Math.floor(now.getTime()));
  const row: HashedFields = {
    at,
    actor_id: entry.actorId,
    actor_kind: entry.actorKind,
    agency_id: entry.agencyId,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    request_id: entry.requestId ?? null,
    result: entry.result,
    details: JSON.parse(JSON.stringify(entry.details ?? {})),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await ex
    .insertInto('audit_log')
    .values({ ...row, chain, details: JSON.stringify(row.details), hash: auditRowHash(row) })
    .execute();
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
