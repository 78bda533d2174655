import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n.ts';

/** Vietnamese by default; English by this switch (a native select: tiny and keyboard-friendly). */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  return (
    <select
      className={className}
      aria-label={t('app.language')}
      value={i18n.language === 'en' ? 'en' : 'vi'}
      onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'vi')}
    >
      <option value="vi">Tiếng Việt</option>
      <option value="en">English</option>
    </select>
  );
}
