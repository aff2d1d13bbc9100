// The tray shows one state for the whole app: the most urgent of the accounts' states.
import type { TrayState } from '../login-control/login-control.js';

export interface TrayAccount {
  url: string; user: string; state: TrayState; unread: number | null; nextCheckAt: number | null;
  /** An OAuth2 account in needs-password is answered by signing in again, not by a password. */
  auth?: 'password' | 'oauth2';
}

export interface TraySummary {
  state: TrayState;
  /** Unread mail over all accounts (IMAP unseen; POP3 has no flags and adds nothing). */
  unread: number;
  accounts: TrayAccount[];
}

const URGENCY: Record<TrayState, number> = { 'needs-password': 3, error: 2, ok: 1, paused: 0 };

export function summariseTray(accounts: TrayAccount[]): TraySummary {
  let state: TrayState = accounts.length === 0 ? 'ok' : 'paused';
  for (const account of accounts) {
    if (URGENCY[account.state] > URGENCY[state]) state = account.state;
  }
  const unread = accounts.reduce((sum, account) => sum + (account.state === 'paused' ? 0 : account.unread ?? 0), 0);
  return { state, unread, accounts };
}
