import type { TimeLimit, WorkCalendar } from '@motcua/core';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { type Revisions, readRevisions } from '../../shared/revisions.ts';
import { type AgencyDirectory, agenciesById, agencyDirectory } from '../agencies/agencies.queries.ts';
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
 * primary-key read, or the command's agency tree): a per-process copy without a revision would never
 * see an edit in another process; the calendar itself is cached per process and invalidated by revision.
 */
export async function calendarFor(db: Db, provinceId: string, env?: CommandEnv): Promise<WorkCalendar> {
  const province = env ? env.agencies.byId(provinceId) : (await agenciesById(db, [provinceId]))[0];
  return loadWorkCalendar(db, province?.admin_unit_code ?? null, env?.revisions);
}

/**
 * What a command reads through the pool before its transaction: the cache revisions (one query)
 * and this process's agency tree, current as of them. Inside the transaction agencies are looked
 * up here, not queried.
 */
export type CommandEnv = { revisions: Revisions; agencies: AgencyDirectory };

export async function commandEnv(db: Db): Promise<CommandEnv> {
  const revisions = await readRevisions(db);
  return { revisions, agencies: await agencyDirectory(db, revisions) };
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
