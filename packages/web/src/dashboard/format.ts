import { useTranslation } from 'react-i18next';

export type Lang = 'vi' | 'en';

/** The translator and the language the dashboard writes its numbers and API labels in. */
export function useLang() {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en' ? 'en' : 'vi';
  return { t, lang };
}

/** Numbers as the chosen language writes them: 1.234,5 in Vietnamese, 1,234.5 in English. */
const locale = (lang: Lang) => (lang === 'en' ? 'en-US' : 'vi-VN');
export function num(n: number | null | undefined, lang: Lang, digits = 0): string {
  return n == null ? '—' : new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(n);
}
/** 0.962 → "96,2 %" (vi) / "96.2 %" (en). */
export function pct(x: number | null | undefined, lang: Lang): string {
  return x == null ? '—' : `${num(x * 100, lang, 1)} %`;
}
