import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountInputSchema, type AccountInput, type AccountView, type TestResult } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';
import { testFailureText } from '../test-failure-text.js';
import { SecurityFields } from './SecurityFields.js';
import { AddressStep, type ManualPrefill } from './AddressStep.js';
import { withProtocol, withSecurity } from '../form-values.js';

type Draft = Omit<AccountInput, 'port' | 'intervalMinutes'> & { port: string; intervalMinutes: string };

/** Adding starts from an address (AddressStep); the full form is for editing, and for servers
 * discovery did not find or the user wants to set by hand. */
export function AccountForm({ existing, defaultIntervalMinutes, onDone }: {
  existing: AccountView | undefined; defaultIntervalMinutes: number; onDone: (account?: AccountView) => void;
}) {
  const [prefill, setPrefill] = useState<ManualPrefill | undefined>();
  if (!existing && !prefill) return <AddressStep defaultIntervalMinutes={defaultIntervalMinutes} onManual={setPrefill} onDone={onDone} />;
  return <ServerForm existing={existing} prefill={prefill} defaultIntervalMinutes={defaultIntervalMinutes} onDone={onDone} />;
}

/** Add (every field) or edit (interval and link; the rest is the account's identity). */
function ServerForm({ existing, prefill, defaultIntervalMinutes, onDone }: {
  existing: AccountView | undefined; prefill: ManualPrefill | undefined; defaultIntervalMinutes: number; onDone: (account?: AccountView) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => ({
    user: existing?.user ?? prefill?.server?.user ?? prefill?.user ?? '', password: prefill?.password ?? '',
    protocol: existing?.protocol ?? prefill?.server?.protocol ?? 'imap', host: existing?.host ?? prefill?.server?.host ?? '',
    port: String(existing?.port ?? prefill?.server?.port ?? 993), security: existing?.security ?? prefill?.server?.security ?? 'tls',
    plaintextRiskAccepted: existing?.security === 'plaintext',
    intervalMinutes: String(existing?.intervalMinutes ?? defaultIntervalMinutes), webmailUrl: existing?.webmailUrl ?? '',
  }));
  const [invalid, setInvalid] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<{ kind: 'error' | 'info' | 'success'; text: string } | undefined>(
    prefill?.note ? { kind: 'info', text: prefill.note } : undefined,
  );
  const [busy, setBusy] = useState(false);
  const editing = existing !== undefined;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    // The port stays on the well-known value while the user has not typed their own.
    setDraft((current) => (key === 'protocol' ? withProtocol(current, value as Draft['protocol'])
      : key === 'security' ? withSecurity(current, value as Draft['security']) : { ...current, [key]: value }));
  };

  const parsed = () => {
    const result = AccountInputSchema.safeParse({ ...draft, port: Number(draft.port), intervalMinutes: Number(draft.intervalMinutes), password: editing ? 'unchanged' : draft.password });
    setInvalid(new Set(result.success ? [] : result.error.issues.map((issue) => String(issue.path[0]))));
    if (!result.success) {
      // Each field that is wrong, and why, in the form's own words.
      const fields = [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
      setStatus({ kind: 'error', text: fields.map((name) => t(`form.errors.${name}`, { defaultValue: t('form.invalid') })).join(' ') });
    }
    return result.success ? result.data : undefined;
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try { await work(); } catch (e) { setStatus({ kind: 'error', text: errorText(e) }); } finally { setBusy(false); }
  };

  const test = () => {
    const input = parsed();
    if (!input) return;
    setStatus({ kind: 'info', text: t('form.testing') });
    void run(async () => {
      const result: TestResult = await api.testConnection(input);
      setStatus(result.ok ? { kind: 'success', text: t('form.testOk', { count: result.messages }) }
        : { kind: 'error', text: testFailureText(result, t) });
    });
  };

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    const input = parsed();
    if (!input) return;
    void run(async () => {
      const account = editing
        ? await api.updateAccount({ url: existing.url, intervalMinutes: input.intervalMinutes, webmailUrl: input.webmailUrl })
        : await api.addAccount(input);
      onDone(account);
    });
  };

  const field = (name: string) => ({ id: `field-${name}`, 'aria-invalid': invalid.has(name) || undefined });

  return (
    <section aria-labelledby="form-title">
      <h2 id="form-title">{editing ? t('form.editTitle') : t('form.addTitle')}</h2>
      <form className="account-form" onSubmit={save} noValidate>
        <label htmlFor="field-user">{t('form.user')}</label>
        <input {...field('user')} autoComplete="username" value={draft.user} disabled={editing} onChange={(e) => set('user', e.target.value)} />
        {!editing && (<>
          <label htmlFor="field-password">{t('form.password')}</label>
          <input {...field('password')} type="password" autoComplete="current-password" value={draft.password} onChange={(e) => set('password', e.target.value)} />
        </>)}
        <label htmlFor="field-protocol">{t('form.protocol')}</label>
        <select {...field('protocol')} value={draft.protocol} disabled={editing} onChange={(e) => set('protocol', e.target.value as Draft['protocol'])}>
          <option value="imap">IMAP</option>
          <option value="pop3">POP3</option>
        </select>
        <label htmlFor="field-host">{t('form.host')}</label>
        <input {...field('host')} value={draft.host} disabled={editing} placeholder="imap.example.com" onChange={(e) => set('host', e.target.value)} />
        <label htmlFor="field-port">{t('form.port')}</label>
        <input {...field('port')} inputMode="numeric" value={draft.port} disabled={editing} onChange={(e) => set('port', e.target.value)} />
        <SecurityFields idPrefix="field" security={draft.security} riskAccepted={draft.plaintextRiskAccepted} disabled={editing}
          invalid={(name) => invalid.has(name)} onSecurity={(value) => set('security', value)} onRisk={(value) => set('plaintextRiskAccepted', value)} />
        <label htmlFor="field-intervalMinutes">{t('form.interval')}</label>
        <input {...field('intervalMinutes')} inputMode="numeric" value={draft.intervalMinutes} onChange={(e) => set('intervalMinutes', e.target.value)} />
        <label htmlFor="field-webmailUrl">{t('form.webmail')}</label>
        <input {...field('webmailUrl')} value={draft.webmailUrl} placeholder="https://mail.example.com" onChange={(e) => set('webmailUrl', e.target.value)} />
        {status && <p role={status.kind === 'error' ? 'alert' : 'status'} className={status.kind}>{status.text}</p>}
        <div className="actions">
          {!editing && <button type="button" onClick={test} disabled={busy}>{t('form.test')}</button>}
          <button type="submit" className="primary" disabled={busy}>{t('form.save')}</button>
          <button type="button" onClick={() => onDone()}>{t('form.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
