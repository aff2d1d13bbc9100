// `mailbeacon diagnose [--out FILE]`: one JSON document for support — versions, the OS, the settings
// (without secrets: passwords and OAuth2 grants live in the keychain, which this never opens), every
// saved account with its state and its history. Public things stay (server names, user names,
// certificate fingerprints, client IDs); seen-message lists are reduced to counts. The whole
// document passes the log's key redaction too, so a field named like a secret can never carry one.
import { chmodSync, writeFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { redactKeys } from '../../log/redacting-logger.js';
import type { AccountState } from '../../settings/settings-store.js';
import { VERSION } from '../../version.js';
import { AccountHistory, historyPath } from '../../watch/account-history.js';
import { openStore } from '../account-context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

export interface DiagnoseArgs { stateDir?: string | undefined; out?: string | undefined }

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

export function diagnostics(stateDir: string | undefined, now = new Date()): Record<string, unknown> {
  const store = openStore(stateDir);
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
    generatedAt: now.toISOString(),
    mailbeacon: VERSION,
    node: process.version,
    os: { platform: platform(), release: release(), arch: arch() },
    stateDir: store.directory,
    settings: store.appSettings(),
    domainsMigrated: store.domainsMigrated(),
    accounts,
  }) as Record<string, unknown>;
}

export function diagnoseCommand(args: DiagnoseArgs, write: (line: string) => void): number {
  const report = diagnostics(args.stateDir);
  // To stdout one line (for jq and scripts); to a file indented, for a person to read.
  if (!args.out) {
    write(JSON.stringify(report));
    return EXIT.ok;
  }
  const text = `${JSON.stringify(report, null, 2)}\n`;
  try {
    writeFileSync(args.out, text, { mode: 0o600 });
    chmodSync(args.out, 0o600); // an existing file keeps its mode otherwise
  } catch (error) {
    throw new UsageError(`cannot write ${args.out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  write(`diagnostics written to ${args.out}`);
  return EXIT.ok;
}
