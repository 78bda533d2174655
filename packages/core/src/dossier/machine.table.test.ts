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

describe('allowed-actions table × decide (every status × every command)', () => {
  it('covers every status', () => {
    expect(Object.keys(ALLOWED_COMMANDS).sort()).toEqual([...DOSSIER_STATUSES].sort());
  });

  for (const status of DOSSIER_STATUSES) {
    for (const type of COMMAND_TYPES) {
      const allowed = ALLOWED_COMMANDS[status].includes(type);
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
    const allowed = INITIAL_COMMANDS.includes(type);
    it(`(no dossier) × ${type} → ${allowed ? 'accepted' : 'refused'}`, () => {
      const d = decide(null, minimalCommand(type, T0), permissiveContext);
      expect(d.ok).toBe(allowed);
      if (!d.ok) expect(d.error.code).toBe('dossier_not_found');
    });
  }
});
