import { describe, expect, it } from 'vitest';
import type { Command, DossierActor } from './commands.ts';
import { god, MINUTE, minimalCommand, permissiveContext, run, T0 } from './fixtures.test-helpers.ts';
import type { DecideContext } from './machine.ts';
import { decide } from './machine.ts';
import type { DossierState } from './state.ts';

/** Who answers a consultation, and what approving and confirming the result need (issue 13). */

const asker: DossierActor = { userId: 'u1', roles: ['officer'], agencyCode: 'A' };
const askerLeader: DossierActor = { userId: 'lead-a', roles: ['leader'], agencyCode: 'A' };
const consultedOfficer: DossierActor = { userId: 'tax-1', roles: ['officer'], agencyCode: 'TAX' };
const consultedLeader: DossierActor = { userId: 'tax-lead', roles: ['leader'], agencyCode: 'TAX' };
const otherOfficer: DossierActor = { userId: 'other-1', roles: ['officer'], agencyCode: 'OTHER' };
const consultedReceptionist: DossierActor = { userId: 'tax-rc', roles: ['receptionist'], agencyCode: 'TAX' };
const applicant: DossierActor = { userId: 'u1', roles: ['applicant'], agencyCode: null };
const system: DossierActor = { userId: 'system', roles: ['system'], agencyCode: null };

const outcome = (state: DossierState, c: Command, ctx: DecideContext = permissiveContext) => {
  const d = decide(state, c, ctx);
  return d.ok ? 'ok' : d.error.code;
};

/** At step s1 (main handler u1), the tax office consulted by u1. */
function consulting(): DossierState {
  return run([
    minimalCommand('submit', T0),
    minimalCommand('receive', T0 + MINUTE),
    { type: 'forward', actor: god, now: T0 + 2 * MINUTE, assignee: 'u1' },
    { type: 'consult', actor: asker, now: T0 + 3 * MINUTE, targets: [{ consultationId: 'tax' }] },
  ]).state;
}

describe('answering a consultation: only the consulted agency', () => {
  it.each([
    ['the officer who asked (main handler)', asker, 'forbidden'],
    ["the asking agency's leader", askerLeader, 'forbidden'],
    ["the consulted agency's officer", consultedOfficer, 'ok'],
    ["the consulted agency's leader", consultedLeader, 'ok'],
    ["another agency's officer", otherOfficer, 'forbidden'],
    ["the consulted agency's receptionist", consultedReceptionist, 'forbidden'],
    ['the applicant', applicant, 'forbidden'],
    ['the engine relaying a linked dossier', system, 'ok'],
  ] as const)('%s → %s', (_who, actor, expected) => {
    const c: Command = {
      type: 'consultation_result',
      actor,
      now: T0 + 4 * MINUTE,
      consultationId: 'tax',
      outcome: 'agreed',
    };
    expect(outcome(consulting(), c)).toBe(expected);
  });
});

/** At the final step s2 (approve + sign), the leader u1 handling it. */
function atFinal(): DossierState {
  return run([
    minimalCommand('submit', T0),
    minimalCommand('receive', T0 + MINUTE),
    { type: 'forward', actor: god, now: T0 + 2 * MINUTE, assignee: 'u1' },
    { type: 'forward', actor: god, now: T0 + 3 * MINUTE, assignee: 'u1' },
  ]).state;
}

const noFile: DecideContext = { ...permissiveContext, resultFile: null };
const newFile: DecideContext = {
  ...permissiveContext,
  resultFile: { attachmentId: 'att-result-2', sha256: 'c'.repeat(64) },
};
const at = (n: number) => T0 + (10 + n) * MINUTE;

describe('approving and confirming the result file', () => {
  it('approve needs a result file at a step that signs; it records the file and the opinion', () => {
    const s = atFinal();
    expect(outcome(s, { type: 'approve', actor: god, now: at(0) }, noFile)).toBe('result_file_missing');
    const d = decide(s, { type: 'approve', actor: god, now: at(0), opinion: '  Đồng ý cấp lại  ' }, permissiveContext);
    expect(d.ok && d.events[0]).toMatchObject({
      type: 'approved',
      resultFile: { attachmentId: 'att-result-1', sha256: 'a'.repeat(64) },
      opinion: 'Đồng ý cấp lại',
    });
  });

  it('sign is refused without a file, before approval, with another document id, and after the file changed', () => {
    const s = atFinal();
    const sign = (n: number, extra: Partial<{ documentId: string }> = {}): Command => ({
      type: 'sign',
      actor: god,
      now: at(n),
      ...extra,
    });
    expect(outcome(s, sign(0), noFile)).toBe('result_file_missing');
    expect(outcome(s, sign(0))).toBe('result_not_approved');
    const approved = run([{ type: 'approve', actor: god, now: at(1) }], permissiveContext, { state: s, events: [] });
    expect(outcome(approved.state, sign(2, { documentId: 'att-other' }))).toBe('result_not_approved');
    expect(outcome(approved.state, sign(2), newFile)).toBe('result_not_approved');
    expect(outcome(approved.state, sign(2), noFile)).toBe('result_file_missing');
    const d = decide(approved.state, sign(2), permissiveContext);
    expect(d.ok && d.events[0]).toMatchObject({
      type: 'signed',
      documentId: 'att-result-1',
      sha256: 'a'.repeat(64),
    });
  });

  it('a changed result file needs a new approval and a new confirmation before finishing', () => {
    const done = run(
      [
        { type: 'approve', actor: god, now: at(1) },
        { type: 'sign', actor: god, now: at(2) },
      ],
      permissiveContext,
      { state: atFinal(), events: [] },
    );
    // same file: nothing to approve again, ready to finish
    expect(outcome(done.state, { type: 'approve', actor: god, now: at(3) })).toBe('already_approved');
    expect(outcome(done.state, { type: 'sign', actor: god, now: at(3) })).toBe('already_signed');
    expect(outcome(done.state, { type: 'finish', actor: god, now: at(3) })).toBe('ok');
    // a new version of the result file was attached
    expect(outcome(done.state, { type: 'finish', actor: god, now: at(3) }, newFile)).toBe('not_approved');
    expect(outcome(done.state, { type: 'sign', actor: god, now: at(3) }, newFile)).toBe('result_not_approved');
    const again = run([{ type: 'approve', actor: god, now: at(4), opinion: 'Bản đã sửa' }], newFile, done);
    expect(again.state.marks).toEqual({
      approved: true,
      signed: false,
      approvedResult: { attachmentId: 'att-result-2', sha256: 'c'.repeat(64) },
      approvalOpinion: 'Bản đã sửa',
      signedResult: null,
    });
    expect(outcome(again.state, { type: 'finish', actor: god, now: at(5) }, newFile)).toBe('not_signed');
    const signed = run([{ type: 'sign', actor: god, now: at(5) }], newFile, again);
    expect(outcome(signed.state, { type: 'finish', actor: god, now: at(6) }, newFile)).toBe('ok');
  });

  it('a step that approves without signing (a linked opinion) needs no file', () => {
    const opinionOnly: DecideContext = {
      ...noFile,
      workflow: {
        schemaVersion: 1,
        steps: [
          {
            id: 'cho_y_kien',
            name_vi: 'Cho ý kiến',
            agency: { kind: 'receiving' },
            role: 'officer',
            allotment: { days: 1 },
            actions: ['approve', 'refuse'],
            final: true,
          },
        ],
      },
    };
    const s = run(
      [
        minimalCommand('submit', T0),
        minimalCommand('receive', T0 + MINUTE),
        { type: 'forward', actor: god, now: T0 + 2 * MINUTE, assignee: 'u1' },
        { type: 'approve', actor: god, now: T0 + 3 * MINUTE },
      ],
      opinionOnly,
    ).state;
    expect(s.marks.approvedResult).toBeNull();
    expect(outcome(s, { type: 'finish', actor: god, now: T0 + 4 * MINUTE }, opinionOnly)).toBe('ok');
  });
});
