import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { pickLanguage, resources } from '../../src/i18n/resources.js';

void i18next.use(initReactI18next).init({
  resources,
  lng: pickLanguage('system', navigator.language),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
});

export function applyLanguage(setting: 'system' | 'en' | 'zh-CN'): void {
  const language = pickLanguage(setting, navigator.language);
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export default i18next;
