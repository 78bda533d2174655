import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import 'dayjs/locale/vi';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The province's time zone: dates are shown as the citizen and the officer live them. */
export const ZONE = 'Asia/Ho_Chi_Minh';

/** dd/MM/yyyy */
export function fmtDate(v: string | number | Date | null | undefined): string {
  return v == null ? '' : dayjs(v).tz(ZONE).format('DD/MM/YYYY');
}

/** dd/MM/yyyy HH:mm */
export function fmtDateTime(v: string | number | Date | null | undefined): string {
  return v == null ? '' : dayjs(v).tz(ZONE).format('DD/MM/YYYY HH:mm');
}

const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 });
/** 1.500.000 ₫ */
export function fmtVnd(amount: number | null | undefined): string {
  return amount == null ? '' : vnd.format(amount);
}

/** Label of a bilingual API object ({label_vi, label_en} or {name_vi, name_en}). */
export function pick(o: Record<string, unknown> | null | undefined, lang: string, base = 'label'): string {
  if (!o) return '';
  return String(o[`${base}_${lang === 'en' ? 'en' : 'vi'}`] ?? o[`${base}_vi`] ?? '');
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
