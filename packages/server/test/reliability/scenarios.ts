/**
 * The crash and multi-process scenarios, parameterised: the short versions run in `npm test`
 * (test/reliability/), the long ones in `npm run test:chaos` (test/chaos/).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import { applicantEmail, DossierEventMessage } from '../../src/modules/notifications/notification.templates.ts';
import { formFor } from '../eform-helpers.ts';
import { type Client, createTestDatabase, DEMO, sessionFor } from '../helpers.ts';
import {
  checkInvariants,
  outboxDrained,
  type Proc,
  pendingJobs,
  sendUntilAcked,
  startServer,
  startSmtpSink,
  startWorker,
  tempDir,
  waitFor,
} from './harness.ts';

export async function landProcedure(db: Db) {
  const p = await db
    .selectFrom('procedure_versions')
    .select(['procedure_id'])
    .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const commune = await db
    .selectFrom('agencies')
    .select(['id'])
    .where('admin_unit_code', '=', '20242')
    .executeTakeFirstOrThrow();
  // Its e-form filled in, as the portal sends it (the form is validated on submission).
  return { procedureId: p.procedure_id, communeId: commune.id, formData: await formFor(db, p.procedure_id) };
}

/**
 * The land procedure with its document components made conditional, in this test database only:
 * the load scenarios submit many dossiers of one citizen for one procedure at once, which the
 * portal's rule (one draft per citizen and procedure, every mandatory document uploaded to it)
 * would serialize. They exercise the engine under faults; the document rule has its own tests
 * (portal-apply.test.ts).
 */
export async function loadTestProcedure(db: Db) {
  const land = await landProcedure(db);
  // A published version is immutable (its guard trigger); this test database's fixture steps past it.
  await db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE procedure_versions DISABLE TRIGGER procedure_versions_immutable`.execute(tx);
    await sql`
      UPDATE procedure_versions SET content = jsonb_set(content, '{documents}', (
        SELECT coalesce(jsonb_agg(jsonb_set(d, '{requirement}', '"conditional"')), '[]'::jsonb)
          FROM jsonb_array_elements(content -> 'documents') d))
        WHERE procedure_id = ${land.procedureId} AND status = 'published'`.execute(tx);
    await sql`ALTER TABLE procedure_versions ENABLE TRIGGER procedure_versions_immutable`.execute(tx);
  });
  return land;
}

type Acked = { id: string; code: string; commands: string[] };

/**
 * One submission, reception and transfer per loop turn, each retried with its key until acknowledged.
 * Returns the dossiers whose three commands were all acknowledged.
 */
async function writeLoad(opts: {
  baseUrl: () => string;
  clients: number;
  until: () => boolean;
  sessions: { applicants: Client[]; receptionist: Client };
  body: Record<string, unknown>;
  stats: { retries: number; unexpected: string[] };
}): Promise<Acked[]> {
  const done: Acked[] = [];
  const onRetry = () => {
    opts.stats.retries++;
  };
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, i) => {
      const applicant = opts.sessions.applicants[i % opts.sessions.applicants.length]!;
      while (!opts.until()) {
        const s = await sendUntilAcked(opts.baseUrl, applicant, 'POST', '/dossiers', opts.body, { onRetry });
        if (s.status !== 201) {
          opts.stats.unexpected.push(`submit → ${s.status} ${JSON.stringify(s.body).slice(0, 200)}`);
          return;
        }
        const id = s.body.id as string;
        const entry: Acked = { id, code: s.body.code as string, commands: ['submitted'] };
        let version = s.body.version as number;
        for (const type of ['receive', 'forward'] as const) {
          const r = await sendUntilAcked(
            opts.baseUrl,
            opts.sessions.receptionist,
            'POST',
            `/dossiers/${id}/actions`,
            { type, version },
            { onRetry },
          );
          if (r.status !== 200) {
            opts.stats.unexpected.push(`${type} ${entry.code} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
            return;
          }
          version = r.body.version as number;
          entry.commands.push(type === 'receive' ? 'received' : 'forwarded');
        }
        done.push(entry);
      }
    }),
  );
  return done;
}

/** Each acknowledged command is in the database exactly once; nothing else was written. */
async function checkAcknowledged(db: Db, acked: Acked[], before: Set<string>) {
  const rows = await db.selectFrom('dossiers').select(['id', 'code']).execute();
  const created = rows.filter((r) => !before.has(r.id));
  expect(created.map((r) => r.id).sort()).toEqual(acked.map((a) => a.id).sort());
  const events = await db
    .selectFrom('dossier_events')
    .select(['dossier_id', 'type'])
    .where(
      'dossier_id',
      'in',
      acked.map((a) => a.id),
    )
    .orderBy('dossier_id')
    .orderBy('version')
    .execute();
  const types = new Map<string, string[]>();
  for (const e of events) types.set(e.dossier_id, [...(types.get(e.dossier_id) ?? []), e.type]);
  for (const a of acked) expect(types.get(a.id), a.code).toEqual(a.commands);
}

/** Every outbox message reached its job, and every email it called for was accepted by SMTP. */
async function checkDelivered(db: Db, accepted: string[], publicUrl: string, exactlyOnce: boolean) {
  const outbox = await db.selectFrom('outbox').select(['id', 'payload']).where('topic', '=', 'dossier.event').execute();
  const notifications = await db
    .selectFrom('notifications')
    .select(['id', 'dossier_id', 'event_version', 'status'])
    .where('event_version', 'is not', null)
    .execute();
  const byEvent = new Map(notifications.map((n) => [`${n.dossier_id}:${n.event_version}`, n]));
  let expected = 0;
  for (const o of outbox) {
    const m = DossierEventMessage.safeParse(o.payload);
    // Online dossiers of applicants with accounts (the facts only shape the text, not whether it is sent).
    const facts = { lookupSecret: 'ABCD2345', channel: 'online', hasAccount: true };
    if (!m.success || !applicantEmail(m.data, publicUrl, facts)) continue;
    if (!m.data.applicantEmail && !m.data.applicantUserId) continue;
    expected++;
    const n = byEvent.get(`${m.data.dossierId}:${m.data.version}`);
    expect(n?.status, `email for outbox ${o.id} (${m.data.code} v${m.data.version})`).toBe('sent');
    const times = accepted.filter((x) => x === n!.id).length;
    if (exactlyOnce) expect(times, `notification ${n!.id} accepted by SMTP`).toBe(1);
    else expect(times, `notification ${n!.id} accepted by SMTP`).toBeGreaterThanOrEqual(1);
  }
  expect(expected).toBeGreaterThan(0);
  return expected;
}

export type CrashReport = { kills: number; dossiers: number; retries: number; emails: number };

/**
 * `motcua serve` (jobs in-process) under a write load, SIGKILLed `kills` times at random moments
 * and restarted on the same port; clients retry every unacknowledged request with its key.
 */
export async function crashScenario(o: {
  clients: number;
  kills: number;
  gapMs: [number, number];
}): Promise<CrashReport> {
  const { url: dbUrl, db } = await createTestDatabase();
  const sink = await startSmtpSink();
  const dataDir = tempDir('crash');
  const { procedureId, communeId, formData } = await loadTestProcedure(db);
  const sessions = {
    applicants: [await sessionFor(db, DEMO.citizen), await sessionFor(db, DEMO.organization)],
    receptionist: await sessionFor(db, DEMO.receptionist),
  };
  const before = new Set((await db.selectFrom('dossiers').select('id').execute()).map((r) => r.id));
  const spawnOpts = { databaseUrl: dbUrl, dataDir, smtpUrl: sink.url };
  let server: Proc & { url: string } = await startServer('api', spawnOpts);
  const port = server.port!;
  const stats = { retries: 0, unexpected: [] as string[] };
  let stop = false;
  let kills = 0;
  try {
    const load = writeLoad({
      baseUrl: () => server.url,
      clients: o.clients,
      until: () => stop,
      sessions,
      body: { procedureId, formData, applicant: { residenceCommuneId: communeId, address: '12 Lê Duẩn, Hải Châu' } },
      stats,
    });
    for (let k = 0; k < o.kills; k++) {
      await sleep(o.gapMs[0] + Math.random() * (o.gapMs[1] - o.gapMs[0]));
      await server.kill('SIGKILL');
      kills++;
      server = await startServer('api', { ...spawnOpts, port });
    }
    await sleep(o.gapMs[0]);
    stop = true;
    const acked = await load;
    expect(stats.unexpected).toEqual([]);
    expect(acked.length).toBeGreaterThan(0);
    await checkAcknowledged(db, acked, before);
    // Jobs the killed processes held run again once their locks are freed (jobs.liveness.ts).
    await waitFor(
      'outbox drained and jobs done',
      () => outboxDrained(db),
      60_000,
      () => pendingJobs(db),
    );
    expect(await checkInvariants(db)).toEqual([]);
    const failed = await db.selectFrom('notifications').select('id').where('status', '<>', 'sent').execute();
    expect(failed).toEqual([]);
    // A process killed after the SMTP server accepted and before its commit sends again (at least once).
    const emails = await checkDelivered(db, sink.accepted, server.url, false);
    return { kills, dossiers: acked.length, retries: stats.retries, emails };
  } catch (e) {
    (e as Error).message += `\n--- server output ---\n${server.output().slice(-3000)}`;
    throw e;
  } finally {
    stop = true;
    await server.kill('SIGKILL');
    await sink.close();
  }
}

/**
 * A worker killed while an email is on the wire: the job runs again in another worker, and the
 * email is accepted once.
 */
export async function workerKillScenario(): Promise<{ freedAfterMs: number }> {
  const { url: dbUrl, db } = await createTestDatabase();
  let releaseHeld!: () => void;
  const killed = new Promise<void>((r) => {
    releaseHeld = r;
  });
  let first = true;
  const sink = await startSmtpSink({
    hold: async () => {
      if (!first) return;
      first = false;
      await killed;
      throw new Error('sender died');
    },
  });
  const dataDir = tempDir('wkill');
  const spawnOpts = { databaseUrl: dbUrl, dataDir, smtpUrl: sink.url };
  const api = await startServer('api', { ...spawnOpts, env: { MOTCUA_JOBS: 'off' } });
  let w1: Proc | undefined;
  let w2: Proc | undefined;
  try {
    w1 = await startWorker('worker-1', spawnOpts);
    const { procedureId, communeId, formData } = await loadTestProcedure(db);
    const citizen = await sessionFor(db, DEMO.citizen);
    const s = await sendUntilAcked(() => api.url, citizen, 'POST', '/dossiers', {
      procedureId,
      formData,
      applicant: { residenceCommuneId: communeId },
    });
    expect(s.status).toBe(201);
    const receptionist = await sessionFor(db, DEMO.receptionist);
    const r = await sendUntilAcked(() => api.url, receptionist, 'POST', `/dossiers/${s.body.id}/actions`, {
      type: 'receive',
      version: s.body.version,
    });
    expect(r.status).toBe(200);
    await waitFor('the email is on the wire', async () => sink.dataStarted() >= 1);
    await w1.kill('SIGKILL');
    releaseHeld();
    const locked = (await sql`SELECT id FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL`.execute(db))
      .rows;
    expect(locked.length, 'the killed worker left its job locked').toBeGreaterThanOrEqual(1);
    const t0 = Date.now();
    w2 = await startWorker('worker-2', spawnOpts);
    await waitFor('the job ran again', async () => sink.accepted.length >= 1, 45_000);
    const freedAfterMs = Date.now() - t0;
    await waitFor(
      'outbox drained and jobs done',
      () => outboxDrained(db),
      30_000,
      () => pendingJobs(db),
    );
    const n = await db
      .selectFrom('notifications')
      .select(['id', 'status', 'attempts'])
      .where('dossier_id', '=', s.body.id as string)
      .execute();
    // Two notices: "submitted online" and "received" (issue 13); each accepted exactly once.
    expect(n).toHaveLength(2);
    expect(n.map((x) => x.status)).toEqual(['sent', 'sent']);
    await waitFor('both emails accepted', async () => sink.accepted.length >= 2, 30_000);
    expect([...sink.accepted].sort()).toEqual(n.map((x) => x.id).sort());
    // The killed attempt and the rerun; under load a rerun may itself time out and retry, which
    // starts DATA again — the guarantee is one accepted email.
    expect(sink.dataStarted()).toBeGreaterThanOrEqual(2);
    return { freedAfterMs };
  } finally {
    await w1?.kill('SIGKILL');
    await w2?.kill('SIGKILL');
    await api.kill('SIGKILL');
    await sink.close();
  }
}

export type MultiReport = { dossiers: number; claims: number; emails: number };

/**
 * Two API processes (jobs off) and two `motcua worker` processes on one database under load: every
 * submission gets its own code, each claim race has one winner, and each email is accepted once.
 */
export async function multiProcessScenario(o: { dossiers: number; racers: number }): Promise<MultiReport> {
  const { url: dbUrl, db } = await createTestDatabase();
  const sink = await startSmtpSink();
  const dataDir = tempDir('multi');
  const spawnOpts = { databaseUrl: dbUrl, dataDir, smtpUrl: sink.url };
  const procs: Proc[] = [];
  try {
    const apis = [
      await startServer('api-1', { ...spawnOpts, env: { MOTCUA_JOBS: 'off' } }),
      await startServer('api-2', { ...spawnOpts, env: { MOTCUA_JOBS: 'off' } }),
    ];
    procs.push(...apis);
    procs.push(await startWorker('worker-1', spawnOpts), await startWorker('worker-2', spawnOpts));
    const { procedureId, communeId, formData } = await loadTestProcedure(db);
    const applicants = [await sessionFor(db, DEMO.citizen), await sessionFor(db, DEMO.organization)];
    const receptionist = await sessionFor(db, DEMO.receptionist);
    const officer = await sessionFor(db, 'chuyenvien.snnmt');
    const api = (i: number) => () => apis[i % 2]!.url;
    const body = { procedureId, formData, applicant: { residenceCommuneId: communeId } };
    // Submissions through both processes at once: the code counter is shared.
    const subs = await Promise.all(
      Array.from({ length: o.dossiers }, (_, i) =>
        sendUntilAcked(api(i), applicants[i % 2]!, 'POST', '/dossiers', body),
      ),
    );
    for (const s of subs) expect(s.status, JSON.stringify(s.body)).toBe(201);
    const codes = subs.map((s) => s.body.code as string);
    expect(new Set(codes).size).toBe(o.dossiers);
    // Reception and transfer, alternating processes.
    const versions = await Promise.all(
      subs.map(async (s, i) => {
        let version = s.body.version as number;
        for (const type of ['receive', 'forward']) {
          const r = await sendUntilAcked(api(i + 1), receptionist, 'POST', `/dossiers/${s.body.id}/actions`, {
            type,
            version,
          });
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          version = r.body.version as number;
        }
        return version;
      }),
    );
    // Claim races: `racers` requests per dossier spread over both processes; one winner each.
    let claims = 0;
    await Promise.all(
      subs.map(async (s, i) => {
        const res = await Promise.all(
          Array.from({ length: o.racers }, (_, k) =>
            sendUntilAcked(api(k), officer, 'POST', `/dossiers/${s.body.id}/actions`, {
              type: 'claim',
              version: versions[i],
            }),
          ),
        );
        const won = res.filter((r) => r.status === 200);
        expect(won, res.map((r) => r.status).join()).toHaveLength(1);
        for (const r of res) if (r.status !== 200) expect(r.body.code).toBe('version_conflict');
        claims += res.length;
      }),
    );
    const claimed = await db
      .selectFrom('dossier_events')
      .select(['dossier_id', db.fn.countAll<string>().as('n')])
      .where('type', '=', 'claimed')
      .groupBy('dossier_id')
      .execute();
    expect(claimed).toHaveLength(o.dossiers);
    for (const c of claimed) expect(Number(c.n)).toBe(1);
    const assignees = await db
      .selectFrom('dossiers')
      .select('main_assignee_id')
      .where(
        'id',
        'in',
        subs.map((s) => s.body.id as string),
      )
      .execute();
    for (const a of assignees) expect(a.main_assignee_id).toBe(officer.userId);
    await waitFor(
      'outbox drained and jobs done',
      () => outboxDrained(db),
      60_000,
      () => pendingJobs(db),
    );
    expect(await checkInvariants(db)).toEqual([]);
    // No kill here: each email exactly once although two relays and two workers share the queue.
    const emails = await checkDelivered(db, sink.accepted, apis[0]!.url, true);
    return { dossiers: o.dossiers, claims, emails };
  } catch (e) {
    (e as Error).message +=
      `\n--- outputs ---\n${procs.map((p) => `${p.name}: ${p.output().slice(-1500)}`).join('\n')}`;
    throw e;
  } finally {
    for (const p of procs) await p.kill('SIGKILL');
    await sink.close();
  }
}
