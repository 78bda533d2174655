import type { Actor } from '@motcua/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';

/**
 * Read-side of the job queue for administrators, over graphile-worker 0.18's public view
 * `graphile_worker.jobs` (its tables are private). A job is:
 * running (locked less than 4 h ago) · failed (attempts used up) · retrying (failed before, will
 * run again at run_at) · scheduled (first run in the future) · queued (ready).
 */
export type JobState = 'queued' | 'scheduled' | 'running' | 'retrying' | 'failed';

export type JobCount = { task: string; state: JobState; count: number };
export type JobProblem = {
  id: string;
  task: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  updatedAt: string;
  key: string | null;
};

const STATE = sql<JobState>`CASE
  WHEN j.locked_at IS NOT NULL AND j.locked_at > now() - interval '4 hours' THEN 'running'
  WHEN j.attempts >= j.max_attempts THEN 'failed'
  WHEN j.attempts > 0 THEN 'retrying'
  WHEN j.run_at > now() THEN 'scheduled'
  ELSE 'queued' END`;

/** Jobs are the whole deployment's: only an administrator of the root agency sees and retries them. */
export function requireSystemAdmin(actor: Actor): void {
  if (actor.kind !== 'officer' || !actor.roles.includes('admin') || actor.agencyPath !== `/${actor.agencyId}/`) {
    throw new Problem('forbidden', {
      detail: {
        vi: 'Chỉ quản trị viên của cơ quan cấp cao nhất được xem hàng đợi công việc',
        en: 'Only an administrator of the top-level agency may see the job queue',
      },
    });
  }
}

/** Whether graphile-worker has created its schema in this database (it does on its first start). */
async function queueExists(db: Db): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`SELECT to_regclass('graphile_worker.jobs') IS NOT NULL AS ok`.execute(db);
  return r.rows[0]?.ok ?? false;
}

type JobRow = {
  id: string;
  task: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  run_at: Date;
  created_at: Date;
  updated_at: Date;
  key: string | null;
};

const view = (r: JobRow): JobProblem => ({
  id: String(r.id),
  task: r.task,
  state: r.state,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  lastError: r.last_error,
  runAt: r.run_at.toISOString(),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  key: r.key,
});

export async function jobsOverview(
  db: Db,
  limit: number,
): Promise<{ available: boolean; counts: JobCount[]; problems: JobProblem[] }> {
  if (!(await queueExists(db))) return { available: false, counts: [], problems: [] };
  const counts = await sql<{ task: string; state: JobState; count: string }>`
    SELECT j.task_identifier AS task, ${STATE} AS state, count(*) AS count
    FROM graphile_worker.jobs j GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  const problems = await sql<JobRow>`
    SELECT j.id, j.task_identifier AS task, ${STATE} AS state, j.attempts, j.max_attempts, j.last_error,
      j.run_at, j.created_at, j.updated_at, j.key
    FROM graphile_worker.jobs j
    WHERE j.attempts > 0 AND j.last_error IS NOT NULL
    ORDER BY j.updated_at DESC
    LIMIT ${limit}`.execute(db);
  return {
    available: true,
    counts: counts.rows.map((r) => ({ task: r.task, state: r.state, count: Number(r.count) })),
    problems: problems.rows.map(view),
  };
}

/**
 * Run a job again now. Its attempts are kept (the backoff goes on from there); a job that used
 * them all up gets one more. A running job cannot be rescheduled (409).
 */
export async function retryJob(db: Db, id: string): Promise<JobProblem> {
  if (!(await queueExists(db))) throw new Problem('not_found');
  const current = await sql<JobRow>`
    SELECT j.id, j.task_identifier AS task, ${STATE} AS state, j.attempts, j.max_attempts, j.last_error,
      j.run_at, j.created_at, j.updated_at, j.key
    FROM graphile_worker.jobs j WHERE j.id = ${id}::bigint`.execute(db);
  const job = current.rows[0];
  if (!job) throw new Problem('not_found');
  if (job.state === 'running') throw new Problem('conflict');
  const moved = await sql<{ id: string }>`
    SELECT id FROM graphile_worker.reschedule_jobs(ARRAY[${id}::bigint], run_at => now(),
      max_attempts => ${Math.max(job.max_attempts, job.attempts + 1)}::int)`.execute(db);
  if (moved.rows.length === 0) throw new Problem('conflict'); // picked up in between
  const after = await sql<JobRow>`
    SELECT j.id, j.task_identifier AS task, ${STATE} AS state, j.attempts, j.max_attempts, j.last_error,
      j.run_at, j.created_at, j.updated_at, j.key
    FROM graphile_worker.jobs j WHERE j.id = ${id}::bigint`.execute(db);
  return view(after.rows[0] ?? job);
}
