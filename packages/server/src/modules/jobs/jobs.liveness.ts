/**
 * Jobs of a dead worker process run again within seconds, not hours.
 *
 * graphile-worker locks a job (`locked_at`, `locked_by` = the worker's id) while it runs and only
 * frees locks older than 4 hours: a worker process killed mid-job (SIGKILL, OOM, power loss) would
 * leave its jobs — an applicant's notification, an escalation — stuck for 4 hours. Here each
 * worker holds a session-level advisory lock named after its id on a dedicated connection for as
 * long as its process lives; PostgreSQL releases that lock when the process (its connection) dies.
 * A sweep in every worker process frees the jobs whose locker's advisory lock is free: that worker
 * is gone. The jobs then run again; their side effects are idempotent (`deliverOnce`).
 */
import type { WorkerEvents } from 'graphile-worker';
import pg from 'pg';

/** Advisory lock class of worker liveness locks (the second key is hashtext(worker id)). */
const LOCK_CLASS = 727_001;

export type Liveness = { stop(): Promise<void> };

export type LivenessOptions = {
  connectionString: string;
  events: WorkerEvents;
  /** A job locked more recently than this is left alone (its worker may not hold its lock yet). */
  graceMs?: number;
  /** How often to sweep (the first sweep runs at once). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
  onFreed?: (workerId: string, jobs: number) => void;
};

export async function startLiveness(opts: LivenessOptions): Promise<Liveness> {
  const graceMs = opts.graceMs ?? 5_000;
  const onError = opts.onError ?? (() => undefined);
  const holder = new pg.Client({ connectionString: opts.connectionString, application_name: 'motcua-worker-liveness' });
  holder.on('error', onError);
  await holder.connect();
  const held = new Set<string>();
  let stopped = false;

  // One query at a time on the holder connection, in order.
  let queue: Promise<unknown> = Promise.resolve();
  const onHolder = (text: string, workerId: string) => {
    queue = queue.then(() => holder.query(text, [LOCK_CLASS, workerId])).catch(onError);
  };
  const hold = (workerId: string) => {
    if (stopped || held.has(workerId)) return;
    held.add(workerId);
    onHolder('SELECT pg_advisory_lock($1, hashtext($2))', workerId);
  };
  const release = (workerId: string) => {
    if (stopped || !held.delete(workerId)) return;
    onHolder('SELECT pg_advisory_unlock($1, hashtext($2))', workerId);
  };
  const onCreate = ({ worker }: { worker: { workerId: string } }) => hold(worker.workerId);
  const onStop = ({ worker }: { worker: { workerId: string } }) => release(worker.workerId);
  opts.events.on('worker:create', onCreate);
  opts.events.on('worker:stop', onStop);

  const sweep = async () => {
    const c = new pg.Client({ connectionString: opts.connectionString, application_name: 'motcua-worker-sweep' });
    c.on('error', onError);
    await c.connect();
    try {
      const schema = await c.query<{ t: string | null }>(
        `SELECT to_regclass('graphile_worker._private_jobs')::text AS t`,
      );
      if (!schema.rows[0]?.t) return;
      const lockers = await c.query<{ locked_by: string }>(
        `SELECT DISTINCT locked_by FROM graphile_worker._private_jobs
          WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
        [graceMs / 1000],
      );
      for (const { locked_by: workerId } of lockers.rows) {
        if (held.has(workerId)) continue;
        const probe = await c.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS free', [
          LOCK_CLASS,
          workerId,
        ]);
        if (!probe.rows[0]?.free) continue; // its process is alive
        try {
          const freed = await c.query(
            `UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE locked_by = $1`,
            [workerId],
          );
          await c.query(
            `UPDATE graphile_worker._private_job_queues SET locked_at = NULL, locked_by = NULL WHERE locked_by = $1`,
            [workerId],
          );
          if (freed.rowCount) opts.onFreed?.(workerId, freed.rowCount);
        } finally {
          await c.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, workerId]);
        }
      }
    } finally {
      await c.end().catch(() => undefined);
    }
  };

  let running: Promise<void> | undefined;
  const tick = () => {
    if (stopped || running) return;
    running = sweep()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 10_000);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      opts.events.off('worker:create', onCreate);
      opts.events.off('worker:stop', onStop);
      await running;
      await queue;
      await holder.end().catch(() => undefined);
    },
  };
}
