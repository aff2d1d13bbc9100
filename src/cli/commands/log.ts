// `mailbeacon log URL`: an account's recent attempts (the last 200), oldest first — when, what came
// of it, the server's own words and the wait the lockout guard chose, in words. Read from the state
// dir; nothing is sent anywhere. --json prints the entries as they are kept.
import { formatAccountUrl, parseAccountUrl } from '../../account/account-url.js';
import { serverWords } from '../../protocols/server-words.js';
import { AccountHistory, historyPath, type HistoryEntry } from '../../watch/account-history.js';
import { openStore } from '../account-context.js';
import { EXIT } from '../exit-codes.js';
import { humanDuration, plural, reasonInWords } from '../output.js';

export interface LogArgs { url: string; stateDir?: string | undefined; json: boolean }

/** A local time to the second, the way a person reads a log: 2026-11-23 14:20:05. */
function localTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function clock(iso: string, afterMs: number): string {
  const date = new Date(Date.parse(iso) + afterMs);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export function historyLine(entry: HistoryEntry): string {
  const when = localTime(entry.at);
  switch (entry.outcome) {
    case 'checked': {
      const unseen = entry.unseen === null ? '' : `, ${entry.unseen} unseen`;
      return `${when}  checked: ${plural(entry.messages, 'message')}${unseen}, ${entry.newMessages} new`;
    }
    case 'credentials-needed':
      return `${when}  asked for a new password`;
    case 'login-failed': {
      const words = entry.reason === 'rejected' ? serverWords(entry.serverSaid) : entry.serverSaid;
      const said = words ? ` (${words})` : '';
      const next = entry.nextCheckMs === null ? 'no retry until the problem is fixed'
        : entry.nextCheckMs < 120_000 ? `next try ${humanDuration(entry.nextCheckMs)} later` : `next try at ${clock(entry.at, entry.nextCheckMs)}`;
      // Why the wait is what it is: only refused logins make the guard wait longer.
      const why = entry.failedLoginCounted
        ? `${plural(entry.consecutiveFailures, 'failed login')} in a row — ${next} to avoid a lockout`
        : `not counted as a failed login — ${next}`;
      return `${when}  ${reasonInWords(entry.reason)}${entry.temporary ? ' (temporarily)' : ''}${said}; ${why}`;
    }
  }
}

export function logCommand(args: LogArgs, write: (line: string) => void): number {
  const url = formatAccountUrl(parseAccountUrl(args.url));
  const store = openStore(args.stateDir);
  const entries = new AccountHistory(historyPath(store.directory, url), (text) => text).entries();
  if (args.json) {
    for (const entry of entries) write(JSON.stringify({ account: url, ...entry }));
    return EXIT.ok;
  }
  if (entries.length === 0) {
    write(`${url}: no attempts recorded yet`);
    return EXIT.ok;
  }
  for (const entry of entries) write(historyLine(entry));
  // The last word, for a person glancing at it: how long ago, and what the guard does now.
  const last = entries.at(-1)!;
  write(`(${plural(entries.length, 'attempt')}; the last ${humanDuration(Date.now() - Date.parse(last.at))} ago)`);
  return EXIT.ok;
}
