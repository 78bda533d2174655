/**
 * Calendar-date and local-time helpers. The province's zone Asia/Ho_Chi_Minh is
 * UTC+7 with no DST (none since 1975), so a fixed offset replaces a tz database.
 */

/** Local offset of Asia/Ho_Chi_Minh in milliseconds (UTC+7). */
export const LOCAL_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** A moment: a `Date` or epoch milliseconds (UTC). */
export type Moment = Date | number;

/** Epoch milliseconds of a moment; rejects invalid dates. */
export function toMs(moment: Moment): number {
  const ms = typeof moment === 'number' ? moment : moment.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid moment');
  return Math.floor(ms); // whole ms, as Date itself keeps
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a 'yyyy-mm-dd' calendar date. */
export function dayNoOf(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`Invalid date '${date}', expected yyyy-mm-dd`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dayNo = dayNoFromParts(y, mo, d);
  const back = partsOfDayNo(dayNo);
  if (back.year !== y || back.month !== mo || back.day !== d) {
    throw new RangeError(`Invalid date '${date}'`);
  }
  return dayNo;
}

export function dayNoFromParts(year: number, month: number, day: number): number {
  // Date.UTC maps years 0–99 to 1900+; setUTCFullYear avoids that trap.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return Math.round(t.getTime() / DAY_MS);
}

export function partsOfDayNo(dayNo: number): { year: number; month: number; day: number } {
  const t = new Date(dayNo * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** 'yyyy-mm-dd' of a day number. */
export function dateOfDayNo(dayNo: number): string {
  const { year, month, day } = partsOfDayNo(dayNo);
  return formatDate(year, month, day);
}

export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Day of week of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDayNo(dayNo: number): number {
  return (((dayNo + 4) % 7) + 7) % 7;
}

/** Local (UTC+7) day number of a moment. */
export function localDayNo(ms: number): number {
  return Math.floor((ms + LOCAL_OFFSET_MS) / DAY_MS);
}

/** Local (UTC+7) calendar date 'yyyy-mm-dd' of a moment. */
export function localDateOf(moment: Moment): string {
  return dateOfDayNo(localDayNo(toMs(moment)));
}

/** Epoch ms of local midnight starting the given day number. */
export function dayStartMs(dayNo: number): number {
  return dayNo * DAY_MS - LOCAL_OFFSET_MS;
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of an 'HH:mm' string (24:00 allowed as end of day). */
export function minutesOf(time: string): number {
  if (time === '24:00') return 1440;
  const m = TIME_RE.exec(time);
  if (!m) throw new RangeError(`Invalid time '${time}', expected HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Epoch ms of a local (UTC+7) wall-clock time on a calendar date, e.g. atLocal('2026-02-13', '16:30'). */
export function atLocal(date: string, time = '00:00'): Date {
  return new Date(dayStartMs(dayNoOf(date)) + minutesOf(time) * MINUTE_MS);
}
