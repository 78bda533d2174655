/**
 * Working time (thời gian làm việc) and legal deadlines (thời hạn giải quyết).
 *
 * Everything reduces to one monotone function W(t): working milliseconds from a
 * fixed origin to moment t, counting only the sessions of working days. Then
 *  - working time between a and b is W(b) − W(a) (antisymmetric and additive);
 *  - adding d of working time to s gives the EARLIEST moment t with
 *    W(t) = W(s) + d. Such a moment always lies inside a session of a working
 *    day (a session end counts), never on a day off — Civil Code 2015
 *    art. 148(5): a period ending on a day off ends on the next working day;
 *  - a limit of n working days is n × (length of a working day), so a dossier
 *    received Mon 09:00 with 1 day is due Tue 09:00, and one whose clock starts
 *    at opening time is due at closing time of the n-th working day.
 */

import type { Moment } from './dates.ts';
import { DAY_MS, dayStartMs, localDayNo, MINUTE_MS, minutesOf, toMs } from './dates.ts';
import type { DayCalendarOptions, DayOff } from './day-calendar.ts';
import { DayCalendar } from './day-calendar.ts';
import type { ScheduleEntry } from './schedule.ts';

/** A working session in local time, e.g. { start: '07:30', end: '11:30' }. */
export interface Session {
  start: string;
  end: string;
}

/** Default office hours: 07:30–11:30 and 13:30–17:00 (7.5 h per day). */
export const DEFAULT_SESSIONS: readonly Session[] = [
  { start: '07:30', end: '11:30' },
  { start: '13:30', end: '17:00' },
];

/** A processing time limit in working days or working hours. Fractions allowed. */
export type TimeLimit = { days: number } | { hours: number };

/** An interval during which the legal clock is stopped (e.g. waiting for a supplement). */
export interface Pause {
  from: Moment;
  to: Moment;
}

export interface Remaining {
  /** Working ms from `now` to the due moment; negative when overdue. */
  ms: number;
  overdue: boolean;
  /** Breakdown of |ms|: whole working days (of `workingDayMs`), then hours and minutes (rounded down). */
  days: number;
  hours: number;
  minutes: number;
}

export interface WorkCalendarOptions extends DayCalendarOptions {
  /** Office sessions, same for every working day (make-up Saturdays included). */
  sessions?: readonly Session[];
}

export class WorkCalendar {
  readonly days: DayCalendar;
  readonly sessions: readonly Session[];
  /** Length of one working day: the sum of the sessions, in ms. */
  readonly workingDayMs: number;
  /** Session bounds in ms after local midnight. */
  readonly #starts: number[];
  readonly #ends: number[];

  constructor(options: WorkCalendarOptions = {}) {
    this.days = new DayCalendar(options);
    this.sessions = (options.sessions ?? DEFAULT_SESSIONS).map((s) => ({ ...s }));
    this.#starts = this.sessions.map((s) => minutesOf(s.start) * MINUTE_MS);
    this.#ends = this.sessions.map((s) => minutesOf(s.end) * MINUTE_MS);
    if (this.sessions.length === 0) throw new RangeError('At least one working session is required');
    for (let i = 0; i < this.sessions.length; i++) {
      const prevEnd = i > 0 ? (this.#ends[i - 1] as number) : 0;
      if (!((this.#starts[i] as number) < (this.#ends[i] as number)) || (this.#starts[i] as number) < prevEnd) {
        throw new RangeError('Sessions must be non-empty, sorted and non-overlapping');
      }
    }
    this.workingDayMs = this.#ends.reduce((sum, end, i) => sum + end - (this.#starts[i] as number), 0);
  }

  // ---- calendar days (delegated) ----

  isWorkingDay(date: string): boolean {
    return this.days.isWorkingDay(date);
  }
  nextWorkingDay(date: string): string {
    return this.days.nextWorkingDay(date);
  }
  addWorkingDays(date: string, n: number): string {
    return this.days.addWorkingDays(date, n);
  }
  workingDaysBetween(from: string, to: string): number {
    return this.days.workingDaysBetween(from, to);
  }
  holidaysOf(year: number): DayOff[] {
    return this.days.holidaysOf(year);
  }
  announcedWorkingDays(year: number): ScheduleEntry[] {
    return this.days.announcedWorkingDays(year);
  }

  // ---- the working-time position W(t) ----

  /** Working ms elapsed on a working day by time-of-day `tod` (ms after local midnight). */
  #inDay(tod: number): number {
    let sum = 0;
    for (let i = 0; i < this.#starts.length; i++) {
      const s = this.#starts[i] as number;
      const e = this.#ends[i] as number;
      if (tod <= s) break;
      sum += Math.min(tod, e) - s;
    }
    return sum;
  }

  /** W(t): working ms from the origin (2000-01-01) to t. */
  #position(ms: number): number {
    const dayNo = localDayNo(ms);
    const base = this.days.workingIndex(dayNo) * this.workingDayMs;
    return this.days.isWorkingDayNo(dayNo) ? base + this.#inDay(ms - dayStartMs(dayNo)) : base;
  }

  /** Moment at working offset r within the working day with index k; `late` picks a session start over the previous session end. */
  #at(k: number, r: number, late: boolean): number {
    const dayNo = this.days.dayNoOfWorkingIndex(k);
    let acc = 0;
    for (let i = 0; i < this.#starts.length; i++) {
      const s = this.#starts[i] as number;
      const len = (this.#ends[i] as number) - s;
      if (late ? r < acc + len : r <= acc + len) return dayStartMs(dayNo) + s + (r - acc);
      acc += len;
    }
    throw new Error('unreachable: offset beyond the working day');
  }

  /** Earliest moment with W(t) = p. */
  #earliest(p: number): number {
    let k = Math.floor(p / this.workingDayMs);
    let r = p - k * this.workingDayMs;
    if (r <= 0) {
      k -= 1;
      r += this.workingDayMs;
    }
    return this.#at(k, r, false);
  }

  /** Latest moment with W(t) = p. */
  #latest(p: number): number {
    let k = Math.floor(p / this.workingDayMs);
    let r = p - k * this.workingDayMs;
    if (r >= this.workingDayMs) {
      k += 1;
      r -= this.workingDayMs;
    }
    return this.#at(k, r, true);
  }

  /** First session start on a working day at or after local day `dayNo`. */
  #openingOnOrAfter(dayNo: number): number {
    return dayStartMs(this.days.workingDayOnOrAfter(dayNo)) + (this.#starts[0] as number);
  }

  // ---- moments ----

  /** Whether a moment is inside a session of a working day (session bounds included). */
  isWorkingTime(moment: Moment): boolean {
    const ms = toMs(moment);
    const dayNo = localDayNo(ms);
    if (!this.days.isWorkingDayNo(dayNo)) return false;
    const tod = ms - dayStartMs(dayNo);
    return this.#starts.some((s, i) => s <= tod && tod <= (this.#ends[i] as number));
  }

  /**
   * When the legal clock starts for a receipt: during a session, the receipt
   * itself; before a session (morning or lunch break), that session's start;
   * after the last session or on a day off, the next working day's opening.
   * Our reading of the receipt rules of Decree 118/2025/NĐ-CP art. 17(3) (see
   * docs/calendar.md for what was and was not checked against the text).
   */
  clockStart(receivedAt: Moment): Date {
    const ms = toMs(receivedAt);
    const dayNo = localDayNo(ms);
    if (this.days.isWorkingDayNo(dayNo)) {
      const tod = ms - dayStartMs(dayNo);
      for (let i = 0; i < this.#starts.length; i++) {
        if (tod < (this.#starts[i] as number)) return new Date(dayStartMs(dayNo) + (this.#starts[i] as number));
        if (tod < (this.#ends[i] as number)) return new Date(ms);
      }
    }
    return new Date(this.#openingOnOrAfter(dayNo + 1));
  }

  /**
   * Decree 118/2025/NĐ-CP art. 18(2): a dossier received after (strictly) the
   * cutoff, 15:00, of a working day is transferred at the start of the next working day;
   * otherwise this equals clockStart. `dueAt(transferStart(r), limit)` gives a
   * deadline counted from the transfer.
   */
  transferStart(receivedAt: Moment, cutoff = '15:00'): Date {
    const ms = toMs(receivedAt);
    const dayNo = localDayNo(ms);
    if (this.days.isWorkingDayNo(dayNo) && ms - dayStartMs(dayNo) > minutesOf(cutoff) * MINUTE_MS) {
      return new Date(this.#openingOnOrAfter(dayNo + 1));
    }
    return this.clockStart(ms);
  }

  /** Working ms of a time limit. */
  limitMs(limit: TimeLimit): number {
    const value = 'days' in limit ? limit.days * this.workingDayMs : limit.hours * 3_600_000;
    if (!Number.isFinite(value) || value < 0) throw new RangeError('A time limit must be a non-negative number');
    return Math.round(value);
  }

  /**
   * Moment `ms` of working time after `start` (before it when negative): the
   * earliest moment reaching it — inside a session of a working day, a session
   * end rather than the next session start. Negative amounts give the latest
   * such moment (a session start). Zero returns `start` unchanged.
   */
  addWorkingMs(start: Moment, ms: number): Date {
    const s = toMs(start);
    if (!Number.isFinite(ms)) throw new RangeError('ms must be finite');
    if (ms === 0) return new Date(s);
    const target = this.#position(s) + Math.round(ms);
    return new Date(ms > 0 ? this.#earliest(target) : this.#latest(target));
  }

  /** Due moment (hạn trả kết quả) of a dossier received at `receivedAt`: clockStart + limit of working time. */
  dueAt(receivedAt: Moment, limit: TimeLimit): Date {
    return this.addWorkingMs(this.clockStart(receivedAt), this.limitMs(limit));
  }

  /**
   * Due moment of a limit in calendar days ("n ngày", not "n ngày làm việc"): n × 24 h after the
   * clock start. When that moment falls on a day off (weekend, holiday, nghỉ bù), the period ends
   * at the end of the next working day — the close of its last session — as Civil Code 2015
   * art. 148(5) says: "ngày cuối cùng của thời hạn là ngày nghỉ … thì thời hạn kết thúc tại thời
   * điểm kết thúc ngày làm việc tiếp theo ngày nghỉ đó". So the appointment is never on a day off.
   * Received Wed 02/12/2026 13:27 with 30 days: the naive end Fri 01/01/2027 is New Year's Day,
   * the due moment is Mon 04/01/2027 17:00.
   */
  dueAtCalendarDays(receivedAt: Moment, days: number): Date {
    if (!Number.isFinite(days) || days < 0) throw new RangeError('A time limit must be a non-negative number');
    const naive = this.clockStart(receivedAt).getTime() + Math.round(days * DAY_MS);
    const dayNo = localDayNo(naive);
    if (this.days.isWorkingDayNo(dayNo)) return new Date(naive);
    return new Date(dayStartMs(this.days.workingDayOnOrAfter(dayNo + 1)) + (this.#ends.at(-1) as number));
  }

  /**
   * Decree 118/2025/NĐ-CP art. 19(5): when a complete supplement arrives the
   * time limit restarts from zero — it is dueAt of the supplement's receipt;
   * earlier elapsed time and pauses are discarded.
   */
  restartClock(completeSupplementAt: Moment, limit: TimeLimit): Date {
    return this.dueAt(completeSupplementAt, limit);
  }

  /** Pauses merged into disjoint ascending intervals, in ms. */
  #merge(pauses: readonly Pause[]): [number, number][] {
    const list = pauses.map((p): [number, number] => {
      const from = toMs(p.from);
      const to = toMs(p.to);
      if (to < from) throw new RangeError('A pause must not end before it starts');
      return [from, to];
    });
    list.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [from, to] of list) {
      const last = merged.at(-1);
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  }

  /**
   * Working ms from a to b (negative when b < a, i.e. lateness), not counting
   * working time inside the pauses: periods when the legal clock is stopped,
   * e.g. waiting for the applicant (Decree 118/2025/NĐ-CP art. 19(6)).
   */
  workingMsBetween(a: Moment, b: Moment, pauses: readonly Pause[] = []): number {
    const am = toMs(a);
    const bm = toMs(b);
    const lo = Math.min(am, bm);
    const hi = Math.max(am, bm);
    let paused = 0;
    for (const [from, to] of this.#merge(pauses)) {
      const f = Math.max(from, lo);
      const t = Math.min(to, hi);
      if (f < t) paused += this.#position(t) - this.#position(f);
    }
    const sign = bm >= am ? 1 : -1;
    return this.#position(bm) - this.#position(am) - sign * paused;
  }

  /**
   * Due moment when the clock was stopped during `pauses`: the earliest moment
   * by which `limit` of unpaused working time has elapsed since clockStart.
   * Pauses starting after that moment do not extend it.
   */
  dueAtWithPauses(receivedAt: Moment, limit: TimeLimit, pauses: readonly Pause[]): Date {
    let cur = this.clockStart(receivedAt).getTime();
    let left = this.limitMs(limit);
    if (left === 0) return new Date(cur);
    for (const [from, to] of this.#merge(pauses)) {
      if (to <= cur) continue;
      const candidate = this.#earliest(this.#position(cur) + left);
      if (from >= candidate) break;
      // The pause starts before the clock runs out: bank the time up to it, resume after it.
      left -= this.#position(Math.max(from, cur)) - this.#position(cur);
      cur = to;
    }
    return new Date(this.#earliest(this.#position(cur) + left));
  }

  /** Working time left from `now` until `due` (negative when overdue), with a days/hours/minutes breakdown. */
  remaining(now: Moment, due: Moment, pauses: readonly Pause[] = []): Remaining {
    const ms = this.workingMsBetween(now, due, pauses);
    const abs = Math.abs(ms);
    const days = Math.floor(abs / this.workingDayMs);
    const rest = abs - days * this.workingDayMs;
    return {
      ms,
      overdue: ms < 0,
      days,
      hours: Math.floor(rest / 3_600_000),
      minutes: Math.floor((rest % 3_600_000) / MINUTE_MS),
    };
  }
}

/** A work calendar for a province (or national when province is null/omitted). */
export function createWorkCalendar(options: WorkCalendarOptions = {}): WorkCalendar {
  return new WorkCalendar(options);
}
