import { randomUUID } from 'node:crypto';
import type { WorkCalendar } from '@motcua/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { calendarFor } from '../src/modules/dossiers/dossier.decide.ts';
import { type CommandBody, executeCommand } from '../src/modules/dossiers/dossier.execute.ts';
import { listDossiers } from '../src/modules/dossiers/dossier.queues.ts';
import { closeIncompleteSupplements } from '../src/modules/dossiers/dossier.scans.ts';
import { submitDossier } from '../src/modules/dossiers/dossier.submit.ts';
import type { CommandContext } from '../src/shared/command-context.ts';
import { insertDraftWithMandatoryFiles } from './apply-helpers.ts';
import { actorOf, createTestDatabase, DEMO } from './helpers.ts';
import { mandatoryChecklist } from './reception-helpers.ts';

/**
 * The clock rules of Decree 118/2025 on the server, with the moment of each command fixed:
 * transfer after 15:00 (art. 18(2)), supplement restarting the limit (art. 19(5)), the 15-day
 * close, the fee pause, and lateness: the apology and extension once (art. 19(6)), then overdue.
 */

let db: Db;
let calendar: WorkCalendar;
const ctx: Record<string, CommandContext> = {};
const SYSTEM: CommandContext = { actor: { kind: 'anonymous' }, requestId: null, system: true };

/** Vietnam local time → Date. */
const vn = (s: string) => new Date(`${s}+07:00`);

beforeAll(async () => {
  ({ db } = await createTestDatabase());
  for (const u of [DEMO.citizen, DEMO.receptionist, 'chuyenvien.snnmt', 'lanhdao.snnmt', DEMO.communeOfficer]) {
    ctx[u] = { actor: await actorOf(db, u), requestId: null };
  }
  const root = await db.selectFrom('agencies').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
  calendar = await calendarFor(db, root.id);
});

async function submitLand(now: Date) {
  const p = await db
    .selectFrom('procedure_versions')
    .select('procedure_id')
    .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .executeTakeFirstOrThrow();
  const commune = await db
    .selectFrom('agencies')
    .select('id')
    .where('admin_unit_code', '=', '20242')
    .executeTakeFirstOrThrow();
  const r = await submitDossier(
    db,
    {
      procedureId: p.procedure_id,
      channel: 'online',
      formData: {},
      applicant: { residenceCommuneId: commune.id },
      // Online submissions carry every mandatory document (uploaded to the draft first).
      draftId: await insertDraftWithMandatoryFiles(
        db,
        (ctx[DEMO.citizen]!.actor as { userId: string }).userId,
        p.procedure_id,
      ),
    },
    ctx[DEMO.citizen]!,
    null,
    { now },
  );
  return (r.body as { id: string }).id;
}

async function run(who: string | CommandContext, id: string, command: Omit<CommandBody, 'version'>, now: Date) {
  const c = typeof who === 'string' ? ctx[who]! : who;
  return executeCommand(db, {
    dossierId: id,
    command: command as CommandBody,
    ctx: c,
    idempotencyKey: randomUUID(),
    now,
  });
}

async function row(id: string) {
  return db.selectFrom('dossiers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('clock rules', () => {
  it('receipt at 16:00 and transfer at 16:10: the first step counts from the next working morning (art. 18(2))', async () => {
    // Tuesday 03/03/2026, 16:00.
    const id = await submitLand(vn('2026-03-03T15:50:00'));
    const checklist = await mandatoryChecklist(db, id);
    await run(DEMO.receptionist, id, { type: 'receive', checklist }, vn('2026-03-03T16:00:00'));
    let d = await row(id);
    expect(d.due!.toISOString()).toBe(calendar.dueAt(vn('2026-03-03T16:00:00'), { days: 10 }).toISOString());
    await run(DEMO.receptionist, id, { type: 'forward' }, vn('2026-03-03T16:10:00'));
    d = await row(id);
    // 7 working days from Wednesday 07:30 → the end of the 7th working day: Thursday 12/03 17:00.
    expect(d.step_due!.toISOString()).toBe(vn('2026-03-12T17:00:00').toISOString());
    expect(d.step_entered_at!.toISOString()).toBe(vn('2026-03-03T16:10:00').toISOString());
  });

  it('a supplement during processing restarts the limit from zero when the complete dossier arrives (art. 19(5))', async () => {
    const id = await submitLand(vn('2026-03-04T08:00:00'));
    const checklist = await mandatoryChecklist(db, id);
    await run(DEMO.receptionist, id, { type: 'receive', checklist }, vn('2026-03-04T08:10:00'));
    await run(DEMO.receptionist, id, { type: 'forward' }, vn('2026-03-04T08:20:00'));
    await run('chuyenvien.snnmt', id, { type: 'claim' }, vn('2026-03-04T09:00:00'));
    await run(
      'chuyenvien.snnmt',
      id,
      { type: 'request_supplement', items: ['Bản sao Giấy chứng minh nhân dân có chứng thực'] },
      vn('2026-03-05T10:00:00'),
    );
    expect((await row(id)).status).toBe('supplement_requested');
    // Only once (art. 11(2)(c)).
    await run(DEMO.citizen, id, { type: 'supplement_provided' }, vn('2026-03-10T14:00:00'));
    const d = await row(id);
    expect(d.status).toBe('processing');
    expect(d.due!.toISOString()).toBe(calendar.restartClock(vn('2026-03-10T14:00:00'), { days: 10 }).toISOString());
    await expect(
      run('chuyenvien.snnmt', id, { type: 'request_supplement', items: ['x'] }, vn('2026-03-11T10:00:00')),
    ).rejects.toMatchObject({ code: 'rule_violated' });
  });

  it('closes a dossier 15 days after an unanswered supplement request', async () => {
    const id = await submitLand(vn('2026-04-01T08:00:00'));
    await run(DEMO.receptionist, id, { type: 'request_supplement', items: ['Đơn đề nghị'] }, vn('2026-04-01T09:00:00'));
    await expect(run(SYSTEM, id, { type: 'close_incomplete' }, vn('2026-04-10T09:00:00'))).rejects.toMatchObject({
      code: 'rule_violated',
    });
    await run(SYSTEM, id, { type: 'close_incomplete' }, vn('2026-04-17T09:00:00'));
    const d = await row(id);
    expect(d.status).toBe('closed');
    expect(d.finished_at).not.toBeNull();
  });

  it('the daily scan closes only the dossiers whose 15 days have passed, once', async () => {
    const id = await submitLand(vn('2026-04-02T08:00:00'));
    await run(DEMO.receptionist, id, { type: 'request_supplement', items: ['Đơn đề nghị'] }, vn('2026-04-02T09:00:00'));
    expect(await closeIncompleteSupplements(db, vn('2026-04-12T09:00:00'))).not.toContain(id);
    expect(await closeIncompleteSupplements(db, vn('2026-04-18T09:00:00'))).toContain(id);
    expect(await closeIncompleteSupplements(db, vn('2026-04-19T09:00:00'))).not.toContain(id);
    expect((await row(id)).status).toBe('closed');
  });

  it('a fee request pauses the clock; payment moves the appointment by the paused working time', async () => {
    const id = await submitLand(vn('2026-05-04T08:00:00'));
    const checklist = await mandatoryChecklist(db, id);
    await run(DEMO.receptionist, id, { type: 'receive', checklist }, vn('2026-05-04T08:00:00'));
    const due0 = (await row(id)).due!;
    await run(DEMO.receptionist, id, { type: 'request_fee', stage: 'full', amount: 50_000 }, vn('2026-05-04T09:00:00'));
    let d = await row(id);
    expect(d.status).toBe('fee_requested');
    expect(d.flags).toContain('paused');
    await run(DEMO.citizen, id, { type: 'fee_paid', paymentRef: 'PAY-1' }, vn('2026-05-05T09:00:00'));
    d = await row(id);
    expect(d.paused_since).toBeNull();
    // One working day paused (Mon 09:00 → Tue 09:00) moves the appointment by one working day.
    const moved = calendar.workingMsBetween(due0, d.due!);
    expect(moved).toBe(calendar.workingDayMs);
  });
});

describe('lateness', () => {
  it('the apology and extension once, at least one working day before; then overdue in the queues', async () => {
    const id = await submitLand(vn('2026-06-01T08:00:00'));
    const checklist = await mandatoryChecklist(db, id);
    await run(DEMO.receptionist, id, { type: 'receive', checklist }, vn('2026-06-01T08:00:00'));
    await run(DEMO.receptionist, id, { type: 'forward' }, vn('2026-06-01T08:30:00'));
    const due = (await row(id)).due!;
    const newDue = calendar.addWorkingMs(due, 3 * calendar.workingDayMs);
    // Less than one working day before the appointment: too late for an apology (art. 19(6)).
    const late = calendar.addWorkingMs(due, -calendar.workingDayMs / 2);
    await expect(
      run('lanhdao.snnmt', id, { type: 'extend', newDue, reason: 'Chờ xác minh' } as never, late),
    ).rejects.toMatchObject({ code: 'rule_violated' });
    const inTime = calendar.addWorkingMs(due, -2 * calendar.workingDayMs);
    await run(
      'lanhdao.snnmt',
      id,
      { type: 'extend', newDue, reason: 'Chờ kết quả xác minh của UBND xã' } as never,
      inTime,
    );
    let d = await row(id);
    expect(d.due!.toISOString()).toBe(newDue.toISOString());
    expect(d.original_due!.toISOString()).toBe(due.toISOString());
    expect(d.flags).toContain('extended');
    const events = await db
      .selectFrom('dossier_events')
      .select(['type', 'event'])
      .where('dossier_id', '=', id)
      .execute();
    expect(events.map((e) => e.type)).toContain('extended');
    const outbox = await db.selectFrom('outbox').select('payload').where('aggregate_id', '=', id).execute();
    expect(outbox.map((o) => (o.payload as { eventType: string }).eventType)).toContain('extended');
    // Once only.
    await expect(
      run(
        'lanhdao.snnmt',
        id,
        { type: 'extend', newDue: calendar.addWorkingMs(newDue, calendar.workingDayMs), reason: 'x' } as never,
        inTime,
      ),
    ).rejects.toMatchObject({ code: 'rule_violated' });
    // Past the new appointment: the leader's overdue queue shows it.
    const after = calendar.addWorkingMs(newDue, 60_000);
    d = await row(id);
    const leader = ctx['lanhdao.snnmt']!.actor;
    const overdue = await listDossiers(db, leader, { queue: 'overdue', page: 1, pageSize: 100 }, calendar, after);
    const item = overdue.items.find((x) => x.id === id);
    expect(item?.tone).toBe('overdue');
    expect(item?.remaining?.overdue).toBe(true);
  });
});
