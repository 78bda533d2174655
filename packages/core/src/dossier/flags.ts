/** Clock-dependent flags and the sub-status shown to officials. */

import type { Moment, WorkCalendar } from '../calendar/index.ts';
import type { DossierState } from './state.ts';
import type { DossierFlag, SubStatus } from './status.ts';
import type { WorkflowDefinition } from './workflow.ts';
import { findStep } from './workflow.ts';

const ACTIVE = new Set(['received', 'processing', 'supplement_requested', 'fee_requested', 'withdrawal_requested']);

/**
 * Stored flags plus `overdue`, `due_soon` (remaining working time below `dueSoonMs`, default one
 * working day) and `step_overdue`, for an active dossier at `now`. Pauses count as stopped time.
 */
export function timeFlags(
  s: DossierState,
  now: Moment,
  calendar: WorkCalendar,
  dueSoonMs: number = calendar.workingDayMs,
): DossierFlag[] {
  const flags: DossierFlag[] = [...s.flags];
  if (!ACTIVE.has(s.status) || s.status === 'supplement_requested') return flags;
  const pauses = s.pausedSince === null ? s.pauses : [...s.pauses, { from: s.pausedSince, to: now }];
  if (s.due !== null) {
    const left = calendar.workingMsBetween(now, s.due, pauses);
    if (left < 0) flags.push('overdue');
    else if (left < dueSoonMs) flags.push('due_soon');
  }
  if (s.stepDue !== null && calendar.workingMsBetween(now, s.stepDue, pauses) < 0) flags.push('step_overdue');
  return flags;
}

/** The sub-status (trạng thái con) under the legal status, from the current step and open consultations. */
export function subStatusOf(s: DossierState, workflow: WorkflowDefinition): SubStatus | null {
  switch (s.status) {
    case 'received':
      return 'awaiting_transfer';
    case 'fee_requested':
      return 'awaiting_payment';
    case 'result_ready':
      return 'awaiting_return';
    case 'processing': {
      if (s.consultations.length > 0) return 'inter_agency';
      if (s.assignees.main === null) return 'awaiting_claim';
      const step = s.currentStep === null ? undefined : findStep(workflow, s.currentStep);
      return step?.subStatus ?? 'in_progress';
    }
    default:
      return null;
  }
}
