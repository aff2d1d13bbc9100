import type { TFunction } from 'i18next';

export function relativeNext(at: number | null, now: number, t: TFunction): string {
  if (at === null) return t('accounts.notScheduled');
  const seconds = Math.max(0, Math.round((at - now) / 1000));
  return seconds < 120 ? t('accounts.inSeconds', { count: seconds }) : t('accounts.inMinutes', { count: Math.round(seconds / 60) });
}

export function clockTime(at: number | null, language: string, t: TFunction): string {
  return at === null ? t('accounts.never') : new Date(at).toLocaleTimeString(language);
}
