// i18next for the shell's own words (tray menu, tooltip, notifications), from the shared resources.
import i18next, { type TFunction } from 'i18next';
import { pickLanguage, resources } from '../src/i18n/resources.js';

export async function createTexts(setting: 'system' | 'en' | 'zh-CN', systemLocale: string): Promise<TFunction> {
  const instance = i18next.createInstance();
  await instance.init({ lng: pickLanguage(setting, systemLocale), fallbackLng: 'en', resources, interpolation: { escapeValue: false } });
  return instance.t.bind(instance);
}
