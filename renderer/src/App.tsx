// The window: accounts, the add/edit form, settings, and the two questions the app may ask —
// new credentials (after a refused password) and whether to trust a certificate.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountView, AppSettings, CertificateView, Pending } from '../../src/ipc/contract.js';
import { mergeListing } from './account-listing.js';
import { api } from './api.js';
import { applyLanguage } from './i18n.js';
import { AccountForm } from './components/AccountForm.js';
import { AccountList } from './components/AccountList.js';
import { CertificateDialog } from './components/CertificateDialog.js';
import { CredentialsDialog } from './components/CredentialsDialog.js';
import { MigrationWizard } from './components/MigrationWizard.js';
import { SettingsPanel } from './components/SettingsPanel.js';

type Screen = { kind: 'accounts' } | { kind: 'settings' } | { kind: 'add' } | { kind: 'edit'; account: AccountView } | { kind: 'migrate'; account: AccountView };

export function App() {
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<AccountView[]>([]);
  const [settings, setSettings] = useState<AppSettings | undefined>();
  const [screen, setScreen] = useState<Screen>({ kind: 'accounts' });
  const [credentials, setCredentials] = useState<Pending['credentials']>([]);
  const [certificates, setCertificates] = useState<Array<CertificateView & { url: string }>>([]);

  const upsert = useCallback((account: AccountView) => {
    setAccounts((current) => {
      const index = current.findIndex((item) => item.url === account.url);
      if (index === -1) return [...current, account];
      const next = [...current];
      next[index] = account;
      return next;
    });
  }, []);

  useEffect(() => {
    /** Accounts removed while the first listing is on its way (see mergeListing). */
    const removed = new Set<string>();
    const unsubscribe = [
      api.onAccountChanged(upsert),
      api.onAccountRemoved(({ url }) => {
        removed.add(url);
        setAccounts((current) => current.filter((item) => item.url !== url));
      }),
      api.onCredentialsNeeded((question) => setCredentials((current) => [...current.filter((item) => item.url !== question.url), question])),
      api.onCertificateUntrusted((certificate) => setCertificates((current) => [...current.filter((item) => item.url !== certificate.url), certificate])),
      api.onSettingsChanged((next) => { setSettings(next); applyLanguage(next.language); }),
    ];
    void (async () => {
      const [list, pending, loaded] = await Promise.all([api.listAccounts(), api.getPending(), api.getSettings()]);
      setAccounts((pushed) => mergeListing(list, pushed, removed));
      // Questions pushed meanwhile are as current as the listing's: keep both, one per account.
      setCredentials((pushed) => [...pending.credentials.filter((item) => !pushed.some((other) => other.url === item.url)), ...pushed]);
      setCertificates((pushed) => [...pending.certificates.filter((item) => !pushed.some((other) => other.url === item.url)), ...pushed]);
      setSettings(loaded);
      applyLanguage(loaded.language);
    })();
    return () => { for (const stop of unsubscribe) stop(); };
  }, [upsert]);

  const certificate = certificates[0];
  const question = credentials[0];
  const accountOf = (url: string) => accounts.find((account) => account.url === url);

  return (
    <div className="app">
      <header className="topbar">
        <h1>{t('app.title')}</h1>
        <nav aria-label={t('app.title')}>
          <button type="button" className={screen.kind === 'accounts' ? 'tab active' : 'tab'} aria-current={screen.kind === 'accounts' ? 'page' : undefined}
            onClick={() => setScreen({ kind: 'accounts' })}>{t('accounts.heading')}</button>
          <button type="button" className={screen.kind === 'settings' ? 'tab active' : 'tab'} aria-current={screen.kind === 'settings' ? 'page' : undefined}
            onClick={() => setScreen({ kind: 'settings' })}>{t('settings.heading')}</button>
        </nav>
      </header>
      <main>
        {screen.kind === 'accounts' && (
          <AccountList accounts={accounts} onAdd={() => setScreen({ kind: 'add' })} onEdit={(account) => setScreen({ kind: 'edit', account })}
            onMigrate={(account) => setScreen({ kind: 'migrate', account })} />
        )}
        {screen.kind === 'settings' && settings && <SettingsPanel settings={settings} onSaved={setSettings} />}
        {screen.kind === 'migrate' && <MigrationWizard account={accountOf(screen.account.url) ?? screen.account} onClose={() => setScreen({ kind: 'accounts' })} />}
        {(screen.kind === 'add' || screen.kind === 'edit') && (
          <AccountForm
            existing={screen.kind === 'edit' ? screen.account : undefined}
            defaultIntervalMinutes={settings?.defaultIntervalMinutes ?? 10}
            onDone={(account) => { if (account) upsert(account); setScreen({ kind: 'accounts' }); }}
          />
        )}
      </main>
      {certificate && (
        <CertificateDialog certificate={certificate}
          onClose={() => setCertificates((current) => current.filter((item) => item.url !== certificate.url))} />
      )}
      {!certificate && question && (
        <CredentialsDialog question={question} account={accountOf(question.url)}
          onClose={() => setCredentials((current) => current.filter((item) => item.url !== question.url))} />
      )}
    </div>
  );
}
