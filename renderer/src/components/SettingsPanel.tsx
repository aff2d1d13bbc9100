import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SettingsSchema, type AppSettings } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';
import { applyLanguage } from '../i18n.js';

export function SettingsPanel({ settings, onSaved }: { settings: AppSettings; onSaved: (settings: AppSettings) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({
    ...settings, defaultIntervalMinutes: String(settings.defaultIntervalMinutes),
    quiet: settings.quietHours !== null, quietStart: settings.quietHours?.start ?? '22:00', quietEnd: settings.quietHours?.end ?? '07:00',
  });
  const [status, setStatus] = useState<{ kind: 'error' | 'success'; text: string } | undefined>();

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    // Settings the window does not show (an ISPDB, a policy URL, OAuth client IDs) are kept as they are.
    const candidate = {
      ...settings,
      defaultIntervalMinutes: draft.defaultIntervalMinutes.trim() === '' ? Number.NaN : Number(draft.defaultIntervalMinutes), startAtLogin: draft.startAtLogin, notifications: draft.notifications,
      language: draft.language, quietHours: draft.quiet ? { start: draft.quietStart, end: draft.quietEnd } : null,
    };
    const result = SettingsSchema.safeParse(candidate);
    if (!result.success) {
      // Which setting and why, in words: never a field's internal name.
      const messages = new Set(result.error.issues.map((issue) => issue.path[0] === 'defaultIntervalMinutes' ? t('settings.errorInterval')
        : issue.path[0] === 'quietHours' ? (draft.quietStart === draft.quietEnd ? t('settings.errorQuietSame') : t('settings.errorQuietTime'))
          : t('form.invalid')));
      setStatus({ kind: 'error', text: [...messages].join(' ') });
      return;
    }
    try {
      const saved = await api.setSettings(result.data);
      applyLanguage(saved.language);
      onSaved(saved);
      setStatus({ kind: 'success', text: t('settings.saved') });
    } catch (e) {
      setStatus({ kind: 'error', text: errorText(e) });
    }
  };

  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t('settings.heading')}</h2>
      <form className="settings-form" onSubmit={(event) => void save(event)}>
        <label htmlFor="settings-interval">{t('settings.defaultInterval')}</label>
        <input id="settings-interval" inputMode="numeric" value={draft.defaultIntervalMinutes}
          onChange={(e) => setDraft({ ...draft, defaultIntervalMinutes: e.target.value })} />
        <fieldset>
          <legend>{t('settings.quietHours')}</legend>
          <div className="checkbox">
            <input id="settings-quiet" type="checkbox" checked={draft.quiet} onChange={(e) => setDraft({ ...draft, quiet: e.target.checked })} />
            <label htmlFor="settings-quiet">{t('settings.quietEnabled')}</label>
          </div>
          <label htmlFor="settings-quiet-start">{t('settings.from')}</label>
          <input id="settings-quiet-start" type="time" value={draft.quietStart} disabled={!draft.quiet} onChange={(e) => setDraft({ ...draft, quietStart: e.target.value })} />
          <label htmlFor="settings-quiet-end">{t('settings.to')}</label>
          <input id="settings-quiet-end" type="time" value={draft.quietEnd} disabled={!draft.quiet} onChange={(e) => setDraft({ ...draft, quietEnd: e.target.value })} />
        </fieldset>
        <div className="checkbox">
          <input id="settings-login" type="checkbox" checked={draft.startAtLogin} onChange={(e) => setDraft({ ...draft, startAtLogin: e.target.checked })} />
          <label htmlFor="settings-login">{t('settings.startAtLogin')}</label>
        </div>
        <div className="checkbox">
          <input id="settings-notifications" type="checkbox" checked={draft.notifications} onChange={(e) => setDraft({ ...draft, notifications: e.target.checked })} />
          <label htmlFor="settings-notifications">{t('settings.notifications')}</label>
        </div>
        <label htmlFor="settings-language">{t('settings.language')}</label>
        <select id="settings-language" value={draft.language} onChange={(e) => setDraft({ ...draft, language: e.target.value as AppSettings['language'] })}>
          <option value="system">{t('settings.languageSystem')}</option>
          <option value="en">English</option>
          <option value="zh-CN">简体中文</option>
        </select>
        {status && <p role={status.kind === 'error' ? 'alert' : 'status'} className={status.kind}>{status.text}</p>}
        <div className="actions"><button type="submit" className="primary">{t('settings.save')}</button></div>
      </form>
      <DiagnosticsExport />
    </section>
  );
}

/** "Save diagnostics…": main asks where (its own save dialog) and writes the file; a cancel says nothing. */
function DiagnosticsExport() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<{ kind: 'error' | 'success'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setStatus(undefined);
    try {
      const { path } = await api.saveDiagnostics();
      if (path) setStatus({ kind: 'success', text: t('diagnostics.saved', { path }) });
    } catch (e) {
      setStatus({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="diagnostics" aria-labelledby="diagnostics-heading">
      <h3 id="diagnostics-heading">{t('diagnostics.heading')}</h3>
      <p className="hint">{t('diagnostics.hint')}</p>
      {status && <p role={status.kind === 'error' ? 'alert' : 'status'} className={status.kind}>{status.text}</p>}
      <div className="actions"><button type="button" disabled={busy} onClick={() => void save()}>{t('diagnostics.save')}</button></div>
    </div>
  );
}
