/**
 * Yearly announced holiday schedules (lịch nghỉ lễ, tết được công bố) as data.
 *
 * Each year the Government / Ministry of Home Affairs announces how civil
 * servants take that year's holidays: which day next to 2/9 is off (Labor Code
 * 2019 art. 112(3)), where nghỉ bù falls, and day swaps with make-up Saturdays.
 *
 * Precedence for a date (highest first), see docs/calendar.md:
 *  1. an entry of the province's own schedule for that date;
 *  2. an entry of the national schedule (province null) for that date;
 *  3. a statutory holiday (art. 112) → day off;
 *  4. a default art. 111(3) nghỉ bù → day off, but only when no applicable
 *     schedule of that year is `complete` (a complete schedule states its own
 *     nghỉ bù, which replaces the computed one, e.g. Tết 2024 and 2025);
 *  5. the weekly rest days (Sat, Sun) → day off; otherwise a working day.
 */
import type { NationalDayExtra } from './holidays.ts';

export type ScheduleEntryKind = 'day_off' | 'working_day';

export interface ScheduleEntry {
  /** Local calendar date 'yyyy-mm-dd'. */
  date: string;
  /** 'day_off': extra day off (nghỉ bù, swapped day); 'working_day': make-up day (làm bù) or cancelled holiday. */
  kind: ScheduleEntryKind;
  name_vi: string;
  name_en: string;
  /** false when the item is not confirmed against an official text; shown to administrators. */
  confirmed: boolean;
  /** Where the item comes from, or why it is uncertain. */
  source: string;
}

export interface AnnouncedSchedule {
  /** Province code, or null for the national schedule. */
  province: string | null;
  year: number;
  /**
   * true: this schedule is the whole arrangement for the year and lists every
   * nghỉ bù itself, so the default art. 111(3) computation is switched off for
   * that year. false: its entries only patch the default computation.
   */
  complete: boolean;
  /** Day next to 2/9 chosen by the Prime Minister (art. 112(3)); default 'before'. */
  nationalDayExtra?: NationalDayExtra;
  source: string;
  entries: readonly ScheduleEntry[];
}

const off = (date: string, name_vi: string, name_en: string, confirmed: boolean, source: string): ScheduleEntry => ({
  date,
  kind: 'day_off',
  name_vi,
  name_en,
  confirmed,
  source,
});
const work = (date: string, name_vi: string, name_en: string, confirmed: boolean, source: string): ScheduleEntry => ({
  date,
  kind: 'working_day',
  name_vi,
  name_en,
  confirmed,
  source,
});

const SRC_2023 =
  'Government holiday arrangement for civil servants 2023 (31/12/2022–02/01; Tết 20–26/01; 29/04–03/05; 01–04/09) as widely published; notice number not recorded';
const SRC_2024 =
  'Government holiday arrangement for civil servants 2024 (Tết 08–14/02; 27/04–01/05 with make-up Sat 04/05; 31/08–03/09) as widely published; notice number not recorded';
const SRC_2025 =
  'Government holiday arrangement for civil servants 2025 (Tết 25/01–02/02; 30/04–04/05 with make-up Sat 26/04; 30/08–02/09) as widely published; notice number not recorded';
const SRC_2026 =
  'Thông báo 9441/TB-BNV (Ministry of Home Affairs) as cited in the project brief; not checked against the official text';
const SRC_2026_SEP =
  'UNCONFIRMED: 2/9/2026 arrangement (31/08–02/09 off, Sat 22/08 worked) taken from the project brief; verify against the official notice';

/**
 * National schedules shipped with the product. Only deviations from the
 * statutory days are listed; statutory holidays themselves come from holidays.ts.
 */
export const announcedSchedules: readonly AnnouncedSchedule[] = [
  {
    province: null,
    year: 2023,
    complete: true,
    nationalDayExtra: 'before',
    source: SRC_2023,
    entries: [
      off('2023-01-02', 'Nghỉ bù Tết Dương lịch', "Compensatory day off, New Year's Day", true, SRC_2023),
      // Tết Quý Mão: statutory Sat 21/01 – Wed 25/01; nghỉ bù on Fri 20/01 and Thu 26/01.
      off(
        '2023-01-20',
        'Nghỉ bù Tết Nguyên Đán (29 tháng Chạp)',
        'Compensatory day off, Lunar New Year',
        true,
        SRC_2023,
      ),
      off('2023-01-26', 'Nghỉ bù Tết Nguyên Đán (mùng 5)', 'Compensatory day off, Lunar New Year', true, SRC_2023),
      // Giỗ Tổ Sat 29/04 and 30/4 Sun → nghỉ bù Tue 02/05 and Wed 03/05.
      off(
        '2023-05-02',
        'Nghỉ bù Giỗ Tổ Hùng Vương',
        "Compensatory day off, Hùng Kings' Commemoration Day",
        true,
        SRC_2023,
      ),
      off('2023-05-03', 'Nghỉ bù Ngày Chiến thắng', 'Compensatory day off, Reunification Day', true, SRC_2023),
      off('2023-09-04', 'Nghỉ bù Quốc khánh', 'Compensatory day off, National Day', true, SRC_2023),
    ],
  },
  {
    province: null,
    year: 2024,
    complete: true,
    // 2/9/2024 was a Monday; the adjacent holiday was Tuesday 3/9 (off Sat 31/8–Tue 3/9).
    nationalDayExtra: 'after',
    source: SRC_2024,
    entries: [
      // Tết Giáp Thìn: statutory Fri 09/02 (30 Tết) – Tue 13/02; Sat/Sun 10–11/02 coincide,
      // their nghỉ bù placed on Thu 08/02 and Wed 14/02 (not Wed 14 + Thu 15).
      off(
        '2024-02-08',
        'Nghỉ bù Tết Nguyên Đán (29 tháng Chạp)',
        'Compensatory day off, Lunar New Year',
        true,
        SRC_2024,
      ),
      off('2024-02-14', 'Nghỉ bù Tết Nguyên Đán (mùng 5)', 'Compensatory day off, Lunar New Year', true, SRC_2024),
      off(
        '2024-04-29',
        'Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 04/05/2024)',
        'Swapped day off for 30 April–1 May (worked Sat 4 May 2024)',
        true,
        SRC_2024,
      ),
      work(
        '2024-05-04',
        'Làm bù cho ngày nghỉ thứ Hai 29/04/2024',
        'Make-up working day for Mon 29 April 2024',
        true,
        SRC_2024,
      ),
    ],
  },
  {
    province: null,
    year: 2025,
    complete: true,
    nationalDayExtra: 'before',
    source: SRC_2025,
    entries: [
      // Tết Ất Tỵ: statutory Tue 28/01 – Sat 01/02; the nghỉ bù for Sat 01/02 was placed
      // on Mon 27/01, so Mon 03/02 is an ordinary working day.
      off('2025-01-27', 'Nghỉ bù Tết Nguyên Đán', 'Compensatory day off, Lunar New Year', true, SRC_2025),
      off(
        '2025-05-02',
        'Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/04/2025)',
        'Swapped day off for 30 April–1 May (worked Sat 26 April 2025)',
        true,
        SRC_2025,
      ),
      work(
        '2025-04-26',
        'Làm bù cho ngày nghỉ thứ Sáu 02/05/2025',
        'Make-up working day for Fri 2 May 2025',
        true,
        SRC_2025,
      ),
    ],
  },
  {
    province: null,
    year: 2026,
    complete: true,
    nationalDayExtra: 'before',
    source: SRC_2026,
    entries: [
      // Tết Bính Ngọ: statutory Mon 16/02 – Fri 20/02 need no entry. 30/4 Thu, 1/5 Fri: no swap.
      // Giỗ Tổ Sun 26/04 → nghỉ bù Mon 27/04 (art. 111(3)).
      off(
        '2026-04-27',
        'Nghỉ bù Giỗ Tổ Hùng Vương',
        "Compensatory day off, Hùng Kings' Commemoration Day",
        true,
        `Labor Code 2019 art. 111(3) (Giỗ Tổ on Sunday 26/04/2026); ${SRC_2026}`,
      ),
      off(
        '2026-08-31',
        'Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08/2026)',
        'Swapped day off for National Day (worked Sat 22 August 2026)',
        false,
        SRC_2026_SEP,
      ),
      work(
        '2026-08-22',
        'Làm bù cho ngày nghỉ thứ Hai 31/08/2026',
        'Make-up working day for Mon 31 August 2026',
        false,
        SRC_2026_SEP,
      ),
    ],
  },
];
