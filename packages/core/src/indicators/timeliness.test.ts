import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settlementOf } from '../dossier/timeliness.ts';
import { classifyTimeliness, isOnTime, TIMELINESS_KINDS } from './timeliness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A moment given in Vietnam time (UTC+7). */
const vn = (s: string) => Date.parse(`${s}+07:00`);
/** Local (UTC+7) calendar day of a moment, computed here independently of core's calendar. */
const localDay = (ms: number) => new Date(ms + 7 * HOUR).toISOString().slice(0, 10);

// Moments 2000–2100, any millisecond.
const moment = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });

describe('classifyTimeliness: early / on time / late (Decree 118/2025 art. 19(6))', () => {
  const due = vn('2026-12-10T17:00:00');

  it('boundaries around an appointment at 17:00', () => {
    expect(classifyTimeliness(due, due)).toBe('on_time'); // exactly at the appointment
    expect(classifyTimeliness(due - 1, due)).toBe('on_time');
    expect(classifyTimeliness(due + 1, due)).toBe('late'); // one millisecond after
    expect(classifyTimeliness(vn('2026-12-10T00:00:00'), due)).toBe('on_time'); // same day, its first moment
    expect(classifyTimeliness(vn('2026-12-09T23:59:59.999'), due)).toBe('early'); // the day before, last moment
    expect(classifyTimeliness(vn('2026-12-09T08:00:00'), due)).toBe('early');
    expect(classifyTimeliness(due - 30 * DAY, due)).toBe('early');
    expect(classifyTimeliness(vn('2026-12-11T08:00:00'), due)).toBe('late');
  });

  it('the day is the Vietnamese one (UTC+7), not UTC', () => {
    // Appointment 10/12 07:30 local = 09/12 00:30Z; a result at 09/12 23:00 local = 09/12 16:00Z:
    // same UTC day, earlier local day → early.
    const morning = vn('2026-12-10T07:30:00');
    expect(classifyTimeliness(vn('2026-12-09T23:00:00'), morning)).toBe('early');
    // 10/12 00:30 local = 09/12 17:30Z: a different UTC day, the same local day → on time.
    expect(classifyTimeliness(vn('2026-12-10T00:30:00'), vn('2026-12-10T23:00:00'))).toBe('on_time');
  });

  it('an extension makes it late, however early the result', () => {
    expect(classifyTimeliness(due - 10 * DAY, due, true)).toBe('late');
    expect(classifyTimeliness(due, due, true)).toBe('late');
    expect(classifyTimeliness(due - 10 * DAY, due, false)).toBe('early');
  });

  it('total and exclusive: exactly one kind for every pair, matching its definition', () => {
    fc.assert(
      fc.property(moment, moment, fc.boolean(), (at, d, extended) => {
        const kind = classifyTimeliness(at, d, extended);
        const late = extended || at > d;
        const early = !late && localDay(at) < localDay(d);
        const onTime = !late && !early;
        expect(TIMELINESS_KINDS.filter((k) => k === kind)).toHaveLength(1);
        expect([late, early, onTime].filter(Boolean)).toHaveLength(1);
        expect(kind).toBe(late ? 'late' : early ? 'early' : 'on_time');
      }),
      { numRuns: 5000 },
    );
  });

  it('pairs near the boundaries: within a day of the appointment and of local midnights', () => {
    const near = fc.record({ d: moment, offset: fc.integer({ min: -2 * DAY, max: 2 * DAY }) });
    fc.assert(
      fc.property(near, ({ d, offset }) => {
        const at = d + offset;
        const kind = classifyTimeliness(at, d);
        if (offset > 0) expect(kind).toBe('late');
        else if (localDay(at) === localDay(d)) expect(kind).toBe('on_time');
        else expect(kind).toBe('early');
      }),
      { numRuns: 5000 },
    );
  });

  it('monotone: moving the finish later never makes it earlier-classified', () => {
    const rank = { early: 0, on_time: 1, late: 2 } as const;
    fc.assert(
      fc.property(moment, moment, fc.nat(10 * DAY), (at, d, later) => {
        expect(rank[classifyTimeliness(at + later, d)]).toBeGreaterThanOrEqual(rank[classifyTimeliness(at, d)]);
      }),
    );
  });

  it('isOnTime: early and on time count as on time, late does not', () => {
    expect(TIMELINESS_KINDS.map(isOnTime)).toEqual([true, true, false]);
  });

  it('settlementOf (the dossier view) is classifyTimeliness of the result against the appointment', () => {
    fc.assert(
      fc.property(moment, moment, fc.nat(3), (resultAt, d, extensionCount) => {
        expect(settlementOf({ resultAt, due: d, extensionCount })).toEqual({
          kind: classifyTimeliness(resultAt, d, extensionCount > 0),
          at: resultAt,
        });
      }),
    );
    expect(settlementOf({ resultAt: null, due, extensionCount: 0 })).toBeNull();
    expect(settlementOf({ resultAt: due, due: null, extensionCount: 0 })).toBeNull();
  });
});
