import type { TFunction } from 'i18next';

type TimeLimit = { value: number | null; unit: string; text: string | null } | null;

export function timeLimitText(t: TFunction, tl: TimeLimit): string {
  if (!tl) return '';
  if (tl.unit === 'working_days') return t('procedure.workingDays', { value: tl.value });
  if (tl.unit === 'working_hours') return t('procedure.workingHours', { value: tl.value });
  if (tl.unit === 'calendar_days') return t('procedure.calendarDays', { value: tl.value });
  return tl.text ?? '';
}
