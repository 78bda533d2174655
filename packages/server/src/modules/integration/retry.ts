import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';

/**
 * Retry schedule of webhook deliveries and national-portal pushes: the n-th retry waits
 * base × 2^(n−1), at most 6 hours, with ±20 % jitter so that failed receivers are not hit by a
 * synchronized burst. With the default base (30 s) and 14 attempts the last one comes about 26
 * hours after the first: 30 s, 1, 2, 4, 8, 16, 32, 64, 128, 256 min, then 6 h three times.
 */
export const MAX_RETRY_DELAY_MS = 6 * 3_600_000;

export function retryDelayMs(attemptsMade: number, baseMs: number, random: () => number = Math.random): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), MAX_RETRY_DELAY_MS);
  return Math.max(1, Math.round(exp * (0.8 + random() * 0.4)));
}

/**
 * Queue (or move) the one job of a delivery: `job_key` in replace mode keeps one job per key, so a
 * replay or a retry moves the pending job instead of adding a second one. The job itself has a few
 * attempts of its own for unexpected errors (database away); HTTP failures are counted by us.
 */
export async function scheduleJob(
  ex: Executor,
  task: string,
  key: string,
  payload: Record<string, unknown>,
  runAt: Date,
  /** Jobs of one named queue run one at a time (graphile-worker), in run order. */
  queueName: string | null = null,
): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json, queue_name => ${queueName}::text,
    run_at => ${runAt.toISOString()}::timestamptz, max_attempts => 5, job_key => ${key}, job_key_mode => 'replace')`.execute(
    ex,
  );
}

/** One of 64 named queues for a key: the jobs of one key never run concurrently, and the queues stay few. */
export function queueOf(prefix: string, key: string): string {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return `${prefix}-${h % 64}`;
}
