// The settings port on `conf` (electron-store's own base, which runs in plain Node; main/ opens the
// same files with electron-store — settings-files.ts describes them once): atomic writes, JSON files
// in the app's data dir or in `--state DIR`. Accounts and state are separate files so the
// frequently rewritten state (seen UIDLs) never risks the account list.
import Conf from 'conf';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppSettings } from './app-settings.js';
import { adoptLegacyDataDir, defaultDataDir, legacyDataDir } from './data-dir.js';
import { checkSettingsFile, settingsFileOptions, stateFileOptions, type FileOpener, type KeyValueFile, type SettingsFile, type StateFile } from './settings-files.js';
import { DEFAULT_APP_SETTINGS, type AccountState, type SavedAccount, type SettingsStore } from './settings-store.js';

/** The CLI's (and the tests') way to open the files: plain conf. */
export const openWithConf: FileOpener = (options) => new Conf(options);

export class ConfSettingsStore implements SettingsStore {
  private readonly settings: KeyValueFile<SettingsFile>;
  private readonly state: KeyValueFile<StateFile>;
  private readonly dir: string;

  /** `dir` undefined = the platform's app data dir, the desktop app's and the CLI's alike
   * (data-dir.ts). `open`: conf here; main/ opens the same files with electron-store. */
  constructor(dir?: string, open: FileOpener = openWithConf) {
    this.dir = dir === undefined ? defaultDataDir() : resolve(dir);
    if (dir === undefined) adoptLegacyDataDir(this.dir, legacyDataDir());
    // The file as it was: conf fills in defaults and records its migrations when it opens a file,
    // and a file that is then refused is put back byte for byte.
    const path = join(this.dir, 'settings.json');
    const before = existsSync(path) ? readFileSync(path) : undefined;
    let settings: KeyValueFile<SettingsFile>;
    try {
      settings = open(settingsFileOptions(this.dir));
      checkSettingsFile(settings.path, settings.store);
    } catch (error) {
      if (before) writeFileSync(path, before);
      throw error;
    }
    this.settings = settings;
    this.state = open(stateFileOptions(this.dir));
  }

  get directory(): string { return this.dir; }

  listAccounts(): SavedAccount[] {
    return this.settings.get('accounts');
  }

  findAccount(url: string): SavedAccount | undefined {
    return this.listAccounts().find((account) => account.url === url);
  }

  saveAccount(account: SavedAccount): void {
    const others = this.listAccounts().filter((existing) => existing.url !== account.url);
    this.settings.set('accounts', [...others, account]);
  }

  removeAccount(url: string): boolean {
    const accounts = this.listAccounts();
    const kept = accounts.filter((account) => account.url !== url);
    if (kept.length === accounts.length) return false;
    this.settings.set('accounts', kept);
    // Account URLs contain dots, which conf's key paths would split: edit the whole map.
    const { [url]: _removed, ...rest } = this.state.get('accounts');
    this.state.set('accounts', rest);
    return true;
  }

  accountState(url: string): AccountState {
    return this.state.get('accounts')[url] ?? {};
  }

  updateAccountState(url: string, patch: Partial<AccountState>): void {
    const all = this.state.get('accounts');
    this.state.set('accounts', { ...all, [url]: { ...all[url], ...patch } });
  }

  appSettings(): AppSettings {
    return { ...DEFAULT_APP_SETTINGS, ...this.settings.get('app') };
  }

  saveAppSettings(settings: AppSettings): void {
    this.settings.set('app', settings);
  }

  trustedFingerprint(hostPort: string): string | undefined {
    return this.settings.get('trustedCertificates')[hostPort];
  }

  trustFingerprint(hostPort: string, fingerprint256: string): void {
    this.settings.set('trustedCertificates', { ...this.settings.get('trustedCertificates'), [hostPort]: fingerprint256 });
  }

  domainsMigrated(): string[] {
    return this.settings.get('domainsMigrated') ?? [];
  }

  markDomainMigrated(domain: string): void {
    const done = new Set(this.domainsMigrated());
    done.add(domain);
    this.settings.set('domainsMigrated', [...done]);
  }

  policyPath(): string | undefined {
    return this.settings.get('policyPath');
  }
}
