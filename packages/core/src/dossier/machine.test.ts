import { describe, expect, it } from 'vitest';
import type { Command, DossierActor } from './commands.ts';
import { calendar, DAY, god, MINUTE, minimalCommand, permissiveContext, run, T0 } from './fixtures.test-helpers.ts';
import { subStatusOf, timeFlags } from './flags.ts';
import type { DecideContext } from './machine.ts';
import { decide, evolve, replay } from './machine.ts';
import type { DossierState } from './state.ts';
import { nationalStatusCode } from './status.ts';
import type { WorkflowDefinition } from './workflow.ts';
import { validateWorkflow } from './workflow-validate.ts';

const at = (local: string) => Date.parse(`${local}+07:00`);
const applicant: DossierActor = { userId: 'citizen', roles: ['applicant'], agencyCode: null };
const rc: DossierActor = { userId: 'rc', roles: ['receptionist'], agencyCode: 'SXD' };
const cv: DossierActor = { userId: 'cv', roles: ['officer'], agencyCode: 'SXD' };
const cv2: DossierActor = { userId: 'cv2', roles: ['officer'], agencyCode: 'SXD' };
const ld: DossierActor = { userId: 'ld', roles: ['leader'], agencyCode: 'SXD' };
const communeOfficer: DossierActor = { userId: 'xa', roles: ['officer'], agencyCode: 'XA1' };
const taxOfficer: DossierActor = { userId: 'thue', roles: ['officer'], agencyCode: 'CCT' };

/** One agency: the department receives, an officer handles, its leader signs. 7 working days. */
const oneAgency: WorkflowDefinition = {
  schemaVersion: 1,
  procedureVersion: 1,
  steps: [
    {
      id: 'thu_ly',
      name_vi: 'Chuyên viên thụ lý',
      agency: { kind: 'receiving' },
      role: 'officer',
      allotment: { days: 5 },
      actions: ['forward', 'request_supplement', 'refuse'],
    },
    {
      id: 'ky',
      name_vi: 'Lãnh đạo phê duyệt, ký',
      agency: { kind: 'receiving' },
      role: 'leader',
      allotment: { days: 2 },
      actions: ['approve', 'sign', 'send_back'],
      final: true,
      subStatus: 'awaiting_signature',
    },
  ],
};

/** Two agencies: appraisal consults the applicant's commune and the tax office in parallel;
 * large projects go through an appraisal meeting. 15 working days. */
const twoAgency: WorkflowDefinition = {
  schemaVersion: 1,
  procedureVersion: 3,
  steps: [
    {
      id: 'tham_dinh',
      name_vi: 'Thẩm định hồ sơ',
      agency: { kind: 'receiving' },
      role: 'officer',
      allotment: { days: 8 },
      actions: ['forward', 'consult', 'request_supplement', 'send_back'],
      consultations: [
        {
          id: 'xa',
          name_vi: 'Lấy ý kiến UBND xã nơi cư trú',
          agency: { kind: 'applicant_commune' },
          allotment: { days: 5 },
        },
        {
          id: 'thue',
          name_vi: 'Xác định nghĩa vụ tài chính',
          agency: { kind: 'fixed', agencyCode: 'CCT' },
          allotment: { days: 3 },
        },
      ],
      branches: [{ when: { field: 'project.area', op: 'gt', value: 500 }, next: 'hop' }],
      next: 'ky',
    },
    {
      id: 'hop',
      name_vi: 'Họp thẩm định',
      agency: { kind: 'receiving' },
      role: 'officer',
      allotment: { days: 4 },
      actions: ['forward', 'send_back'],
      subStatus: 'awaiting_appraisal_meeting',
    },
    {
      id: 'ky',
      name_vi: 'Lãnh đạo Sở ký',
      agency: { kind: 'receiving' },
      role: 'leader',
      allotment: { days: 2 },
      actions: ['approve', 'sign', 'send_back'],
      final: true,
      subStatus: 'awaiting_signature',
    },
  ],
};

/** The result document attached to the dossier (giấy phép): approve and sign need it. */
const permit = { attachmentId: 'gp-1', sha256: 'b'.repeat(64) };
const ctx1: DecideContext = { workflow: oneAgency, legalLimit: { days: 7 }, calendar, resultFile: permit };
const ctx2: DecideContext = {
  workflow: twoAgency,
  legalLimit: { days: 15 },
  calendar,
  formData: { project: { area: 800 } },
  resultFile: permit,
};

const submit = (now: number, commune: string | null = 'XA1'): Command => ({
  type: 'submit',
  actor: applicant,
  now,
  dossierId: 'SXD-260302-0001',
  applicantId: 'citizen',
  channel: 'online',
  receivingAgencyCode: 'SXD',
  applicantCommuneCode: commune,
});

function refusedWith(state: DossierState | null, c: Command, ctx: DecideContext, code: string) {
  const d = decide(state, c, ctx);
  expect(d.ok ? 'ok' : d.error.code).toBe(code);
}

describe('happy paths', () => {
  it('one agency: submit → receive → transfer → claim → forward → approve → sign → finish → return → rate', () => {
    const received = at('2026-03-02T09:00:00');
    const { state, events } = run(
      [
        submit(at('2026-03-01T20:00:00')),
        { type: 'receive', actor: rc, now: received },
        { type: 'forward', actor: rc, now: received + MINUTE },
        { type: 'claim', actor: cv, now: received + 2 * MINUTE },
        { type: 'forward', actor: cv, now: at('2026-03-05T10:00:00'), assignee: 'ld' },
        { type: 'approve', actor: ld, now: at('2026-03-06T08:00:00') },
        { type: 'sign', actor: ld, now: at('2026-03-06T08:05:00'), documentId: 'gp-1' },
        { type: 'finish', actor: ld, now: at('2026-03-06T08:10:00') },
        { type: 'return_result', actor: rc, now: at('2026-03-06T14:00:00'), method: 'counter' },
        {
          type: 'rate',
          actor: applicant,
          now: at('2026-03-06T15:00:00'),
          scores: { time_vs_limit: 2, staff_attitude: 2 },
        },
      ],
      ctx1,
    );
    expect(events.map((e) => e.type)).toEqual([
      'submitted',
      'received',
      'forwarded',
      'claimed',
      'forwarded',
      'approved',
      'signed',
      'finished',
      'result_returned',
      'rated',
    ]);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(state.status).toBe('returned');
    expect(nationalStatusCode(state.status)).toBe(10);
    // 7 working days from Mon 02/03 09:00 → Wed 11/03 09:00.
    expect(state.due).toBe(at('2026-03-11T09:00:00'));
    expect(state.originalDue).toBe(state.due);
    expect(state.path).toEqual(['thu_ly', 'ky']);
    expect(state.outcome).toBe('granted');
    expect(state.rating?.scores.staff_attitude).toBe(2);
    expect(replay(events)).toEqual(state);
  });

  it('one agency: step due moments and sub-statuses follow the steps', () => {
    const received = at('2026-03-02T09:00:00');
    const base = run(
      [
        submit(received - MINUTE),
        { type: 'receive', actor: rc, now: received },
        { type: 'forward', actor: rc, now: received },
      ],
      ctx1,
    );
    expect(base.state.currentStep).toBe('thu_ly');
    expect(base.state.stepAgencyCode).toBe('SXD');
    expect(base.state.stepDue).toBe(at('2026-03-09T09:00:00')); // 5 working days
    expect(subStatusOf(base.state, oneAgency)).toBe('awaiting_claim');
    const next = run(
      [
        { type: 'claim', actor: cv, now: received + MINUTE },
        { type: 'forward', actor: cv, now: received + 2 * MINUTE, assignee: 'ld' },
      ],
      ctx1,
      base,
    );
    expect(subStatusOf(next.state, oneAgency)).toBe('awaiting_signature');
    expect(timeFlags(next.state, at('2026-03-10T10:00:00'), calendar)).toContain('due_soon');
    expect(timeFlags(next.state, at('2026-03-12T10:00:00'), calendar)).toEqual(
      expect.arrayContaining(['overdue', 'step_overdue']),
    );
  });

  it('two agencies: parallel consultations of the commune and the tax office, a branch, then signing', () => {
    expect(validateWorkflow(twoAgency, { days: 15 }).ok).toBe(true);
    const received = at('2026-03-02T09:00:00');
    const start = run(
      [
        submit(received - 60 * MINUTE),
        { type: 'receive', actor: rc, now: received },
        { type: 'forward', actor: rc, now: received + MINUTE },
        { type: 'claim', actor: cv, now: received + 2 * MINUTE },
        {
          type: 'consult',
          actor: cv,
          now: received + 3 * MINUTE,
          targets: [{ consultationId: 'xa', childDossierId: 'XA1-260302-0007' }, { consultationId: 'thue' }],
        },
      ],
      ctx2,
    );
    const s = start.state;
    expect(s.consultations.map((c) => [c.consultationId, c.agencyCode, c.childDossierId])).toEqual([
      ['xa', 'XA1', 'XA1-260302-0007'],
      ['thue', 'CCT', null],
    ]);
    expect(s.consultations[1]?.due).toBe(calendar.dueAt(received + 3 * MINUTE, { days: 3 }).getTime());
    expect(s.flags).toContain('in_consultation');
    expect(subStatusOf(s, twoAgency)).toBe('inter_agency');
    refusedWith(s, { type: 'forward', actor: cv, now: received + 4 * MINUTE }, ctx2, 'consultations_open');
    refusedWith(
      s,
      { type: 'consultation_result', actor: taxOfficer, now: received, consultationId: 'xa', outcome: 'agreed' },
      ctx2,
      'forbidden',
    );

    const end = run(
      [
        {
          type: 'consultation_result',
          actor: communeOfficer,
          now: at('2026-03-04T10:00:00'),
          consultationId: 'xa',
          outcome: 'agreed',
        },
        {
          type: 'consultation_result',
          actor: taxOfficer,
          now: at('2026-03-05T10:00:00'),
          consultationId: 'thue',
          outcome: 'answered',
        },
        { type: 'forward', actor: cv, now: at('2026-03-05T11:00:00'), assignee: 'cv' },
        { type: 'forward', actor: cv, now: at('2026-03-09T11:00:00') },
        { type: 'claim', actor: ld, now: at('2026-03-09T14:00:00') },
        { type: 'approve', actor: ld, now: at('2026-03-10T08:00:00') },
        { type: 'sign', actor: ld, now: at('2026-03-10T08:01:00') },
        { type: 'finish', actor: ld, now: at('2026-03-10T08:02:00') },
        { type: 'return_result', actor: rc, now: at('2026-03-10T09:00:00'), method: 'online' },
        {
          type: 'rate',
          actor: applicant,
          now: at('2026-03-10T10:00:00'),
          scores: { agencies_contacted: 2, online_service_quality: 1 },
        },
      ],
      ctx2,
      start,
    );
    expect(end.state.path).toEqual(['tham_dinh', 'hop', 'ky']);
    expect(end.state.flags).not.toContain('in_consultation');
    expect(end.state.status).toBe('returned');
    expect(end.state.returnMethod).toBe('online');
    expect(end.events.map((e) => e.version)).toEqual(end.events.map((_, i) => i + 1));
  });

  it('a transfer after 15:00 starts the first step on the next working day (art. 18(2))', () => {
    const received = at('2026-03-02T16:00:00');
    const { state } = run(
      [
        submit(received),
        { type: 'receive', actor: rc, now: received },
        { type: 'forward', actor: rc, now: received + MINUTE },
      ],
      ctx1,
    );
    // 5 working days from Tue 03/03 07:30 → Mon 09/03 17:00; the appointment counts from receipt.
    expect(state.stepDue).toBe(at('2026-03-09T17:00:00'));
    expect(state.due).toBe(at('2026-03-11T16:00:00'));
  });

  it('a small project skips the meeting (branch default), and an unresolvable commune is an error', () => {
    const ctxSmall = { ...ctx2, formData: { project: { area: 120 } } };
    const base = run(
      [
        submit(T0),
        { type: 'receive', actor: rc, now: T0 + MINUTE },
        { type: 'forward', actor: rc, now: T0 + MINUTE, assignee: 'cv' },
      ],
      ctxSmall,
    );
    const next = run([{ type: 'forward', actor: cv, now: T0 + 2 * MINUTE }], ctxSmall, base);
    expect(next.state.currentStep).toBe('ky');
    const noCommune = run(
      [
        submit(T0, null),
        { type: 'receive', actor: rc, now: T0 + MINUTE },
        { type: 'forward', actor: rc, now: T0 + MINUTE, assignee: 'cv' },
      ],
      ctx2,
    );
    refusedWith(
      noCommune.state,
      { type: 'consult', actor: cv, now: T0 + 2 * MINUTE, targets: [{ consultationId: 'xa' }] },
      ctx2,
      'agency_unresolved',
    );
  });

  it('a leader may jump steps; an officer may not; a leader reassigns main, coordinators and observers', () => {
    const base = run(
      [
        submit(T0),
        { type: 'receive', actor: rc, now: T0 + MINUTE },
        { type: 'forward', actor: rc, now: T0 + MINUTE, assignee: 'cv' },
      ],
      ctx2,
    );
    refusedWith(base.state, { type: 'forward', actor: cv, now: T0 + 2 * MINUTE, toStep: 'ky' }, ctx2, 'forbidden');
    const re = run(
      [{ type: 'assign', actor: ld, now: T0 + 2 * MINUTE, main: 'cv2', coordinators: ['cv'], observers: ['ld'] }],
      ctx2,
      base,
    );
    expect(re.state.assignees).toEqual({ main: 'cv2', coordinators: ['cv'], observers: ['ld'] });
    refusedWith(re.state, { type: 'forward', actor: cv, now: T0 + 3 * MINUTE }, ctx2, 'forbidden');
    const jumped = run([{ type: 'forward', actor: ld, now: T0 + 3 * MINUTE, toStep: 'ky' }], ctx2, re);
    expect(jumped.state.currentStep).toBe('ky');
    const last = jumped.events.at(-1);
    expect(last?.type === 'forwarded' && last.jump).toBe(true);
    refusedWith(jumped.state, { type: 'claim', actor: cv2, now: T0 + 4 * MINUTE }, ctx2, 'forbidden'); // role leader needed
  });

  it('a leader of an agency above the step leads it too; a leader elsewhere does not', () => {
    const base = run(
      [
        submit(T0),
        { type: 'receive', actor: rc, now: T0 + MINUTE },
        { type: 'forward', actor: rc, now: T0 + MINUTE, assignee: 'cv' },
      ],
      ctx2,
    );
    const step = base.state.stepAgencyCode!;
    const head = { userId: 'head', roles: ['leader'], agencyCode: 'DEPT', ledAgencyCodes: [step] };
    const stranger = { userId: 'x', roles: ['leader'], agencyCode: 'DEPT', ledAgencyCodes: ['OTHER'] };
    refusedWith(base.state, { type: 'assign', actor: stranger, now: T0 + 2 * MINUTE, main: 'cv2' }, ctx2, 'forbidden');
    const re = run([{ type: 'assign', actor: head, now: T0 + 2 * MINUTE, main: 'cv2' }], ctx2, base);
    expect(re.state.assignees.main).toBe('cv2');
  });
});

describe('supplements (Decree 118/2025 art. 11(2)(c), 16(3), 19(5))', () => {
  it('at reception: once only; the dossier returns to "submitted" and is then received', () => {
    const a = run([submit(T0), { type: 'request_supplement', actor: rc, now: T0 + MINUTE, items: ['Bản vẽ'] }], ctx1);
    expect(a.state.status).toBe('supplement_requested');
    expect(a.state.supplementPhase).toBe('reception');
    expect(a.state.flags).toContain('supplement_used');
    const b = run([{ type: 'supplement_provided', actor: applicant, now: T0 + DAY }], ctx1, a);
    expect(b.state.status).toBe('submitted');
    refusedWith(
      b.state,
      { type: 'request_supplement', actor: rc, now: T0 + DAY + MINUTE, items: ['Khác'] },
      ctx1,
      'supplement_already_requested',
    );
    const c = run([{ type: 'receive', actor: rc, now: T0 + DAY + MINUTE }], ctx1, b);
    expect(c.state.status).toBe('received');
    // and not again during processing
    const d = run([{ type: 'forward', actor: rc, now: T0 + DAY + 2 * MINUTE, assignee: 'cv' }], ctx1, c);
    refusedWith(
      d.state,
      { type: 'request_supplement', actor: cv, now: T0 + DAY + 3 * MINUTE, items: ['x'] },
      ctx1,
      'supplement_already_requested',
    );
  });

  it('during processing: the limit restarts from zero when the complete supplement arrives', () => {
    const received = at('2026-03-02T09:00:00');
    const a = run(
      [
        submit(received),
        { type: 'receive', actor: rc, now: received },
        { type: 'forward', actor: rc, now: received, assignee: 'cv' },
        { type: 'request_supplement', actor: cv, now: at('2026-03-04T10:00:00'), items: ['Giấy chứng nhận'] },
      ],
      ctx1,
    );
    expect(a.state.supplementPhase).toBe('processing');
    const provided = at('2026-03-10T15:30:00');
    const b = run([{ type: 'supplement_provided', actor: applicant, now: provided }], ctx1, a);
    expect(b.state.status).toBe('processing');
    expect(b.state.currentStep).toBe('thu_ly');
    expect(b.state.clockStart).toBe(provided);
    expect(b.state.due).toBe(calendar.restartClock(provided, { days: 7 }).getTime());
    expect(b.state.due).toBe(at('2026-03-19T15:30:00'));
    expect(b.state.originalDue).toBe(at('2026-03-11T09:00:00'));
    refusedWith(
      b.state,
      { type: 'request_supplement', actor: cv, now: provided + MINUTE, items: ['x'] },
      ctx1,
      'supplement_already_requested',
    );
  });

  it('closes the dossier after 15 days without the supplement, not before', () => {
    const a = run(
      [
        submit(T0),
        { type: 'receive', actor: rc, now: T0 },
        { type: 'forward', actor: rc, now: T0, assignee: 'cv' },
        { type: 'request_supplement', actor: cv, now: T0, items: ['x'] },
      ],
      ctx1,
    );
    const system: DossierActor = { userId: 'job', roles: ['system'], agencyCode: null };
    refusedWith(
      a.state,
      { type: 'close_incomplete', actor: system, now: T0 + 15 * DAY - 1 },
      ctx1,
      'supplement_window_open',
    );
    const b = run([{ type: 'close_incomplete', actor: system, now: T0 + 15 * DAY }], ctx1, a);
    expect(b.state.status).toBe('closed');
    expect(b.state.closedReason).toBe('supplement_timeout');
    expect(nationalStatusCode('closed')).toBeNull();
  });

  it('a receipt without a calendar or an explicit due is refused when the procedure has a limit', () => {
    const a = run([submit(T0)], ctx1);
    refusedWith(
      a.state,
      { type: 'receive', actor: rc, now: T0 },
      { ...ctx1, calendar: undefined },
      'calendar_required',
    );
    const due = T0 + 10 * DAY;
    expect(run([{ type: 'receive', actor: rc, now: T0, due }], { ...ctx1, calendar: undefined }, a).state.due).toBe(
      due,
    );
    expect(run([{ type: 'receive', actor: rc, now: T0 }], { ...ctx1, legalLimit: null }, a).state.due).toBeNull();
  });
});

describe('extension (apology letter, form 04; art. 19(6))', () => {
  const received = at('2026-03-02T09:00:00'); // due Wed 11/03 09:00
  const base = () =>
    run(
      [
        submit(received),
        { type: 'receive', actor: rc, now: received },
        { type: 'forward', actor: rc, now: received, assignee: 'cv' },
      ],
      ctx1,
    );

  it('at most once, with a later date', () => {
    const a = base();
    const newDue = at('2026-03-13T17:00:00');
    refusedWith(
      a.state,
      { type: 'extend', actor: rc, now: at('2026-03-05T10:00:00'), newDue: received, reason: 'r' },
      ctx1,
      'invalid_new_due',
    );
    refusedWith(
      a.state,
      { type: 'extend', actor: cv, now: at('2026-03-05T10:00:00'), newDue, reason: 'r' },
      ctx1,
      'forbidden',
    );
    const b = run(
      [{ type: 'extend', actor: rc, now: at('2026-03-05T10:00:00'), newDue, reason: 'Chờ ý kiến' }],
      ctx1,
      a,
    );
    expect(b.state.due).toBe(newDue);
    expect(b.state.originalDue).toBe(at('2026-03-11T09:00:00'));
    expect(b.state.flags).toContain('extended');
    refusedWith(
      b.state,
      { type: 'extend', actor: rc, now: at('2026-03-06T10:00:00'), newDue: newDue + DAY, reason: 'r' },
      ctx1,
      'extension_already_used',
    );
  });

  it('at least one working day before the deadline', () => {
    const a = base();
    const newDue = at('2026-03-13T17:00:00');
    // Exactly one working day before (Tue 10/03 09:00) is still in time; a minute later is not.
    expect(
      decide(a.state, { type: 'extend', actor: rc, now: at('2026-03-10T09:00:00'), newDue, reason: 'r' }, ctx1).ok,
    ).toBe(true);
    refusedWith(
      a.state,
      { type: 'extend', actor: rc, now: at('2026-03-10T09:01:00'), newDue, reason: 'r' },
      ctx1,
      'extension_too_late',
    );
    // A leader of the handling unit may also send it, earlier.
    expect(
      decide(a.state, { type: 'extend', actor: ld, now: at('2026-03-09T08:00:00'), newDue, reason: 'r' }, ctx1).ok,
    ).toBe(true);
  });
});

describe('rollback (thu hồi)', () => {
  const base = () =>
    run(
      [
        submit(T0),
        { type: 'receive', actor: rc, now: T0 },
        { type: 'forward', actor: rc, now: T0 },
        { type: 'claim', actor: cv, now: T0 + MINUTE },
      ],
      ctx1,
    );

  it('whoever forwarded may roll back while the next step has not acted; the step is restored', () => {
    const a = base();
    const b = run([{ type: 'forward', actor: cv, now: T0 + 2 * MINUTE, assignee: 'ld' }], ctx1, a);
    refusedWith(b.state, { type: 'rollback', actor: cv2, now: T0 + 3 * MINUTE }, ctx1, 'not_last_actor');
    const c = run([{ type: 'rollback', actor: cv, now: T0 + 3 * MINUTE }], ctx1, b);
    expect(c.state.currentStep).toBe('thu_ly');
    expect(c.state.assignees.main).toBe('cv');
    expect(c.state.path).toEqual(['thu_ly']);
    expect(c.state.version).toBe(b.state.version + 1);
    refusedWith(c.state, { type: 'rollback', actor: cv, now: T0 + 4 * MINUTE }, ctx1, 'nothing_to_roll_back');
  });

  it('not once the next step has acted', () => {
    const b = run(
      [
        { type: 'forward', actor: cv, now: T0 + 2 * MINUTE, assignee: 'ld' },
        { type: 'approve', actor: ld, now: T0 + 3 * MINUTE },
      ],
      ctx1,
      base(),
    );
    refusedWith(b.state, { type: 'rollback', actor: cv, now: T0 + 4 * MINUTE }, ctx1, 'nothing_to_roll_back');
  });

  it('a finish can be rolled back by the signer before the result is returned', () => {
    const b = run(
      [
        { type: 'forward', actor: cv, now: T0 + 2 * MINUTE, assignee: 'ld' },
        { type: 'approve', actor: ld, now: T0 + 3 * MINUTE },
        { type: 'sign', actor: ld, now: T0 + 4 * MINUTE },
        { type: 'finish', actor: ld, now: T0 + 5 * MINUTE },
      ],
      ctx1,
      base(),
    );
    const c = run([{ type: 'rollback', actor: ld, now: T0 + 6 * MINUTE }], ctx1, b);
    expect(c.state.status).toBe('processing');
    expect(c.state.resultAt).toBeNull();
    expect(c.state.marks).toEqual({
      approved: true,
      signed: true,
      approvedResult: { attachmentId: 'gp-1', sha256: 'b'.repeat(64) },
      approvalOpinion: null,
      signedResult: { attachmentId: 'gp-1', sha256: 'b'.repeat(64) },
    });
  });

  it('the transfer from reception rolls back to "received"', () => {
    const a = run([submit(T0), { type: 'receive', actor: rc, now: T0 }, { type: 'forward', actor: rc, now: T0 }], ctx1);
    const b = run([{ type: 'rollback', actor: rc, now: T0 + MINUTE }], ctx1, a);
    expect(b.state.status).toBe('received');
    expect(b.state.currentStep).toBeNull();
  });
});

describe('withdrawal and stopping (art. 21)', () => {
  it('before receipt a withdrawal closes the dossier; after receipt it asks, and the unit stops it', () => {
    const a = run([submit(T0), { type: 'withdraw', actor: applicant, now: T0 + MINUTE }], ctx1);
    expect(a.state.status).toBe('closed');
    expect(a.state.closedReason).toBe('withdrawn');
    const b = run(
      [
        submit(T0),
        { type: 'receive', actor: rc, now: T0 },
        { type: 'forward', actor: rc, now: T0, assignee: 'cv' },
        { type: 'withdraw', actor: applicant, now: T0 + MINUTE, reason: 'Không còn nhu cầu' },
      ],
      ctx1,
    );
    expect(b.state.status).toBe('withdrawal_requested');
    expect(nationalStatusCode(b.state.status)).toBe(7);
    refusedWith(b.state, { type: 'stop', actor: cv, now: T0 + 2 * MINUTE, reason: 'r' }, ctx1, 'forbidden');
    const c = run([{ type: 'stop', actor: rc, now: T0 + 2 * MINUTE, reason: 'Theo đề nghị của công dân' }], ctx1, b);
    expect(c.state.status).toBe('stopped');
    expect(nationalStatusCode(c.state.status)).toBe(8);
  });

  it('only the applicant withdraws, and not once the result is ready', () => {
    const a = run([submit(T0)], ctx1);
    refusedWith(a.state, { type: 'withdraw', actor: rc, now: T0 }, ctx1, 'forbidden');
    const r = run(
      [
        minimalCommand('receive', T0),
        { type: 'forward', actor: god, now: T0, assignee: 'u1' },
        { type: 'forward', actor: god, now: T0, assignee: 'u1' },
        minimalCommand('approve', T0),
        minimalCommand('sign', T0),
        minimalCommand('finish', T0),
      ],
      permissiveContext,
      run([minimalCommand('submit', T0)]),
    );
    expect(r.state.status).toBe('result_ready');
    refusedWith(r.state, minimalCommand('withdraw', T0), permissiveContext, 'action_not_allowed');
    // a settlement fee after the result does not reopen withdrawal
    const f = run([minimalCommand('request_fee', T0)], permissiveContext, r);
    refusedWith(f.state, minimalCommand('withdraw', T0), permissiveContext, 'action_not_allowed');
    refusedWith(f.state, minimalCommand('stop', T0), permissiveContext, 'action_not_allowed');
  });
});

describe('refusal', () => {
  it('at reception → refused (code 3); during processing → a written refusal as the result', () => {
    const a = run([submit(T0), { type: 'refuse', actor: rc, now: T0, reasons: ['Không thuộc thẩm quyền'] }], ctx1);
    expect(a.state.status).toBe('refused');
    expect(nationalStatusCode('refused')).toBe(3);
    const b = run(
      [
        submit(T0),
        { type: 'receive', actor: rc, now: T0 },
        { type: 'forward', actor: rc, now: T0, assignee: 'cv' },
        { type: 'refuse', actor: cv, now: T0, reasons: ['Không đủ điều kiện'] },
      ],
      ctx1,
    );
    expect(b.state.status).toBe('result_ready');
    expect(b.state.outcome).toBe('refused');
    refusedWith(a.state, { type: 'refuse', actor: rc, now: T0, reasons: [] }, ctx1, 'action_not_allowed');
  });
});

describe('fees in stages', () => {
  it('advance then settlement; the clock pauses while waiting for payment', () => {
    const received = at('2026-03-02T09:00:00');
    const a = run(
      [
        submit(received),
        { type: 'receive', actor: rc, now: received },
        { type: 'forward', actor: rc, now: received, assignee: 'cv' },
      ],
      ctx1,
    );
    refusedWith(
      a.state,
      { type: 'request_fee', actor: cv, now: received, stage: 'settlement', amount: 1 },
      ctx1,
      'no_advance',
    );
    const b = run(
      [{ type: 'request_fee', actor: cv, now: at('2026-03-03T09:00:00'), stage: 'advance', amount: 500_000 }],
      ctx1,
      a,
    );
    expect(b.state.status).toBe('fee_requested');
    expect(b.state.flags).toContain('paused');
    expect(subStatusOf(b.state, oneAgency)).toBe('awaiting_payment');
    const c = run(
      [{ type: 'fee_paid', actor: applicant, now: at('2026-03-05T09:00:00'), paymentRef: 'PAY-1' }],
      ctx1,
      b,
    );
    expect(c.state.status).toBe('processing');
    expect(c.state.flags).not.toContain('paused');
    // two working days paused → due moves from Wed 11/03 09:00 to Fri 13/03 09:00
    expect(c.state.due).toBe(at('2026-03-13T09:00:00'));
    expect(c.state.pauses).toEqual([{ from: at('2026-03-03T09:00:00'), to: at('2026-03-05T09:00:00') }]);
    const d = run(
      [{ type: 'request_fee', actor: cv, now: at('2026-03-05T10:00:00'), stage: 'settlement', amount: 120_000 }],
      ctx1,
      c,
    );
    expect(d.state.fees.map((f) => f.stage)).toEqual(['advance', 'settlement']);
  });
});

describe('decide is pure', () => {
  it('a refused command changes nothing and an accepted one does not mutate its input', () => {
    const a = run([submit(T0)], ctx1);
    const frozen = structuredClone(a.state);
    decide(a.state, { type: 'finish', actor: god, now: T0 }, ctx1);
    const ok = decide(a.state, { type: 'receive', actor: rc, now: T0 }, ctx1);
    expect(ok.ok).toBe(true);
    expect(a.state).toEqual(frozen);
    if (ok.ok) expect(evolve(a.state, ok.events[0]!).version).toBe(2);
  });
});
