import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COUNT_KEYS, type DossierCounts, type WorkCalendar } from '@motcua/core';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { calendarFor } from '../src/modules/dossiers/dossier.decide.ts';
import { type CommandBody, executeCommand } from '../src/modules/dossiers/dossier.execute.ts';
import { submitDossier } from '../src/modules/dossiers/dossier.submit.ts';
import { settlementReport, totalRow } from '../src/modules/indicators/indicators.reports.ts';
import {
  breakdown,
  countsFor,
  DRILL_METRICS,
  type DrillMetric,
  drillDown,
  foldStatDeltas,
  inProgressNow,
  naiveCounts,
  type Period,
  pendingAtEnd,
  periodOf,
  previousPeriod,
  type Scope,
  splitPeriod,
} from '../src/modules/indicators/indicators.service.ts';
import type { CommandContext } from '../src/shared/command-context.ts';
import { insertDraftWithMandatoryFiles } from './apply-helpers.ts';
import { actorOf, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { mandatoryChecklist, mandatoryChecklistOfProcedure } from './reception-helpers.ts';
import { insertResultFile } from './result-file.ts';

/**
 * The indicator aggregates (migration 0007) against an independent recount written here (`recount`:
 * plain TypeScript over the raw dossier rows, from the definitions of docs/indicators.md §2 — not
 * the production SQL), on random dossier histories driven through the real dossier service at fixed moments: received
 * online or at the counter, refused, closed after an unanswered supplement, finished early / on
 * time / late / after an extension, returned online or at the counter, rated, or still open.
 */

let app: TestApp;
let db: Db;
let calendar: WorkCalendar;
let provincePath: string;
let commune: { id: string; path: string };
let procedureId: string;
let fieldCode: string;
const ctx: Record<string, CommandContext> = {};
const SYSTEM: CommandContext = { actor: { kind: 'anonymous' }, requestId: null, system: true };
const vn = (s: string) => new Date(`${s}+07:00`);
const HOUR = 3_600_000;

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The citizen's draft with every mandatory document attached (online submissions require them). */
const citizenDraft = () =>
  insertDraftWithMandatoryFiles(db, (ctx[DEMO.citizen]!.actor as { userId: string }).userId, procedureId);

async function run(who: string | CommandContext, id: string, command: Record<string, unknown>, now: Date) {
  const c = typeof who === 'string' ? ctx[who]! : who;
  const v = await db.selectFrom('dossiers').select('version').where('id', '=', id).executeTakeFirstOrThrow();
  return executeCommand(db, {
    dossierId: id,
    command: { ...command, version: v.version } as CommandBody,
    ctx: c,
    idempotencyKey: randomUUID(),
    now,
  });
}

const due = async (id: string) =>
  (await db.selectFrom('dossiers').select('due').where('id', '=', id).executeTakeFirstOrThrow()).due!;

type Outcome = 'refused' | 'incomplete' | 'early' | 'on_time' | 'late' | 'extended' | 'open_step1' | 'open_step2';

/** One dossier of the commune procedure, taken along a random path. */
async function randomDossier(rnd: () => number, start: Date): Promise<void> {
  const online = rnd() < 0.6;
  const r = await submitDossier(
    db,
    online
      ? { procedureId, agencyId: commune.id, channel: 'online', formData: {}, draftId: await citizenDraft() }
      : {
          procedureId,
          channel: 'counter',
          formData: {},
          applicant: { name: 'Trần Thị Mai', idNumber: null },
          checklist: await mandatoryChecklistOfProcedure(db, procedureId),
        },
    online ? ctx[DEMO.citizen]! : ctx[DEMO.communeReceptionist]!,
    null,
    { now: start },
  );
  const id = (r.body as { id: string }).id;
  let t = new Date(start.getTime() + 10 * 60_000);
  const outcomes: Outcome[] = [
    'refused',
    'incomplete',
    'early',
    'on_time',
    'late',
    'extended',
    'open_step1',
    'open_step2',
  ];
  const outcome = outcomes[Math.floor(rnd() * outcomes.length)]!;
  if (online) {
    if (outcome === 'refused') {
      await run(DEMO.communeReceptionist, id, { type: 'refuse', reasons: ['Không thuộc thẩm quyền'] }, t);
      return;
    }
    if (outcome === 'incomplete') {
      await run(DEMO.communeReceptionist, id, { type: 'request_supplement', items: ['Tờ khai'] }, t);
      // Unanswered for 15 days (Decree 118/2025 art. 19(5)); sometimes still waiting.
      if (rnd() < 0.7) await run(SYSTEM, id, { type: 'close_incomplete' }, new Date(t.getTime() + 16 * 24 * HOUR));
      return;
    }
    await run(DEMO.communeReceptionist, id, { type: 'receive', checklist: await mandatoryChecklist(db, id) }, t);
  } else if (outcome === 'refused' || outcome === 'incomplete') {
    return; // received at the counter; stays open at reception
  }
  t = new Date(t.getTime() + 5 * 60_000);
  await run(DEMO.communeReceptionist, id, { type: 'forward' }, t);
  if (outcome === 'open_step1') return;
  t = new Date(t.getTime() + 30 * 60_000);
  await run(DEMO.communeOfficer, id, { type: 'claim' }, t);
  t = new Date(t.getTime() + HOUR);
  await run(DEMO.communeOfficer, id, { type: 'forward' }, t);
  if (outcome === 'open_step2') return;
  const appointment = await due(id);
  if (outcome === 'extended') {
    t = new Date(t.getTime() + 10 * 60_000);
    const newDue = calendar.addWorkingMs(appointment, 2 * calendar.workingDayMs);
    await run(DEMO.communeLeader, id, { type: 'extend', newDue, reason: 'Chờ xác minh' }, t);
  }
  // When the leader finishes: well before the appointment, on its day, or after it.
  const finishAt =
    outcome === 'early'
      ? new Date(t.getTime() + 2 * 60_000)
      : outcome === 'on_time'
        ? new Date(appointment.getTime() - 30 * 60_000)
        : outcome === 'late'
          ? new Date(appointment.getTime() + (1 + Math.floor(rnd() * 48)) * HOUR)
          : new Date(t.getTime() + 20 * 60_000);
  // The leader approves and confirms the attached result document (issue 13), then finishes.
  const leader = ctx[DEMO.communeLeader]!.actor;
  await insertResultFile(db, id, leader.kind === 'officer' ? leader.userId : null);
  for (const type of ['approve', 'sign', 'finish']) await run(DEMO.communeLeader, id, { type }, finishAt);
  if (rnd() < 0.25) return; // result waiting at the counter
  const returnedAt = new Date(finishAt.getTime() + (1 + Math.floor(rnd() * 72)) * HOUR);
  await run(
    DEMO.communeReceptionist,
    id,
    { type: 'return_result', method: rnd() < 0.5 ? 'online' : 'counter' },
    returnedAt,
  );
  if (online && rnd() < 0.6) {
    const score = () => (rnd() < 0.15 ? 0 : rnd() < 0.3 ? 1 : 2) as 0 | 1 | 2;
    await run(
      DEMO.citizen,
      id,
      { type: 'rate', scores: { time_vs_limit: score(), staff_attitude: score(), information_accuracy: score() } },
      new Date(returnedAt.getTime() + (1 + Math.floor(rnd() * 200)) * HOUR),
    );
  }
}

const PERIODS: Period[] = [
  periodOf('month', '2026-01-15'),
  periodOf('month', '2026-02-10'),
  periodOf('month', '2026-03-01'),
  periodOf('quarter', '2026-02-01'),
  periodOf('year', '2026-06-01'),
  periodOf('week', '2026-02-25'),
  periodOf('day', '2026-03-03'),
  { from: '2026-01-20', to: '2026-03-10' },
  { from: '2025-12-15', to: '2026-04-30' },
];

function scopes(): Scope[] {
  return [
    { agencyPath: provincePath },
    { agencyPath: commune.path },
    { agencyPath: provincePath, fieldCode },
    { agencyPath: provincePath, procedureId },
    { agencyPath: provincePath, fieldCode: 'NO-SUCH-FIELD' },
  ];
}

// ---------------------------------------------------------------------------------------------
// The oracle: the counts recomputed in TypeScript from the raw rows of the dossiers table, one
// definition per counter as docs/indicators.md §2 states it. It shares no code with production
// (neither the trigger of migration 0007 nor naiveCounts), so the two can disagree.

type RawDossier = {
  parent_dossier_id: string | null;
  agency_path: string;
  procedure_id: string;
  field_code: string;
  channel: string;
  status: string;
  outcome: string | null;
  submitted_at: Date | null;
  received_at: Date | null;
  result_at: Date | null;
  returned_at: Date | null;
  finished_at: Date | null;
  due: Date | null;
  state: {
    fees?: { paidAt: number | null }[];
    extensionCount?: number;
    returnMethod?: string | null;
    closedReason?: string | null;
    rating?: { at: number; scores: Record<string, number> } | null;
  };
};

/** Every dossier with its responsible agency's path (the agency it counts for). */
async function rawDossiers(): Promise<RawDossier[]> {
  const { rows } = await sql<RawDossier>`
    SELECT d.parent_dossier_id, a.path AS agency_path, d.procedure_id, d.field_code, d.channel, d.status,
           d.outcome, d.submitted_at, d.received_at, d.result_at, d.returned_at, d.finished_at, d.due, d.state
    FROM dossiers d JOIN agencies a ON a.id = d.responsible_agency_id`.execute(db);
  return rows;
}

/** Local (UTC+7) calendar day of a moment, `YYYY-MM-DD`. */
const localDay = (t: Date | number | null | undefined): string | null =>
  t === null || t === undefined ? null : new Date(Number(t) + 7 * HOUR).toISOString().slice(0, 10);
const dayIn = (day: string | null, p: Period) => day !== null && day >= p.from && day <= p.to;
const within = (t: Date | number | null | undefined, p: Period) => dayIn(localDay(t), p);

function inScope(d: RawDossier, scope: Scope) {
  return (
    d.parent_dossier_id === null &&
    d.agency_path.startsWith(scope.agencyPath) &&
    (!scope.fieldCode || d.field_code === scope.fieldCode) &&
    (!scope.procedureId || d.procedure_id === scope.procedureId)
  );
}

function recount(rows: RawDossier[], scope: Scope, p: Period): DossierCounts {
  const c = Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as DossierCounts;
  for (const d of rows.filter((r) => inScope(r, scope))) {
    const s = d.state;
    const fees = s.fees ?? [];
    // Late: result after the appointment, or an extension was needed; early: an earlier local day.
    const late = d.result_at !== null && d.due !== null && (d.result_at > d.due || (s.extensionCount ?? 0) > 0);
    const early = d.result_at !== null && d.due !== null && !late && localDay(d.result_at)! < localDay(d.due)!;
    if (within(d.submitted_at, p)) c.submitted++;
    if (within(d.received_at, p)) {
      c.received++;
      if (d.channel === 'online') c.received_online++;
      if (d.channel === 'postal') c.received_postal++;
      if (fees.length > 0) c.with_fee++;
      if (fees.length > 0 && fees.every((f) => f.paidAt !== null)) c.fee_paid++;
      if (d.result_at !== null && !late) c.cohort_on_time++;
    }
    if (within(d.result_at, p)) {
      if (late) c.finished_late++;
      else if (early) c.finished_early++;
      else c.finished_on_time++;
      if (d.outcome === 'refused') c.finished_refused++;
    }
    if (within(d.returned_at, p)) {
      c.returned++;
      if (s.returnMethod === 'online') c.returned_online++;
    }
    if (within(d.finished_at, p)) {
      if (d.status === 'refused') c.refused++;
      if (d.status === 'stopped') c.stopped++;
      if (d.status === 'closed' && s.closedReason === 'withdrawn') c.withdrawn++;
      if (d.status === 'closed' && s.closedReason === 'supplement_timeout') c.closed_incomplete++;
    }
    const endedAt =
      d.received_at === null
        ? null
        : (d.result_at ?? (['refused', 'stopped', 'closed', 'returned'].includes(d.status) ? d.finished_at : null));
    if (within(endedAt, p)) c.ended++;
    if (d.received_at !== null && within(d.due, p)) c.due++;
    if (d.received_at !== null && d.due !== null && endedAt !== null) {
      const a = localDay(endedAt)!;
      const b = localDay(d.due)!;
      if (dayIn(a > b ? a : b, p)) c.due_settled++;
    }
    const scores = Object.values(s.rating?.scores ?? {});
    if (scores.length > 0 && within(s.rating!.at, p)) {
      c.rated++;
      if (!scores.includes(0)) c.rated_satisfied++;
      c.rating_points += scores.reduce((x, y) => x + y, 0);
      c.rating_max += 2 * scores.length;
    }
  }
  return c;
}

const OPEN_STATUSES = ['received', 'processing', 'supplement_requested', 'fee_requested', 'withdrawal_requested'];

/** Open dossiers at a moment, by appointment: the oracle for inProgressNow. */
function recountInProgress(rows: RawDossier[], scope: Scope, now: Date) {
  const open = rows.filter((d) => inScope(d, scope) && OPEN_STATUSES.includes(d.status) && d.received_at !== null);
  const onTime = open.filter((d) => d.due !== null && d.due >= now).length;
  const overdue = open.filter((d) => d.due !== null && d.due < now).length;
  return { total: onTime + overdue, onTime, overdue };
}

async function expectAggregatesEqualRecount(label: string) {
  const rows = await rawDossiers();
  for (const scope of scopes()) {
    for (const p of PERIODS) {
      const [agg, naive] = await Promise.all([countsFor(db, scope, p), naiveCounts(db, scope, p)]);
      const expected = recount(rows, scope, p);
      const where = `${label} ${JSON.stringify(scope)} ${p.from}..${p.to}`;
      expect(agg, where).toEqual(expected);
      // The benchmark's baseline (production SQL) must agree with the oracle too.
      expect(naive, `naive ${where}`).toEqual(expected);
    }
  }
}

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  for (const u of [DEMO.citizen, DEMO.communeReceptionist, DEMO.communeOfficer, DEMO.communeLeader]) {
    ctx[u] = { actor: await actorOf(db, u), requestId: null };
  }
  const root = await db
    .selectFrom('agencies')
    .select(['id', 'path'])
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow();
  provincePath = root.path;
  calendar = await calendarFor(db, root.id);
  commune = await db
    .selectFrom('agencies')
    .select(['id', 'path'])
    .where('name', '=', 'UBND Phường Hải Châu')
    .executeTakeFirstOrThrow();
  const p = await db
    .selectFrom('procedure_versions')
    .select(['procedure_id', 'field_code'])
    .where('name', '=', 'Chứng thực di chúc')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  procedureId = p.procedure_id;
  fieldCode = p.field_code;

  // 60 dossiers over January–March 2026, in submission order, at working-hour moments.
  const rnd = prng(766);
  const starts = Array.from({ length: 60 }, () => {
    const day = Math.floor(rnd() * 80);
    const minutes = 8 * 60 + Math.floor(rnd() * 7 * 60);
    return new Date(vn('2026-01-05T00:00:00').getTime() + day * 24 * HOUR + minutes * 60_000);
  }).sort((a, b) => a.getTime() - b.getTime());
  for (const s of starts) await randomDossier(rnd, s);
}, 120_000);

describe('aggregates = an independent recount of the dossiers table', () => {
  it('the random histories cover every kind of outcome', async () => {
    const c = recount(await rawDossiers(), { agencyPath: provincePath }, { from: '2025-01-01', to: '2026-12-31' });
    for (const k of [
      'received',
      'received_online',
      'finished_early',
      'finished_on_time',
      'finished_late',
      'returned',
      'returned_online',
      'refused',
      'closed_incomplete',
      'rated',
    ] as const) {
      expect(c[k], k).toBeGreaterThan(0);
    }
    expect(c.rated_satisfied).toBeLessThan(c.rated);
  });

  it('before folding (deltas only), after folding, and with new deltas on top of folded rows', async () => {
    expect(
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dossier_stat_deltas`.execute(db)).rows[0]!.n),
    ).toBeGreaterThan(0);
    await expectAggregatesEqualRecount('unfolded');
    expect(await foldStatDeltas(db)).toBeGreaterThan(0);
    expect(
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dossier_stat_deltas`.execute(db)).rows[0]!.n),
    ).toBe(0);
    await expectAggregatesEqualRecount('folded');
    // More commands after the fold: some rows folded, some still deltas.
    const rnd = prng(2022);
    for (let i = 0; i < 8; i++) await randomDossier(rnd, vn(`2026-02-${String(2 + i * 3).padStart(2, '0')}T09:00:00`));
    await expectAggregatesEqualRecount('mixed');
  });

  it('a full rebuild from the dossiers gives the same tables as the incremental path', async () => {
    await foldStatDeltas(db);
    const snapshot = async () =>
      (
        await sql<Record<string, unknown>>`SELECT * FROM dossier_stats_day WHERE ${sql.raw(
          COUNT_KEYS.map((k) => `${k} <> 0`).join(' OR '),
        )} ORDER BY day, agency_id, procedure_id`.execute(db)
      ).rows;
    const incremental = await snapshot();
    await sql`SELECT rebuild_dossier_stats()`.execute(db);
    expect(await snapshot()).toEqual(incremental);
    await expectAggregatesEqualRecount('rebuilt');
  });

  it('the breakdown per agency and per field adds up to the scope total', async () => {
    for (const p of PERIODS.slice(0, 4)) {
      const total = await countsFor(db, { agencyPath: provincePath }, p);
      for (const by of ['agency', 'field', 'procedure'] as const) {
        const rows = await breakdown(db, { agencyPath: provincePath }, p, by);
        const sum = Object.fromEntries(COUNT_KEYS.map((k) => [k, rows.reduce((s, r) => s + r.counts[k], 0)]));
        expect(sum, `${by} ${p.from}`).toEqual(total);
      }
    }
  });

  it('the dossiers behind each number: the drill-down list has exactly as many', async () => {
    const now = new Date();
    const p = PERIODS[3]!;
    const c = await countsFor(db, { agencyPath: provincePath }, p);
    const expected: Partial<Record<DrillMetric, number>> = {
      received: c.received,
      received_online: c.received_online,
      received_counter: c.received - c.received_online,
      finished: c.finished_early + c.finished_on_time + c.finished_late,
      finished_early: c.finished_early,
      finished_on_time: c.finished_on_time,
      finished_late: c.finished_late,
      returned: c.returned,
      refused: c.refused,
      withdrawn: c.withdrawn,
      stopped: c.stopped,
      closed_incomplete: c.closed_incomplete,
      rated: c.rated,
      rated_unsatisfied: c.rated - c.rated_satisfied,
    };
    for (const [metric, n] of Object.entries(expected)) {
      const page = await drillDown(db, { agencyPath: provincePath }, p, metric as DrillMetric, now, {
        limit: 5,
        offset: 0,
      });
      expect(page.total, metric).toBe(n);
      expect(page.items.length).toBe(Math.min(5, n));
    }
    expect(DRILL_METRICS).toEqual(expect.arrayContaining(Object.keys(expected)));
  });

  it('dossiers in progress at the end of a period, from cumulative aggregates', async () => {
    for (const day of ['2026-01-31', '2026-02-15', '2026-03-31', '2026-06-30']) {
      const end = new Date(`${day}T00:00:00+07:00`).getTime() + 24 * HOUR;
      const rows = await db
        .selectFrom('dossiers')
        .select(['received_at', 'result_at', 'finished_at', 'status', 'due'])
        .where('parent_dossier_id', 'is', null)
        .execute();
      let pending = 0;
      let overdue = 0;
      for (const r of rows) {
        if (!r.received_at || r.received_at.getTime() >= end) continue;
        const endedAt =
          r.result_at ?? (['refused', 'stopped', 'closed', 'returned'].includes(r.status) ? r.finished_at : null);
        if (endedAt && endedAt.getTime() < end) continue;
        pending++;
        // Overdue when the appointment's day is over by the end of the day.
        if (r.due && r.due.getTime() < end) overdue++;
      }
      expect(await pendingAtEnd(db, { agencyPath: provincePath }, day), day).toEqual({
        pending,
        overdue,
        onTime: pending - overdue,
      });
    }
  });
});

describe('in progress now', () => {
  it('from the aggregates equals the live count of open dossiers, also around an appointment later today', async () => {
    // "Now" must not precede recorded events: start after the last one, with a fresh dossier
    // received then, and look just before and just after its appointment (same day).
    const { rows } = await sql<{ t: Date }>`
      SELECT greatest(max(submitted_at), max(received_at), max(result_at), max(returned_at), max(finished_at),
        max(to_timestamp((state->'rating'->>'at')::double precision / 1000))) AS t FROM dossiers`.execute(db);
    const after = new Date(rows[0]!.t.getTime() + 7 * 24 * HOUR);
    const receivedAt = vn(`${after.toISOString().slice(0, 10)}T08:00:00`);
    const r = await submitDossier(
      db,
      { procedureId, agencyId: commune.id, channel: 'online', formData: {}, draftId: await citizenDraft() },
      ctx[DEMO.citizen]!,
      null,
      { now: receivedAt },
    );
    const id = (r.body as { id: string }).id;
    const checklist = await mandatoryChecklist(db, id);
    await run(DEMO.communeReceptionist, id, { type: 'receive', checklist }, new Date(receivedAt.getTime() + 60_000));
    const appointment = await due(id);
    const moments = [
      new Date(receivedAt.getTime() + 2 * HOUR),
      new Date(appointment.getTime() - 60_000),
      new Date(appointment.getTime() + 60_000),
      new Date(appointment.getTime() + 30 * 24 * HOUR),
    ];
    const raw = await rawDossiers();
    for (const now of moments) {
      for (const scope of scopes()) {
        const live = recountInProgress(raw, scope, now);
        expect(await inProgressNow(db, scope, now), `${now.toISOString()} ${JSON.stringify(scope)}`).toEqual(live);
      }
    }
    const justBefore = await inProgressNow(db, { agencyPath: commune.path }, moments[1]!);
    const justAfter = await inProgressNow(db, { agencyPath: commune.path }, moments[2]!);
    expect(justAfter.overdue).toBe(justBefore.overdue + 1);
  });
});

describe('periods', () => {
  it('weeks start on Monday; quarters and years; the previous period has the same kind', () => {
    expect(periodOf('week', '2026-03-05')).toEqual({ from: '2026-03-02', to: '2026-03-08' });
    expect(periodOf('quarter', '2026-05-20')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(periodOf('month', '2024-02-10')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(previousPeriod('month', periodOf('month', '2026-03-10'))).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousPeriod('custom', { from: '2026-03-10', to: '2026-03-19' })).toEqual({
      from: '2026-02-28',
      to: '2026-03-09',
    });
  });

  it('whole months are read from the month table, the edges from the day table', () => {
    expect(splitPeriod({ from: '2026-01-20', to: '2026-04-10' })).toEqual({
      months: ['2026-02-01', '2026-03-01'],
      days: [
        { from: '2026-01-20', to: '2026-01-31' },
        { from: '2026-04-01', to: '2026-04-10' },
      ],
    });
    expect(splitPeriod({ from: '2026-02-01', to: '2026-02-28' })).toEqual({
      months: ['2026-02-01', '2026-02-01'],
      days: [],
    });
    expect(splitPeriod({ from: '2026-02-03', to: '2026-02-20' })).toEqual({
      months: null,
      days: [{ from: '2026-02-03', to: '2026-02-20' }],
    });
  });
});

describe('HTTP: dashboard figures, drill-down, reports, access', () => {
  const get = async (who: string, url: string) => {
    const c = await sessionFor(db, who);
    return app.inject({ method: 'GET', url: `/api/v1${url}`, headers: c.headers });
  };

  it('the provincial leader sees the province; the figures are the raw dossiers recomputed', async () => {
    const r = await get(DEMO.provincialLeader, '/indicators?period=quarter&date=2026-02-01');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    const p = { from: '2026-01-01', to: '2026-03-31' };
    expect(body.period).toMatchObject({ kind: 'quarter', ...p });
    expect(body.previousPeriod).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    const expected: DossierCounts = recount(await rawDossiers(), { agencyPath: provincePath }, p);
    expect(body.counts).toEqual(expected);
    const finished = expected.finished_early + expected.finished_on_time + expected.finished_late;
    expect(body.finished).toBe(finished);
    expect(body.onTimeRate).toBeCloseTo((expected.finished_early + expected.finished_on_time) / finished, 10);
    const progress = body.score.groups.find((g: { key: string }) => g.key === 'progress');
    expect(progress.points).toBeCloseTo(
      Math.round(((20 * expected.cohort_on_time) / expected.received) * 100) / 100,
      2,
    );
    expect(body.score.maxPoints).toBe(100);
    expect(body.inProgressNow.total).toBe(body.inProgressNow.onTime + body.inProgressNow.overdue);
  });

  it('a period with nothing settled has no on-time rate (null, shown "—"), not 100 %', async () => {
    const r = await get(DEMO.provincialLeader, '/indicators?period=month&date=2024-06-01');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ finished: 0, onTimeRate: null, previousOnTimeRate: null });
    // The ranking: a unit that received but settled nothing has no rate either (ranked last).
    type Item = { received: number; finished: number; onTimeRate: number | null; onlineRate: number | null };
    const items: Item[] = [];
    for (let day = 5; day <= 31; day++) {
      const date = `2026-01-${String(day).padStart(2, '0')}`;
      const b = await get(DEMO.provincialLeader, `/indicators/breakdown?by=agency&period=day&date=${date}`);
      expect(b.statusCode, b.body).toBe(200);
      items.push(...(b.json().items as Item[]));
    }
    expect(items.some((i) => i.received > 0 && i.finished === 0)).toBe(true);
    for (const i of items) {
      expect(i.onTimeRate === null, JSON.stringify(i)).toBe(i.finished === 0);
      expect(i.onlineRate === null, JSON.stringify(i)).toBe(i.received === 0);
    }
    const rows = await settlementReport(db, { agencyPath: provincePath }, { from: '2024-06-01', to: '2024-06-30' });
    expect(totalRow(rows).onTimeRate).toBeNull();
  });

  it('ranking of agencies by on-time rate, and CSV', async () => {
    const r = await get(DEMO.provincialLeader, '/indicators/breakdown?by=agency&period=quarter&date=2026-02-01');
    expect(r.statusCode, r.body).toBe(200);
    const items = r.json().items as { rank: number; name: string; received: number; onTimeRate: number | null }[];
    expect(items.find((i) => i.name === 'UBND Phường Hải Châu')?.received).toBeGreaterThan(0);
    expect(items.map((i) => i.rank)).toEqual(items.map((_, i) => i + 1));
    const csv = await get(
      DEMO.provincialLeader,
      '/indicators/breakdown?by=field&period=quarter&date=2026-02-01&format=csv',
    );
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.startsWith('\uFEFFHạng / Rank,')).toBe(true);
  });

  it('drill-down from a number to the dossiers, as JSON and CSV', async () => {
    const q = 'period=quarter&date=2026-02-01&metric=finished_late';
    const r = await get(DEMO.provincialLeader, `/indicators/dossiers?${q}&limit=3`);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    const c = recount(await rawDossiers(), { agencyPath: provincePath }, { from: '2026-01-01', to: '2026-03-31' });
    expect(body.total).toBe(c.finished_late);
    expect(body.items[0]).toMatchObject({ code: expect.any(String), procedureName: 'Chứng thực di chúc' });
    const csv = await get(DEMO.provincialLeader, `/indicators/dossiers?${q}&format=csv`);
    expect(csv.body.trim().split('\r\n')).toHaveLength(c.finished_late + 1);
    expect(csv.body).toMatch(/\d{2}\/\d{2}\/2026 \d{2}:\d{2}/);
  });

  it('a commune leader sees the commune only; others get 404; citizens 403; anonymous 401', async () => {
    const own = await get(DEMO.communeLeader, '/indicators?period=month&date=2026-02-01');
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().agency.name).toBe('UBND Phường Hải Châu');
    const root = await db.selectFrom('agencies').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
    const other = await get(DEMO.communeLeader, `/indicators?agencyId=${root.id}`);
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
    expect((await get(DEMO.citizen, '/indicators')).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/indicators' })).statusCode).toBe(401);
    const bad = await get(DEMO.provincialLeader, '/indicators?period=custom&from=2026-03-01&to=2026-01-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/Từ ngày/);
  });

  it('the settlement report balances, opens in Excel form, and converts with LibreOffice', async () => {
    const p = { from: '2026-02-01', to: '2026-02-28' };
    const rows = await settlementReport(db, { agencyPath: provincePath }, p);
    const t = totalRow(rows);
    // carried over + new = settled + ended otherwise + still in progress
    expect(t.carriedOver + t.received).toBe(t.settled + t.endedOtherwise + t.inProgress);
    expect(t.received).toBe(recount(await rawDossiers(), { agencyPath: provincePath }, p).received);
    const r = await get(DEMO.provincialLeader, '/reports/settlement?period=month&date=2026-02-15');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getCell(4, 1).value)).toBe('TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    expect(String(ws.getCell(6, 1).value)).toContain('từ ngày 01/02/2026 đến ngày 28/02/2026');
    const totalLine = 13 + rows.length;
    expect(ws.getCell(totalLine, 2).value).toBe('Tổng cộng');
    expect(ws.getCell(totalLine, 3).value).toBe(t.inCharge);
    expect(ws.getCell(totalLine, 7).value).toBe(t.settled);

    const office = ['/usr/bin/libreoffice', '/usr/bin/soffice'].find((f) => fs.existsSync(f));
    if (!office) {
      if (process.env.CI) throw new Error('LibreOffice is required in CI (apt-get install libreoffice-calc-nogui)');
      console.warn('LibreOffice not installed: skipping the conversion check');
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-lo-'));
    const book = await get(DEMO.communeReceptionist, '/reports/tracking-book?from=2026-01-01&to=2026-03-31');
    expect(book.statusCode, book.body).toBe(200);
    fs.writeFileSync(path.join(dir, 'settlement.xlsx'), r.rawPayload);
    fs.writeFileSync(path.join(dir, 'tracking-book.xlsx'), book.rawPayload);
    execFileSync(
      office,
      [
        `-env:UserInstallation=file://${dir}/profile`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        path.join(dir, 'settlement.xlsx'),
        path.join(dir, 'tracking-book.xlsx'),
      ],
      { stdio: 'pipe', timeout: 120_000 },
    );
    for (const f of ['settlement.pdf', 'tracking-book.pdf']) {
      const pdf = fs.readFileSync(path.join(dir, f));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 150_000);
});
