import type { Actor, DossierState, WorkCalendar } from '@motcua/core';
import { type ExpressionBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { agencyColumn, agencyIdsUnder } from '../agencies/agencies.queries.ts';
import { escapeLike, visibleTo } from './dossier.access.ts';
import { clockOf, pausesOf, remainingView, statusView, subStatusView } from './dossier.views.ts';

/**
 * Work queues (hàng đợi công việc) as queries, sorted by remaining working time. Remaining working
 * time is monotonic in the due moment for a given `now`, so ordering by `step_due` is ordering by
 * it exactly (paused dossiers are not in these queues).
 */
export const QUEUES = [
  'all',
  'mine',
  'unit_unclaimed',
  'unit',
  'due_soon',
  'overdue',
  'consultation',
  'supplement',
  'reception',
  'transfer',
  'return',
] as const;
export type Queue = (typeof QUEUES)[number];

export type QueueQuery = {
  queue: Queue;
  q?: string;
  status?: string;
  procedureId?: string;
  /** `due_soon`: within this many working hours (default one working day). */
  withinHours?: number;
  page: number;
  pageSize: number;
};

const OPEN = ['received', 'processing', 'supplement_requested', 'fee_requested', 'withdrawal_requested'];

type Eb = ExpressionBuilder<Database, 'dossiers'>;

function inSubtree(agencyPath: string) {
  return (eb: Eb) => eb('dossiers.step_agency_id', 'in', agencyIdsUnder(agencyPath));
}

export async function listDossiers(ex: Executor, actor: Actor, query: QueueQuery, calendar: WorkCalendar, now: Date) {
  const officer = actor.kind === 'officer' ? actor : null;
  // The officer queues below select by the officer's own agency subtree or assignment, which
  // implies visibility (the step, consulted and receiving agencies are all in dossier_agencies);
  // the general visibility test would hash every dossier the subtree ever touched (bench/queues.ts).
  const scoped = officer !== null && query.queue !== 'all' && query.queue !== 'supplement';
  let q = scoped ? ex.selectFrom('dossiers') : ex.selectFrom('dossiers').where(visibleTo(actor));
  const t = now.getTime();
  let byDue = true;
  switch (query.queue) {
    case 'all':
      byDue = false;
      break;
    case 'mine':
      if (!officer) return empty(query);
      q = q
        .where('status', '=', 'processing')
        .where((eb) =>
          eb.or([
            eb('main_assignee_id', '=', officer.userId),
            sql<boolean>`dossiers.coordinator_ids @> ARRAY[${officer.userId}]::uuid[]`,
          ]),
        );
      break;
    case 'unit_unclaimed':
      if (!officer) return empty(query);
      q = q
        .where('status', '=', 'processing')
        .where('main_assignee_id', 'is', null)
        .where('step_agency_id', '=', officer.agencyId)
        .where('step_role', 'in', [...officer.roles]);
      break;
    case 'unit':
      if (!officer) return empty(query);
      q = q.where('status', 'in', ['processing', 'received']).where(inSubtree(officer.agencyPath));
      break;
    case 'due_soon': {
      if (!officer) return empty(query);
      const limit = calendar.addWorkingMs(now, (query.withinHours ?? calendar.workingDayMs / 3_600_000) * 3_600_000);
      q = q
        .where('status', '=', 'processing')
        .where(inSubtree(officer.agencyPath))
        .where('step_due', '>=', now)
        .where('step_due', '<=', limit);
      break;
    }
    case 'overdue': {
      if (!officer) return empty(query);
      // Two branches, each on its own partial index (0006_queue_indexes): a step late in the
      // officer's units, or an appointment late at one of their receiving units.
      q = q.where((eb) =>
        eb(
          'dossiers.id',
          'in',
          eb
            .selectFrom('dossiers as s')
            .select('s.id')
            .where('s.status', 'in', OPEN)
            .where('s.paused_since', 'is', null)
            .where('s.step_due', '<', now)
            .where('s.step_agency_id', 'in', agencyIdsUnder(officer.agencyPath))
            .unionAll(
              eb
                .selectFrom('dossiers as r')
                .select('r.id')
                .where('r.status', 'in', OPEN)
                .where('r.paused_since', 'is', null)
                .where('r.due', '<', now)
                .where('r.receiving_agency_id', 'in', agencyIdsUnder(officer.agencyPath)),
            ),
        ),
      );
      break;
    }
    case 'consultation':
      if (!officer) return empty(query);
      q = q
        .where('status', '=', 'processing')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('dossier_consultations as c')
              .select(sql`1`.as('one'))
              .whereRef('c.dossier_id', '=', 'dossiers.id')
              .where('c.closed_at', 'is', null)
              .where('c.agency_id', 'in', agencyIdsUnder(officer.agencyPath)),
          ),
        );
      break;
    case 'supplement':
      q = q.where('status', '=', 'supplement_requested');
      byDue = false;
      break;
    case 'reception':
      if (!officer) return empty(query);
      q = q.where('status', '=', 'submitted').where('receiving_agency_id', '=', officer.agencyId);
      byDue = false;
      break;
    case 'transfer':
      if (!officer) return empty(query);
      q = q.where('status', '=', 'received').where('receiving_agency_id', '=', officer.agencyId);
      break;
    case 'return':
      if (!officer) return empty(query);
      q = q.where('status', '=', 'result_ready').where('receiving_agency_id', '=', officer.agencyId);
      byDue = false;
      break;
  }
  if (query.status) q = q.where('status', '=', query.status);
  if (query.procedureId) q = q.where('procedure_id', '=', query.procedureId);
  if (query.q?.trim()) {
    // The folded text lives beside the row (migration 0019), with its trigram index.
    q = q.where(
      sql<boolean>`dossiers.id IN (SELECT s.dossier_id FROM dossier_search s
                     WHERE s.search_text LIKE '%' || search_fold(${escapeLike(query.q.trim())}) || '%')`,
    );
  }
  const counted = await q.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirst();
  const total = Number(counted?.total ?? 0);
  let rows = q.select([
    'dossiers.id',
    'dossiers.code',
    'dossiers.procedure_name',
    'dossiers.applicant_name',
    'dossiers.status',
    'dossiers.sub_status',
    'dossiers.flags',
    'dossiers.current_step',
    'dossiers.step_agency_id',
    'dossiers.main_assignee_id',
    'dossiers.step_due',
    'dossiers.due',
    'dossiers.submitted_at',
    'dossiers.channel',
    'dossiers.version',
    'dossiers.state',
    agencyColumn('dossiers.step_agency_id', 'name').as('step_agency_name'),
  ]);
  rows = byDue
    ? rows.orderBy(sql`coalesce(dossiers.step_due, dossiers.due)`, (ob) => ob.asc().nullsLast()).orderBy('dossiers.id')
    : rows.orderBy('dossiers.submitted_at', 'desc').orderBy('dossiers.id');
  const list = await rows
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    items: list.map((r) => {
      const s = r.state as DossierState;
      const pauses = pausesOf(s, t);
      const open = OPEN.includes(r.status);
      const stepRemaining = open && s.stepDue !== null ? calendar.remaining(t, s.stepDue, pauses) : null;
      const remaining = open && s.due !== null ? calendar.remaining(t, s.due, pauses) : null;
      const tone =
        remaining === null && stepRemaining === null
          ? null
          : remaining?.overdue || stepRemaining?.overdue
            ? ('overdue' as const)
            : (stepRemaining ?? remaining)!.ms < calendar.workingDayMs
              ? ('due_soon' as const)
              : ('on_time' as const);
      return {
        id: r.id,
        code: r.code,
        procedureName: r.procedure_name,
        applicantName: r.applicant_name,
        channel: r.channel,
        ...statusView(r.status),
        subStatus: subStatusView(r.sub_status),
        flags: r.flags,
        currentStep: r.current_step,
        stepAgency: r.step_agency_id ? { id: r.step_agency_id, name: r.step_agency_name } : null,
        mainAssigneeId: r.main_assignee_id,
        stepDue: r.step_due ? r.step_due.toISOString() : null,
        due: r.due ? r.due.toISOString() : null,
        submittedAt: r.submitted_at.toISOString(),
        stepRemaining: stepRemaining ? remainingView(stepRemaining) : null,
        remaining: remaining ? remainingView(remaining) : null,
        tone,
        // running / paused / stopped: the queue shows "Tạm dừng" from this, not from its own rule.
        clock: clockOf(s),
        version: r.version,
      };
    }),
  };
}

function empty(query: QueueQuery) {
  return { total: 0, page: query.page, pageSize: query.pageSize, items: [] };
}

/** The queues with a count badge. */
const COUNTED_QUEUES = [
  'mine',
  'unit_unclaimed',
  'due_soon',
  'overdue',
  'consultation',
  'reception',
  'transfer',
  'return',
] as const;

/** Counts per queue for the officer's inbox badges. */
export async function queueCounts(ex: Executor, actor: Actor, calendar: WorkCalendar, now: Date) {
  const out = {} as Record<(typeof COUNTED_QUEUES)[number], number>;
  for (const queue of COUNTED_QUEUES) {
    const r = await listDossiers(ex, actor, { queue, page: 1, pageSize: 1 }, calendar, now);
    out[queue] = r.total;
  }
  return out;
}
