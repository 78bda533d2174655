/**
 * Statutory public holidays (ngày nghỉ lễ, tết) — Labor Code 2019 art. 112(1) —
 * and the default compensatory days (nghỉ bù) of art. 111(3).
 */
import { dateOfDayNo, dayNoFromParts, weekdayOfDayNo } from './dates.ts';
import { lunarToSolar } from './lunar.ts';

export type HolidayKey = 'new_year' | 'tet' | 'hung_kings' | 'reunification' | 'labour_day' | 'national_day';

export interface StatutoryHoliday {
  date: string;
  key: HolidayKey;
  name_vi: string;
  name_en: string;
}

/**
 * Which day next to 2/9 is the second National Day holiday. Art. 112(1)(đ) lets
 * the Prime Minister choose the day before or after (art. 112(3)); 'before' (1/9)
 * is our default, an announced schedule may say otherwise.
 */
export type NationalDayExtra = 'before' | 'after';

export interface StatutoryOptions {
  nationalDayExtra?: NationalDayExtra;
}

/** Weekly rest days (ngày nghỉ hằng tuần), 0 = Sunday … 6 = Saturday. */
export const DEFAULT_WEEKLY_REST_DAYS: readonly number[] = [0, 6];

function solarDayNo(d: { year: number; month: number; day: number }): number {
  return dayNoFromParts(d.year, d.month, d.day);
}

/** Day numbers of the statutory holidays of a Gregorian year, ascending. */
export function statutoryHolidayDays(
  year: number,
  options: StatutoryOptions = {},
): { dayNo: number; holiday: StatutoryHoliday }[] {
  const out: { dayNo: number; holiday: StatutoryHoliday }[] = [];
  const add = (dayNo: number, key: HolidayKey, name_vi: string, name_en: string) =>
    out.push({ dayNo, holiday: { date: dateOfDayNo(dayNo), key, name_vi, name_en } });

  // (a) Tết Dương lịch, 1 day.
  add(dayNoFromParts(year, 1, 1), 'new_year', 'Tết Dương lịch', "New Year's Day");

  // (b) Tết Âm lịch, 5 days; the PM fixes which (art. 112(3)). Default: last day
  // of the lunar year + 1st–4th of month 1. Lunar 1/1 always falls in Jan–Feb,
  // so all five days belong to the same Gregorian year.
  const tet = solarDayNo(lunarToSolar(year, 1, 1, false));
  add(tet - 1, 'tet', 'Tết Nguyên Đán (ngày cuối năm Âm lịch)', 'Lunar New Year (Tết) — last day of the lunar year');
  for (let i = 0; i < 4; i++) {
    add(tet + i, 'tet', `Tết Nguyên Đán (mùng ${i + 1})`, `Lunar New Year (Tết) — day ${i + 1}`);
  }

  // (e) Giỗ Tổ Hùng Vương, 10/3 lunar.
  add(
    solarDayNo(lunarToSolar(year, 3, 10, false)),
    'hung_kings',
    'Giỗ Tổ Hùng Vương (10/3 Âm lịch)',
    "Hùng Kings' Commemoration Day",
  );

  // (c) Ngày Chiến thắng 30/4 and (d) Quốc tế lao động 1/5.
  add(dayNoFromParts(year, 4, 30), 'reunification', 'Ngày Chiến thắng (30/4)', 'Reunification Day');
  add(dayNoFromParts(year, 5, 1), 'labour_day', 'Ngày Quốc tế lao động (1/5)', 'International Labour Day');

  // (đ) Quốc khánh: 2/9 plus one adjacent day.
  const nationalDay = dayNoFromParts(year, 9, 2);
  const extra = (options.nationalDayExtra ?? 'before') === 'before' ? nationalDay - 1 : nationalDay + 1;
  const extraHoliday = () => add(extra, 'national_day', 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)');
  if (extra < nationalDay) extraHoliday();
  add(nationalDay, 'national_day', 'Quốc khánh (2/9)', 'National Day');
  if (extra > nationalDay) extraHoliday();

  out.sort((a, b) => a.dayNo - b.dayNo);
  return out;
}

/** Statutory holidays of a Gregorian year, by date. */
export function statutoryHolidays(year: number, options: StatutoryOptions = {}): StatutoryHoliday[] {
  return statutoryHolidayDays(year, options).map((h) => h.holiday);
}

export interface CompensatoryDay {
  date: string;
  /** The statutory holiday that fell on a weekly rest day. */
  forDate: string;
  name_vi: string;
  name_en: string;
}

/**
 * Default nghỉ bù (art. 111(3)): each statutory holiday falling on a weekly rest
 * day gives one day off on the next working day — skipping rest days, holidays
 * and compensatory days already granted, so a Tết run spanning a weekend yields
 * consecutive days after the run. Used only for years without a complete
 * announced schedule (see schedule.ts).
 */
export function defaultCompensatoryDays(
  year: number,
  options: StatutoryOptions = {},
  weeklyRestDays: readonly number[] = DEFAULT_WEEKLY_REST_DAYS,
): CompensatoryDay[] {
  const holidays = statutoryHolidayDays(year, options);
  const holidaySet = new Set(holidays.map((h) => h.dayNo));
  const isRest = (dayNo: number) => weeklyRestDays.includes(weekdayOfDayNo(dayNo));
  const taken = new Set<number>();
  const out: CompensatoryDay[] = [];
  for (const { dayNo, holiday } of holidays) {
    if (!isRest(dayNo)) continue;
    let d = dayNo + 1;
    while (isRest(d) || holidaySet.has(d) || taken.has(d)) d++;
    taken.add(d);
    out.push({
      date: dateOfDayNo(d),
      forDate: holiday.date,
      name_vi: `Nghỉ bù ${holiday.name_vi}`,
      name_en: `Compensatory day off for ${holiday.name_en}`,
    });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
