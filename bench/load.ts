/**
 * HTTP load test (autocannon) against a real `motcua serve` process: a steady mix of online
 * submissions (POST /dossiers, each with its Idempotency-Key), dossier reads, work queues, the public
 * lookup and /healthz, for a fixed time. Submissions are valid: the procedure's e-form filled from
 * its published JSON Schema (checked with the server's validator before the load) and, when the
 * submit rules want files for mandatory documents, one prepared applicant per submission with a
 * session and a draft holding those files (setup, not measured; bench/lib/online.ts). Prints p50/p95/p99 per request kind and overall, the
 * throughput and the error rate (non-2xx answers, socket errors, timeouts; the public lookup's 429s
 * are its per-address rate limit doing its job and are counted apart). Bounded: the run stops
 * at --duration, the server is stopped afterwards.
 *
 *   node bench/load.ts                     # CI mode: 60 s, 16 connections
 *   node bench/load.ts --duration 600      # nightly mode: 10 minutes
 *   node bench/load.ts --db postgres://postgres@127.0.0.1:5432/postgres --connections 32
 *   node bench/load.ts --connections 64 --workers 2   # `motcua serve` with 2 API processes
 *
 * The database `motcua_bench_load` (`--database`) on that server is re-created, migrated and
 * demo-seeded. `--workers N` sets MOTCUA_WORKERS of the spawned server (node:cluster, default 1).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ROOT_DIR } from '../packages/server/src/config.ts';
import { createDb, migrateToLatest } from '../packages/server/src/db/database.ts';
import { createSession } from '../packages/server/src/modules/accounts/sessions.ts';
import { seedDemo } from '../packages/server/src/seed/seed.ts';
import { freePort } from '../packages/server/test/process-utils.ts';
import {
  DEFAULT_SERVER_URL,
  ensureDatabase,
  fmt,
  log,
  numOpt,
  opt,
  parseArgs,
  serverVersion,
  sleep,
  summarize,
  table,
  withDatabase,
} from './lib/common.ts';
import { onlineForm, prepareSubmitters, type Submitter } from './lib/online.ts';

type Kind = 'submit' | 'detail' | 'queue' | 'lookup' | 'healthz';
/** Share of the connections per request kind (a citizen-heavy portal with officers at work). */
const MIX: Record<Kind, number> = { submit: 0.25, detail: 0.3, queue: 0.25, lookup: 0.1, healthz: 0.1 };

/** The worker ordinal answering a request on a new connection (x-motcua-worker; none in single-process mode). */
function readyzWorker(port: number): Promise<{ status: number; worker: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const w = res.headers['x-motcua-worker'];
        resolve({ status: res.statusCode ?? 0, worker: Array.isArray(w) ? w[0] : w });
      });
    });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

/** `motcua serve` on the port; ready once /readyz is 200 and, with N workers, all N answered it. */
async function startServer(databaseUrl: string, port: number, dataDir: string, workers: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs'), 'serve', '--no-seed'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      MOTCUA_DATA_DIR: dataDir,
      MOTCUA_WORKERS: String(workers),
      MOTCUA_LOGIN_RATE_LIMIT: '100000',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const seen = new Set<string>();
  for (let i = 0; i < 600; i++) {
    try {
      const r = await readyzWorker(port);
      if (r.status === 200 && r.worker) seen.add(r.worker);
      if (r.status === 200 && (workers <= 1 || seen.size >= workers)) return child;
      if (r.status === 200) continue; // another connection: the next worker (round robin)
    } catch {
      // not yet
    }
    if (child.exitCode !== null) throw new Error('server exited before ready');
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('server not ready in 60 s');
}

async function main() {
  const args = parseArgs();
  const serverUrl = opt(args, 'db', 'BENCH_DATABASE_URL', DEFAULT_SERVER_URL);
  const duration = numOpt(args, 'duration', 'LOAD_DURATION', 60);
  const connections = numOpt(args, 'connections', 'LOAD_CONNECTIONS', 16);
  const workers = numOpt(args, 'workers', 'MOTCUA_WORKERS', 1);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers: a positive integer');
  // Sizes the pool of prepared submissions when each needs its own draft (files): expected rate × duration × 1.5.
  const submitRate = numOpt(args, 'submit-rate', 'LOAD_SUBMIT_RATE', 300);
  const url = withDatabase(serverUrl, opt(args, 'database', 'LOAD_DATABASE', 'motcua_bench_load'));
  // The procedure submitted online (a published one whose name starts with this).
  const procedureName = opt(args, 'procedure', null, 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất');
  await ensureDatabase(url, { recreate: true });
  const db = createDb(url, 4);
  await migrateToLatest(db);
  await seedDemo(db);
  const version = await serverVersion(url);

  const session = async (username: string) => {
    const u = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    const s = await createSession(db, u.id, 24, { ip: null, userAgent: 'bench/load' });
    return { cookie: `motcua_session=${s.token}`, 'x-csrf-token': s.csrfToken };
  };
  const citizen = await session('048090001234');
  const receptionist = await session('tiepnhan.ttphc');
  const p = await db
    .selectFrom('procedure_versions')
    .select('procedure_id')
    .where('name', 'like', `${procedureName.replace(/[\\%_]/g, '\\$&')}%`)
    .where('status', '=', 'published')
    .orderBy('name')
    .executeTakeFirstOrThrow(() => new Error(`no published procedure named "${procedureName}…"`));
  const commune = await db
    .selectFrom('agencies')
    .select('id')
    .where('admin_unit_code', '=', '20242')
    .executeTakeFirstOrThrow();
  // The e-form as a citizen fills it (validated here as the server will) and the files the submit rules want.
  const form = await onlineForm(db, p.procedure_id);
  const contact = { phone: '0905123456', address: '12 Lê Duẩn, Hải Châu', residenceCommuneId: commune.id };
  const body = JSON.stringify({ procedureId: p.procedure_id, applicant: contact, formData: form.formData });
  // No file needed: the one citizen submits again and again. Files needed: a draft (with them) per
  // submission, which the submission consumes — one prepared applicant each, handed out in order.
  let pool: Submitter[] | null = null;
  if (form.fileSlots.length) {
    const count = Math.ceil(submitRate * duration * 1.5) + 1;
    const t = Date.now();
    pool = await prepareSubmitters(db, count, form, contact, null);
    log(
      `submit: ${pool.length} applicants with a session and a draft (${form.fileSlots.length} mandatory ` +
        `document file(s) each) in ${fmt((Date.now() - t) / 1000)} s`,
    );
  }
  log(
    `submit: ${form.name.slice(0, 70)} — e-form ${Object.keys(form.formData).length} field(s), ` +
      `${form.fileSlots.length ? `files in ${form.fileSlots.join(', ')}` : 'no file required'}`,
  );
  let next = 0;
  let ranOutAt: number | null = null;

  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-load-'));
  const server = await startServer(url, port, dataDir, workers);
  const base = `http://127.0.0.1:${port}`;
  try {
    // A dossier to read and look up.
    const seed = pool ? pool[next++]! : { headers: citizen, body };
    const first = await fetch(`${base}/api/v1/dossiers`, {
      method: 'POST',
      headers: { ...seed.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: seed.body,
    });
    const d = (await first.json()) as { id: string; code: string; lookupSecret: string };
    if (first.status !== 201) throw new Error(`seed submission failed: ${first.status} ${JSON.stringify(d)}`);
    const reader = seed.headers;

    const json = { 'content-type': 'application/json' };
    // autocannon's stop() (not in bench/autocannon.d.ts): ends that instance's run early.
    let submitInst: { stop(): void } | null = null;
    let last: autocannon.Request | null = null;
    const requests: Record<Kind, autocannon.Request> = {
      submit: {
        method: 'POST',
        path: '/api/v1/dossiers',
        headers: { ...citizen, ...json },
        body,
        setupRequest: (req) => {
          if (!pool) return { ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } };
          const s = pool[next++];
          if (!s) {
            // Out of prepared drafts: stop submitting (the submit figures cover the shorter window);
            // until the instance stops its connections replay the previous request, not counted.
            if (ranOutAt === null) {
              ranOutAt = Date.now();
              setImmediate(() => submitInst?.stop());
            }
            return last ?? req;
          }
          last = { ...req, headers: { ...s.headers, ...json, 'idempotency-key': randomUUID() }, body: s.body };
          return last;
        },
      },
      detail: { method: 'GET', path: `/api/v1/dossiers/${d.id}`, headers: reader },
      queue: { method: 'GET', path: '/api/v1/dossiers?queue=reception', headers: receptionist },
      lookup: {
        method: 'GET',
        path: `/api/v1/lookup?code=${encodeURIComponent(d.code)}&secret=${encodeURIComponent(d.lookupSecret)}`,
      },
      healthz: { method: 'GET', path: '/healthz' },
    };
    log(
      `load: ${connections} connections for ${duration} s on ${base}, ${workers} API worker${workers > 1 ? 's' : ''} ` +
        `(MOTCUA_WORKERS=${workers}; PostgreSQL ${version})`,
    );
    const started = Date.now();
    const samples: Record<Kind, number[]> = { submit: [], detail: [], queue: [], lookup: [], healthz: [] };
    const bad: Record<Kind, number> = { submit: 0, detail: 0, queue: 0, lookup: 0, healthz: 0 };
    const limited: Record<Kind, number> = { submit: 0, detail: 0, queue: 0, lookup: 0, healthz: 0 };
    const kinds = Object.keys(MIX) as Kind[];
    const runs = kinds.map((kind) => {
      const inst = autocannon({
        url: base,
        connections: Math.max(1, Math.round(connections * MIX[kind])),
        duration,
        timeout: 10,
        requests: [requests[kind]],
      });
      inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (kind === 'submit' && ranOutAt !== null) return;
        if (status === 429 && kind === 'lookup') {
          limited[kind]++;
          return;
        }
        samples[kind].push(ms);
        if (status >= 300) bad[kind]++;
      });
      if (kind === 'submit') submitInst = inst as unknown as { stop(): void };
      return inst.then((r) => ({ kind, r }));
    });
    const results = await Promise.all(runs);
    const rows: (string | number)[][] = [];
    let total = 0;
    let errors = 0;
    const all: number[] = [];
    for (const { kind, r } of results) {
      const s = summarize([...samples[kind]].sort((a, b) => a - b));
      const failed = bad[kind] + r.errors + r.timeouts;
      const n = samples[kind].length + r.errors + r.timeouts;
      // A submit window cut short by running out of drafts: its rate over the time it ran.
      const window = kind === 'submit' && ranOutAt !== null ? (ranOutAt - started) / 1000 : duration;
      total += n;
      errors += failed;
      all.push(...samples[kind]);
      rows.push([
        kind === 'submit' && ranOutAt !== null ? `submit (ran out: ${fmt(window)} s)` : kind,
        Math.max(1, Math.round(connections * MIX[kind])),
        n,
        fmt(n / window),
        fmt(s.p50),
        fmt(s.p95),
        fmt(s.p99),
        `${fmt((100 * failed) / Math.max(1, n), 2)} %`,
        limited[kind],
      ]);
    }
    const s = summarize(all.sort((a, b) => a - b));
    rows.push([
      '**all**',
      connections,
      total,
      fmt(total / duration),
      fmt(s.p50),
      fmt(s.p95),
      fmt(s.p99),
      `${fmt((100 * errors) / Math.max(1, total), 2)} %`,
      Object.values(limited).reduce((a, b) => a + b, 0),
    ]);
    console.log(
      table(
        ['request', 'connections', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', '429 (rate limit)'],
        rows,
      ),
    );
    const created = await db.selectFrom('dossiers').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    log(`dossiers created: ${created.n}`);
    if (ranOutAt !== null) log(`submit ran out of prepared drafts: raise --submit-rate above ${submitRate}`);
    if (errors > 0) process.exitCode = 1;
  } finally {
    server.kill('SIGINT');
    await new Promise((r) => server.once('exit', r));
    await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
