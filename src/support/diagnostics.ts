// One document for support, built the same way by `mailbeacon diagnose` and the window's "Save
// diagnostics…": versions, the OS, the settings (without secrets: passwords and OAuth2 grants live in
// the keychain, which this never opens), every saved account with its state and its history, and the
// log's last lines. Public things stay (server names, user names, certificate fingerprints, client
// IDs); seen-message lists are reduced to counts. The log lines were redacted when they were written;
// the whole document passes the log's key redaction too, so a field named like a secret can never
// carry one.
import { chmodSync, writeFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { redactKeys } from '../log/redacting-logger.js';
import { RecentLog, recentLogPath } from '../log/recent-log.js';
import type { AccountState, SettingsStore } from '../settings/settings-store.js';
import { VERSION } from '../version.js';
import { AccountHistory, historyPath } from '../watch/account-history.js';

/** An account's state as support needs it: the guard's memory and the migration, not the UIDLs. */
function stateForSupport(state: AccountState): Record<string, unknown> {
  const { detection, ...rest } = state;
  if (!detection) return rest;
  return {
    ...rest,
    detection: detection.protocol === 'pop3'
      ? { protocol: 'pop3', count: detection.count, seenUids: detection.seenUids.length }
      : detection,
  };
}

export interface DiagnosticsOptions {
  now?: Date;
  /** Who asks: the CLI, or the app with the Electron and Chromium it runs on. */
  runtime: { shell: 'cli' | 'app'; versions?: Record<string, string | undefined> };
}

export function diagnostics(store: SettingsStore, options: DiagnosticsOptions): Record<string, unknown> {
  const accounts = store.listAccounts().map((account) => ({
    url: account.url,
    // (Key names avoid the redaction's words: "auth" would hide what support needs to see.)
    signIn: account.oauth ? { kind: 'oauth2', issuer: account.oauth.issuer } : { kind: 'password' },
    extraCa: account.ca !== undefined,
    intervalSeconds: account.intervalSeconds ?? null,
    webmailUrl: account.webmailUrl ?? null,
    state: stateForSupport(store.accountState(account.url)),
    history: new AccountHistory(historyPath(store.directory, account.url), (text) => text).entries(),
  }));
  return redactKeys({
    generatedAt: (options.now ?? new Date()).toISOString(),
    mailbeacon: VERSION,
    shell: options.runtime.shell,
    node: process.version,
    ...(options.runtime.versions ? { versions: options.runtime.versions } : {}),
    os: { platform: platform(), release: release(), arch: arch() },
    stateDir: store.directory,
    settings: store.appSettings(),
    domainsMigrated: store.domainsMigrated(),
    accounts,
    logTail: new RecentLog(recentLogPath(store.directory)).tail(),
  }) as Record<string, unknown>;
}

/** Writes the document as a person reads it (indented), owner-only: it names the user's accounts.
 * Throws the file system's error (its `code` says why). */
export function saveDiagnostics(path: string, report: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode otherwise
}
