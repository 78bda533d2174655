import { describe, expect, it } from 'vitest';
import { defaultCompensatoryDays, statutoryHolidays } from './holidays.ts';

const dates = (list: { date: string }[]) => list.map((h) => h.date);

describe('statutory holidays (Labor Code 2019 art. 112)', () => {
  it.each([
    [
      2024,
      [
        '2024-01-01',
        '2024-02-09',
        '2024-02-10',
        '2024-02-11',
        '2024-02-12',
        '2024-02-13',
        '2024-04-18',
        '2024-04-30',
        '2024-05-01',
        '2024-09-01',
        '2024-09-02',
      ],
    ],
    [
      2025,
      [
        '2025-01-01',
        '2025-01-28',
        '2025-01-29',
        '2025-01-30',
        '2025-01-31',
        '2025-02-01',
        '2025-04-07',
        '2025-04-30',
        '2025-05-01',
        '2025-09-01',
        '2025-09-02',
      ],
    ],
    [
      2026,
      [
        '2026-01-01',
        '2026-02-16',
        '2026-02-17',
        '2026-02-18',
        '2026-02-19',
        '2026-02-20',
        '2026-04-26',
        '2026-04-30',
        '2026-05-01',
        '2026-09-01',
        '2026-09-02',
      ],
    ],
    [
      2027,
      [
        '2027-01-01',
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-04-16',
        '2027-04-30',
        '2027-05-01',
        '2027-09-01',
        '2027-09-02',
      ],
    ],
  ])('%i: 11 days, Tết = eve + mùng 1–4, 2/9 with 1/9 by default', (year, expected) => {
    const list = statutoryHolidays(year);
    expect(dates(list)).toEqual(expected);
    expect(list.every((h) => h.name_vi.length > 0 && h.name_en.length > 0)).toBe(true);
  });

  it('the adjacent National Day can be 3/9', () => {
    const sep = dates(statutoryHolidays(2024, { nationalDayExtra: 'after' })).filter((d) => d.startsWith('2024-09'));
    expect(sep).toEqual(['2024-09-02', '2024-09-03']);
  });

  it('Tết eve is lunar 30/12 when month 12 is long (2024) and 29/12 when short (2026)', () => {
    const tet2024 = statutoryHolidays(2024).filter((h) => h.key === 'tet');
    expect(tet2024[0]?.date).toBe('2024-02-09');
    const tet2026 = statutoryHolidays(2026).filter((h) => h.key === 'tet');
    expect(tet2026[0]?.date).toBe('2026-02-16');
  });
});

describe('default nghỉ bù (art. 111(3))', () => {
  it('2026: Giỗ Tổ on Sunday 26/04 → Monday 27/04', () => {
    expect(defaultCompensatoryDays(2026)).toEqual([
      expect.objectContaining({ date: '2026-04-27', forDate: '2026-04-26' }),
    ]);
  });

  it('2027: Tết mùng 1–2 on the weekend → the two working days after the Tết run; 1/5 Saturday → Monday 3/5', () => {
    expect(dates(defaultCompensatoryDays(2027))).toEqual(['2027-02-10', '2027-02-11', '2027-05-03']);
  });

  it('2023: consecutive weekend holidays get distinct following days', () => {
    // 1/1 Sun; Tết eve Sat 21/1 + mùng 1 Sun; Giỗ Tổ Sat 29/4 + 30/4 Sun; 2/9 Sat.
    expect(dates(defaultCompensatoryDays(2023))).toEqual([
      '2023-01-02',
      '2023-01-26',
      '2023-01-27',
      '2023-05-02',
      '2023-05-03',
      '2023-09-04',
    ]);
  });

  it('none when no holiday falls on a weekend (2025 has Sat 1/2 → Mon 3/2)', () => {
    expect(dates(defaultCompensatoryDays(2025))).toEqual(['2025-02-03']);
  });
});
