import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountView } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';
import { clockTime, relativeNext } from '../time.js';
import { AccountHistory } from './AccountHistory.js';

/** Re-renders every few seconds so "next check in …" stays true. */
function useNow(periodMs = 5_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

export function AccountList({ accounts, onAdd, onEdit, onMigrate }: {
  accounts: AccountView[]; onAdd: () => void; onEdit: (account: AccountView) => void; onMigrate: (account: AccountView) => void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const [error, setError] = useState('');
  /** Accounts whose "Check now" the lockout guard holds back, with when it allows the next login. */
  const [deferred, setDeferred] = useState<Record<string, number>>({});
  /** Accounts whose history is open. */
  const [historyOpen, setHistoryOpen] = useState<Record<string, boolean>>({});
  const act = (run: () => Promise<unknown>) => { setError(''); run().catch((e: unknown) => setError(errorText(e))); };
  const checkNow = (url: string, force: boolean) => act(async () => {
    const result = await api.checkNow({ url, force });
    setDeferred((current) => {
      const next = { ...current };
      if (result.loginAllowedAt === null) delete next[url];
      else next[url] = result.loginAllowedAt;
      return next;
    });
  });

  return (
    <section aria-labelledby="accounts-heading">
      <div className="section-head">
        <h2 id="accounts-heading">{t('accounts.heading')}</h2>
        <button type="button" className="primary" onClick={onAdd}>{t('accounts.add')}</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {accounts.length === 0 && <p className="empty">{t('accounts.empty')}</p>}
      <ul className="accounts">
        {accounts.map((account) => (
          <li key={account.url} className={`account state-${account.state}`} aria-label={`${account.user} @ ${account.host}`}>
            <div className="account-head">
              <span className="account-name">{account.user}</span>
              <span className="account-server">{account.protocol.toUpperCase()} · {account.host}:{account.port}</span>
              <span className={`badge badge-${account.state}`} data-testid="account-state">{t(account.auth === 'oauth2' && account.state === 'needs-password' ? 'state.needs-sign-in' : `state.${account.state}`)}</span>
            </div>
            <dl className="facts">
              <div><dt>{t('accounts.unread')}</dt><dd data-testid="account-unread">{account.unread ?? '—'}</dd></div>
              <div><dt>{t('accounts.messages')}</dt><dd>{account.messages ?? '—'}</dd></div>
              <div><dt>{t('accounts.lastCheck')}</dt><dd>{clockTime(account.lastCheckAt, i18n.language, t)}</dd></div>
              <div><dt>{t('accounts.nextCheck')}</dt><dd data-testid="account-next">{relativeNext(account.nextCheckAt, now, t)}</dd></div>
              <div><dt>{t('accounts.failures')}</dt><dd data-testid="account-failures">{account.consecutiveFailures}</dd></div>
            </dl>
            {account.lastFailure && (
              <p className="reason" data-testid="account-reason">{t(account.auth === 'oauth2' && account.lastFailure.reason === 'credentials-missing' ? 'reason.sign-in-needed' : `reason.${account.lastFailure.reason}`)}</p>
            )}
            {deferred[account.url] !== undefined && deferred[account.url]! > now && account.state !== 'ok' && (
              <div className="deferred" role="status" data-testid="account-deferred">
                <p>{t('accounts.deferred', { time: clockTime(deferred[account.url]!, i18n.language, t), count: account.consecutiveFailures })}</p>
                <button type="button" title={t('accounts.tryAnywayRisk')} onClick={() => checkNow(account.url, true)}>{t('accounts.tryAnyway')}</button>
              </div>
            )}
            <div className="actions">
              {account.state === 'needs-password' && (
                <button type="button" className="primary" data-testid="enter-password" onClick={() => act(() => api.askForCredentials({ url: account.url }))}>
                  {account.auth === 'oauth2' ? t('accounts.signInAgain') : t('accounts.enterPassword')}
                </button>
              )}
              <button type="button" onClick={() => checkNow(account.url, false)} disabled={account.paused}>{t('accounts.checkNow')}</button>
              {account.paused
                ? <button type="button" onClick={() => act(() => api.resume({ url: account.url }))}>{t('accounts.resume')}</button>
                : <button type="button" onClick={() => act(() => api.pause({ url: account.url }))}>{t('accounts.pause')}</button>}
              <button type="button" aria-expanded={historyOpen[account.url] === true} data-testid="toggle-history"
                onClick={() => setHistoryOpen((open) => ({ ...open, [account.url]: !open[account.url] }))}>
                {historyOpen[account.url] ? t('history.hide') : t('history.show')}
              </button>
              <button type="button" onClick={() => onEdit(account)}>{t('accounts.edit')}</button>
              {account.protocol === 'imap' && <button type="button" onClick={() => onMigrate(account)}>{t('migration.open')}</button>}
              <button type="button" className="danger" onClick={() => {
                if (window.confirm(t('accounts.confirmRemove', { user: account.user }))) act(() => api.removeAccount({ url: account.url }));
              }}>{t('accounts.remove')}</button>
            </div>
            {historyOpen[account.url] && (
              <AccountHistory url={account.url} version={`${account.lastCheckAt ?? ''}-${account.consecutiveFailures}-${account.state}`} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
