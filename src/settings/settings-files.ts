// The two files behind the settings port, described once for both ways of opening them: `conf` in
// the CLI and the core's tests, electron-store (conf with Electron's paths) in the desktop app. Same
// names, defaults, schema and migrations, so a file written by either is read by the other —
// and a file neither could have written (edited by hand, from a newer version) is refused in words
// instead of being half-read or cleared.
import type { Options } from 'conf';
import * as z from 'zod/mini';
import { VERSION } from '../version.js';
import { SettingsSchema, type AppSettings } from './app-settings.js';
import { DEFAULT_APP_SETTINGS, type AccountState, type SavedAccount } from './settings-store.js';

export const APP_NAME = 'Mailbeacon';

export interface SettingsFile {
  accounts: SavedAccount[];
  app: AppSettings;
  /** host:port → SHA-256 fingerprint the user chose to trust. */
  trustedCertificates: Record<string, string>;
  domainsMigrated: string[];
  policyPath?: string;
}
export interface StateFile { accounts: Record<string, AccountState> }

/** What a store of one file offers: conf's, and so electron-store's, surface that we use. */
export interface KeyValueFile<T> {
  get<K extends keyof T>(key: K): T[K];
  set<K extends keyof T>(key: K, value: T[K]): void;
  readonly path: string;
  /** The whole file as read (after the migrations). */
  readonly store: T;
}

/** Opens one of the files from its shared description (conf, or electron-store in main/). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- conf's own constraint: interfaces have no index signature
export type FileOpener = <T extends Record<string, any>>(options: Options<T> & { configName: string }) => KeyValueFile<T>;

/**
 * The settings file's shape, checked with zod after conf has read the file and run the migrations
 * (conf's own JSON Schema check compiles an Ajv validator on every open: 100 ms, most of a short
 * command). `app` is the settings schema the IPC contract checks; fields an older file lacks are
 * filled from the defaults. Unknown keys (conf's own `__internal__`) are left alone.
 */
export const SettingsFileSchema = z.object({
  accounts: z.array(z.looseObject({
    url: z.string().check(z.minLength(1)), ca: z.optional(z.string()), intervalSeconds: z.optional(z.number().check(z.positive())),
    webmailUrl: z.optional(z.string()), oauth: z.optional(z.looseObject({})),
  })),
  app: z.partial(SettingsSchema),
  trustedCertificates: z.record(z.string(), z.string()),
  domainsMigrated: z.array(z.string()),
  policyPath: z.optional(z.string()),
});

export class SettingsFileError extends Error {
  override readonly name = 'SettingsFileError';
}

/** Throws a SettingsFileError naming the first wrong field and why, in words. */
export function checkSettingsFile(path: string, contents: unknown): void {
  const result = SettingsFileSchema.safeParse(contents);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  throw new SettingsFileError(`${path}: ${issue.path.join('.') || '(the file)'}: ${issue.message}`);
}

/**
 * Migrations of the settings file, by the version that brings them (conf runs each once, before the
 * schema is checked, and records the version it reached in the file).
 * - 0.1.0: quiet hours that start when they end were saved by the window of earlier builds and did
 *   nothing; they are switched off (what they did) rather than refused.
 */
export const SETTINGS_MIGRATIONS = {
  '0.1.0': (store: { get(key: 'app'): unknown; set(key: 'app', value: unknown): void }) => {
    const app = store.get('app') as Partial<AppSettings> | undefined;
    if (app?.quietHours && app.quietHours.start === app.quietHours.end) store.set('app', { ...app, quietHours: null });
  },
};

function common(cwd: string): { projectName: string; projectSuffix: string; projectVersion: string; cwd: string; clearInvalidConfig: false } {
  // Never clear a file that fails the schema: the user's accounts are in it.
  return { projectName: APP_NAME, projectSuffix: '', projectVersion: VERSION, cwd, clearInvalidConfig: false };
}

export function settingsFileOptions(cwd: string): Options<SettingsFile> & { configName: string } {
  return {
    ...common(cwd),
    configName: 'settings',
    defaults: { accounts: [], app: DEFAULT_APP_SETTINGS, trustedCertificates: {}, domainsMigrated: [] },
    migrations: SETTINGS_MIGRATIONS as unknown as Options<SettingsFile>['migrations'],
  };
}

export function stateFileOptions(cwd: string): Options<StateFile> & { configName: string } {
  return { ...common(cwd), configName: 'state', defaults: { accounts: {} } };
}
