import type { TFunction } from 'i18next';
import type { OnlineLevel } from '../api/types.ts';

type TimeLimit = { value: number | null; unit: string; text: string | null } | null;

export function timeLimitText(t: TFunction, tl: TimeLimit): string {
  if (!tl) return '';
  if (tl.unit === 'working_days') return t('procedure.workingDays', { value: tl.value });
  if (tl.unit === 'working_hours') return t('procedure.workingHours', { value: tl.value });
  if (tl.unit === 'calendar_days') return t('procedure.calendarDays', { value: tl.value });
  return tl.text ?? '';
}

/**
 * The online level in words (Decree 42/2022 art. 11): full or partial as stated; a procedure that
 * accepts online dossiers without a stated level says so instead of showing a dash.
 */
export function onlineLevelText(t: TFunction, level: OnlineLevel | null, online: boolean): string {
  if (level === 'full') return t('home.online');
  if (level === 'partial') return t('home.partial');
  if (level === 'none') return t('procedure.onlineNone');
  return online ? t('procedure.onlineNotStated') : t('procedure.onlineNone');
}

/** Fee names that only repeat the row's label ("Phí, lệ phí", "Lệ phí", "Phí"). */
export const GENERIC_FEE_NAME = /^(phí|lệ phí|phí,? lệ phí|fees?)$/i;

/** Handling agencies: a long list (every ward) is summarised after the first few names. */
export function agencyList(t: TFunction, names: string[], max = 6): string {
  if (names.length <= max) return names.join('; ');
  return `${names.slice(0, max).join('; ')} ${t('procedure.moreAgencies', { count: names.length - max })}`;
}
