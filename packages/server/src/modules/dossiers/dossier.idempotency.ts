import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Db, Tx } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { alongWithAudit, withDeferredAudit } from '../audit/audit.service.ts';

export type CommandResult = { statusCode: number; body: unknown };

/**
 * The request's fingerprint: SHA-256 of its JSON Canonicalization Scheme form (RFC 8785), i.e. of
 * the body as it travels on the wire — a parsed date is rendered by its `toJSON` (ISO 8601), not
 * dropped, so reusing a key with another date is seen as another request.
 */
export function requestHash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalize(value) ?? 'undefined')
    .digest('hex');
}

function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' && err.constraint === constraint;
}

/**
 * Run a command once per (principal, key): the first run's answer is stored in the command's own
 * transaction, so a retry (lost response, double click, crash before the reply) gets the same
 * answer and the command acts once. A key reused for a different request is refused.
 * Rejected commands (4xx) store nothing: they changed nothing, and a retry is judged afresh.
 */
export async function runIdempotent(
  db: Db,
  idem: { principal: string; key: string; hash: string } | null,
  run: (tx: Tx) => Promise<CommandResult>,
): Promise<CommandResult & { replayed: boolean }> {
  // The command's audit rows are appended last, after everything else it writes (withDeferredAudit).
  if (idem === null) {
    const r = await db.transaction().execute((tx) => withDeferredAudit(tx, () => run(tx)));
    return { ...r, replayed: false };
  }
  const stored = await findStored(db, idem);
  if (stored) return stored;
  try {
    const r = await db.transaction().execute((tx) =>
      withDeferredAudit(tx, async () => {
        const result = await run(tx);
        // Blocks on a concurrent first run with the same key; fails with 23505 when it commits.
        // Written in the audit append's statement (one round trip less): nothing reads it back.
        alongWithAudit(
          tx,
          tx.insertInto('idempotency_keys').values({
            principal: idem.principal,
            key: idem.key,
            request_hash: idem.hash,
            status_code: result.statusCode,
            response: JSON.stringify(result.body),
          }),
        );
        return result;
      }),
    );
    return { ...r, replayed: false };
  } catch (e) {
    if (isUniqueViolation(e, 'idempotency_keys_pkey')) {
      const again = await findStored(db, idem);
      if (again) return again;
    }
    // A concurrent twin of this request lost the race on the dossier row: answer as the winner did.
    if (e instanceof Problem && e.code === 'version_conflict') {
      const again = await findStored(db, idem);
      if (again) return again;
    }
    throw e;
  }
}

async function findStored(
  db: Db,
  idem: { principal: string; key: string; hash: string },
): Promise<(CommandResult & { replayed: true }) | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('principal', '=', idem.principal)
    .where('key', '=', idem.key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== idem.hash) throw new Problem('idempotency_key_reused');
  return { statusCode: row.status_code, body: row.response, replayed: true };
}
