import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOfDayNo, dayNoFromParts, partsOfDayNo } from './dates.ts';
import { lunarToSolar, solarToLunar } from './lunar.ts';

const iso = (d: { year: number; month: number; day: number }) => dateOfDayNo(dayNoFromParts(d.year, d.month, d.day));

describe('lunar calendar (UTC+7)', () => {
  it.each([
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2027, '2027-02-06'],
    [2028, '2028-01-26'],
    [2029, '2029-02-13'],
    [2023, '2023-01-22'],
    [2020, '2020-01-25'],
  ])('Tết %i is %s', (year, date) => {
    expect(iso(lunarToSolar(year, 1, 1, false))).toBe(date);
  });

  it.each([
    [1985, '1985-01-21'], // China: 1985-02-20
    [2007, '2007-02-17'], // China: 2007-02-18
    [1968, '1968-01-29'], // China: 1968-01-30
  ])('uses the Vietnamese UTC+7 calendar, not UTC+8: Tết %i is %s', (year, date) => {
    expect(iso(lunarToSolar(year, 1, 1, false))).toBe(date);
  });

  it.each([
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
  ])("Hùng Kings' day (10/3) %i is %s", (year, date) => {
    expect(iso(lunarToSolar(year, 3, 10, false))).toBe(date);
  });

  it('converts solar to lunar, including leap months', () => {
    expect(solarToLunar(2026, 2, 16)).toEqual({ year: 2025, month: 12, day: 29, leap: false });
    expect(solarToLunar(2023, 3, 22)).toEqual({ year: 2023, month: 2, day: 1, leap: true });
    expect(solarToLunar(2025, 7, 25)).toEqual({ year: 2025, month: 6, day: 1, leap: true });
    expect(solarToLunar(2024, 2, 9)).toEqual({ year: 2023, month: 12, day: 30, leap: false });
  });

  it.each([
    [2012, 4],
    [2014, 9],
    [2017, 6],
    [2020, 4],
    [2023, 2],
    [2025, 6],
    [2028, 5],
  ])('year %i has leap month %i and no other', (year, leapMonth) => {
    for (let m = 1; m <= 12; m++) {
      if (m === leapMonth) expect(() => lunarToSolar(year, m, 1, true)).not.toThrow();
      else expect(() => lunarToSolar(year, m, 1, true)).toThrow(RangeError);
    }
  });

  it('rejects lunar dates that do not exist instead of rolling over', () => {
    // Lunar month 12 of 2025 (Ất Tỵ) has 29 days: Tết 2026 follows 29/12.
    expect(() => lunarToSolar(2025, 12, 30, false)).toThrow(RangeError);
    expect(() => lunarToSolar(2024, 13, 1, false)).toThrow(RangeError);
    expect(() => lunarToSolar(2024, 1, 0, false)).toThrow(RangeError);
  });

  it('handles the two days where the published code yields day 0 (2054-05-07, 2062-04-09)', () => {
    expect(solarToLunar(2054, 5, 7)).toEqual({ year: 2054, month: 3, day: 30, leap: false });
    expect(solarToLunar(2062, 4, 9)).toEqual({ year: 2062, month: 2, day: 30, leap: false });
  });

  it('every day 1900–2100: consistent month structure and solar→lunar→solar round trip', () => {
    let prev = solarToLunar(1899, 12, 31);
    let monthLength = 0;
    let monthsInYear = 0;
    let leapsInYear = 0;
    let seenNewYear = false;
    const first = dayNoFromParts(1900, 1, 1);
    const last = dayNoFromParts(2100, 12, 31);
    for (let dayNo = first; dayNo <= last; dayNo++) {
      const s = partsOfDayNo(dayNo);
      const l = solarToLunar(s.year, s.month, s.day);
      if (l.day === 1) {
        // New month: previous one had 29 or 30 days; months follow in order.
        if (monthLength) expect([29, 30]).toContain(prev.day);
        const sameNumberLeap = l.leap && l.month === prev.month && !prev.leap;
        const next = prev.month === 12 ? 1 : prev.month + 1;
        if (!sameNumberLeap) expect(l.month).toBe(next);
        if (l.month === 1 && !l.leap) {
          expect(l.year).toBe(prev.year + 1);
          // A full lunar year: months 1–12 plus at most one leap month.
          if (seenNewYear) expect(monthsInYear).toBe(12);
          seenNewYear = true;
          monthsInYear = 0;
          leapsInYear = 0;
        }
        if (l.leap) leapsInYear++;
        else monthsInYear++;
        monthLength = 1;
      } else {
        expect(l).toEqual({ ...prev, day: prev.day + 1 });
        monthLength++;
      }
      expect(leapsInYear).toBeLessThanOrEqual(1);
      expect(lunarToSolar(l.year, l.month, l.day, l.leap)).toEqual(s);
      prev = l;
    }
    // 73,000 days: a few seconds on a busy 2-core CI machine; the default 5 s timeout is too tight.
  }, 60_000);

  it('property: lunar→solar→lunar round trip on random valid lunar dates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1901, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 29 }),
        (y, m, d) => {
          const s = lunarToSolar(y, m, d, false);
          expect(solarToLunar(s.year, s.month, s.day)).toEqual({ year: y, month: m, day: d, leap: false });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
