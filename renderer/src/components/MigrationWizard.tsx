// "Migrate old mailbox…": the old server (prefilled from the organisation's policy or the last
// choice), credentials defaulting to the account's, a dry-run summary, Start; then progress with
// count, size, rate and ETA, pause and resume; and the final report with what could not be copied.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountView, CertificateView, MigrationPlanView, MigrationSourceInput, MigrationView } from '../../../src/ipc/contract.js';
import { MigrationSourceSchema } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';
import { CertificateDialog } from './CertificateDialog.js';
import { SecurityFields } from './SecurityFields.js';
import { byteSize, withProtocol, withSecurity } from '../form-values.js';

type Phase = 'form' | 'planned' | 'running' | 'report';
type Draft = Omit<MigrationSourceInput, 'port'> & { port: string };

const SCHEMES: Record<string, Pick<Draft, 'protocol' | 'security'>> = {
  'pop3s:': { protocol: 'pop3', security: 'tls' }, 'pop3:': { protocol: 'pop3', security: 'starttls' },
  'imaps:': { protocol: 'imap', security: 'tls' }, 'imap:': { protocol: 'imap', security: 'starttls' },
};

/** A source URL (from the policy or the last run) as form fields; the user part stays blank = same. */
function draftFrom(sourceUrl: string | null): Draft {
  const blank: Draft = { protocol: 'pop3', security: 'tls', host: '', port: '995', user: '', password: '', plaintextRiskAccepted: false };
  if (!sourceUrl) return blank;
  try {
    const url = new URL(sourceUrl);
    const scheme = SCHEMES[url.protocol];
    if (!scheme) return blank;
    const plaintext = url.searchParams.get('plaintext') === '1';
    return { ...blank, ...scheme, security: plaintext ? 'plaintext' : scheme.security, plaintextRiskAccepted: plaintext,
      host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || (scheme.protocol === 'pop3' ? '995' : '993') };
  } catch {
    return blank;
  }
}

const megabytes = (bytes: number): string => byteSize(bytes);
const duration = (seconds: number | null): string => {
  if (seconds === null) return '…';
  return seconds < 90 ? `${Math.ceil(seconds)} s` : `${Math.ceil(seconds / 60)} min`;
};

export function MigrationWizard({ account, onClose }: { account: AccountView; onClose: () => void }) {
  const { t } = useTranslation();
  const [view, setView] = useState<MigrationView | undefined>();
  const [draft, setDraft] = useState<Draft>(draftFrom(null));
  const [phase, setPhase] = useState<Phase>('form');
  const [plan, setPlan] = useState<Extract<MigrationPlanView, { ok: true }> | undefined>();
  const [certificate, setCertificate] = useState<(CertificateView & { url: string }) | undefined>();
  const [status, setStatus] = useState<{ kind: 'error' | 'info'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const follow = (next: MigrationView) => {
      setView(next);
      if (next.active) setPhase('running');
      else if (next.reason === 'paused') setPhase('running');
      else if (next.status === 'complete' || (next.status === 'failing' && next.copied !== null)) setPhase('report');
    };
    const stops = [
      api.onMigrationChanged((next) => { if (next.url === account.url) follow(next); }),
      api.onMigrationProgress(({ url, ...progress }) => {
        if (url === account.url) setView((current) => (current ? { ...current, active: true, progress } : current));
      }),
    ];
    void api.getMigration({ url: account.url }).then((loaded) => {
      setDraft(draftFrom(loaded.source ?? loaded.policySource));
      follow(loaded);
    });
    return () => { for (const stop of stops) stop(); };
  }, [account.url]);

  const source = (): MigrationSourceInput | undefined => {
    const result = MigrationSourceSchema.safeParse({ ...draft, port: Number(draft.port) });
    if (!result.success) setStatus({ kind: 'error', text: t('form.invalid') });
    return result.success ? result.data : undefined;
  };

  const checkPlan = async () => {
    const input = source();
    if (!input) return;
    setBusy(true);
    setStatus({ kind: 'info', text: t('migration.planning') });
    try {
      const result = await api.planMigration({ url: account.url, source: input });
      if (result.ok) {
        setPlan(result);
        setPhase('planned');
        setStatus(undefined);
      } else {
        setStatus({ kind: 'error', text: `${t(`reason.${result.reason}`)} — ${result.message}` });
        if (result.certificate) setCertificate({ ...result.certificate, url: account.url });
      }
    } catch (error) {
      setStatus({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  const act = (work: () => Promise<unknown>) => { setStatus(undefined); work().catch((error: unknown) => setStatus({ kind: 'error', text: errorText(error) })); };
  const start = () => { const input = source(); if (input) act(async () => { setView(await api.startMigration({ url: account.url, source: input })); setPhase('running'); }); };
  const progress = view?.progress;
  const paused = view !== undefined && !view.active && view.reason === 'paused';

  return (
    <section aria-labelledby="migration-title" className="migration">
      <h2 id="migration-title">{t('migration.title', { user: account.user })}</h2>
      <p>{t('migration.explain')}</p>
      {phase === 'form' && (
        <form className="account-form" onSubmit={(event) => { event.preventDefault(); void checkPlan(); }} noValidate>
          {view?.policySource && <p className="info">{t('migration.fromPolicy')}</p>}
          <label htmlFor="source-protocol">{t('form.protocol')}</label>
          <select id="source-protocol" value={draft.protocol} onChange={(e) => setDraft(withProtocol(draft, e.target.value as Draft['protocol']))}>
            <option value="pop3">POP3</option>
            <option value="imap">IMAP</option>
          </select>
          <label htmlFor="source-host">{t('form.host')}</label>
          <input id="source-host" value={draft.host} placeholder="pop.old.example" onChange={(e) => setDraft({ ...draft, host: e.target.value })} />
          <label htmlFor="source-port">{t('form.port')}</label>
          <input id="source-port" inputMode="numeric" value={draft.port} onChange={(e) => setDraft({ ...draft, port: e.target.value })} />
          <SecurityFields idPrefix="source" security={draft.security} riskAccepted={draft.plaintextRiskAccepted}
            onSecurity={(security) => setDraft(withSecurity(draft, security))} onRisk={(plaintextRiskAccepted) => setDraft({ ...draft, plaintextRiskAccepted })} />
          <label htmlFor="source-user">{t('migration.user')}</label>
          <input id="source-user" value={draft.user} placeholder={account.user} onChange={(e) => setDraft({ ...draft, user: e.target.value })} />
          <label htmlFor="source-password">{t('migration.password')}</label>
          <input id="source-password" type="password" value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} />
          {status && <p role={status.kind === 'error' ? 'alert' : 'status'} className={status.kind}>{status.text}</p>}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>{t('migration.plan')}</button>
            <button type="button" onClick={onClose}>{t('form.cancel')}</button>
          </div>
        </form>
      )}
      {phase === 'planned' && plan && (
        <>
          <p role="status" data-testid="migration-summary">
            {t('migration.summary', { toCopy: plan.toCopy, messages: plan.messages, size: megabytes(plan.bytes), done: plan.alreadyDone })}
          </p>
          {status && <p role="alert" className="error">{status.text}</p>}
          <div className="actions">
            <button type="button" className="primary" onClick={start}>{t('migration.start')}</button>
            <button type="button" onClick={() => setPhase('form')}>{t('form.cancel')}</button>
          </div>
        </>
      )}
      {phase === 'running' && (
        <>
          <progress className="migration-progress" aria-label={t('migration.progressLabel')} max={progress?.total || 1} value={progress?.done ?? 0} />
          {progress && (
            <p data-testid="migration-progress">
              {t('migration.progress', { done: progress.done, total: progress.total, bytes: megabytes(progress.bytes), totalBytes: megabytes(progress.totalBytes) })}
              {/* A paused run has no rate and no time left to speak of. */}
              {!paused && (<><br />{t('migration.rate', { rate: progress.rate.toFixed(0), eta: duration(progress.etaSeconds) })}</>)}
              <br />
              {t('migration.folder', { folder: progress.folder })}
            </p>
          )}
          <p role="status">{paused ? t('migration.paused') : t('migration.running')}</p>
          {status && <p role="alert" className="error">{status.text}</p>}
          <div className="actions">
            {paused
              ? <button type="button" className="primary" onClick={() => act(async () => setView(await api.resumeMigration({ url: account.url })))}>{t('migration.resume')}</button>
              : <button type="button" onClick={() => act(() => api.pauseMigration({ url: account.url }))}>{t('migration.pause')}</button>}
            <button type="button" onClick={onClose}>{t('migration.close')}</button>
          </div>
        </>
      )}
      {phase === 'report' && view && (
        <>
          <p role="status" data-testid="migration-report">
            {t('migration.report', { copied: view.copied ?? 0, skipped: view.skipped ?? 0, failed: view.failed ?? 0 })}
          </p>
          {view.reason && view.status === 'failing' && <p className="error">{view.reason}</p>}
          {view.failures.length > 0 && (
            <>
              <h3>{t('migration.failures')}</h3>
              <ul className="failures">
                {view.failures.map((failure) => <li key={failure.key}>{failure.folder} · {megabytes(failure.size)} — {failure.reason}</li>)}
              </ul>
            </>
          )}
          <p>{view.retired ? t('migration.retired') : t('migration.resyncNote')}</p>
          <div className="actions">
            {!view.retired && <button type="button" onClick={() => act(async () => setView(await api.retireMigration({ url: account.url })))}>{t('migration.retire')}</button>}
            <button type="button" className="primary" onClick={onClose}>{t('migration.close')}</button>
          </div>
        </>
      )}
      {certificate && (
        <CertificateDialog certificate={certificate}
          onTrust={async (fingerprint256) => { await api.trustMigrationCertificate({ url: account.url, fingerprint256 }); setStatus(undefined); void checkPlan(); }}
          onClose={() => setCertificate(undefined)} />
      )}
    </section>
  );
}
