import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOfDayNo, dayNoFromParts, dayNoOf, weekdayOfDayNo } from './dates.ts';
import { DayCalendar } from './day-calendar.ts';
import type { AnnouncedSchedule } from './schedule.ts';
import { announcedSchedules } from './schedule.ts';

const cal = new DayCalendar();
const range = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = dayNoOf(from); d <= dayNoOf(to); d++) out.push(dateOfDayNo(d));
  return out;
};
const offDays = (c: DayCalendar, from: string, to: string) => range(from, to).filter((d) => !c.isWorkingDay(d));

describe('announced national schedules', () => {
  it('2023: Tết Fri 20/01 – Thu 26/01 off (Fri 27/01 works); 29/04 – 03/05 and 01/09 – 04/09 off', () => {
    expect(offDays(cal, '2023-01-19', '2023-01-27')).toEqual(range('2023-01-20', '2023-01-26'));
    expect(offDays(cal, '2023-04-28', '2023-05-04')).toEqual(range('2023-04-29', '2023-05-03'));
    expect(offDays(cal, '2023-08-31', '2023-09-05')).toEqual(range('2023-09-01', '2023-09-04'));
  });

  it('Tết 2024: Thu 08/02 – Wed 14/02 off, Thu 15/02 works', () => {
    expect(offDays(cal, '2024-02-05', '2024-02-18')).toEqual([
      ...range('2024-02-08', '2024-02-14'),
      '2024-02-17',
      '2024-02-18',
    ]);
  });

  it('30/4–1/5 2024: Sat 27/04 – Wed 01/05 off, Sat 04/05 worked', () => {
    expect(offDays(cal, '2024-04-26', '2024-05-05')).toEqual([...range('2024-04-27', '2024-05-01'), '2024-05-05']);
  });

  it('2/9/2024: Sat 31/08 – Tue 03/09 off', () => {
    expect(offDays(cal, '2024-08-30', '2024-09-04')).toEqual(range('2024-08-31', '2024-09-03'));
  });

  it('Tết 2025: Sat 25/01 – Sun 02/02 off, Mon 03/02 works (no default nghỉ bù)', () => {
    expect(offDays(cal, '2025-01-24', '2025-02-03')).toEqual(range('2025-01-25', '2025-02-02'));
  });

  it('30/4–1/5 2025: Wed 30/04 – Sun 04/05 off, Sat 26/04 worked', () => {
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    expect(offDays(cal, '2025-04-26', '2025-05-05')).toEqual(['2025-04-27', ...range('2025-04-30', '2025-05-04')]);
  });

  it('2/9/2025: Sat 30/08 – Tue 02/09 off', () => {
    expect(offDays(cal, '2025-08-29', '2025-09-03')).toEqual(range('2025-08-30', '2025-09-02'));
  });

  it('Tết 2026: Sat 14/02 – Sun 22/02 off', () => {
    expect(offDays(cal, '2026-02-13', '2026-02-23')).toEqual(range('2026-02-14', '2026-02-22'));
  });

  it('2026: Giỗ Tổ Sun 26/04 → Mon 27/04 off; 30/04 – 03/05 off without swap', () => {
    expect(offDays(cal, '2026-04-24', '2026-05-04')).toEqual([
      ...range('2026-04-25', '2026-04-27'),
      ...range('2026-04-30', '2026-05-03'),
    ]);
  });

  it('2/9/2026: Sat 22/08 is a working day, Sat 29/08 – Wed 02/09 off', () => {
    expect(cal.isWorkingDay('2026-08-22')).toBe(true);
    expect(offDays(cal, '2026-08-28', '2026-09-03')).toEqual(range('2026-08-29', '2026-09-02'));
  });

  it('marks unconfirmed items and gives every item a source', () => {
    for (const s of announcedSchedules) {
      for (const e of s.entries) {
        expect(e.source.length).toBeGreaterThan(0);
        expect(dayNoOf(e.date)).toBeTypeOf('number');
        if (!e.confirmed) expect(e.source).toMatch(/UNCONFIRMED/);
      }
    }
    expect(cal.announcedWorkingDays(2026)).toEqual([expect.objectContaining({ date: '2026-08-22', confirmed: false })]);
  });
});

describe('holidaysOf', () => {
  it('2026 lists statutory, announced and weekend-flagged days, sorted', () => {
    const list = cal.holidaysOf(2026);
    expect(list.map((h) => h.date)).toEqual([
      '2026-01-01',
      ...range('2026-02-16', '2026-02-20'),
      '2026-04-26',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-08-31',
      '2026-09-01',
      '2026-09-02',
    ]);
    expect(list.find((h) => h.date === '2026-04-26')).toMatchObject({ kind: 'statutory', onWeekend: true });
    expect(list.find((h) => h.date === '2026-04-27')).toMatchObject({
      kind: 'announced',
      onWeekend: false,
      confirmed: true,
    });
  });

  it('a year without a schedule uses the computed nghỉ bù', () => {
    expect(
      cal
        .holidaysOf(2027)
        .filter((h) => h.kind === 'compensatory')
        .map((h) => h.date),
    ).toEqual(['2027-02-10', '2027-02-11', '2027-05-03']);
  });
});

describe('province schedules and overrides', () => {
  const provincial: AnnouncedSchedule = {
    province: '79',
    year: 2026,
    complete: false,
    source: 'test',
    entries: [
      {
        date: '2026-03-10',
        kind: 'day_off',
        name_vi: 'Ngày lễ địa phương',
        name_en: 'Local day off',
        confirmed: true,
        source: 'test',
      },
      {
        date: '2026-08-31',
        kind: 'working_day',
        name_vi: 'Không hoán đổi',
        name_en: 'No swap',
        confirmed: true,
        source: 'test',
      },
    ],
  };
  const schedules = [...announcedSchedules, provincial];

  it('province entries override national ones; other provinces are unaffected', () => {
    const p79 = new DayCalendar({ province: '79', schedules });
    const p01 = new DayCalendar({ province: '01', schedules });
    expect(p79.isWorkingDay('2026-03-10')).toBe(false);
    expect(p79.isWorkingDay('2026-08-31')).toBe(true);
    expect(p01.isWorkingDay('2026-03-10')).toBe(true);
    expect(p01.isWorkingDay('2026-08-31')).toBe(false);
  });

  it('a complete schedule switches the computed nghỉ bù off; an incomplete one only patches it', () => {
    const base: AnnouncedSchedule = { province: null, year: 2027, complete: false, source: 'test', entries: [] };
    expect(new DayCalendar({ schedules: [base] }).isWorkingDay('2027-05-03')).toBe(false);
    expect(new DayCalendar({ schedules: [{ ...base, complete: true }] }).isWorkingDay('2027-05-03')).toBe(true);
  });

  it('nationalDayExtra picks 3/9 instead of 1/9', () => {
    const c = new DayCalendar({
      schedules: [{ province: null, year: 2027, complete: false, nationalDayExtra: 'after', source: 't', entries: [] }],
    });
    expect(c.isWorkingDay('2027-09-01')).toBe(true);
    expect(c.isWorkingDay('2027-09-03')).toBe(false);
  });

  it('without schedules every year follows the statute', () => {
    const bare = new DayCalendar({ schedules: [] });
    expect(bare.isWorkingDay('2025-02-03')).toBe(false); // computed nghỉ bù for Sat 01/02
    expect(bare.isWorkingDay('2025-01-27')).toBe(true);
  });
});

describe('working days', () => {
  it('nextWorkingDay / addWorkingDays around Tết 2026', () => {
    expect(cal.nextWorkingDay('2026-02-13')).toBe('2026-02-23');
    expect(cal.addWorkingDays('2026-02-12', 2)).toBe('2026-02-23');
    expect(cal.addWorkingDays('2026-02-23', -1)).toBe('2026-02-13');
    expect(cal.addWorkingDays('2026-02-14', 0)).toBe('2026-02-23');
    expect(cal.addWorkingDays('2026-02-13', 0)).toBe('2026-02-13');
    expect(cal.workingDaysBetween('2026-02-13', '2026-02-23')).toBe(1);
  });

  it('counts working days per year', () => {
    // 2026: 261 weekdays − 10 weekday holidays/days off (1/1, 16–20/2, 27/4, 30/4, 1/5, 31/8, 1/9, 2/9 = 12) + 1 make-up Saturday.
    expect(cal.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(261 - 12 + 1);
  });

  it('rejects invalid dates and unsupported years', () => {
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('26-2-3')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2101-01-01')).toThrow(RangeError);
  });

  const dateArb = fc.integer({ min: dayNoFromParts(1950, 1, 1), max: dayNoFromParts(2090, 12, 31) }).map(dateOfDayNo);

  it('property: addWorkingDays lands on a working day exactly n working days later', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -500, max: 2000 }), (date, n) => {
        const result = cal.addWorkingDays(date, n);
        expect(cal.isWorkingDay(result)).toBe(true);
        if (n > 0) expect(cal.workingDaysBetween(date, result)).toBe(n);
        // n < 0: |n| − 1 working days lie strictly between the result and `date`.
        if (n < 0) expect(cal.workingDaysBetween(result, date) - (cal.isWorkingDay(date) ? 1 : 0)).toBe(-n - 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: addWorkingDays agrees with a day-by-day walk', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 60 }), (date, n) => {
        let d = dayNoOf(date);
        for (let left = n; left > 0; ) {
          d++;
          if (cal.isWorkingDayNo(d)) left--;
        }
        expect(cal.addWorkingDays(date, n)).toBe(dateOfDayNo(d));
      }),
      { numRuns: 500 },
    );
  });

  it('property: a working day is a weekday that is not a listed day off, or an announced working day', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNoFromParts(2022, 1, 1), max: dayNoFromParts(2030, 12, 31) }), (dayNo) => {
        const date = dateOfDayNo(dayNo);
        const year = Number(date.slice(0, 4));
        const listedOff = cal.holidaysOf(year).some((h) => h.date === date);
        const announcedWork = cal.announcedWorkingDays(year).some((e) => e.date === date);
        const weekend = [0, 6].includes(weekdayOfDayNo(dayNo));
        expect(cal.isWorkingDay(date)).toBe(announcedWork || (!weekend && !listedOff));
      }),
      { numRuns: 1000 },
    );
  });
});
