/**
 * Command throughput and latency: (a) online submission (submitDossier of a citizen's prepared
 * draft: every mandatory document attached, as the submit rules require) and (b) step transitions
 * (executeCommand: forward, claim, forward, approve, sign, finish, return_result) on dossiers each
 * client created for itself (no two clients touch the same dossier, so no 409s), at 16 and 64
 * concurrent clients for a fixed time; (c) counter submissions by every client to ONE unit (its one
 * code counter row: gapless numbers), with the span of the numbers checked against the count. Baseline in the same run: pgbench's TPC-B-like transaction
 * (`pgbench -c N -j 2 -T D -b tpcb-like`) on the same server, in a database of its own.
 *
 *   node bench/commands.ts --db postgres://postgres@127.0.0.1:5432/motcua_bench_cmd --clients 16,64 --duration 20
 *
 * The database is created, migrated and demo-seeded when missing; it may also be the 1 M seed
 * (bench/seed-dossiers.ts), whose generated officers then spread the clients over the communes.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '@motcua/core';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createDb, type Db, migrateToLatest } from '../packages/server/src/db/database.ts';
import type { Database } from '../packages/server/src/db/schema.ts';
import { calendarFor } from '../packages/server/src/modules/dossiers/dossier.decide.ts';
import { type CommandBody, executeCommand } from '../packages/server/src/modules/dossiers/dossier.execute.ts';
import { submitDossier } from '../packages/server/src/modules/dossiers/dossier.submit.ts';
import { seedDemo } from '../packages/server/src/seed/seed.ts';
import {
  DEFAULT_SERVER_URL,
  databaseOf,
  ensureDatabase,
  fmt,
  listOpt,
  log,
  numOpt,
  opt,
  parseArgs,
  pick,
  prng,
  type Rng,
  serverVersion,
  summarize,
  table,
  withDatabase,
} from './lib/common.ts';
import { Monitor, type WindowReport } from './lib/monitor.ts';
import { type PgbenchResult, pgbenchInit, pgbenchRun } from './lib/pgbench.ts';
import {
  type AgencyInfo,
  isMandatory,
  loadWorld,
  type OfficerInfo,
  officerActor,
  type ProcedureInfo,
  type World,
} from './lib/world.ts';

type Team = { commune: AgencyInfo; receptionist: OfficerInfo; officer: OfficerInfo; leader: OfficerInfo };

type RunResult = {
  clients: number;
  op: string;
  ops: number;
  tps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  firstError: string | null;
  stalled: boolean;
  /** seconds of the measured window before the prepared work ran out (the window was cut short), else null */
  ranOutAfter: number | null;
  window: WindowReport;
  byType?: Map<string, number[]>;
};

const STEPS: { who: keyof Omit<Team, 'commune'>; body: { type: CommandBody['type']; method?: string } }[] = [
  { who: 'receptionist', body: { type: 'forward' } },
  { who: 'officer', body: { type: 'claim' } },
  { who: 'officer', body: { type: 'forward' } },
  { who: 'leader', body: { type: 'approve' } },
  { who: 'leader', body: { type: 'sign' } },
  { who: 'leader', body: { type: 'finish' } },
  { who: 'receptionist', body: { type: 'return_result', method: 'counter' } },
];

/** Thrown by an operation when the work prepared for the run is used up: the run stops there. */
class RanOut extends Error {}

/**
 * C loops issue `op` back to back for warmup + duration; operations finishing inside the measured
 * window count. A watchdog ends the run when nothing completes for `stallMs` (pool starvation).
 * An operation throwing RanOut ends the run early: the window (and tps) then stops where the last
 * operation in flight finished.
 */
async function drive(
  label: string,
  clients: number,
  warmupMs: number,
  durationMs: number,
  monitor: Monitor,
  op: (client: number) => Promise<string | null>,
  stallMs = 15_000,
): Promise<Omit<RunResult, 'clients' | 'op'>> {
  const latencies: number[] = [];
  const byType = new Map<string, number[]>();
  let errors = 0;
  let firstError: string | null = null;
  let lastProgress = performance.now();
  let stalled = false;
  let ranOutAt: number | null = null;
  let ranOut: () => void = () => undefined;
  const ranOutSignal = new Promise<void>((resolve) => {
    ranOut = resolve;
  });
  const start = performance.now();
  const from = start + warmupMs;
  const end = from + durationMs;
  let window: WindowReport | null = null;
  let loopsDoneResolve: () => void = () => undefined;
  const loopsDone = new Promise<void>((resolve) => {
    loopsDoneResolve = resolve;
  });
  // The window's timers, cut short when the work runs out or every loop has ended (stalled).
  const wait = (ms: number) =>
    Promise.race([new Promise((r) => setTimeout(r, Math.max(0, ms)).unref()), ranOutSignal, loopsDone]);
  const windowDone = (async () => {
    await wait(warmupMs);
    await monitor.start();
    await wait(from + durationMs - performance.now());
    if (ranOutAt !== null) await loopsDone;
    window = await monitor.stop();
  })();
  const watchdog = setInterval(() => {
    if (performance.now() - lastProgress > stallMs) stalled = true;
  }, 500);
  await Promise.race([
    Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        while (!stalled && ranOutAt === null && performance.now() < end) {
          const t0 = performance.now();
          try {
            const type = await op(i);
            const t1 = performance.now();
            lastProgress = t1;
            if (t0 >= from && t1 <= end) {
              latencies.push(t1 - t0);
              if (type) {
                const list = byType.get(type) ?? [];
                list.push(t1 - t0);
                byType.set(type, list);
              }
            }
          } catch (e) {
            if (e instanceof RanOut) {
              ranOutAt ??= performance.now();
              ranOut();
              break;
            }
            errors++;
            lastProgress = performance.now();
            firstError ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          }
        }
      }),
    ).then(() => loopsDoneResolve()),
    new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (stalled) {
          clearInterval(check);
          resolve();
        }
      }, 200);
      check.unref();
    }),
  ]);
  clearInterval(watchdog);
  const loopsEnd = performance.now();
  loopsDoneResolve();
  await windowDone;
  const s = summarize(latencies);
  if (stalled) log(`  ${label}: STALLED — no operation completed for ${stallMs / 1000} s`);
  // Ran out: the window ends when the last operation in flight finished (or at its planned end).
  const measuredMs = ranOutAt === null ? durationMs : Math.max(0, Math.min(end, loopsEnd) - from);
  const ranOutAfter = ranOutAt === null ? null : measuredMs / 1000;
  if (ranOutAfter !== null) {
    log(
      `  ${label}: the prepared work ran out ${fmt(ranOutAfter)} s into the measured window: measured that long only`,
    );
  }
  return {
    ops: s.n,
    tps: stalled || measuredMs === 0 ? 0 : s.n / (measuredMs / 1000),
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    errors,
    firstError,
    stalled,
    ranOutAfter,
    window: window!,
    byType,
  };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const url = opt(args, 'db', 'BENCH_COMMANDS_URL', withDatabase(DEFAULT_SERVER_URL, 'motcua_bench_cmd'));
  const pgbenchUrl = opt(args, 'pgbench-db', 'BENCH_PGBENCH_URL', withDatabase(url, 'motcua_bench_pgbench'));
  const clientsList = listOpt(args, 'clients', 'BENCH_CLIENTS', '16,64').map(Number);
  const duration = numOpt(args, 'duration', 'BENCH_DURATION', 20);
  const warmup = numOpt(args, 'warmup', null, 3);
  const ops = listOpt(args, 'ops', null, 'submit,counter,transition');
  const scale = numOpt(args, 'pgbench-scale', null, 16);
  const pgbenchBin = opt(args, 'pgbench', 'PGBENCH', 'pgbench');
  const threads = numOpt(args, 'pgbench-threads', null, 2);
  const poolFactor = numOpt(args, 'pool-factor', null, 2);
  const poolFixed = args.has('pool-size') ? numOpt(args, 'pool-size', null, 0) : null;
  const skipPgbench = args.has('no-pgbench');
  const whatIf = args.has('what-if');
  // Expected online submissions per second before any was measured: sizes the first pool of drafts.
  const submitTpsGuess = numOpt(args, 'submit-tps', null, 400);
  const rng = prng(numOpt(args, 'seed', null, 7));

  log(`commands benchmark on ${databaseOf(url)} — ${await serverVersion(withDatabase(url, 'postgres'))}`);
  if (await ensureDatabase(url, { recreate: args.has('recreate') })) log(`created ${databaseOf(url)}`);
  const setup = createDb(url, 4);
  await migrateToLatest(setup);
  const seeded = await seedDemo(setup);
  if (seeded.seeded) log(`demo seed: ${seeded.agencies} agencies, ${seeded.users} users`);
  const world = await loadWorld(setup);
  const counts = await setup
    .selectFrom('dossiers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  await setup.destroy();
  log(`${Number(counts.n).toLocaleString('en')} dossiers already there`);

  const teams = teamsOf(world);
  // Online: commune procedures a citizen may apply for, each with the communes handling it.
  const onlineCommune = world.procedures
    .map((p) => ({ proc: p, communes: p.handlers.filter((h) => h.level === 'commune') }))
    .filter(
      ({ proc, communes }) =>
        proc.level === 'commune' &&
        proc.channels.includes('online') &&
        proc.applicantKinds.includes('citizen') &&
        communes.length > 0,
    );
  const counterProc = world.procedures.find(
    (p) =>
      p.level === 'commune' &&
      p.limit !== null &&
      'days' in p.limit &&
      p.workflow.steps.length === 2 &&
      p.workflow.steps.every((s) => !s.consultations?.length) &&
      p.workflow.steps[1]!.actions.includes('sign'),
  );
  if (!counterProc || onlineCommune.length === 0) throw new Error('no suitable demo procedure');
  // What the receptionist checks at the counter: every mandatory component, with the counts the procedure asks for.
  const counterChecklist = counterProc.documents.filter(isMandatory).map((d) => {
    const original = d.original ?? 0;
    const copy = d.copy ?? 0;
    return original + copy > 0 ? { name: d.name, original, copy } : { name: d.name, original: 1 };
  });
  log(
    `${onlineCommune.length} online commune procedures for submissions; ` +
      `${teams.length} team(s) for transitions (${teams
        .map((t) => t.commune.name)
        .slice(0, 3)
        .join(', ')}` +
      `${teams.length > 3 ? ', …' : ''}); procedure for transitions: ${counterProc.name.slice(0, 60)}`,
  );

  /** A walk-in dossier of the counter procedure, checked and received on the spot by this receptionist. */
  const receiveAtCounter = (on: Db, receptionist: OfficerInfo) =>
    submitDossier(
      on,
      {
        procedureId: counterProc.procedureId,
        channel: 'counter',
        applicant: { name: 'Nguyễn Văn Bench', idNumber: '048099999999', phone: '0905000000' },
        formData: {},
        checklist: counterChecklist,
      },
      { actor: officerActor(receptionist), requestId: randomUUID() },
      randomUUID(),
    );

  const connectionCap = await freeConnections(url);
  if (!skipPgbench) {
    await ensureDatabase(pgbenchUrl);
    const t = Date.now();
    await pgbenchInit(pgbenchBin, pgbenchUrl, scale);
    log(`pgbench -i -s ${scale} into ${databaseOf(pgbenchUrl)} in ${fmt((Date.now() - t) / 1000)} s`);
  }

  const results: RunResult[] = [];
  const baselines = new Map<number, PgbenchResult>();
  let lastSubmitTps: number | null = null;
  for (const clients of clientsList) {
    if (!skipPgbench) {
      log(`pgbench -c ${clients} -j ${threads} -T ${duration} -b tpcb-like …`);
      const b = await pgbenchRun(pgbenchBin, pgbenchUrl, clients, threads, duration);
      baselines.set(clients, b);
      log(`  pgbench: ${fmt(b.tps)} tps, p95 ${fmt(b.p95, 2)} ms`);
    }
    // More connections than clients (see --pool-size), within what the server accepts.
    const poolSize = poolFixed ?? Math.min(clients * poolFactor + 2, connectionCap);
    if (poolSize <= clients && poolFixed === null) {
      throw new Error(`the server accepts ${connectionCap} more connections: not enough for ${clients} clients`);
    }
    const db = createDb(url, poolSize);
    await calendarFor(db, world.province.id);
    const monitor = () => new Monitor(url, 'motcua');
    let submitTps: number | null = null;

    const submissions = async (runDb: Db, op: string, setupDb: Db = runDb) => {
      // One citizen, one prepared draft per submission (setup, not measured): the pool is sized from
      // the expected rate like the transitions' dossiers, generously; running out ends the window.
      const expected = Math.max(submitTpsGuess, lastSubmitTps ?? 0);
      const poolCount = Math.ceil(expected * (duration + warmup) * 1.5);
      const t = Date.now();
      const drafts = await prepareDrafts(setupDb, poolCount, onlineCommune, rng);
      log(
        `submit: ${drafts.length} applicant accounts with a draft ready (${drafts.reduce((n, d) => n + d.files, 0)} ` +
          `document files) in ${fmt((Date.now() - t) / 1000)} s`,
      );
      log(`${op}: ${clients} clients, ${duration} s (+${warmup} s warm-up), pool ${poolSize} …`);
      let k = 0;
      const r = await drive(op, clients, warmup * 1000, duration * 1000, monitor(), async () => {
        const d = drafts[k++];
        if (!d) throw new RanOut();
        // As the portal's "Nộp hồ sơ" sends it (web ApplyPage submit): the draft, its unit and the contact.
        const res = await submitDossier(
          runDb,
          {
            procedureId: d.procedureId,
            agencyId: d.agencyId,
            channel: 'online',
            applicant: d.contact,
            formData: {},
            draftId: d.draftId,
          },
          // Signed in with VNeID level 2, as online applicants arrive from the national portal (a
          // procedure may require it: catalog `identityLevel`, 403 identity_level_required otherwise).
          { actor: { kind: 'applicant', userId: d.userId, name: d.name, assuranceLevel: 2 }, requestId: randomUUID() },
          randomUUID(),
        );
        if (res.statusCode !== 201) throw new Error(`submit answered ${res.statusCode}`);
        return 'submit';
      });
      if (runDb === setupDb) {
        submitTps = r.tps;
        if (!r.stalled && r.ranOutAfter === null) lastSubmitTps = r.tps;
      }
      if (r.ranOutAfter !== null) {
        log(`  (${drafts.length} drafts were not enough: raise --submit-tps above ${fmt(expected, 0)})`);
      }
      // The drafts left over go (setup, not measured): a submitted draft is gone already.
      await discardUnused(
        setupDb,
        drafts.slice(k).map((d) => d.draftId),
      );
      results.push({ clients, op, ...r });
      report(results.at(-1)!, baselines.get(clients));
    };
    if (ops.includes('submit')) await submissions(db, 'submit (online)');

    const transitions = async (runDb: Db, op: string) => {
      // Each client owns its dossiers: received at the counter of its team's commune.
      const expected = Math.max(50, (submitTps ?? 200) * 1.5);
      const perClient = Math.ceil(((expected * (duration + warmup)) / STEPS.length / clients) * 1.5) + 2;
      const t = Date.now();
      const owned: { id: string; version: number }[][] = Array.from({ length: clients }, () => []);
      // A deliberately small measured pool (--pool-size) could stall here: then use a pool of its own.
      const ownSetupPool = poolSize <= clients;
      let setupDb = ownSetupPool ? createDb(url, clients + 2) : runDb;
      const create = async (i: number) => {
        const team = teams[i % teams.length]!;
        const res = await receiveAtCounter(setupDb, team.receptionist);
        const body = res.body as { id: string; version: number };
        // The leader approves and confirms a result document (issue 13): attach one (setup, not measured).
        await setupDb
          .insertInto('attachments')
          .values({
            dossier_id: body.id,
            draft_id: null,
            kind: 'result',
            slot: 'result',
            version_no: 1,
            file_name: 'ket-qua.pdf',
            media_type: 'application/pdf',
            size_bytes: 1,
            sha256: '0'.repeat(64),
            uploaded_by: null,
          })
          .execute();
        return { id: body.id, version: body.version };
      };
      await Promise.all(
        owned.map(async (list, i) => {
          for (let n = 0; n < perClient; n++) list.push(await create(i));
        }),
      );
      log(`transitions: ${clients * perClient} dossiers received for the clients in ${fmt((Date.now() - t) / 1000)} s`);
      if (ownSetupPool) await setupDb.destroy();
      setupDb = runDb;
      const cursor = owned.map(() => ({ dossier: 0, step: 0 }));
      let refills = 0;
      log(`${op}: ${clients} clients, ${duration} s (+${warmup} s warm-up), pool ${poolSize} …`);
      const r = await drive(op, clients, warmup * 1000, duration * 1000, monitor(), async (i) => {
        const c = cursor[i]!;
        if (c.dossier >= owned[i]!.length) {
          owned[i]!.push(await create(i));
          refills++;
        }
        const d = owned[i]![c.dossier]!;
        const step = STEPS[c.step]!;
        const team = teams[i % teams.length]!;
        const actor: Actor = officerActor(team[step.who]);
        const res = await executeCommand(runDb, {
          dossierId: d.id,
          command: { ...step.body, version: d.version } as CommandBody,
          ctx: { actor, requestId: randomUUID() },
          idempotencyKey: randomUUID(),
        });
        d.version = (res.body as { version: number }).version;
        c.step++;
        if (c.step === STEPS.length) {
          c.step = 0;
          c.dossier++;
        }
        return step.body.type;
      });
      if (refills) log(`  (${refills} dossiers had to be created during the run: raise the estimate)`);
      results.push({ clients, op, ...r });
      report(results.at(-1)!, baselines.get(clients));
    };
    if (ops.includes('counter')) {
      // Every client at the counter of ONE unit (as the province's service centre receives every
      // provincial dossier): all submissions number from that unit's one counter row (gapless).
      const team = teams[0]!;
      const unitId = team.receptionist.agency.id;
      const before = await db
        .selectFrom('dossiers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('receiving_agency_id', '=', unitId)
        .executeTakeFirstOrThrow();
      log(
        `counter (one unit): ${clients} clients at ${team.receptionist.agency.name}, ${duration} s (+${warmup} s warm-up), pool ${poolSize} …`,
      );
      const r = await drive('counter (one unit)', clients, warmup * 1000, duration * 1000, monitor(), async () => {
        const res = await receiveAtCounter(db, team.receptionist);
        if (res.statusCode !== 201) throw new Error(`counter submit answered ${res.statusCode}`);
        return 'counter';
      });
      // Gapless: the numbers of the unit's new dossiers (warm-up included) are consecutive.
      const after = await db
        .selectFrom('dossiers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('receiving_agency_id', '=', unitId)
        .executeTakeFirstOrThrow();
      const created = Number(after.n) - Number(before.n);
      const codes = await db
        .selectFrom('dossiers')
        .select('code')
        .where('receiving_agency_id', '=', unitId)
        .orderBy('submitted_at', 'desc')
        .limit(created)
        .execute();
      const seqs = codes
        .map((c) => Number(/(\d+)\D*$/.exec(c.code)?.[1] ?? Number.NaN))
        .filter(Number.isFinite)
        .sort((x, y) => x - y);
      const span = seqs.length ? seqs.at(-1)! - seqs[0]! + 1 : 0;
      log(`  counter (one unit): ${created} dossiers; their numbers span ${span} (gapless when equal)`);
      results.push({ clients, op: 'counter (one unit)', ...r });
      report(results.at(-1)!, baselines.get(clients));
    }
    if (ops.includes('transition')) await transitions(db, 'step transition');
    if (results.some((r) => r.stalled)) continue;
    await db.destroy();
    if (whatIf) {
      // What-if: the same submissions and transitions with the audit chain's advisory lock turned into a no-op —
      // the chain may fork, so only in this scratch database, only to size what the lock costs.
      const unlocked = await noAuditLockDb(url, poolSize);
      if (ops.includes('submit')) {
        // Its drafts are prepared through a pool of its own (the what-if's pool is the measured one).
        const setupDb = createDb(url, clients + 2);
        await submissions(unlocked, 'submit (online), what-if: no audit lock', setupDb);
        await setupDb.destroy();
      }
      if (ops.includes('transition')) await transitions(unlocked, 'step transition, what-if: no audit lock');
      await unlocked.destroy();
    }
  }

  console.log('\nResults (latencies in ms; ratio = our tps / pgbench tpcb-like tps at the same client count)\n');
  const rows: (string | number)[][] = [];
  for (const c of clientsList) {
    const b = baselines.get(c);
    if (b)
      rows.push([c, 'pgbench tpcb-like (baseline)', fmt(b.tps), fmt(b.p50, 2), fmt(b.p95, 2), fmt(b.p99, 2), '1.00']);
    for (const r of results.filter((x) => x.clients === c)) {
      rows.push([
        c,
        r.op +
          (r.errors ? ` (${r.errors} errors)` : '') +
          (r.stalled ? ' STALLED' : '') +
          (r.ranOutAfter !== null ? ` (ran out: ${fmt(r.ranOutAfter)} s measured)` : ''),
        fmt(r.tps),
        fmt(r.p50, 2),
        fmt(r.p95, 2),
        fmt(r.p99, 2),
        b ? fmt(r.tps / b.tps, 2) : '–',
      ]);
    }
  }
  console.log(table(['clients', 'op', 'tps', 'p50', 'p95', 'p99', 'ratio'], rows));
  console.log('\nWhere the time went during each measured window\n');
  console.log(
    table(
      ['clients', 'op', 'machine CPU %', 'node CPU % of a core', 'server backends: top wait events (% of samples)'],
      results.map((r) => [
        r.clients,
        r.op,
        fmt(r.window.machineCpu, 0),
        fmt(r.window.nodeCpu, 0),
        r.window.waits
          .slice(0, 4)
          .map(([w, p]) => `${w} ${fmt(p, 0)}`)
          .join(', '),
      ]),
    ),
  );
  const transitions = results.filter((r) => r.byType);
  if (transitions.some((r) => r.op.startsWith('step transition'))) {
    console.log('\nStep transitions by command (p50 / p95 ms)\n');
    const types = STEPS.map((s) => s.body.type);
    console.log(
      table(
        ['clients', 'op', ...types],
        transitions
          .filter((r) => r.op.startsWith('step transition'))
          .map((r) => [
            r.clients,
            r.op,
            ...types.map((ty, i) => {
              // forward appears twice in the cycle; both share one list
              if (types.indexOf(ty) !== i) return '″';
              const s = summarize(r.byType!.get(ty) ?? []);
              return `${fmt(s.p50, 1)} / ${fmt(s.p95, 1)}`;
            }),
          ]),
      ),
    );
  }
  const bad = results.filter((r) => r.errors > 0 || r.stalled);
  for (const r of bad) console.log(`\n${r.clients} clients, ${r.op}: ${r.errors} errors; first: ${r.firstError}`);
}

type PreparedDraft = {
  userId: string;
  /** The account's name, which a session carries (Actor.name). */
  name: string;
  draftId: string;
  procedureId: string;
  agencyId: string;
  contact: { phone: string; address: string; residenceCommuneId: string };
  files: number;
};

/**
 * `count` new citizen accounts (personal ids 0799xxxxxxxx), each with a saved draft of a random
 * online commune procedure — the commune chosen, the contact as the portal saves it
 * (drafts.service.ts startDraft/saveDraft) — and one uploaded file per mandatory document in its
 * slot `doc-<index>` (dummy sha256: the bytes are never read). Bulk SQL, not the services: setup.
 */
async function prepareDrafts(
  db: Db,
  count: number,
  procs: { proc: ProcedureInfo; communes: AgencyInfo[] }[],
  rng: Rng,
): Promise<PreparedDraft[]> {
  const admin = await db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirst();
  const passwordHash = admin?.password_hash ?? 'x';
  const top = await sql<{ n: string }>`
    SELECT coalesce(max(substr(personal_id, 5)::bigint), 0) AS n FROM users WHERE personal_id LIKE '0799%'`.execute(db);
  let next = Number(top.rows[0]!.n) + 1;
  const out: PreparedDraft[] = [];
  const batch = 5000;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const users = await sql<{ id: string; full_name: string }>`
      INSERT INTO users (kind, username, full_name, phone, applicant_type, personal_id, password_hash)
      SELECT 'applicant', id, 'Công dân Bench ' || g, '0905123456', 'citizen', id, ${passwordHash}
        FROM generate_series(${next}::bigint, ${next + n - 1}::bigint) g, lpad(g::text, 8, '0') s, concat('0799', s) id
      RETURNING id, full_name`.execute(db);
    const nameOf = new Map(users.rows.map((u) => [u.id, u.full_name]));
    next += n;
    const rows = users.rows.map((u) => {
      const { proc, communes } = pick(rng, procs);
      const commune = pick(rng, communes);
      return {
        user: u.id,
        version: proc.versionId,
        procedure: proc.procedureId,
        agency: commune.id,
        contact: { phone: '0905123456', address: '1 Trần Phú', residenceCommuneId: commune.id },
        slots: proc.documents.flatMap((doc, i) => (isMandatory(doc) ? [`doc-${i}`] : [])),
      };
    });
    const drafts = await sql<{ id: string; user: string }>`
      INSERT INTO dossier_drafts (applicant_user_id, procedure_version_id, agency_id, form_data, contact, version, updated_at)
      SELECT r.user, r.version, r.agency, '{}', r.contact, 2, now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("user" uuid, version uuid, agency uuid, contact jsonb)
      RETURNING id, applicant_user_id AS "user"`.execute(db);
    const draftOf = new Map(drafts.rows.map((d) => [d.user, d.id]));
    const files = rows.flatMap((r) => r.slots.map((slot) => ({ draft: draftOf.get(r.user)!, user: r.user, slot })));
    await sql`
      INSERT INTO attachments (dossier_id, draft_id, kind, slot, version_no, file_name, media_type, size_bytes, sha256, uploaded_by)
      SELECT NULL, f.draft, 'document', f.slot, 1, f.slot || '.pdf', 'application/pdf', 1, repeat('0', 64), f.user
        FROM jsonb_to_recordset(${JSON.stringify(files)}::jsonb) AS f(draft uuid, "user" uuid, slot text)`.execute(db);
    for (const r of rows) {
      out.push({
        userId: r.user,
        name: nameOf.get(r.user) ?? '',
        draftId: draftOf.get(r.user)!,
        procedureId: r.procedure,
        agencyId: r.agency,
        contact: r.contact,
        files: r.slots.length,
      });
    }
  }
  // Statistics as a running system would have them (autovacuum may be off on the bench server).
  await sql`ANALYZE users, dossier_drafts, attachments`.execute(db);
  return out;
}

/** Drafts prepared but not submitted, with their files (the stored bytes were never there). */
async function discardUnused(db: Db, draftIds: string[]): Promise<void> {
  for (let i = 0; i < draftIds.length; i += 5000) {
    const ids = draftIds.slice(i, i + 5000);
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('attachments').where('draft_id', 'in', ids).where('dossier_id', 'is', null).execute();
      await tx.deleteFrom('dossier_drafts').where('id', 'in', ids).execute();
    });
  }
}

/**
 * A Db like createDb's whose connections call `bench_no_lock(…)`, a function doing nothing, where
 * the server's SQL says `pg_advisory_xact_lock(…)` (what-if only). Both forms of the lock are
 * covered: one bigint key (one audit chain) and two int keys (a lock per chain, decision 0006).
 * A function of its own, with typed arguments: the key is an untyped parameter ($1), which a
 * variadic "any" stand-in (num_nonnulls) cannot take.
 */
async function noAuditLockDb(url: string, max: number): Promise<Db> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE OR REPLACE FUNCTION bench_no_lock(bigint) RETURNS void LANGUAGE sql AS 'SELECT NULL::void'`);
    await c.query(
      `CREATE OR REPLACE FUNCTION bench_no_lock(integer, integer) RETURNS void LANGUAGE sql AS 'SELECT NULL::void'`,
    );
  } finally {
    await c.end();
  }
  class NoAdvisoryLockClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pass-through of pg's overloaded query()
    override query(...args: any[]): any {
      if (typeof args[0] === 'string' && args[0].includes('pg_advisory_xact_lock(')) {
        args[0] = args[0].replace(/pg_advisory_xact_lock\(/g, 'bench_no_lock(');
      }
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (super.query as any)(...args);
    }
  }
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'motcua', Client: NoAdvisoryLockClient });
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Connections the server still accepts (max_connections less the reserved ones and those in use), less a margin. */
async function freeConnections(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: number }>(
      `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
              - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS n`,
    );
    return r.rows[0]!.n - 4;
  } finally {
    await c.end();
  }
}

function report(r: RunResult, b: PgbenchResult | undefined): void {
  log(
    `  ${r.op}: ${fmt(r.tps)} tps, p50 ${fmt(r.p50, 2)} ms, p95 ${fmt(r.p95, 2)} ms, p99 ${fmt(r.p99, 2)} ms` +
      (b ? `, ratio ${fmt(r.tps / b.tps, 2)}` : '') +
      (r.errors ? `, ${r.errors} errors (${r.firstError})` : ''),
  );
}

/** Communes with a receptionist at their one-stop unit, an officer and a leader. */
function teamsOf(world: World): Team[] {
  const teams: Team[] = [];
  for (const commune of world.agencies.filter((a) => a.level === 'commune')) {
    const unit = world.agencies.find((a) => a.parentId === commune.id && a.receivesDossiers);
    if (!unit) continue;
    const receptionist = world.officers(unit.id, 'receptionist')[0];
    const officer = world.officers(commune.id, 'officer')[0];
    const leader = world.officers(commune.id, 'leader')[0];
    if (receptionist && officer && leader) teams.push({ commune, receptionist, officer, leader });
  }
  if (teams.length === 0) throw new Error('no commune with a receptionist, an officer and a leader');
  return teams;
}

main()
  // A stalled run leaves transactions waiting for the pool: do not wait for them.
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
