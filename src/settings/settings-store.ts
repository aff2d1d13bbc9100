// The settings port: saved accounts and each account's state. Never holds a secret (passwords live
// behind the SecretStore port). The app and the CLI share one implementation (conf).
import type { LoginControlMemory } from '../login-control/login-control.js';
import type { DetectionState } from '../protocols/mail-session.js';

export interface SavedAccount {
  /** Canonical account URL (see formatAccountUrl): the account's identity everywhere. */
  url: string;
  /** Extra CA certificate (PEM) trusted for this account; public data, kept inline. */
  ca?: string | undefined;
  intervalSeconds?: number | undefined;
}

export interface AccountState {
  detection?: DetectionState | undefined;
  loginControl?: LoginControlMemory | undefined;
}

export interface SettingsStore {
  listAccounts(): SavedAccount[];
  findAccount(url: string): SavedAccount | undefined;
  saveAccount(account: SavedAccount): void;
  /** Forgets the account and its state; false when it was not saved. */
  removeAccount(url: string): boolean;
  accountState(url: string): AccountState;
  updateAccountState(url: string, patch: Partial<AccountState>): void;
}
