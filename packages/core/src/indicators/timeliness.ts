/**
 * Early / on time / late (trước hạn / đúng hạn / quá hạn): the one rule, in one place.
 *
 * Used for the dossier's result against its appointment (the indicators of Decision 766/QĐ-TTg,
 * the periodic report, what the applicant reads) and for each hand-off on the processing control
 * slip (form 06 of Circular 03/2025/TT-VPCP) against the step's due moment. The SQL aggregate of
 * migration 0007 (`dossier_stat_contrib`) and the SQL fragments of indicators.service.ts carry the
 * same rule in SQL; packages/server/test/timeliness-sql.test.ts checks they agree with this
 * function over many generated (due, finished) pairs.
 *
 * - **Late**: finished after the due moment, or an extension was needed. Decree 118/2025/NĐ-CP
 *   art. 19(6): a late agency sends an apology letter and a new appointment; the new appointment
 *   does not make a late dossier on time (the apology is the admission that it is late).
 * - **Early**: not late, and finished on an earlier local calendar day (Asia/Ho_Chi_Minh, UTC+7)
 *   than the due moment's day.
 * - **On time**: otherwise — not late, on the due day itself (finishing exactly at the due moment
 *   is on time: the limit is reached, not exceeded).
 *
 * Why "an earlier calendar day" and not "at least one working day left" (the control slip's old
 * rule): the appointment the law talks about is a day — the receipt (form 01, Decree 118 art.
 * 17(3)) states the date of return, and art. 22 allows an *early return* of the result, i.e. on a
 * day before the appointed one. A result ready a few hours before the appointment on the same day
 * changes nothing for the applicant. The periodic report officials know (early + on time ÷
 * settled) and docs/indicators.md §2 count it so; it needs no working calendar, so the database
 * trigger computes exactly the same classification; and one meaning of "early" for the dossier
 * and for its steps keeps the slip's column consistent with the report.
 */

import { localDayNo } from '../calendar/dates.ts';

export const TIMELINESS_KINDS = ['early', 'on_time', 'late'] as const;
export type Timeliness = (typeof TIMELINESS_KINDS)[number];

/**
 * Classify a finish against a due moment (both epoch milliseconds). `extended`: the time limit
 * had to be extended (Decree 118/2025 art. 19(6)) — always late. Total and exclusive: exactly one
 * kind for every pair of moments.
 */
export function classifyTimeliness(finishedAt: number, due: number, extended = false): Timeliness {
  if (extended || finishedAt > due) return 'late';
  return localDayNo(finishedAt) < localDayNo(due) ? 'early' : 'on_time';
}

/** Early or on time: what the on-time rate counts as on time. */
export function isOnTime(kind: Timeliness): boolean {
  return kind !== 'late';
}
