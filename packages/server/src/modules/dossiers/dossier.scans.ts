import type { DossierState, WorkCalendar } from '@motcua/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { SYSTEM_CTX } from './dossier.actors.ts';
import { calendarFor } from './dossier.decide.ts';
import { executeCommand } from './dossier.execute.ts';

const DAY_MS = 86_400_000;

/**
 * Close dossiers whose supplement was not completed within 15 days (Decree 118/2025 art. 19(5);
 * calendar days, see docs/dossier-engine.md §6). The window ends as every calendar-day period
 * does (core `dueAtCalendarDays`): 15 days after the request, or — when that day is a day off —
 * at the end of the next working day (Civil Code 2015 art. 148(5)). The state machine decides;
 * the idempotency key per dossier and request moment makes a repeated scan harmless.
 */
export async function closeIncompleteSupplements(db: Db, now: Date, windowDays = 15): Promise<string[]> {
  // Pre-filter: the window can end no earlier than windowDays × 24 h after the request.
  const candidates = await db
    .selectFrom('dossiers')
    .select(['id', 'state', 'version', 'province_id'])
    .where('status', '=', 'supplement_requested')
    .where(sql<boolean>`(state->>'supplementRequestedAt')::bigint <= ${now.getTime() - windowDays * DAY_MS}`)
    .limit(500)
    .execute();
  const calendars = new Map<string, WorkCalendar>();
  const closed: string[] = [];
  for (const c of candidates) {
    const s = c.state as DossierState;
    if (s.supplementRequestedAt === null) continue;
    let calendar = calendars.get(c.province_id);
    if (!calendar) {
      calendar = await calendarFor(db, c.province_id);
      calendars.set(c.province_id, calendar);
    }
    if (now < supplementWindowEnd(calendar, s.supplementRequestedAt, windowDays)) continue;
    try {
      await executeCommand(db, {
        dossierId: c.id,
        command: { type: 'close_incomplete', version: c.version },
        ctx: SYSTEM_CTX,
        idempotencyKey: `close_incomplete:${c.id}:${s.supplementRequestedAt}`,
        now,
      });
      closed.push(c.id);
    } catch (e) {
      // Someone acted on it meanwhile (supplement provided, withdrawn): the next scan looks again.
      if (!(e instanceof Problem)) throw e;
    }
  }
  return closed;
}

/** The end of the supplement window: never before windowDays × 24 h (what the state machine checks). */
export function supplementWindowEnd(calendar: WorkCalendar, requestedAt: number, windowDays = 15): Date {
  const end = calendar.dueAtCalendarDays(requestedAt, windowDays);
  return new Date(Math.max(end.getTime(), requestedAt + windowDays * DAY_MS));
}
