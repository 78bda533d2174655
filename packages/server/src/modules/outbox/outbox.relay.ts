import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * Outbox relay: turns committed outbox messages into graphile-worker jobs.
 *
 * One transaction per batch takes unpublished rows `FOR UPDATE SKIP LOCKED` (so relays in several
 * processes share the rows and never take the same one), adds the jobs with SQL
 * `graphile_worker.add_job` and sets `published_at`. Jobs and mark commit together or not at all;
 * on top of that each job carries the key `outbox:<id>:<task>` in `unsafe_dedupe` mode, so even a
 * row published twice by some other path could not queue its job twice while the first one exists.
 */

/** The job every message of a topic becomes; topics without a route are marked published with no job. */
const routes = new Map<string, Set<string>>([
  ['dossier.event', new Set(['notify_applicant'])],
  ['dossier.alert', new Set(['send_alert'])],
]);

/** Also run task `task` for every outbox message of `topic` (e.g. a national-portal sync). */
export function routeTopic(topic: string, task: string): void {
  const tasks = routes.get(topic) ?? new Set<string>();
  tasks.add(task);
  routes.set(topic, tasks);
}

export function tasksOfTopic(topic: string): string[] {
  return [...(routes.get(topic) ?? [])];
}

/** Payload of a job made from an outbox message. */
export type OutboxJobPayload = {
  outboxId: string;
  topic: string;
  aggregateType: string;
  aggregateId: string;
  message: Record<string, unknown>;
};

export type RelayOptions = { batchSize?: number; maxAttempts?: number };

/** Publish one batch; returns how many outbox rows it published (0: nothing to do). */
export async function relayOutboxOnce(db: Db, opts: RelayOptions = {}): Promise<number> {
  const batchSize = opts.batchSize ?? 100;
  const maxAttempts = opts.maxAttempts ?? 25;
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('outbox')
      .select(['id', 'topic', 'aggregate_type', 'aggregate_id', 'payload'])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return 0;
    const specs = rows.flatMap((r) =>
      tasksOfTopic(r.topic).map((task) => ({
        task,
        job_key: `outbox:${r.id}:${task}`,
        max_attempts: maxAttempts,
        payload: {
          outboxId: r.id,
          topic: r.topic,
          aggregateType: r.aggregate_type,
          aggregateId: r.aggregate_id,
          message: r.payload as Record<string, unknown>,
        } satisfies OutboxJobPayload,
      })),
    );
    if (specs.length > 0) {
      await sql`
        SELECT graphile_worker.add_job(
          s.task, s.payload, max_attempts => s.max_attempts, job_key => s.job_key, job_key_mode => 'unsafe_dedupe')
        FROM jsonb_to_recordset(${JSON.stringify(specs)}::jsonb) AS s(task text, payload json, job_key text, max_attempts int)
      `.execute(tx);
    }
    await tx
      .updateTable('outbox')
      .set({ published_at: new Date() })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.length;
  });
}

export type Relay = { stop(): Promise<void> };

/**
 * Relay continuously: a full batch is followed at once by the next; otherwise wait `intervalMs`.
 * Errors (database restarting, …) are reported and retried with a growing pause (at most 10 s).
 */
export function startOutboxRelay(
  db: Db,
  opts: RelayOptions & { intervalMs?: number; onError?: (err: unknown) => void } = {},
): Relay {
  const interval = opts.intervalMs ?? 300;
  const batchSize = opts.batchSize ?? 100;
  const stopping = new AbortController();
  const loop = (async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      let wait = interval;
      try {
        const n = await relayOutboxOnce(db, opts);
        failures = 0;
        if (n === batchSize) wait = 0;
      } catch (err) {
        if (stopping.signal.aborted) break;
        failures++;
        opts.onError?.(err);
        wait = Math.min(10_000, interval * 2 ** failures);
      }
      if (wait > 0) await sleep(wait, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
