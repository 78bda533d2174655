import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { Problem } from './problem.ts';

/**
 * Reads that may be served by a streaming replica (docs/operations.md "Reads from a streaming
 * replica"): the dashboard's indicators, the settlement report and the public lookup. Per request
 * `run(fn)` hands `fn` the replica when its replay lag is within the bound, else the primary; the
 * lag is probed at most once every `checkEveryMs` (shared by concurrent requests). A replica that
 * lags, does not answer, or fails the read falls back to the primary: a read never fails because
 * of the replica. Writes never come here — callers pass only read-only work.
 */

/** Seconds the replica is behind; throws when it cannot be asked. */
export type LagProbe = () => Promise<number>;

export type ReadReplicaStatus = {
  configured: boolean;
  /** The last measured lag in seconds; null when the replica did not answer. */
  lagSeconds: number | null;
  using: 'replica' | 'primary';
};

type Log = { warn: (o: object, m: string) => void; info: (o: object, m: string) => void };

export type ReadRouterOptions = {
  primary: Db;
  /** The replica's pool; undefined (or the primary itself): every read on the primary, no probing. */
  replica?: Db | undefined;
  maxLagSeconds: number;
  /** Defaults to `replicaLag(replica)`; tests inject their own. */
  probe?: LagProbe;
  checkEveryMs?: number;
  /** A probe slower than this counts as a replica that is down. */
  probeTimeoutMs?: number;
  now?: () => number;
  log?: Log;
};

/**
 * The replica's replay lag in seconds; 0 on a primary. A caught-up replica of an idle primary
 * (everything received is replayed, and the WAL receiver runs) is 0 too, though its last replayed
 * commit may be old; a replica whose WAL receiver stopped is measured by that commit's age, so it
 * falls behind the bound as time passes.
 */
export async function replicaLag(db: Db): Promise<number> {
  const r = await sql<{ lag: number | string | null }>`
    SELECT CASE
      WHEN NOT pg_is_in_recovery() THEN 0
      WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
      ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
    END AS lag`.execute(db);
  const lag = r.rows[0]?.lag;
  // No transaction replayed yet: unknown, treated as too far behind.
  if (lag === null || lag === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, Number(lag));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`replica lag probe timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export class ReadRouter {
  private readonly primary: Db;
  private readonly replica: Db | undefined;
  private readonly maxLag: number;
  private readonly probe: LagProbe;
  private readonly every: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly log: Log | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private lag: number | null = null;
  private useReplica = false;
  /** Why the last fallback happened (logged once per change). */
  private fallbackReason: string | null = null;

  constructor(o: ReadRouterOptions) {
    this.primary = o.primary;
    this.replica = o.replica && o.replica !== o.primary ? o.replica : undefined;
    this.maxLag = o.maxLagSeconds;
    const replica = this.replica;
    this.probe = o.probe ?? (() => (replica ? replicaLag(replica) : Promise.resolve(0)));
    this.every = o.checkEveryMs ?? 2_000;
    this.timeoutMs = o.probeTimeoutMs ?? 1_000;
    this.now = o.now ?? Date.now;
    this.log = o.log;
  }

  get configured(): boolean {
    return this.replica !== undefined;
  }

  /** The handle for this request's reads: the replica when in bound, else the primary. */
  async pick(): Promise<Db> {
    if (!this.replica) return this.primary;
    await this.refresh();
    return this.useReplica ? this.replica : this.primary;
  }

  /**
   * Run read-only `fn` on the picked handle. An error on the replica that is not an answer of ours
   * (a Problem: 404, 403 …) marks it unusable until the next probe and runs `fn` on the primary.
   */
  async run<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = await this.pick();
    if (db === this.primary) return fn(db);
    try {
      return await fn(db);
    } catch (err) {
      if (err instanceof Problem) throw err;
      this.fallBack(`read failed on the replica: ${(err as Error).message}`);
      return fn(this.primary);
    }
  }

  async status(): Promise<ReadReplicaStatus> {
    if (this.replica) await this.refresh();
    return { configured: this.configured, lagSeconds: this.lag, using: this.useReplica ? 'replica' : 'primary' };
  }

  private async refresh(): Promise<void> {
    if (this.now() - this.checkedAt < this.every) return;
    this.inFlight ??= this.check().finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
  }

  private async check(): Promise<void> {
    try {
      const lag = await withTimeout(this.probe(), this.timeoutMs);
      this.lag = Number.isFinite(lag) ? lag : null;
      if (lag <= this.maxLag) {
        if (!this.useReplica) this.log?.info({ lagSeconds: lag }, 'read replica in use');
        this.useReplica = true;
        this.fallbackReason = null;
      } else {
        this.fallBack(`replica lag ${Number.isFinite(lag) ? lag.toFixed(1) : 'unknown'} s > ${this.maxLag} s`);
      }
    } catch (err) {
      this.lag = null;
      this.fallBack(`replica not reachable: ${(err as Error).message}`);
    } finally {
      this.checkedAt = this.now();
    }
  }

  private fallBack(reason: string): void {
    this.useReplica = false;
    // Once per episode, not once per request.
    if (this.fallbackReason === null) this.log?.warn({ reason }, 'read replica not used, reading from the primary');
    this.fallbackReason = reason;
  }
}
