/**
 * Text formats printed on the forms. Moments are shown in the province's local time,
 * Asia/Ho_Chi_Minh: a fixed UTC+7 (no daylight saving since 1975), so a constant offset gives the
 * same result whatever the machine's TZ.
 */
import { LOCAL_OFFSET_MS } from '@motcua/core';

interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

function localParts(moment: Date): LocalParts {
  const ms = moment.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid date');
  const iso = new Date(ms + LOCAL_OFFSET_MS).toISOString(); // yyyy-mm-ddTHH:mm:ss.sssZ, shifted to local
  return {
    year: iso.slice(0, 4),
    month: iso.slice(5, 7),
    day: iso.slice(8, 10),
    hour: iso.slice(11, 13),
    minute: iso.slice(14, 16),
  };
}

/** `25/02/2026` (local date). */
export function formatDate(moment: Date): string {
  const p = localParts(moment);
  return `${p.day}/${p.month}/${p.year}`;
}

/** `16:30` (local time). */
export function formatTime(moment: Date): string {
  const p = localParts(moment);
  return `${p.hour}:${p.minute}`;
}

/** `16:30, ngày 25/02/2026` — the way the forms state an hour and a date together. */
export function formatDateTime(moment: Date): string {
  return `${formatTime(moment)}, ngày ${formatDate(moment)}`;
}

/** `16:30 25/02/2026` — compact, for table cells. */
export function formatDateTimeShort(moment: Date): string {
  return `${formatTime(moment)} ${formatDate(moment)}`;
}

/** `Đà Nẵng, ngày 25 tháng 02 năm 2026` — the place-and-date line of an administrative document. */
export function formatPlaceDate(place: string, moment: Date): string {
  const p = localParts(moment);
  return `${place}, ngày ${p.day} tháng ${p.month} năm ${p.year}`;
}

/** `dd/MM/yyyy` of a `yyyy-mm-dd` calendar date (already local, no conversion). */
export function formatCalendarDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Invalid date '${date}', expected yyyy-mm-dd`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/**
 * `1.500.000 đ` — Vietnamese grouping with dots, whole đồng (the đồng has no subunit in use).
 * Written by hand rather than with Intl so that a Node built without full ICU prints the same.
 */
export function formatVnd(amount: number): string {
  if (!Number.isFinite(amount)) throw new RangeError('Invalid amount');
  const whole = Math.round(Math.abs(amount));
  const digits = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${amount < 0 && whole !== 0 ? '-' : ''}${digits} đ`;
}

/** `01`, `02`, … `10` — counts on the forms are written with two digits. */
export function formatCount(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A catalog text as it may be printed for the public: without the editorial notes the catalog's
 * editors keep beside the facts ("nguồn trước 01/7/2025 ghi …", "mức thu không ghi trong nguồn đã
 * đọc"), which are for administrators only (issue 13). The facts around them stay as written.
 */
export function withoutEditorialNotes(text: string): string {
  return (
    text
      .normalize('NFC')
      // "(…; nguồn trước 01/7/2025 ghi …)" → "(…)", and "(nguồn ghi …)" disappears
      .replace(/\s*[;,]\s*(?:theo\s+)?nguồn\b[^;()]*/giu, '')
      .replace(/\s*\(\s*(?:theo\s+)?nguồn\b[^()]*\)/giu, '')
      .replace(/\s*[;,–-]?\s*(?:mức thu\s+)?không\s+(?:ghi|có)\s+trong\s+nguồn\s+đã\s+đọc/giu, '')
      .replace(/\(\s*\)/g, '')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}
