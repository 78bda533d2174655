import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

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
