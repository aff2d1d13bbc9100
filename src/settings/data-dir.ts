// Where Mailbeacon keeps its files when no `--state DIR` is given: the same folder for the desktop
// app and the CLI, so a settings file written by either is read by the other. It is the folder
// Electron calls `userData` for an app named Mailbeacon (main/ passes nothing else). Before 0.1.1 the
// CLI used conf's own default instead, which differs on macOS (~/Library/Preferences/Mailbeacon) and
// Windows (%APPDATA%\Mailbeacon\Config): such a folder is adopted once, copied, never deleted.
import { cpSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';
import { APP_NAME } from './settings-files.js';

export interface PlatformFacts { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; home: string }

const here = (): PlatformFacts => ({ platform: process.platform, env: process.env, home: homedir() });

export function defaultDataDir(facts: PlatformFacts = here()): string {
  const { platform, env, home } = facts;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME);
}

/** The CLI's folder before 0.1.1 (conf's default), where it differs from today's. */
export function legacyDataDir(facts: PlatformFacts = here()): string | undefined {
  const { platform, env, home } = facts;
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', APP_NAME);
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), APP_NAME, 'Config');
  return undefined;
}

/** Copies the legacy folder's files into `target` when `target` holds no settings yet and the legacy
 * one does; true when it did. The legacy folder stays as it was (nothing is lost if this is wrong). */
export function adoptLegacyDataDir(target: string, legacy: string | undefined): boolean {
  if (!legacy || legacy === target) return false;
  if (existsSync(join(target, 'settings.json')) || !existsSync(join(legacy, 'settings.json'))) return false;
  // (Windows' legacy folder lies inside the new one: its entries are copied up one level.)
  cpSync(legacy, target, { recursive: true, force: false, errorOnExist: false });
  return true;
}
