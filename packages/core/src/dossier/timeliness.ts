/**
 * Whether a dossier's result came early, on time or late: what the applicant reads instead of a
 * remaining time once the result is ready (and what the indicators count: the same rule as
 * `dossier_stat_contrib`, migration 0007, docs/indicators.md §2).
 */

import { localDayNo } from '../calendar/dates.ts';
import type { DossierState } from './state.ts';

export type SettlementKind = 'early' | 'on_time' | 'late';
export type Settlement = { kind: SettlementKind; at: number };

/**
 * Late: the result after the appointment, or an extension was needed (the apology letter and new
 * appointment of Decree 118/2025 art. 19(6) do not make a late dossier on time). Early: not late
 * and ready on an earlier calendar day (Asia/Ho_Chi_Minh) than the appointment. Null while there
 * is no result, or no appointment to compare with.
 */
export function settlementOf(s: Pick<DossierState, 'resultAt' | 'due' | 'extensionCount'>): Settlement | null {
  if (s.resultAt === null || s.due === null) return null;
  const late = s.resultAt > s.due || s.extensionCount > 0;
  const kind: SettlementKind = late ? 'late' : localDayNo(s.resultAt) < localDayNo(s.due) ? 'early' : 'on_time';
  return { kind, at: s.resultAt };
}
