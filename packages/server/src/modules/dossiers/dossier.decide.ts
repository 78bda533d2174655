import type { TimeLimit, WorkCalendar } from '@motcua/core';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { agenciesById } from '../agencies/agencies.queries.ts';
import { loadWorkCalendar } from '../calendar/calendar.service.ts';

/**
 * What the server hands core decide besides the state (the legal limit in working time, the due
 * moment of a calendar-day limit, the province's work calendar) and what it makes of a refusal.
 */

/** The legal limit stored with a dossier: working days/hours, or calendar days (computed here). */
export type LegalLimit = { days: number } | { hours: number } | { calendarDays: number } | null;

export function legalLimitOf(timeLimit: { value: number | null; unit: string } | null): LegalLimit {
  if (!timeLimit || timeLimit.value === null) return null;
  switch (timeLimit.unit) {
    case 'working_days':
      return { days: timeLimit.value };
    case 'working_hours':
      return { hours: timeLimit.value };
    case 'calendar_days':
      return { calendarDays: timeLimit.value };
    default:
      return null;
  }
}

/** The limit in working time for the state machine; calendar-day limits are computed by the server. */
export function workingLimit(l: LegalLimit): TimeLimit | null {
  return l !== null && !('calendarDays' in l) ? l : null;
}

/**
 * Due moment of a calendar-day limit: N days after the clock starts, moved to the end of the next
 * working day when that is a day off (Civil Code 2015 art. 148(5); core WorkCalendar).
 */
export function calendarDaysDue(calendar: WorkCalendar, from: number, days: number): Date {
  return calendar.dueAtCalendarDays(from, days);
}

/**
 * The work calendar of a dossier's province. The province's admin unit code is read each time (one
 * primary-key read): a per-process copy would never see an administrator's edit in another process;
 * the calendar itself is cached per process and invalidated by `calendar_revision`.
 */
export async function calendarFor(db: Db, provinceId: string): Promise<WorkCalendar> {
  const [province] = await agenciesById(db, [provinceId]);
  return loadWorkCalendar(db, province?.admin_unit_code ?? null);
}

/** The state machine's refusal as an HTTP problem. */
export function rejection(error: { code: string; message_vi: string; message_en: string }): Problem {
  const detail = { vi: error.message_vi, en: error.message_en };
  switch (error.code) {
    case 'action_not_allowed':
      return new Problem('action_not_allowed', { detail, extra: { reason: error.code } });
    case 'forbidden':
      return new Problem('forbidden', { detail, extra: { reason: error.code } });
    case 'invalid_payload':
      return new Problem('validation_failed', { detail, extra: { reason: error.code } });
    default:
      return new Problem('rule_violated', { detail, extra: { reason: error.code } });
  }
}
