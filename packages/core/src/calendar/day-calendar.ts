/**
 * Working-day status of calendar days (ngày làm việc), combining statutory
 * holidays, default nghỉ bù, announced schedules and weekly rest days. Per-year
 * tables are built lazily and hold prefix sums, so counting and adding working
 * days are O(log n) lookups rather than day-by-day walks.
 */
import { dateOfDayNo, dayNoFromParts, dayNoOf, partsOfDayNo, weekdayOfDayNo } from './dates.ts';
import type { NationalDayExtra } from './holidays.ts';
import { DEFAULT_WEEKLY_REST_DAYS, defaultCompensatoryDays, statutoryHolidayDays } from './holidays.ts';
import type { AnnouncedSchedule, ScheduleEntry } from './schedule.ts';
import { announcedSchedules } from './schedule.ts';

/** Supported Gregorian years (the lunar algorithm is verified over this range). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;
/** Working-day indices count from 2000-01-01; any fixed origin works. */
const ORIGIN_YEAR = 2000;

export type DayOffKind = 'statutory' | 'compensatory' | 'announced';

/** A day off other than an ordinary weekly rest day. */
export interface DayOff {
  date: string;
  name_vi: string;
  name_en: string;
  /** statutory: art. 112 holiday; compensatory: default art. 111(3) nghỉ bù; announced: schedule entry. */
  kind: DayOffKind;
  /** Falls on a weekly rest day (a statutory holiday on a weekend, listed for information). */
  onWeekend: boolean;
  /** For announced days: the entry's source and confirmation. */
  source?: string;
  confirmed?: boolean;
}

export interface DayCalendarOptions {
  /** Province code whose schedules apply on top of the national ones; null/undefined = national only. */
  province?: string | null;
  /** Announced schedules (national and provincial); defaults to the shipped `announcedSchedules`. */
  schedules?: readonly AnnouncedSchedule[];
  /** Weekly rest days, 0 = Sunday … 6 = Saturday; default Saturday and Sunday. */
  weeklyRestDays?: readonly number[];
}

interface YearTable {
  firstDayNo: number;
  /** 1 = working day, per day of year. */
  working: Uint8Array;
  /** prefix[i] = working days among the first i days of the year. */
  prefix: Int32Array;
  daysOff: DayOff[];
  workingOverrides: ScheduleEntry[];
}

export class DayCalendar {
  readonly province: string | null;
  readonly weeklyRestDays: readonly number[];
  readonly #schedules: readonly AnnouncedSchedule[];
  /** Schedule entries by day number; provincial entries override national ones. */
  readonly #entries = new Map<number, ScheduleEntry>();
  readonly #years = new Map<number, YearTable>();
  /** Working days from 2000-01-01 to 1 January of the key year. */
  readonly #cumStart = new Map<number, number>([[ORIGIN_YEAR, 0]]);

  constructor(options: DayCalendarOptions = {}) {
    this.province = options.province ?? null;
    this.weeklyRestDays = [...(options.weeklyRestDays ?? DEFAULT_WEEKLY_REST_DAYS)];
    if (this.weeklyRestDays.some((d) => !Number.isInteger(d) || d < 0 || d > 6) || this.weeklyRestDays.length >= 7) {
      throw new RangeError('weeklyRestDays must be distinct weekdays 0..6, not all of them');
    }
    const applicable = (options.schedules ?? announcedSchedules).filter(
      (s) => s.province === null || s.province === this.province,
    );
    // National first so provincial entries overwrite; within a level, later schedules win.
    this.#schedules = [
      ...applicable.filter((s) => s.province === null),
      ...applicable.filter((s) => s.province !== null),
    ];
    for (const s of this.#schedules) for (const e of s.entries) this.#entries.set(dayNoOf(e.date), e);
  }

  /** Schedules of a year that apply to this calendar's province, national first. */
  schedulesOf(year: number): AnnouncedSchedule[] {
    return this.#schedules.filter((s) => s.year === year);
  }

  #isRest(dayNo: number): boolean {
    return this.weeklyRestDays.includes(weekdayOfDayNo(dayNo));
  }

  #table(year: number): YearTable {
    const cached = this.#years.get(year);
    if (cached) return cached;
    if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`Year ${year} outside the supported range ${MIN_YEAR}–${MAX_YEAR}`);
    }
    const schedules = this.schedulesOf(year);
    let nationalDayExtra: NationalDayExtra | undefined;
    for (const s of schedules) nationalDayExtra = s.nationalDayExtra ?? nationalDayExtra;
    const options = nationalDayExtra ? { nationalDayExtra } : {};
    const statutory = new Map(statutoryHolidayDays(year, options).map((h) => [h.dayNo, h.holiday]));
    // A complete schedule states its own nghỉ bù (see schedule.ts).
    const compensatory = new Map(
      schedules.some((s) => s.complete)
        ? []
        : defaultCompensatoryDays(year, options, this.weeklyRestDays).map((c) => [dayNoOf(c.date), c]),
    );

    const firstDayNo = dayNoFromParts(year, 1, 1);
    const length = dayNoFromParts(year + 1, 1, 1) - firstDayNo;
    const working = new Uint8Array(length);
    const prefix = new Int32Array(length + 1);
    const daysOff: DayOff[] = [];
    const workingOverrides: ScheduleEntry[] = [];
    for (let i = 0; i < length; i++) {
      const dayNo = firstDayNo + i;
      const date = dateOfDayNo(dayNo);
      const onWeekend = this.#isRest(dayNo);
      const entry = this.#entries.get(dayNo);
      const holiday = statutory.get(dayNo);
      const comp = compensatory.get(dayNo);
      let isWorking: boolean;
      if (entry) {
        isWorking = entry.kind === 'working_day';
        if (isWorking) workingOverrides.push(entry);
        else
          daysOff.push({
            date,
            name_vi: entry.name_vi,
            name_en: entry.name_en,
            kind: 'announced',
            onWeekend,
            source: entry.source,
            confirmed: entry.confirmed,
          });
      } else if (holiday) {
        isWorking = false;
        daysOff.push({ date, name_vi: holiday.name_vi, name_en: holiday.name_en, kind: 'statutory', onWeekend });
      } else if (comp) {
        isWorking = false;
        daysOff.push({ date, name_vi: comp.name_vi, name_en: comp.name_en, kind: 'compensatory', onWeekend });
      } else {
        isWorking = !onWeekend;
      }
      working[i] = isWorking ? 1 : 0;
      prefix[i + 1] = (prefix[i] as number) + (isWorking ? 1 : 0);
    }
    const table: YearTable = { firstDayNo, working, prefix, daysOff, workingOverrides };
    this.#years.set(year, table);
    return table;
  }

  #yearOf(dayNo: number): number {
    return partsOfDayNo(dayNo).year;
  }

  #workingCount(year: number): number {
    return this.#table(year).prefix.at(-1) as number;
  }

  /** Working days from 2000-01-01 up to 1 January of `year` (negative before 2000). */
  #cum(year: number): number {
    const cached = this.#cumStart.get(year);
    if (cached !== undefined) return cached;
    if (year < MIN_YEAR || year > MAX_YEAR + 1) throw new RangeError(`Year ${year} outside the supported range`);
    let value: number;
    if (year > ORIGIN_YEAR) value = this.#cum(year - 1) + this.#workingCount(year - 1);
    else value = this.#cum(year + 1) - this.#workingCount(year);
    this.#cumStart.set(year, value);
    return value;
  }

  isWorkingDayNo(dayNo: number): boolean {
    const t = this.#table(this.#yearOf(dayNo));
    return t.working[dayNo - t.firstDayNo] === 1;
  }

  /** Number of working days from the origin up to, excluding, `dayNo` — also the index of `dayNo` if it is a working day. */
  workingIndex(dayNo: number): number {
    const year = this.#yearOf(dayNo);
    const t = this.#table(year);
    return this.#cum(year) + (t.prefix[dayNo - t.firstDayNo] as number);
  }

  /** Day number of the working day whose working index is `k`. */
  dayNoOfWorkingIndex(k: number): number {
    let year = Math.min(MAX_YEAR, Math.max(MIN_YEAR, ORIGIN_YEAR + Math.floor(k / 250)));
    while (this.#cum(year) > k) {
      if (year <= MIN_YEAR) throw new RangeError('Working day before the supported range');
      year--;
    }
    while (this.#cum(year + 1) <= k) {
      if (year >= MAX_YEAR) throw new RangeError('Working day after the supported range');
      year++;
    }
    const t = this.#table(year);
    const r = k - this.#cum(year);
    // Smallest i with prefix[i] > r; day i-1 of the year is that working day.
    let lo = 1;
    let hi = t.prefix.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((t.prefix[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return t.firstDayNo + lo - 1;
  }

  /** First working day on or after `dayNo`. */
  workingDayOnOrAfter(dayNo: number): number {
    return this.dayNoOfWorkingIndex(this.workingIndex(dayNo));
  }

  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNo(dayNoOf(date));
  }

  /** First working day strictly after `date`. */
  nextWorkingDay(date: string): string {
    return dateOfDayNo(this.workingDayOnOrAfter(dayNoOf(date) + 1));
  }

  /**
   * n > 0: the n-th working day strictly after `date`; n < 0: the |n|-th working
   * day strictly before it; n = 0: `date` if it is a working day, else the next one.
   */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n)) throw new RangeError('n must be an integer');
    const dayNo = dayNoOf(date);
    if (n === 0) return dateOfDayNo(this.workingDayOnOrAfter(dayNo));
    const k = n > 0 ? this.workingIndex(dayNo + 1) + n - 1 : this.workingIndex(dayNo) + n;
    return dateOfDayNo(this.dayNoOfWorkingIndex(k));
  }

  /** Working days in the half-open range (from, to]; negative when to < from. */
  workingDaysBetween(from: string, to: string): number {
    return this.workingIndex(dayNoOf(to) + 1) - this.workingIndex(dayNoOf(from) + 1);
  }

  /** Every day off of the year other than ordinary weekly rest days, sorted by date. */
  holidaysOf(year: number): DayOff[] {
    return this.#table(year).daysOff.map((d) => ({ ...d }));
  }

  /** Announced working days of the year (make-up Saturdays, cancelled holidays), sorted by date. */
  announcedWorkingDays(year: number): ScheduleEntry[] {
    return this.#table(year).workingOverrides.map((e) => ({ ...e }));
  }
}
