import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { HistoryEntryView } from '../../../src/ipc/contract.js';
import { api, errorText } from '../api.js';
import { serverWords } from '../server-words.js';

/** Hours and minutes in the window's language: when the guard allows the next try. */
function shortTime(at: number, language: string): string {
  return new Date(at).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
}

/** One attempt in words: what came of it, the server's own words, and why the next try waits. */
export function historyText(entry: HistoryEntryView, t: TFunction, language: string): string[] {
  switch (entry.outcome) {
    case 'checked':
      return [t('history.checked', { count: entry.messages, unseen: entry.unseen ?? '—', fresh: entry.newMessages })];
    case 'credentials-needed':
      return [t('history.askedForPassword')];
    case 'login-failed': {
      const time = entry.nextCheckMs === null ? undefined : shortTime(Date.parse(entry.at) + entry.nextCheckMs, language);
      const wait = time === undefined ? t('history.noRetry')
        : entry.failedLoginCounted ? t('history.counted', { count: entry.consecutiveFailures, time }) : t('history.notCounted', { time });
      const said = serverWords(entry.serverSaid);
      return [t(`reason.${entry.reason}`), ...(said ? [t('history.serverSaid', { text: said })] : []), wait];
    }
  }
}

/** The account's recent attempts, newest first, read when opened and again when the account changes. */
export function AccountHistory({ url, version }: { url: string; version: string }) {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<HistoryEntryView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let current = true;
    api.accountHistory({ url }).then((loaded) => { if (current) setEntries(loaded); }, (e: unknown) => { if (current) setError(errorText(e)); });
    return () => { current = false; };
  }, [url, version]);
  if (error) return <p role="alert" className="error">{error}</p>;
  if (entries === null) return null;
  return (
    <section className="history" aria-label={t('history.heading')} data-testid="account-history">
      <h3>{t('history.heading')}</h3>
      {entries.length === 0 && <p className="empty">{t('history.empty')}</p>}
      <ol>
        {[...entries].reverse().slice(0, 50).map((entry, index) => (
          // Two attempts can share a millisecond: the position keeps keys apart.
          <li key={`${entry.at}-${index}`} className={`history-${entry.outcome}`}>
            <time dateTime={entry.at}>{new Date(entry.at).toLocaleString(i18n.language)}</time>
            {historyText(entry, t, i18n.language).map((line, index) => <span key={index} className="history-line">{line}</span>)}
          </li>
        ))}
      </ol>
    </section>
  );
}
