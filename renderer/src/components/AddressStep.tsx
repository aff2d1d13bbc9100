// The first step of adding an account: an address and a password. The app finds the server
// (built-in list, the domain's autoconfig, DNS, a probed guess); the user sees which server and how
// it was found, and says yes before the password goes anywhere. Anything not found, or not wanted,
// goes to the full form, prefilled.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountView, DiscoveredServer, DiscoveryResult } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';

export interface ManualPrefill { user: string; password: string; server: DiscoveredServer | undefined; note: string | undefined }

type Found = Extract<DiscoveryResult, { found: true }>;

export function AddressStep({ defaultIntervalMinutes, onManual, onDone }: {
  defaultIntervalMinutes: number; onManual: (prefill: ManualPrefill) => void; onDone: (account?: AccountView) => void;
}) {
  const { t, i18n } = useTranslation();
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<{ kind: 'error' | 'info'; text: string } | undefined>();
  const [found, setFound] = useState<Found | undefined>();
  const [busy, setBusy] = useState(false);
  const domain = address.slice(address.lastIndexOf('@') + 1).trim();
  const chosen = found?.incoming.find((server) => server.auth !== 'oauth2');
  const chinese = i18n.language.startsWith('zh');

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try { await work(); } catch (e) { setStatus({ kind: 'error', text: errorText(e) }); } finally { setBusy(false); }
  };

  const lookUp = (event: React.FormEvent) => {
    event.preventDefault();
    // The password is needed only for a password login: an OAuth2 provider signs in in the browser.
    const problems = /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address.trim()) ? [] : ['address'];
    setInvalid(new Set(problems));
    if (problems.length > 0) {
      setStatus({ kind: 'error', text: t('discover.needAddress') });
      return;
    }
    setFound(undefined);
    setStatus({ kind: 'info', text: t('discover.looking', { domain }) });
    void run(async () => {
      const result = await api.discoverServer({ address: address.trim() });
      if (!result.found) {
        onManual({ user: address.trim(), password, server: result.bestGuess, note: t('discover.notFound', { domain }) });
        return;
      }
      setFound(result);
      setStatus(undefined);
    });
  };

  const use = () => {
    if (!chosen) return;
    if (!password) {
      setInvalid(new Set(['password']));
      setStatus({ kind: 'error', text: t('discover.needPassword') });
      return;
    }
    setStatus({ kind: 'info', text: t('discover.checkingServer', { host: chosen.host }) });
    void run(async () => {
      const probe = await api.probeServer({ protocol: chosen.protocol, security: chosen.security, host: chosen.host, port: chosen.port });
      if (!probe.ok) {
        setStatus({ kind: 'error', text: t('discover.probeFailed', { host: chosen.host, reason: t(`reason.${probe.reason}`) }) });
        return;
      }
      const account = await api.addAccount({
        user: chosen.user, password, protocol: chosen.protocol, host: chosen.host, port: chosen.port, security: chosen.security,
        plaintextRiskAccepted: false, intervalMinutes: defaultIntervalMinutes, webmailUrl: '',
      });
      onDone(account);
    });
  };

  const signIn = () => {
    setStatus({ kind: 'info', text: t('discover.signInWaiting') });
    void run(async () => { onDone(await api.signInAccount({ address: address.trim() })); });
  };

  const manual = () => onManual({ user: address.trim(), password, server: chosen, note: undefined });
  const field = (name: string) => ({ id: `field-${name}`, 'aria-invalid': invalid.has(name) || undefined });

  return (
    <section aria-labelledby="form-title">
      <h2 id="form-title">{t('form.addTitle')}</h2>
      <form className="account-form" onSubmit={lookUp} noValidate>
        <label htmlFor="field-address">{t('discover.address')}</label>
        <input {...field('address')} type="email" autoComplete="email" value={address} placeholder="name@example.com"
          onChange={(e) => { setAddress(e.target.value); setFound(undefined); }} />
        <label htmlFor="field-password">{t('form.password')}</label>
        <input {...field('password')} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        {found && (
          <div className="discovered" role="region" aria-label={t('discover.foundBy', { source: t(`discover.source.${found.source}`) })} data-testid="discovered">
            <p>{t('discover.foundBy', { source: t(`discover.source.${found.source}`) })}{found.provider ? ` — ${t('discover.provider', { name: found.provider })}` : ''}</p>
            {chosen && (
              <p className="server" data-testid="discovered-server">
                {t('discover.server', {
                  protocol: chosen.protocol.toUpperCase(), host: chosen.host, port: chosen.port,
                  security: chosen.security === 'tls' ? 'SSL/TLS' : chosen.security === 'starttls' ? 'STARTTLS' : t('form.securityPlaintext'),
                })}
                <br />{t(`discover.auth.${chosen.auth}`)}
              </p>
            )}
            {found.hint && <p className="hint" data-testid="discovery-hint">{chinese ? found.hint['zh-CN'] : found.hint.en}</p>}
            {!chosen && !found.signIn && <p role="alert" className="error">{t('discover.oauth2Only', { provider: found.provider ?? domain })}</p>}
            {chosen && !found.trusted && <p className="warning" data-testid="discovery-untrusted">{t('discover.untrusted', { from: found.from })}</p>}
          </div>
        )}
        {status && <p role={status.kind === 'error' ? 'alert' : 'status'} className={status.kind}>{status.text}</p>}
        <div className="actions">
          {!found && <button type="submit" className="primary" disabled={busy}>{t('discover.continue')}</button>}
          {found?.signIn && (
            <button type="button" className={chosen ? undefined : 'primary'} onClick={signIn} disabled={busy}>{t('discover.signIn', { provider: found.provider ?? domain })}</button>
          )}
          {found && chosen && (
            <button type="button" className="primary" onClick={use} disabled={busy}>{found.trusted ? t('discover.use') : t('discover.useUnverified')}</button>
          )}
          <button type="button" onClick={manual} disabled={busy}>{t('discover.manual')}</button>
          <button type="button" onClick={() => onDone()}>{t('form.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
