import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db, Executor } from '../db/database.ts';

type Counter = { current: number; ttl: number };
type Callback = (err: Error | null, res?: Counter) => void;
/** What the plugin passes: its options, merged for a route with `routeInfo` (the route's options). */
type RouteParams = { routeInfo?: { method?: string | string[]; url?: string } };

/**
 * A @fastify/rate-limit store in PostgreSQL: several API processes on one database enforce ONE
 * budget per client (a per-process memory store gives each process its own, so N processes allow
 * N times the limit). One UPSERT per counted request; the window is fixed and starts at the first
 * hit, as in the plugin's own stores. Keys are namespaced by route.
 */
export function pgRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  return class PgRateLimitStore implements FastifyRateLimitStore {
    readonly namespace: string;

    constructor(options: object = {}) {
      const params = options as RouteParams;
      const r = params.routeInfo;
      const method = Array.isArray(r?.method) ? r.method.join(',') : (r?.method ?? '');
      this.namespace = r?.url ? `${method} ${r.url}` : 'global';
    }

    incr(key: string, cb: Callback, timeWindow: number): void {
      const k = `${this.namespace}|${key}`;
      const ms = Math.max(1, Math.trunc(timeWindow));
      sql<{ hits: number; ttl_ms: number }>`
        INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (${k}, clock_timestamp(), 1)
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN r.window_start + make_interval(secs => ${ms / 1000}) <= clock_timestamp() THEN 1 ELSE r.hits + 1 END,
          window_start = CASE WHEN r.window_start + make_interval(secs => ${ms / 1000}) <= clock_timestamp()
                              THEN clock_timestamp() ELSE r.window_start END
        RETURNING hits,
          GREATEST(0, EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${ms / 1000}) - clock_timestamp())) * 1000)::float8 AS ttl_ms`
        .execute(db)
        .then((res) => {
          const row = res.rows[0]!;
          cb(null, { current: row.hits, ttl: Math.ceil(row.ttl_ms) });
        })
        .catch((err: Error) => cb(err));
    }

    read(key: string, cb: Callback, timeWindow: number): void {
      const k = `${this.namespace}|${key}`;
      const ms = Math.max(1, Math.trunc(timeWindow));
      sql<{ hits: number; ttl_ms: number }>`
        SELECT hits,
          EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${ms / 1000}) - clock_timestamp())) * 1000 AS ttl_ms
          FROM rate_limits WHERE key = ${k}`
        .execute(db)
        .then((res) => {
          const row = res.rows[0];
          if (!row || row.ttl_ms <= 0) cb(null, { current: 0, ttl: 0 });
          else cb(null, { current: row.hits, ttl: Math.ceil(row.ttl_ms) });
        })
        .catch((err: Error) => cb(err));
    }

    child(routeOptions: object): PgRateLimitStore {
      return new PgRateLimitStore(routeOptions);
    }
  };
}

/** Counters whose window ended long ago (run with the hourly session sweep). */
export async function deleteStaleRateLimits(db: Db): Promise<void> {
  await sql`DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'`.execute(db);
}

// ——— counters of repeated failures (sign-in, password change; accounts.service.ts) ———

/** Seconds `key` must still wait before it may try again (0: it may). */
export async function secondsToWait(ex: Executor, key: string): Promise<number> {
  const r = await sql<{ wait_s: number }>`
    SELECT EXTRACT(EPOCH FROM (window_start - clock_timestamp()))::float8 AS wait_s
      FROM rate_limits WHERE key = ${key} AND window_start > clock_timestamp()`.execute(ex);
  return r.rows[0]?.wait_s ?? 0;
}

/**
 * Count one more failure of `key` and return the count; failures older than `forgetAfterMinutes`
 * are forgotten (the count starts again at 1). `window_start` then holds the last failure.
 */
export async function countFailure(ex: Executor, key: string, forgetAfterMinutes: number): Promise<number> {
  const r = await sql<{ hits: number }>`
    INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (${key}, clock_timestamp(), 1)
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN r.window_start < clock_timestamp() - make_interval(mins => ${forgetAfterMinutes})
                  THEN 1 ELSE r.hits + 1 END,
      window_start = clock_timestamp()
    RETURNING hits`.execute(ex);
  return r.rows[0]!.hits;
}

/** Make `key` wait `seconds` from now (secondsToWait answers the rest of it). */
export async function waitFromNow(ex: Executor, key: string, seconds: number): Promise<void> {
  await sql`UPDATE rate_limits SET window_start = clock_timestamp() + make_interval(secs => ${seconds})
             WHERE key = ${key}`.execute(ex);
}

/** Count one more hit of `key`, never forgotten until `forget` (a per-session budget). */
export async function countHit(ex: Executor, key: string): Promise<number> {
  const r = await sql<{ hits: number }>`
    INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (${key}, clock_timestamp(), 1)
    ON CONFLICT (key) DO UPDATE SET hits = r.hits + 1
    RETURNING hits`.execute(ex);
  return r.rows[0]?.hits ?? 0;
}

export async function forget(ex: Executor, key: string): Promise<void> {
  await sql`DELETE FROM rate_limits WHERE key = ${key}`.execute(ex);
}
