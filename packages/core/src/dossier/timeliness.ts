/**
 * Whether a dossier's result came early, on time or late: what the applicant reads instead of a
 * remaining time once the result is ready. The rule itself is `classifyTimeliness`
 * (indicators/timeliness.ts, Decree 118/2025/NĐ-CP art. 19(6)), the same one the indicators count.
 */

import { classifyTimeliness, type Timeliness } from '../indicators/timeliness.ts';
import type { DossierState } from './state.ts';

export type SettlementKind = Timeliness;
export type Settlement = { kind: SettlementKind; at: number };

/**
 * The result against the appointment; an extension (Decree 118/2025 art. 19(6)) makes it late.
 * Null while there is no result, or no appointment to compare with.
 */
export function settlementOf(s: Pick<DossierState, 'resultAt' | 'due' | 'extensionCount'>): Settlement | null {
  if (s.resultAt === null || s.due === null) return null;
  return { kind: classifyTimeliness(s.resultAt, s.due, s.extensionCount > 0), at: s.resultAt };
}
