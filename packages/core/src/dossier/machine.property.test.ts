import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALLOWED_COMMANDS } from './actions.ts';
import type { Command, CommandType, DossierActor } from './commands.ts';
import { COMMAND_TYPES } from './commands.ts';
import type { DossierEvent } from './events.ts';
import { DAY, god, MINUTE, minimalCommand, permissiveContext, T0 } from './fixtures.test-helpers.ts';
import { decide, evolve, replay } from './machine.ts';
import type { DossierState } from './state.ts';
import { storedFlags } from './state.ts';
import { STATUS_INFO } from './status.ts';

const actors: DossierActor[] = [
  god,
  { userId: 'u2', roles: ['officer'], agencyCode: 'A' },
  { userId: 'u3', roles: ['leader'], agencyCode: 'A' },
  { userId: 'u1', roles: ['applicant'], agencyCode: null },
  { userId: 'rc', roles: ['receptionist'], agencyCode: 'A' },
  { userId: 'tax', roles: ['officer'], agencyCode: 'TAX' },
  { userId: 'x', roles: ['leader', 'officer', 'receptionist'], agencyCode: 'B' },
];

/** Commands that end a dossier are rarer, so that runs get deep into processing. */
const ENDING: CommandType[] = ['refuse', 'withdraw', 'stop', 'close_incomplete'];
const step = fc.record({
  type: fc.oneof(
    { arbitrary: fc.constantFrom<CommandType>(...COMMAND_TYPES.filter((t) => !ENDING.includes(t))), weight: 12 },
    { arbitrary: fc.constantFrom<CommandType>(...ENDING), weight: 1 },
  ),
  actor: fc.oneof(
    { arbitrary: fc.constant(0), weight: 4 },
    { arbitrary: fc.integer({ min: 1, max: actors.length - 1 }), weight: 1 },
  ),
  advance: fc.oneof(
    fc.integer({ min: 0, max: 120 }).map((m) => m * MINUTE),
    fc.integer({ min: 1, max: 20 }).map((d) => d * DAY),
  ),
  variant: fc.integer({ min: 0, max: 3 }),
  /** Most steps pick a command the table allows in the current status (index `pick`). */
  informed: fc.integer({ min: 0, max: 9 }).map((n) => n < 7),
  pick: fc.nat(),
});

/** Variants widen the payloads: jumps, self-assignment, explicit steps. */
function commandOf(
  type: CommandType,
  actor: DossierActor,
  now: number,
  variant: number,
  state: DossierState | null,
): Command {
  const c = minimalCommand(type, now, actor, state);
  if (c.type === 'forward')
    return variant === 1
      ? { ...c, assignee: 'u1' }
      : variant === 2
        ? { ...c, toStep: 's2' }
        : variant === 3
          ? { ...c, assignee: 'u2' }
          : c;
  if (c.type === 'send_back' && variant === 1) return { ...c, toStep: 's2' };
  if (c.type === 'assign' && variant === 1) return { ...c, main: 'u1' };
  if (c.type === 'request_fee' && variant > 1) return { ...c, stage: variant === 2 ? 'advance' : 'settlement' };
  return c;
}

describe('random command interleavings', () => {
  it('keep the state consistent with its history', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 150, size: 'max' }), (steps) => {
        let state: DossierState | null = null;
        let now = T0;
        const events: DossierEvent[] = [];
        // Start with a submission most of the time, so runs get somewhere.
        const all = [
          { type: 'submit' as CommandType, actor: 0, advance: 0, variant: 0, informed: false, pick: 0 },
          ...steps,
        ];
        for (const s of all) {
          now += s.advance;
          const before = structuredClone(state);
          const inStatus = state ? ALLOWED_COMMANDS[state.status] : [];
          const progressing = inStatus.filter((t) => !ENDING.includes(t));
          const allowed = s.pick % 12 === 0 || progressing.length === 0 ? inStatus : progressing;
          const type = s.informed && allowed.length > 0 ? (allowed[s.pick % allowed.length] as CommandType) : s.type;
          const d = decide(
            state,
            commandOf(type, actors[s.actor] as DossierActor, now, s.variant, state),
            permissiveContext,
          );
          expect(state).toEqual(before); // decide never mutates
          if (!d.ok) continue; // a refused command changes nothing: state is untouched
          expect(d.events).toHaveLength(1);
          const e = d.events[0] as DossierEvent;
          expect(e.version).toBe((state?.version ?? 0) + 1);
          const prev: DossierState | null = state;
          state = evolve(state, e);
          events.push(e);
          // Terminal statuses are never left.
          if (prev) expect(STATUS_INFO[prev.status].terminal).toBe(false);
        }
        if (!state) return;
        const types = events.map((e) => e.type);
        const idx = (t: string) => types.indexOf(t as DossierEvent['type']);
        expect(state.version).toBe(events.length);
        expect(replay(events)).toEqual(state);
        expect(state.flags).toEqual(storedFlags(state));
        expect(state.supplementCount).toBeLessThanOrEqual(1);
        expect(types.filter((t) => t === 'supplement_requested').length).toBeLessThanOrEqual(1);
        expect(state.extensionCount).toBeLessThanOrEqual(1);
        expect(types.filter((t) => t === 'rated').length).toBeLessThanOrEqual(1);
        if (state.status === 'returned') {
          const r = idx('result_returned');
          expect(types.slice(0, r).some((t) => t === 'finished' || t === 'refused')).toBe(true);
          expect(state.resultAt).not.toBeNull();
        }
        if (state.rating) expect(idx('result_returned')).toBeGreaterThanOrEqual(0);
        if (['processing', 'result_ready', 'returned', 'stopped', 'withdrawal_requested'].includes(state.status)) {
          expect(state.receivedAt).not.toBeNull();
        }
        if (state.status === 'processing') expect(state.currentStep).not.toBeNull();
        if (state.status === 'refused') expect(state.receivedAt).toBeNull();
        if (state.status === 'closed') expect(state.closedReason).not.toBeNull();
        if (state.status !== 'closed') expect(STATUS_INFO[state.status].nationalCode).not.toBeNull();
        if (idx('received') >= 0) expect(idx('received')).toBeGreaterThan(0);
        // An extension happened only before its previous deadline, at least a working day ahead.
        for (const e of events) if (e.type === 'extended') expect(e.newDue).toBeGreaterThan(e.previousDue);
      }),
      { numRuns: 300 },
    );
  });
});
