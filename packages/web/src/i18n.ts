import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en, vi } from './messages.ts';

const LANG_KEY = 'motcua.lang';
const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(LANG_KEY) : null;

i18n.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: saved === 'en' ? 'en' : 'vi',
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
});

/** Switch the language (Vietnamese by default), remembered in the browser; sets <html lang>. */
export function setLanguage(lang: 'vi' | 'en') {
  localStorage.setItem(LANG_KEY, lang);
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}
document.documentElement.lang = i18n.language;

export default i18n;
