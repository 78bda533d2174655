import { describe, expect, it } from 'vitest';
import { ALLOWED_COMMANDS, INITIAL_COMMANDS } from './actions.ts';
import type { CommandType } from './commands.ts';
import { COMMAND_TYPES } from './commands.ts';
import type { DossierEvent } from './events.ts';
import { god, MINUTE, minimalCommand, permissiveContext, run, T0 } from './fixtures.test-helpers.ts';
import { decide } from './machine.ts';
import type { DossierState } from './state.ts';
import type { DossierStatus } from './status.ts';
import { DOSSIER_STATUSES } from './status.ts';

/** Commands (by type) that bring a fresh dossier into `status`, ready for `command`. */
function setup(status: DossierStatus, command: CommandType): CommandType[] {
  const toProcessing: CommandType[] = ['submit', 'receive', 'forward'];
  const atFinal: CommandType[] = [...toProcessing, 'forward', 'approve', 'sign'];
  switch (status) {
    case 'submitted':
      return ['submit'];
    case 'received':
      return ['submit', 'receive'];
    case 'processing':
      if (command === 'finish') return atFinal;
      if (command === 'send_back') return [...toProcessing, 'forward'];
      if (command === 'consultation_result') return [...toProcessing, 'consult'];
      // The result file is confirmed after its approval.
      if (command === 'sign') return [...toProcessing, 'approve'];
      return toProcessing;
    case 'supplement_requested':
      return [...toProcessing, 'request_supplement'];
    case 'fee_requested':
      return [...toProcessing, 'request_fee'];
    case 'withdrawal_requested':
      return [...toProcessing, 'withdraw'];
    case 'stopped':
      return [...toProcessing, 'stop'];
    case 'refused':
      return ['submit', 'refuse'];
    case 'result_ready':
      return [...atFinal, 'finish'];
    case 'returned':
      return [...atFinal, 'finish', 'return_result'];
    case 'closed':
      return ['submit', 'withdraw'];
  }
}

function stateFor(status: DossierStatus, command: CommandType): { state: DossierState; now: number } {
  const types = setup(status, command);
  const cmds = types.map((t, i) => {
    const c = minimalCommand(t, T0 + i * MINUTE);
    // The claim test needs an unassigned step; elsewhere the forwarder assigns itself.
    return c.type === 'forward' && command !== 'claim' ? { ...c, assignee: 'u1' } : c;
  });
  const { state } = run(cmds);
  expect(state.status).toBe(status);
  // close_incomplete needs the 15 days to have passed.
  const now = T0 + types.length * MINUTE + (command === 'close_incomplete' ? 16 * 86_400_000 : 0);
  return { state, now };
}

/**
 * The status → commands policy, written out by hand from docs/dossier-engine.md §1–2 and Decree
 * 118/2025/NĐ-CP as cited there — not read from `ALLOWED_COMMANDS`, which the test then checks
 * against it. Each row lists every command `decide` must accept in that status (with an actor and
 * a context that allow everything else); every command not listed must be refused with
 * `action_not_allowed`.
 */
const EXPECTED: Record<DossierStatus, readonly CommandType[]> = {
  // Waiting at the one-stop unit: receive (receipt, form 01), ask once for the complete list of
  // missing items (art. 16(3), form 02) or refuse (form 03); the applicant may still withdraw,
  // which closes the dossier directly. No stop: nothing is being handled yet (art. 21).
  submitted: ['receive', 'request_supplement', 'refuse', 'withdraw'],
  // Receipt issued, the legal clock runs: the receptionist transfers it to the first step
  // (art. 18(2)) or asks for fees; the applicant withdraws; the agency stops (art. 21).
  received: ['forward', 'request_fee', 'withdraw', 'stop'],
  // The workflow's steps: everything the handling officers do, plus the receptionist's fees and
  // extension (art. 19(6)), the applicant's withdrawal and the stop (art. 21). No return yet.
  processing: [
    'claim',
    'assign',
    'forward',
    'send_back',
    'consult',
    'consultation_result',
    'approve',
    'sign',
    'rollback',
    'request_supplement',
    'refuse',
    'request_fee',
    'extend',
    'withdraw',
    'stop',
    'finish',
  ],
  // The clock waits for the applicant: she supplements (the limit restarts, art. 19(5)) or
  // withdraws; after 15 days without it the dossier is closed (art. 19(5)); or it is stopped.
  supplement_requested: ['supplement_provided', 'withdraw', 'stop', 'close_incomplete'],
  // Paused for the financial obligation: paid, withdrawn or stopped.
  fee_requested: ['fee_paid', 'withdraw', 'stop'],
  // The applicant asked to withdraw: the agency stops handling (art. 21, form 05).
  withdrawal_requested: ['stop'],
  // Terminal: nothing more happens to a stopped, refused-at-reception or closed dossier.
  stopped: [],
  refused: [],
  // The result (a grant or a written refusal) waits at the one-stop unit: it is returned
  // (art. 22), a settlement fee may be asked first, and the finish may be taken back. Too late
  // to withdraw or stop.
  result_ready: ['request_fee', 'rollback', 'return_result'],
  // Returned: only the applicant's rating is left (art. 33).
  returned: ['rate'],
  closed: [],
};

/** Before a dossier exists, only submitting creates one. */
const EXPECTED_INITIAL: readonly CommandType[] = ['submit'];

describe('status → commands, written by hand × decide (every status × every command)', () => {
  it('covers every status', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...DOSSIER_STATUSES].sort());
  });

  it('ALLOWED_COMMANDS and INITIAL_COMMANDS (the table decide consults) say the same', () => {
    for (const status of DOSSIER_STATUSES)
      expect([...ALLOWED_COMMANDS[status]].sort(), status).toEqual([...EXPECTED[status]].sort());
    expect([...INITIAL_COMMANDS].sort()).toEqual([...EXPECTED_INITIAL].sort());
  });

  for (const status of DOSSIER_STATUSES) {
    for (const type of COMMAND_TYPES) {
      const allowed = EXPECTED[status].includes(type);
      it(`${status} × ${type} → ${allowed ? 'accepted' : 'action_not_allowed'}`, () => {
        const { state, now } = stateFor(status, type);
        const before = structuredClone(state);
        const d = decide(state, minimalCommand(type, now, god, state), permissiveContext);
        expect(state).toEqual(before);
        if (allowed) {
          if (!d.ok) throw new Error(`${status} × ${type}: ${d.error.code} ${d.error.message_en}`);
          expect(d.events).toHaveLength(1);
          expect((d.events[0] as DossierEvent).version).toBe(state.version + 1);
        } else {
          expect(d.ok).toBe(false);
          if (!d.ok) expect(d.error.code).toBe('action_not_allowed');
        }
      });
    }
  }

  for (const type of COMMAND_TYPES) {
    const allowed = EXPECTED_INITIAL.includes(type);
    it(`(no dossier) × ${type} → ${allowed ? 'accepted' : 'refused'}`, () => {
      const d = decide(null, minimalCommand(type, T0), permissiveContext);
      expect(d.ok).toBe(allowed);
      if (!d.ok) expect(d.error.code).toBe('dossier_not_found');
    });
  }
});
