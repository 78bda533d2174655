import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atLocal, dayStartMs, localDateOf, localDayNo } from './dates.ts';
import type { Pause } from './working-time.ts';
import { createWorkCalendar } from './working-time.ts';

const cal = createWorkCalendar();
const HOUR = 3_600_000;
const DAY = cal.workingDayMs;
/** 'yyyy-mm-dd HH:mm' in local time. */
const local = (d: Date) => new Date(d.getTime() + 7 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
const at = (date: string, time: string) => atLocal(date, time);

describe('examples a receptionist would recognise (default sessions 07:30–11:30, 13:30–17:00)', () => {
  it('a working day is 7.5 h', () => {
    expect(DAY).toBe(7.5 * HOUR);
  });

  it('received Mon 02/03/2026 09:00, 1 day → Tue 03/03 09:00', () => {
    expect(local(cal.dueAt(at('2026-03-02', '09:00'), { days: 1 }))).toBe('2026-03-03 09:00');
  });

  it('received Fri 06/03/2026 16:30, 3 days → Wed 11/03 16:30', () => {
    expect(local(cal.dueAt(at('2026-03-06', '16:30'), { days: 3 }))).toBe('2026-03-11 16:30');
  });

  it('received Fri 06/03/2026 16:00, 3 days → Wed 11/03 16:00', () => {
    expect(local(cal.dueAt(at('2026-03-06', '16:00'), { days: 3 }))).toBe('2026-03-11 16:00');
  });

  it('received the afternoon before Tết 2026 (Fri 13/02 16:30), 3 days → Wed 25/02 16:30', () => {
    expect(local(cal.dueAt(at('2026-02-13', '16:30'), { days: 3 }))).toBe('2026-02-25 16:30');
  });

  it('received before Tết 2024 (Wed 07/02 10:00), 1 day → Thu 15/02 10:00', () => {
    expect(local(cal.dueAt(at('2024-02-07', '10:00'), { days: 1 }))).toBe('2024-02-15 10:00');
  });

  it('received during lunch (Mon 02/03/2026 12:15): clock starts 13:30', () => {
    const r = at('2026-03-02', '12:15');
    expect(local(cal.clockStart(r))).toBe('2026-03-02 13:30');
    // Afternoon 3.5 h + morning 4 h: due at the end of Tuesday's morning session.
    expect(local(cal.dueAt(r, { days: 1 }))).toBe('2026-03-03 11:30');
    expect(local(cal.dueAt(r, { hours: 4 }))).toBe('2026-03-03 08:00');
  });

  it('received before opening: clock starts 07:30 and 1 day ends at 17:00 the same day', () => {
    expect(local(cal.clockStart(at('2026-03-02', '06:45')))).toBe('2026-03-02 07:30');
    expect(local(cal.dueAt(at('2026-03-02', '06:45'), { days: 1 }))).toBe('2026-03-02 17:00');
  });

  it('received on Saturday (online), 3 days → Wed 17:00', () => {
    expect(local(cal.clockStart(at('2026-03-07', '10:00')))).toBe('2026-03-09 07:30');
    expect(local(cal.dueAt(at('2026-03-07', '10:00'), { days: 3 }))).toBe('2026-03-11 17:00');
  });

  it('session boundaries: 11:30 → 13:30, 17:00 → next morning, 16:59 counts from 16:59', () => {
    expect(local(cal.clockStart(at('2026-03-02', '11:30')))).toBe('2026-03-02 13:30');
    expect(local(cal.clockStart(at('2026-03-02', '17:00')))).toBe('2026-03-03 07:30');
    expect(local(cal.clockStart(at('2026-03-02', '16:59')))).toBe('2026-03-02 16:59');
  });

  it('a make-up Saturday is a working day (Sat 22/08/2026)', () => {
    expect(local(cal.dueAt(at('2026-08-21', '09:00'), { days: 1 }))).toBe('2026-08-22 09:00');
  });

  it('received before National Day 2026 (Fri 28/08 10:00), 1 day → Thu 03/09 10:00', () => {
    expect(local(cal.dueAt(at('2026-08-28', '10:00'), { days: 1 }))).toBe('2026-09-03 10:00');
  });

  it('Decree 118 art. 18(2): after 15:00 the dossier is transferred at the next working day', () => {
    expect(local(cal.transferStart(at('2026-03-02', '15:10')))).toBe('2026-03-03 07:30');
    expect(local(cal.transferStart(at('2026-03-02', '14:59')))).toBe('2026-03-02 14:59');
    expect(local(cal.transferStart(at('2026-03-02', '15:00')))).toBe('2026-03-02 15:00');
    expect(local(cal.transferStart(at('2026-02-13', '15:30')))).toBe('2026-02-23 07:30');
    expect(local(cal.transferStart(at('2026-03-02', '16:00'), '16:30'))).toBe('2026-03-02 16:00');
    expect(local(cal.dueAt(cal.transferStart(at('2026-03-02', '15:10')), { days: 1 }))).toBe('2026-03-03 17:00');
  });

  it('Decree 118 art. 19(5): a complete supplement restarts the limit from zero', () => {
    expect(cal.restartClock(at('2026-03-10', '10:00'), { days: 2 })).toEqual(
      cal.dueAt(at('2026-03-10', '10:00'), { days: 2 }),
    );
  });

  it('pauses: waiting Tue 08:00 → Thu 08:00 for a supplement adds two working days', () => {
    const pauses = [{ from: at('2026-03-03', '08:00'), to: at('2026-03-05', '08:00') }];
    expect(local(cal.dueAtWithPauses(at('2026-03-02', '08:00'), { days: 5 }, pauses))).toBe('2026-03-11 08:00');
    expect(local(cal.dueAt(at('2026-03-02', '08:00'), { days: 5 }))).toBe('2026-03-09 08:00');
    // A pause after the due moment changes nothing.
    const late = [{ from: at('2026-03-20', '08:00'), to: at('2026-03-25', '08:00') }];
    expect(local(cal.dueAtWithPauses(at('2026-03-02', '08:00'), { days: 5 }, late))).toBe('2026-03-09 08:00');
  });

  it('remaining and lateness', () => {
    const due = at('2026-03-04', '16:00');
    // Mon 09:00–17:00 = 6 h, Tue 7.5 h, Wed 07:30–16:00 = 6.5 h: 20 h = 2 days 5 h.
    expect(cal.remaining(at('2026-03-02', '09:00'), due)).toEqual({
      ms: 20 * HOUR,
      overdue: false,
      days: 2,
      hours: 5,
      minutes: 0,
    });
    expect(cal.remaining(at('2026-03-05', '08:15'), due)).toEqual({
      ms: -(1.75 * HOUR),
      overdue: true,
      days: 0,
      hours: 1,
      minutes: 45,
    });
  });

  it('working time with pauses', () => {
    const a = at('2026-03-02', '07:30');
    const b = at('2026-03-02', '17:00');
    expect(cal.workingMsBetween(a, b)).toBe(DAY);
    expect(cal.workingMsBetween(a, b, [{ from: at('2026-03-02', '09:00'), to: at('2026-03-02', '14:00') }])).toBe(
      DAY - 3 * HOUR,
    );
    expect(cal.workingMsBetween(b, a, [{ from: at('2026-03-02', '09:00'), to: at('2026-03-02', '14:00') }])).toBe(
      -(DAY - 3 * HOUR),
    );
  });

  it('configurable sessions per province', () => {
    const c = createWorkCalendar({
      province: '01',
      sessions: [
        { start: '08:00', end: '12:00' },
        { start: '13:00', end: '17:00' },
      ],
    });
    expect(c.workingDayMs).toBe(8 * HOUR);
    expect(local(c.dueAt(at('2026-03-06', '16:30'), { days: 3 }))).toBe('2026-03-11 16:30');
    expect(local(c.clockStart(at('2026-03-02', '12:30')))).toBe('2026-03-02 13:00');
    expect(() => createWorkCalendar({ sessions: [{ start: '13:00', end: '12:00' }] })).toThrow(RangeError);
    expect(() => createWorkCalendar({ sessions: [] })).toThrow(RangeError);
  });

  it('addWorkingMs backwards lands on a session start', () => {
    expect(local(cal.addWorkingMs(at('2026-03-03', '09:00'), -1.5 * HOUR))).toBe('2026-03-03 07:30');
    expect(local(cal.addWorkingMs(at('2026-03-03', '09:00'), -2 * HOUR))).toBe('2026-03-02 16:30');
  });

  it('rejects negative limits and inverted pauses', () => {
    expect(() => cal.dueAt(at('2026-03-02', '09:00'), { days: -1 })).toThrow(RangeError);
    expect(() => cal.workingMsBetween(0, 1, [{ from: 5, to: 1 }])).toThrow(RangeError);
  });
});

describe('properties', () => {
  const lo = atLocal('2023-01-01').getTime();
  const hi = atLocal('2027-06-30').getTime();
  const moment = fc.integer({ min: lo, max: hi });
  const minuteMoment = moment.map((ms) => ms - (ms % 60_000));
  const pausesArb = fc.array(
    fc
      .tuple(moment, fc.integer({ min: 0, max: 20 * 86_400_000 }))
      .map(([from, len]): Pause => ({ from, to: Math.min(from + len, hi) })),
    { maxLength: 4 },
  );

  /** Independent oracle: day off = listed day off or weekend, unless an announced working day. */
  const oracleWorking = (date: string) => {
    const year = Number(date.slice(0, 4));
    if (cal.announcedWorkingDays(year).some((e) => e.date === date)) return true;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !cal.holidaysOf(year).some((h) => h.date === date);
  };
  const insideSession = (ms: number) => {
    const tod = (ms - dayStartMs(localDayNo(ms))) / 60_000;
    return (tod > 450 && tod <= 690) || (tod > 810 && tod <= 1020);
  };

  it('N working days later is exactly N working days of time, due inside a session of a working day', () => {
    fc.assert(
      fc.property(moment, fc.integer({ min: 1, max: 300 }), (r, n) => {
        const due = cal.dueAt(r, { days: n });
        expect(cal.workingMsBetween(r, due)).toBe(n * DAY);
        expect(cal.workingMsBetween(cal.clockStart(r), due)).toBe(n * DAY);
        expect(oracleWorking(localDateOf(due))).toBe(true);
        expect(insideSession(due.getTime())).toBe(true);
        expect(cal.isWorkingTime(due)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('hour limits also land inside working time', () => {
    fc.assert(
      fc.property(moment, fc.integer({ min: 1, max: 2000 }), (r, minutes) => {
        const due = cal.dueAt(r, { hours: minutes / 60 });
        expect(cal.workingMsBetween(r, due)).toBe(minutes * 60_000);
        expect(insideSession(due.getTime())).toBe(true);
        expect(oracleWorking(localDateOf(due))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('mid-session receipts: the due date is addWorkingDays of the receipt date', () => {
    fc.assert(
      fc.property(minuteMoment, fc.integer({ min: 1, max: 200 }), (r, n) => {
        fc.pre(cal.isWorkingTime(r) && insideSession(r) && cal.clockStart(r).getTime() === r);
        expect(localDateOf(cal.dueAt(r, { days: n }))).toBe(cal.addWorkingDays(localDateOf(r), n));
      }),
      { numRuns: 300 },
    );
  });

  it('clockStart is never earlier than the receipt and is a working moment; no working time is skipped', () => {
    fc.assert(
      fc.property(moment, (r) => {
        const s = cal.clockStart(r);
        expect(s.getTime()).toBeGreaterThanOrEqual(r);
        expect(cal.isWorkingTime(s)).toBe(true);
        expect(cal.workingMsBetween(r, s)).toBe(0);
        expect(cal.transferStart(r).getTime()).toBeGreaterThanOrEqual(s.getTime());
      }),
      { numRuns: 1000 },
    );
  });

  it('monotonic: later receipt or longer limit never gives an earlier due moment', () => {
    fc.assert(
      fc.property(moment, moment, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (a, b, n, m) => {
        const [r1, r2] = a <= b ? [a, b] : [b, a];
        const [n1, n2] = n <= m ? [n, m] : [m, n];
        expect(cal.dueAt(r1, { days: n1 }).getTime()).toBeLessThanOrEqual(cal.dueAt(r2, { days: n1 }).getTime());
        expect(cal.dueAt(r1, { days: n1 }).getTime()).toBeLessThanOrEqual(cal.dueAt(r1, { days: n2 }).getTime());
        if (n1 < n2) expect(cal.dueAt(r1, { days: n1 }).getTime()).toBeLessThan(cal.dueAt(r1, { days: n2 }).getTime());
      }),
      { numRuns: 1000 },
    );
  });

  it('workingMsBetween is antisymmetric and additive, with or without pauses', () => {
    fc.assert(
      fc.property(moment, moment, moment, pausesArb, (a, b, c, pauses) => {
        expect(cal.workingMsBetween(a, b, pauses) + cal.workingMsBetween(b, a, pauses)).toBe(0);
        expect(cal.workingMsBetween(a, c, pauses)).toBe(
          cal.workingMsBetween(a, b, pauses) + cal.workingMsBetween(b, c, pauses),
        );
        const [x, y] = a <= b ? [a, b] : [b, a];
        expect(cal.workingMsBetween(x, y, pauses)).toBeLessThanOrEqual(cal.workingMsBetween(x, y));
        expect(cal.workingMsBetween(x, y, pauses)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('workingMsBetween agrees with a day-by-day oracle over short spans', () => {
    fc.assert(
      fc.property(moment, fc.integer({ min: 0, max: 12 * 86_400_000 }), (a, len) => {
        const b = a + len;
        let sum = 0;
        for (let d = localDayNo(a); d <= localDayNo(b); d++) {
          const start = dayStartMs(d);
          if (!oracleWorking(localDateOf(start))) continue;
          for (const [s, e] of [
            [450, 690],
            [810, 1020],
          ] as const) {
            sum += Math.max(0, Math.min(b, start + e * 60_000) - Math.max(a, start + s * 60_000));
          }
        }
        expect(cal.workingMsBetween(a, b)).toBe(sum);
      }),
      { numRuns: 500 },
    );
  });

  it('addWorkingMs forwards and backwards round-trips the working time', () => {
    fc.assert(
      fc.property(moment, fc.integer({ min: 1, max: 200 * 7.5 * 3_600_000 }), (t, ms) => {
        const fwd = cal.addWorkingMs(t, ms);
        const back = cal.addWorkingMs(t, -ms);
        expect(fwd.getTime()).toBeGreaterThan(t);
        expect(back.getTime()).toBeLessThan(t);
        expect(cal.workingMsBetween(t, fwd)).toBe(ms);
        expect(cal.workingMsBetween(back, t)).toBe(ms);
        expect(cal.isWorkingTime(fwd)).toBe(true);
        expect(cal.isWorkingTime(back)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('dueAtWithPauses: exactly the limit of unpaused time, never before dueAt', () => {
    fc.assert(
      fc.property(moment, fc.integer({ min: 1, max: 60 }), pausesArb, (r, n, pauses) => {
        const due = cal.dueAtWithPauses(r, { days: n }, pauses);
        expect(cal.workingMsBetween(cal.clockStart(r), due, pauses)).toBe(n * DAY);
        expect(due.getTime()).toBeGreaterThanOrEqual(cal.dueAt(r, { days: n }).getTime());
        expect(cal.isWorkingTime(due)).toBe(true);
        expect(cal.dueAtWithPauses(r, { days: n }, [])).toEqual(cal.dueAt(r, { days: n }));
      }),
      { numRuns: 1000 },
    );
  });

  it('remaining breakdown recombines to the working time (to the minute)', () => {
    fc.assert(
      fc.property(moment, moment, (now, due) => {
        const rem = cal.remaining(now, due);
        const whole = rem.days * DAY + rem.hours * HOUR + rem.minutes * 60_000;
        expect(Math.abs(rem.ms) - whole).toBeGreaterThanOrEqual(0);
        expect(Math.abs(rem.ms) - whole).toBeLessThan(60_000);
        expect(rem.hours * HOUR + rem.minutes * 60_000).toBeLessThan(DAY);
        expect(rem.overdue).toBe(rem.ms < 0);
      }),
      { numRuns: 500 },
    );
  });

  it('large spans are cheap (per-year prefix sums, not day walks)', () => {
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) cal.dueAt(lo + i * 7_919_000, { days: 1 + (i % 5000) });
    expect(cal.addWorkingDays('1901-01-02', 49_000) < '2100-12-31').toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
