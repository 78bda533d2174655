/**
 * Reliability harness: motcua processes as real child processes (`motcua serve`, `motcua worker`)
 * on a cloned test database, an SMTP sink that counts what was accepted, a client that retries an
 * unacknowledged request with its Idempotency-Key, and the invariants every run must keep.
 * Loopback addresses only; every wait is bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { type DossierEvent, replay } from '@motcua/core';
import { SMTPServer } from 'smtp-server';
import { ROOT_DIR } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import type { Client } from '../helpers.ts';
import { freePort } from '../process-utils.ts';

export { freePort };

const BIN = path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs');

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `motcua-${label}-`));
}

export type Proc = {
  name: string;
  child: ChildProcess;
  port: number | null;
  /** stdout + stderr, for failure messages. */
  output: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
};

export type SpawnOptions = {
  databaseUrl: string;
  dataDir: string;
  smtpUrl: string;
  env?: Record<string, string>;
};

/** `motcua serve --no-seed` on a free loopback port; resolves once /readyz answers 200. */
export async function startServer(name: string, o: SpawnOptions & { port?: number }): Promise<Proc & { url: string }> {
  const port = o.port ?? (await freePort());
  const p = spawnMotcua(name, ['serve', '--no-seed'], {
    ...o,
    env: { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, ...o.env },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  let exitCode: number | null | undefined;
  void p.exited.then((c) => {
    exitCode = c;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${name} exited (${exitCode}) before ready:\n${p.output()}`);
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200) return { ...p, port, url };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await p.kill('SIGKILL');
  throw new Error(`${name} not ready in 45 s:\n${p.output()}`);
}

/** `motcua worker`; resolves once it says it runs. */
export async function startWorker(name: string, o: SpawnOptions): Promise<Proc> {
  const p = spawnMotcua(name, ['worker', '--concurrency', '2'], o);
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (p.output().includes('motcua worker: running')) return p;
    if (p.child.exitCode !== null) throw new Error(`${name} exited:\n${p.output()}`);
    await sleep(100);
  }
  await p.kill('SIGKILL');
  throw new Error(`${name} not running in 45 s:\n${p.output()}`);
}

function spawnMotcua(name: string, args: string[], o: SpawnOptions): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      DATABASE_URL: o.databaseUrl,
      MOTCUA_DATA_DIR: o.dataDir,
      MOTCUA_SMTP_URL: o.smtpUrl,
      MOTCUA_LOGIN_RATE_LIMIT: '100000',
      // An outbound push or webhook that failed across a kill (the portal simulator dies with its
      // server) retries within the harness's wait for "all jobs done", not 30 s later.
      MOTCUA_DELIVERY_RETRY_BASE_MS: '200',
      LOG_LEVEL: 'error',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    port: null,
    output: () => out,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await Promise.race([exited, sleep(15_000)]);
    },
  };
}

/** An SMTP server on loopback that records each accepted message's X-Motcua-Notification id. */
export async function startSmtpSink(opts: { hold?: () => Promise<void> } = {}) {
  const accepted: string[] = [];
  let dataStarted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      dataStarted++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString();
        const id = /^X-Motcua-Notification:\s*(\S+)/im.exec(raw)?.[1] ?? '?';
        const done = () => {
          accepted.push(id);
          callback();
        };
        if (opts.hold) opts.hold().then(done, (e: Error) => callback(e));
        else done();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    dataStarted: () => dataStarted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Ack = { status: number; body: Record<string, unknown> };

/**
 * Send a command until it is acknowledged (any answer but 503), repeating it with the same
 * Idempotency-Key after a lost connection or a 503 (a server starting up).
 */
export async function sendUntilAcked(
  baseUrl: () => string,
  who: Client,
  method: 'POST' | 'GET',
  url: string,
  body?: unknown,
  opts: { key?: string; deadlineMs?: number; onRetry?: () => void } = {},
): Promise<Ack & { key: string; attempts: number }> {
  const key = opts.key ?? randomUUID();
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const r = await fetch(`${baseUrl()}/api/v1${url}`, {
        method,
        headers: {
          ...who.headers,
          ...(method === 'POST' ? { 'idempotency-key': key, 'content-type': 'application/json' } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await r.text();
      // 503: the server is starting (migrations); any other 5xx is a failure to report, not retry.
      if (r.status !== 503) {
        return { status: r.status, body: text ? JSON.parse(text) : {}, key, attempts };
      }
    } catch {
      // connection refused or reset: the server died or is restarting
    }
    opts.onRetry?.();
    if (Date.now() > deadline) throw new Error(`${method} ${url}: not acknowledged in time (key ${key})`);
    await sleep(50 + Math.random() * 100);
  }
}

/** Poll `check` until it returns true; fails with `what` after `ms`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  ms = 30_000,
  /** What is still pending, for the timeout's message. */
  explain?: () => Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  const detail = explain ? `\n${JSON.stringify(await explain().catch((e) => String(e)), null, 1)}` : '';
  throw new Error(`timed out waiting for: ${what}${detail}`);
}

/** The jobs still queued (for a timeout's message). */
export async function pendingJobs(db: Db) {
  const { sql } = await import('kysely');
  return (
    await sql`
      SELECT t.identifier, j.attempts, j.max_attempts, j.run_at, j.locked_by, j.last_error
        FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE t.identifier <> 'periodic_scans' ORDER BY j.id LIMIT 20`.execute(db)
  ).rows;
}

export type Violation = string;

/**
 * The invariants of a dossier database: each dossier's stored state is exactly `replay` of its
 * events (versions 1..n, no gaps or repeats) and its columns agree; one outbox message per event;
 * the audit chain verifies; dossier codes are unique.
 */
export async function checkInvariants(db: Db): Promise<Violation[]> {
  const bad: Violation[] = [];
  const dossiers = await db.selectFrom('dossiers').select(['id', 'code', 'status', 'version', 'state']).execute();
  const events = await db
    .selectFrom('dossier_events')
    .select(['dossier_id', 'version', 'event'])
    .orderBy('dossier_id')
    .orderBy('version')
    .execute();
  const byDossier = new Map<string, { version: number; event: unknown }[]>();
  for (const e of events) {
    const list = byDossier.get(e.dossier_id) ?? [];
    list.push(e);
    byDossier.set(e.dossier_id, list);
  }
  const outbox = await db
    .selectFrom('outbox')
    .select(['aggregate_id', 'payload'])
    .where('topic', '=', 'dossier.event')
    .execute();
  const outboxKeys = new Map<string, number>();
  for (const o of outbox) {
    const p = o.payload as { version?: number };
    const k = `${o.aggregate_id}:${p.version}`;
    outboxKeys.set(k, (outboxKeys.get(k) ?? 0) + 1);
  }
  for (const d of dossiers) {
    const evs = byDossier.get(d.id) ?? [];
    if (evs.map((e) => e.version).join() !== evs.map((_, i) => i + 1).join())
      bad.push(`${d.code}: event versions ${evs.map((e) => e.version).join(',')}`);
    const replayed = replay(evs.map((e) => e.event as DossierEvent));
    const stored = typeof d.state === 'string' ? JSON.parse(d.state) : d.state;
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(replayed)), stored))
      bad.push(`${d.code}: stored state differs from replay(events)`);
    if (replayed?.status !== d.status) bad.push(`${d.code}: status column ${d.status} vs replay ${replayed?.status}`);
    if (d.version !== evs.length) bad.push(`${d.code}: version ${d.version} but ${evs.length} events`);
    for (const e of evs) {
      const n = outboxKeys.get(`${d.id}:${e.version}`) ?? 0;
      if (n !== 1) bad.push(`${d.code}: ${n} outbox messages for version ${e.version}`);
    }
  }
  if (new Set(dossiers.map((d) => d.code)).size !== dossiers.length) bad.push('duplicate dossier codes');
  const audit = await verifyAuditChain(db);
  if (!audit.ok) bad.push(`audit chain broken at ${audit.brokenId}: ${audit.reason}`);
  return bad;
}

/** Every outbox message published, and no job left but the periodic scans. */
export async function outboxDrained(db: Db): Promise<boolean> {
  const unpublished = await db
    .selectFrom('outbox')
    .select(db.fn.countAll<string>().as('n'))
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(unpublished.n) > 0) return false;
  const { sql } = await import('kysely');
  const jobs = await sql<{ n: string }>`
    SELECT count(*) AS n FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE t.identifier <> 'periodic_scans'`.execute(db);
  return Number(jobs.rows[0]?.n) === 0;
}
