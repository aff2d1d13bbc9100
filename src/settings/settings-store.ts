// The settings port: saved accounts and each account's state. Never holds a secret (passwords live
// behind the SecretStore port). The app and the CLI share one implementation (conf).
import type { AppSettings } from './app-settings.js';
import type { LoginControlMemory } from '../login-control/login-control.js';
import type { MigrationState } from '../migration/migration-types.js';
import type { DetectionState } from '../protocols/mail-session.js';

export interface SavedAccount {
  /** Canonical account URL (see formatAccountUrl): the account's identity everywhere. */
  url: string;
  /** Extra CA certificate (PEM) trusted for this account; public data, kept inline. */
  ca?: string | undefined;
  intervalSeconds?: number | undefined;
  /** Opened when a notification of this account is clicked (http(s) or mailto). */
  webmailUrl?: string | undefined;
  /** OAuth2 accounts: where the user signs in (public; the grant itself is in the keychain). */
  oauth?: { issuer: string; authorizationEndpoint: string; tokenEndpoint: string; scope: string; clientId: string } | undefined;
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  defaultIntervalMinutes: 10,
  quietHours: null,
  startAtLogin: false,
  notifications: true,
  language: 'system',
};

export interface AccountState {
  detection?: DetectionState | undefined;
  loginControl?: LoginControlMemory | undefined;
  /** Migration of an old mailbox into this account. */
  migration?: MigrationState | undefined;
  /** The old mailbox (canonical URL) once one was chosen or given by policy; retired = stop re-syncing. */
  migrationSource?: { url: string; retired: boolean } | undefined;
}

export interface SettingsStore {
  /** Where settings, state and migration journals live. */
  readonly directory: string;
  listAccounts(): SavedAccount[];
  findAccount(url: string): SavedAccount | undefined;
  saveAccount(account: SavedAccount): void;
  /** Forgets the account and its state; false when it was not saved. */
  removeAccount(url: string): boolean;
  accountState(url: string): AccountState;
  updateAccountState(url: string, patch: Partial<AccountState>): void;
  appSettings(): AppSettings;
  saveAppSettings(settings: AppSettings): void;
  /** The certificate fingerprint the user trusted for `host:port`. */
  trustedFingerprint(hostPort: string): string | undefined;
  trustFingerprint(hostPort: string, fingerprint256: string): void;
  /** Domains whose organisation migration finished for every account here: switched off locally. */
  domainsMigrated(): string[];
  markDomainMigrated(domain: string): void;
  /** Path of an organisation policy file given in settings (else policy.json in the data dir). */
  policyPath(): string | undefined;
}
