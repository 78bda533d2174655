/** Test fixtures shared by the dossier tests (not exported from the package). */

import { createWorkCalendar } from '../calendar/index.ts';
import type { Command, CommandType, DossierActor } from './commands.ts';
import type { DossierEvent } from './events.ts';
import type { DecideContext } from './machine.ts';
import { decide, evolve } from './machine.ts';
import type { DossierState } from './state.ts';
import type { WorkflowDefinition } from './workflow.ts';

export const calendar = createWorkCalendar();
/** Mon 02/03/2026 08:00 in Hà Nội (UTC+7). */
export const T0 = Date.UTC(2026, 2, 2, 1, 0);
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** One user who holds every role in agency A and owns the dossier: passes every "who" check. */
export const god: DossierActor = {
  userId: 'u1',
  roles: ['applicant', 'receptionist', 'officer', 'leader', 'system'],
  agencyCode: 'A',
};

/** A workflow whose steps allow everything; the table test uses it. */
export const permissiveWorkflow: WorkflowDefinition = {
  schemaVersion: 1,
  steps: [
    {
      id: 's1',
      name_vi: 'Thụ lý',
      agency: { kind: 'receiving' },
      role: 'officer',
      allotment: { days: 3 },
      actions: ['forward', 'send_back', 'consult', 'approve', 'sign', 'request_supplement', 'refuse'],
      consultations: [
        { id: 'tax', name_vi: 'Xin ý kiến thuế', agency: { kind: 'fixed', agencyCode: 'TAX' }, allotment: { days: 2 } },
      ],
    },
    {
      id: 's2',
      name_vi: 'Phê duyệt, ký',
      agency: { kind: 'receiving' },
      role: 'leader',
      allotment: { days: 2 },
      actions: ['send_back', 'approve', 'sign', 'request_supplement', 'refuse'],
      final: true,
    },
  ],
};

/** A result file attached to the dossier (approve and sign need one at a step that signs). */
export const resultFile = { attachmentId: 'att-result-1', sha256: 'a'.repeat(64) };

export const permissiveContext: DecideContext = {
  workflow: permissiveWorkflow,
  legalLimit: { days: 10 },
  calendar,
  resultFile,
};

/** A minimal valid command of each type, acting as `actor` at `now`. */
export function minimalCommand(
  type: CommandType,
  now: number,
  actor: DossierActor = god,
  state: DossierState | null = null,
): Command {
  const base = { actor, now };
  switch (type) {
    case 'submit':
      return { ...base, type, dossierId: 'D1', applicantId: 'u1', channel: 'online', receivingAgencyCode: 'A' };
    case 'request_supplement':
      return { ...base, type, items: ['Bản sao giấy tờ'] };
    case 'refuse':
      return { ...base, type, reasons: ['Không đủ điều kiện'] };
    case 'assign':
      return { ...base, type, main: 'u2', coordinators: ['u3'], observers: ['u4'] };
    case 'send_back':
      return { ...base, type, toStep: 's1' };
    case 'consult':
      return { ...base, type, targets: [{ consultationId: 'tax' }] };
    case 'consultation_result':
      return { ...base, type, consultationId: 'tax', outcome: 'agreed' };
    case 'request_fee':
      return { ...base, type, stage: 'full', amount: 100_000 };
    case 'extend':
      return { ...base, type, newDue: (state?.due ?? now) + 5 * DAY, reason: 'Chờ kết quả thẩm định' };
    case 'stop':
      return { ...base, type, reason: 'Công dân đề nghị dừng' };
    case 'return_result':
      return { ...base, type, method: 'counter' };
    case 'rate':
      return { ...base, type, scores: { staff_attitude: 2, time_vs_limit: 2 } };
    case 'sign':
      return { ...base, type, documentId: resultFile.attachmentId };
    default:
      return { ...base, type } as Command;
  }
}

/** Runs commands in order, failing loudly on any refusal; returns the state and the events. */
export function run(
  commands: Command[],
  ctx: DecideContext = permissiveContext,
  start: { state: DossierState | null; events: DossierEvent[] } = { state: null, events: [] },
): { state: DossierState; events: DossierEvent[] } {
  let state = start.state;
  const events = [...start.events];
  for (const c of commands) {
    const d = decide(state, c, ctx);
    if (!d.ok) throw new Error(`${c.type} refused: ${d.error.code} ${d.error.message_en}`);
    for (const e of d.events) {
      state = evolve(state, e);
      events.push(e);
    }
  }
  if (state === null) throw new Error('no state');
  return { state, events };
}
