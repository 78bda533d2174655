import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atLocal, localDateOf, localDayNo } from './dates.ts';
import { createWorkCalendar } from './working-time.ts';

/**
 * Limits in calendar days ("30 ngày", "10 ngày"): Civil Code 2015 art. 148(5) — when the last day
 * of the period is a day off, the period ends at the end of the next working day. Expected values
 * are computed by hand from the calendar (weekends, 1/1, Tết 2027 with its nghỉ bù).
 */
const cal = createWorkCalendar();
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 'yyyy-mm-dd HH:mm' in local time (UTC+7). */
const local = (d: Date) => new Date(d.getTime() + 7 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

describe('calendar-day limits: examples', () => {
  it('Hòa giải tranh chấp đất đai, 30 days, received Wed 02/12/2026 13:27 → Mon 04/01/2027 17:00 (not New Year’s Day)', () => {
    // Naive end Fri 01/01/2027 13:27 is Tết Dương lịch; Sat 02 and Sun 03 are the weekend.
    expect(local(cal.dueAtCalendarDays(atLocal('2026-12-02', '13:27'), 30))).toBe('2027-01-04 17:00');
  });

  it('Cấp Phiếu lý lịch tư pháp, 10 days, received Wed 02/12/2026 13:27 → Mon 14/12/2026 17:00 (naive end is a Saturday)', () => {
    expect(local(cal.dueAtCalendarDays(atLocal('2026-12-02', '13:27'), 10))).toBe('2026-12-14 17:00');
  });

  it('the naive end on a working day is kept: Mon 02/03/2026 09:00 + 10 days → Thu 12/03/2026 09:00', () => {
    expect(local(cal.dueAtCalendarDays(atLocal('2026-03-02', '09:00'), 10))).toBe('2026-03-12 09:00');
  });

  it('counts from the clock start: received Tue 01/12/2026 17:30 → starts Wed 07:30, 30 days → Mon 04/01/2027 17:00', () => {
    expect(local(cal.dueAtCalendarDays(atLocal('2026-12-01', '17:30'), 30))).toBe('2027-01-04 17:00');
    // Received Sat 07/03/2026 online: starts Mon 09/03 07:30; +5 days is Sat 14/03 → Mon 16/03 17:00.
    expect(local(cal.dueAtCalendarDays(atLocal('2026-03-07', '10:00'), 5))).toBe('2026-03-16 17:00');
  });

  it('Tết 2027: naive end Fri 05/02/2027 (29 Chạp) → Fri 12/02/2027 17:00, after Tết and the nghỉ bù of 10 and 11/02', () => {
    expect(local(cal.dueAtCalendarDays(atLocal('2027-01-06', '10:00'), 30))).toBe('2027-02-12 17:00');
  });

  it('0 days is the clock start; negative or non-finite limits are refused', () => {
    expect(local(cal.dueAtCalendarDays(atLocal('2026-03-02', '09:00'), 0))).toBe('2026-03-02 09:00');
    expect(() => cal.dueAtCalendarDays(atLocal('2026-03-02', '09:00'), -1)).toThrow(RangeError);
    expect(() => cal.dueAtCalendarDays(atLocal('2026-03-02', '09:00'), Number.NaN)).toThrow(RangeError);
  });

  it('follows the office hours: with one session 08:00–16:30 the day off ends at 16:30 of the next working day', () => {
    const c = createWorkCalendar({ sessions: [{ start: '08:00', end: '16:30' }] });
    expect(local(c.dueAtCalendarDays(atLocal('2026-12-02', '13:27'), 30))).toBe('2027-01-04 16:30');
  });
});

describe('calendar-day limits: properties', () => {
  // Receipts from 2024 to 2028 (inside the shipped schedules and the plain statute).
  const receipt = fc.integer({ min: atLocal('2024-01-01').getTime(), max: atLocal('2028-12-31').getTime() });
  const days = fc.integer({ min: 1, max: 120 });

  it('the due moment is never on a day off', () => {
    fc.assert(
      fc.property(receipt, days, (r, n) => {
        expect(cal.isWorkingDay(localDateOf(cal.dueAtCalendarDays(r, n)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('it is at or after the naive end (clock start + n × 24 h), and equal to it when that is a working day', () => {
    fc.assert(
      fc.property(receipt, days, (r, n) => {
        const naive = cal.clockStart(r).getTime() + n * DAY;
        const due = cal.dueAtCalendarDays(r, n).getTime();
        expect(due).toBeGreaterThanOrEqual(naive);
        if (cal.isWorkingDay(localDateOf(naive))) expect(due).toBe(naive);
      }),
      { numRuns: 2000 },
    );
  });

  it('otherwise it is 17:00 of the first working day after the naive end: every day between is a day off', () => {
    fc.assert(
      fc.property(receipt, days, (r, n) => {
        const naive = cal.clockStart(r).getTime() + n * DAY;
        if (cal.isWorkingDay(localDateOf(naive))) return;
        const due = cal.dueAtCalendarDays(r, n);
        expect(local(due).slice(11)).toBe('17:00');
        for (let d = localDayNo(naive); d < localDayNo(due.getTime()); d++) {
          expect(cal.isWorkingDay(localDateOf(d * DAY - 7 * HOUR + 12 * HOUR))).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
