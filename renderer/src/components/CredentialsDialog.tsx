import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountView } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';
import { Dialog } from './Dialog.js';
import { serverWords } from '../server-words.js';

type Phase = 'asking' | 'checking' | 'done';


/** Asked once per refused password. Submitting replaces the saved password and checks at once. */
export function CredentialsDialog({ question, account, onClose }: {
  question: { url: string; message: string }; account: AccountView | undefined; onClose: () => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [phase, setPhase] = useState<Phase>('asking');
  const [error, setError] = useState('');
  const [submittedAt, setSubmittedAt] = useState(0);
  const user = account?.user ?? question.url;

  // The result of the immediate check arrives as an account update.
  useEffect(() => {
    // Only a check that ended after this submission tells how the new password did.
    if (phase !== 'checking' || !account || account.lastCheckAt === null || account.lastCheckAt < submittedAt) return;
    if (account.state === 'ok') setPhase('done');
    else if (account.lastFailure) { setPhase('asking'); setError(t(`reason.${account.lastFailure.reason}`)); }
  }, [account, phase, submittedAt, t]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setError('');
    setSubmittedAt(Date.now());
    setPhase('checking');
    try {
      await api.submitCredentials({ url: question.url, password });
      setPassword('');
    } catch (e) {
      setPhase('asking');
      setError(errorText(e));
    }
  };
  const cancel = () => { void api.dismissCredentials({ url: question.url }); onClose(); };

  // An OAuth2 account is answered in the browser: main opens the provider's page, never the window.
  const signInAgain = async () => {
    setError('');
    setSubmittedAt(Date.now());
    setPhase('checking');
    try {
      await api.reauthorize({ url: question.url });
    } catch (e) {
      setPhase('asking');
      setError(errorText(e));
    }
  };

  if (account?.auth === 'oauth2') {
    return (
      <Dialog labelId="credentials-title" onClose={phase === 'done' ? onClose : cancel}>
        <h2 id="credentials-title">{phase === 'done' ? t('credentials.successTitle', { user }) : t('credentials.signInTitle', { user })}</h2>
        {phase === 'done' ? (
          <>
            <p role="status" className="success">{t('credentials.success')}</p>
            <div className="actions"><button type="button" className="primary" onClick={onClose}>{t('credentials.ok')}</button></div>
          </>
        ) : (
          <>
            <p>{t('credentials.signInExplain')}</p>
            {error && <p role="alert" className="error">{error}</p>}
            {phase === 'checking' && <p role="status">{t('credentials.signInWaiting')}</p>}
            <div className="actions">
              <button type="button" className="primary" onClick={() => { void signInAgain(); }} disabled={phase === 'checking'}>{t('accounts.signInAgain')}</button>
              <button type="button" onClick={cancel}>{t('credentials.cancel')}</button>
            </div>
          </>
        )}
      </Dialog>
    );
  }

  return (
    <Dialog labelId="credentials-title" onClose={phase === 'done' ? onClose : cancel}>
      <h2 id="credentials-title">{phase === 'done' ? t('credentials.successTitle', { user }) : t('credentials.title', { user })}</h2>
      {phase !== 'done' && <p>{t('credentials.explain')}</p>}
      {phase !== 'done' && account?.lastFailure && (
        <p className="reason">{t(`reason.${account.lastFailure.reason}`)}
          {serverWords(account.lastFailure.message) && <> <span className="server-words">{t('credentials.serverSaid')}<q lang="en">{serverWords(account.lastFailure.message)}</q></span></>}
        </p>
      )}
      {phase === 'done' ? (
        <>
          <p role="status" className="success">{t('credentials.success')}</p>
          <div className="actions"><button type="button" className="primary" onClick={onClose}>{t('credentials.ok')}</button></div>
        </>
      ) : (
        <form onSubmit={submit}>
          <label htmlFor="new-password">{t('credentials.newPassword')}</label>
          <input id="new-password" type="password" autoComplete="current-password" required value={password}
            onChange={(event) => setPassword(event.target.value)} disabled={phase === 'checking'} />
          {error && <p role="alert" className="error">{error}</p>}
          {phase === 'checking' && <p role="status">{t('credentials.checking')}</p>}
          <div className="actions">
            <button type="submit" className="primary" disabled={phase === 'checking' || password === ''}>{t('credentials.submit')}</button>
            <button type="button" onClick={cancel}>{t('credentials.cancel')}</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
