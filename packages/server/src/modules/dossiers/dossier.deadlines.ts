import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import { activeContact, activeLeadersOf } from '../accounts/accounts.queries.ts';
import { agenciesById, agencyColumn } from '../agencies/agencies.queries.ts';
import { loadWorkCalendar } from '../calendar/calendar.service.ts';
import type { AlertKind } from '../notifications/notification.templates.ts';
import { enqueue } from '../outbox/outbox.service.ts';

/**
 * Deadline scan (nhắc việc, cảnh báo quá hạn), run every minute by the worker's crontab:
 * - `step_reminder`: a processing dossier's step is due within `reminderWorkingHours` working
 *   hours (or already overdue) → its main assignee;
 * - `step_overdue`: the step's due has passed → the leaders of the step's agency;
 * - `appointment_overdue`: the appointment (hạn trả kết quả) has passed and the dossier is still
 *   open → the leaders of the receiving unit.
 * Leaders are users with role `leader` in the agency or, when it has none (a one-stop unit, a
 * division), in its nearest ancestor that has some. Paused dossiers (waiting for a supplement or a
 * fee) are skipped. Each alert is raised at most once per step visit: `dossier_alerts` is unique on
 * (dossier_id, kind, step_entered_at), the insert and its outbox message (`dossier.alert`, sent by
 * the `send_alert` job) commit together.
 */

export type AlertRecipient = { userId: string; name: string; email: string };
export type RaisedAlert = { alertId: string; dossierId: string; kind: AlertKind; recipients: AlertRecipient[] };

/** Statuses in which the appointment still binds (index dossiers_open_due). */
const OPEN_STATUSES = ['received', 'processing', 'supplement_requested', 'fee_requested', 'withdrawal_requested'];

/**
 * Wall-clock horizon for reminder candidates: the longest run of days off (Tết: nine days with
 * the weekends) plus the reminder's working hours spread over short (4 h) working days.
 */
function reminderHorizonMs(workingHours: number): number {
  return (14 + Math.ceil((workingHours / 4) * 1.4)) * 86_400_000;
}

/** Dossiers looked at per scan, most urgent step first; the rest wait for the next minute. */
const SCAN_LIMIT = 5000;

type Candidate = {
  id: string;
  status: string;
  step_due: Date | null;
  due: Date | null;
  visit: Date;
  main_assignee_id: string | null;
  step_agency_id: string | null;
  receiving_agency_id: string;
  province_code: string | null;
  has_reminder: boolean;
  has_step_overdue: boolean;
  has_appointment_overdue: boolean;
};

/**
 * The step visit an alert belongs to, to the millisecond (what a JavaScript Date keeps): the step's
 * entry, or the reception (submission) for a dossier not yet in a step.
 */
const VISIT = sql<Date>`date_trunc('milliseconds', coalesce(d.step_entered_at, d.received_at, d.submitted_at))`;

async function candidates(db: Db, now: Date, workingHours: number): Promise<Candidate[]> {
  const horizon = new Date(now.getTime() + reminderHorizonMs(workingHours));
  const has = (kind: AlertKind) =>
    sql<boolean>`EXISTS (SELECT 1 FROM dossier_alerts a
      WHERE a.dossier_id = d.id AND a.kind = ${kind} AND a.step_entered_at = ${VISIT})`;
  // Only dossiers with an alert still to raise: the already alerted ones do not use up the limit.
  const r = await sql<Candidate>`
    SELECT * FROM (
      SELECT d.id, d.status, d.step_due, d.due, ${VISIT} AS visit, d.main_assignee_id, d.step_agency_id,
        d.receiving_agency_id, ${agencyColumn('d.province_id', 'admin_unit_code')} AS province_code,
        ${has('step_reminder')} AS has_reminder, ${has('step_overdue')} AS has_step_overdue,
        ${has('appointment_overdue')} AS has_appointment_overdue
      FROM dossiers d
      WHERE d.paused_since IS NULL
        AND (
          (d.status = 'processing' AND d.step_due IS NOT NULL AND d.step_due < ${horizon})
          OR (d.status IN (${sql.join(OPEN_STATUSES)}) AND d.due IS NOT NULL AND d.due < ${now})
        )
    ) c
    WHERE (c.status = 'processing' AND c.step_due IS NOT NULL AND c.step_due < ${horizon}
        AND ((NOT c.has_reminder AND c.main_assignee_id IS NOT NULL)
          OR (NOT c.has_step_overdue AND c.step_due < ${now} AND c.step_agency_id IS NOT NULL)))
      OR (NOT c.has_appointment_overdue AND c.due IS NOT NULL AND c.due < ${now})
    ORDER BY c.step_due NULLS LAST
    LIMIT ${SCAN_LIMIT}`.execute(db);
  return r.rows;
}

async function userRecipient(ex: Executor, userId: string): Promise<AlertRecipient[]> {
  const u = await activeContact(ex, userId);
  return u?.email ? [{ userId: u.id, name: u.full_name, email: u.email }] : [];
}

/** Active leaders of the agency, or of its nearest ancestor that has any. */
export async function leadersOf(ex: Executor, agencyId: string): Promise<AlertRecipient[]> {
  const [agency] = await agenciesById(ex, [agencyId]);
  if (!agency) return [];
  const chain = agency.path.split('/').filter(Boolean);
  const rows = await activeLeadersOf(ex, chain);
  for (let i = chain.length - 1; i >= 0; i--) {
    const here = rows.filter((u) => u.agency_id === chain[i]);
    if (here.length > 0) {
      return here.filter((u) => u.email).map((u) => ({ userId: u.id, name: u.full_name, email: u.email! }));
    }
  }
  return [];
}

async function raise(
  db: Db,
  now: Date,
  d: Candidate,
  kind: AlertKind,
  deadline: Date,
  recipients: AlertRecipient[],
): Promise<RaisedAlert | null> {
  return db.transaction().execute(async (tx) => {
    // Raised only if the dossier is still in that visit and not paused; once per visit.
    const r = await sql<{ id: string }>`
      INSERT INTO dossier_alerts (dossier_id, kind, step_entered_at, deadline, recipients, created_at)
      SELECT ${d.id}::uuid, ${kind}::text, ${d.visit}::timestamptz, ${deadline}::timestamptz,
        ${JSON.stringify(recipients)}::jsonb, ${now}::timestamptz
      WHERE EXISTS (SELECT 1 FROM dossiers d WHERE d.id = ${d.id} AND d.paused_since IS NULL AND ${VISIT} = ${d.visit})
      ON CONFLICT (dossier_id, kind, step_entered_at) DO NOTHING
      RETURNING id`.execute(tx);
    const row = r.rows[0];
    if (!row) return null; // raised before (another scan, another process), or the dossier moved on
    await enqueue(tx, {
      topic: 'dossier.alert',
      aggregateType: 'dossier',
      aggregateId: d.id,
      payload: { alertId: row.id, dossierId: d.id, kind },
    });
    return { alertId: row.id, dossierId: d.id, kind, recipients };
  });
}

export type DeadlineScanOptions = { reminderWorkingHours?: number };

/** One scan at `now`; returns the alerts it raised (none twice for the same step visit). */
export async function runDeadlineScan(db: Db, now: Date, opts: DeadlineScanOptions = {}): Promise<RaisedAlert[]> {
  const workingHours = opts.reminderWorkingHours ?? 4;
  const thresholdMs = workingHours * 3_600_000;
  const raised: RaisedAlert[] = [];
  const push = (a: RaisedAlert | null) => {
    if (a) raised.push(a);
  };
  for (const d of await candidates(db, now, workingHours)) {
    if (d.status === 'processing' && d.step_due) {
      if (!d.has_reminder && d.main_assignee_id) {
        const calendar = await loadWorkCalendar(db, d.province_code);
        if (calendar.remaining(now, d.step_due).ms <= thresholdMs) {
          push(await raise(db, now, d, 'step_reminder', d.step_due, await userRecipient(db, d.main_assignee_id)));
        }
      }
      if (!d.has_step_overdue && d.step_due < now && d.step_agency_id) {
        push(await raise(db, now, d, 'step_overdue', d.step_due, await leadersOf(db, d.step_agency_id)));
      }
    }
    if (!d.has_appointment_overdue && d.due && d.due < now && OPEN_STATUSES.includes(d.status)) {
      push(await raise(db, now, d, 'appointment_overdue', d.due, await leadersOf(db, d.receiving_agency_id)));
    }
  }
  return raised;
}
