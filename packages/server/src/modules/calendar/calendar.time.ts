/**
 * Moments in the province's local time, Asia/Ho_Chi_Minh: a fixed UTC+7 without daylight saving
 * (none since 1975), so a constant offset replaces a time-zone database.
 */
import { LOCAL_OFFSET_MS, MAX_YEAR, MIN_YEAR } from '@motcua/core';

/** `2026-02-25T16:30:00+07:00` — milliseconds appear only when not zero. */
export function formatLocalIso(moment: Date | number): string {
  const ms = typeof moment === 'number' ? moment : moment.getTime();
  const iso = new Date(ms + LOCAL_OFFSET_MS).toISOString(); // yyyy-mm-ddTHH:mm:ss.sssZ, shifted to local
  const fraction = iso.slice(19, 23) === '.000' ? '' : iso.slice(19, 23);
  return `${iso.slice(0, 19)}${fraction}+07:00`;
}

/** The local (UTC+7) calendar year of a moment. */
export function localYearOf(moment: Date | number): number {
  const ms = typeof moment === 'number' ? moment : moment.getTime();
  return new Date(ms + LOCAL_OFFSET_MS).getUTCFullYear();
}

/** Whether `yyyy-mm-dd` names a real calendar date. */
export function isValidDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const MOMENT_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch ms of an ISO 8601 date-time: `2026-02-13T16:30:00+07:00`, `…Z`, or without an offset (then
 * local time, +07:00); a bare date means local midnight. A `+` that a query string turned into a
 * space before the offset is accepted. Returns null for anything else, including impossible dates
 * (JavaScript's own parser rolls 30 February over into March) and years outside 1900–2100.
 */
export function parseMoment(input: string): number | null {
  const s = input.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = MOMENT_RE.exec(s);
  if (!m) return null;
  const [, date, hh = '00', mi = '00', ss = '00', frac = '', offset] = m;
  if (!isValidDate(date!)) return null;
  const [y, mo, d] = date!.split('-').map(Number) as [number, number, number];
  if (y < MIN_YEAR || y > MAX_YEAR) return null;
  const [h, min, sec] = [Number(hh), Number(mi), Number(ss)];
  if (h > 23 || min > 59 || sec > 59) return null;
  let offsetMs = LOCAL_OFFSET_MS;
  if (offset && offset.toUpperCase() === 'Z') offsetMs = 0;
  else if (offset) {
    const o = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
    const oh = Number(o[2]);
    const om = Number(o[3]);
    if (oh > 14 || om > 59) return null;
    offsetMs = (o[1] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, min, sec, Number(frac.slice(0, 3).padEnd(3, '0')));
  return t.getTime() - offsetMs;
}
