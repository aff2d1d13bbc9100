// The app's settings through electron-store, as the design names it for the Electron shell: the very
// files, names, JSON Schema and migrations the CLI opens with conf (src/settings/settings-files.ts),
// in the same folder (src/settings/data-dir.ts), so a file written by either is read by the other.
import ElectronStore from 'electron-store';
import type { FileOpener } from '../src/settings/settings-files.js';
import { ConfSettingsStore } from '../src/settings/conf-settings-store.js';

export const openWithElectronStore: FileOpener = (options) => new ElectronStore({ ...options, name: options.configName });

/** The settings port over electron-store; `dir` only for tests (the app uses the shared default). */
export function openAppSettings(dir?: string): ConfSettingsStore {
  return new ConfSettingsStore(dir, openWithElectronStore);
}
