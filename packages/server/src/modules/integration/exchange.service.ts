import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { ExchangeLogTable } from '../../db/schema.ts';
import { appendToChain, type ChainReport, canonicalJson, chainHash, verifyHashChain } from '../../shared/hash-chain.ts';
import { dossierBasics } from '../dossiers/dossier.queries.ts';

/**
 * Nhật ký trao đổi (exchange log): every call an API client makes — who, for what purpose
 * (`X-Purpose` header), which dossier, the digests of request and response, the status and the
 * time. Like X-Road's message log, but ours is an append-only table (a trigger refuses UPDATE,
 * DELETE, TRUNCATE) whose rows are hash-chained like the audit log: each row's hash covers its
 * content and the previous row's hash, so a changed or removed row breaks the chain.
 */

// Any constant (other than the audit log's): serializes appends to this chain across processes.
const EXCHANGE_LOCK_KEY = 0x6d637865; // "mcxe"

export const PURPOSE_HEADER = 'x-purpose';

export type ExchangeEntry = {
  clientId: string;
  requestId: string | null;
  method: string;
  path: string;
  purpose: string | null;
  dossierCode: string | null;
  status: number;
  requestHash: string;
  responseHash: string;
};

/** Every column but the id and the row's own hash. */
type HashedFields = Omit<ExchangeLogTable, 'id' | 'hash'>;

/** What an exchange row's hash covers besides its link: every field, `at` as ISO 8601. */
function exchangeHashed(row: Omit<HashedFields, 'prev_hash'>): Record<string, unknown> {
  return {
    at: row.at.toISOString(),
    client_id: row.client_id,
    request_id: row.request_id,
    method: row.method,
    path: row.path,
    purpose: row.purpose,
    dossier_code: row.dossier_code,
    status: row.status,
    request_hash: row.request_hash,
    response_hash: row.response_hash,
  };
}

export function exchangeRowHash(row: HashedFields): string {
  return chainHash(row.prev_hash, exchangeHashed(row));
}

export async function appendExchange(ex: Executor, entry: ExchangeEntry, now = new Date()): Promise<void> {
  const content: Omit<HashedFields, 'prev_hash'> = {
    at: new Date(Math.floor(now.getTime())),
    client_id: entry.clientId,
    request_id: entry.requestId,
    method: entry.method,
    path: entry.path.slice(0, 500),
    purpose: entry.purpose?.slice(0, 200) ?? null,
    dossier_code: entry.dossierCode,
    status: entry.status,
    request_hash: entry.requestHash,
    response_hash: entry.responseHash,
  };
  await appendToChain(ex, {
    // One chain, one lock.
    lock: async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${EXCHANGE_LOCK_KEY})`.execute(tx);
    },
    rows: [content],
    hashed: exchangeHashed,
    insert: async (tx, _chain, row, link) => {
      const head = sql<string | null>`(SELECT hash FROM exchange_log ORDER BY id DESC LIMIT 1)`;
      await tx
        .insertInto('exchange_log')
        .values({ ...row, ...link(head) })
        .execute();
    },
  });
}

export type ExchangeChainReport = ChainReport;

/** Walk the exchange log's chain in order (the audit log's verifier, on this table). */
export async function verifyExchangeChain(db: Db, batchSize = 5000): Promise<ExchangeChainReport> {
  return verifyHashChain(
    (afterId: string, limit: number) =>
      db
        .selectFrom('exchange_log')
        .selectAll()
        .where(sql<boolean>`id > ${afterId}::bigint`)
        .orderBy('id')
        .limit(limit)
        .execute(),
    exchangeRowHash,
    batchSize,
  );
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Digest of a request: method, path with query, and the canonical JSON of the parsed body. */
export function requestDigest(req: FastifyRequest): string {
  return sha256(`${req.method} ${req.url}\n${canonicalJson(req.body ?? null)}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The dossier a call concerns: the `:id` of a dossier route, or the `code` a dossier answer carries. */
async function dossierCodeOf(db: Db, req: FastifyRequest, status: number, payload: unknown): Promise<string | null> {
  const route = req.routeOptions.url ?? '';
  if (!route.includes('dossiers')) return null;
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  if (route.includes('/dossiers/:id') && typeof id === 'string' && UUID.test(id)) {
    return (await dossierBasics(db, id))?.code ?? null;
  }
  if (status < 400 && typeof payload === 'string' && payload.length < 65_536 && payload.startsWith('{')) {
    try {
      const code = (JSON.parse(payload) as { code?: unknown }).code;
      return typeof code === 'string' ? code.slice(0, 100) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The app's onSend hook for API clients: one exchange-log row per call, written before the answer
 * leaves (a call that cannot be logged is reported, and still answered).
 */
export function exchangeLogHook(db: Db) {
  return async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (req.actor?.kind !== 'client') return payload;
    try {
      const purpose = req.headers[PURPOSE_HEADER];
      const body =
        typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : payload == null ? '' : '[stream]';
      await appendExchange(db, {
        clientId: req.actor.clientId,
        requestId: req.id,
        method: req.method,
        path: req.url,
        purpose: typeof purpose === 'string' && purpose.trim() !== '' ? purpose.trim() : null,
        dossierCode: await dossierCodeOf(db, req, reply.statusCode, payload),
        status: reply.statusCode,
        requestHash: requestDigest(req),
        responseHash: sha256(body),
      });
    } catch (err) {
      req.log.error({ err }, 'exchange log write failed');
    }
    return payload;
  };
}
