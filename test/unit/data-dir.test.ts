// The folder the app and the CLI share when no --state is given, on each platform, and the one-time
// adoption of the CLI's older folder (conf's default) where it differed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptLegacyDataDir, defaultDataDir, legacyDataDir } from '../../src/settings/data-dir.js';

describe('the shared data folder', () => {
  it('is Electron\'s userData for an app named Mailbeacon, on each platform', () => {
    expect(defaultDataDir({ platform: 'linux', env: {}, home: '/home/ann' })).toBe('/home/ann/.config/Mailbeacon');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg' }, home: '/home/ann' })).toBe('/cfg/Mailbeacon');
    expect(defaultDataDir({ platform: 'darwin', env: {}, home: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/Mailbeacon');
    expect(defaultDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, home: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\Mailbeacon');
    expect(legacyDataDir({ platform: 'linux', env: {}, home: '/home/ann' })).toBeUndefined();
    expect(legacyDataDir({ platform: 'darwin', env: {}, home: '/Users/ann' })).toBe('/Users/ann/Library/Preferences/Mailbeacon');
    expect(legacyDataDir({ platform: 'win32', env: { APPDATA: 'C:\\R' }, home: 'C:\\Users\\ann' })).toBe('C:\\R\\Mailbeacon\\Config');
  });

  it('adopts the CLI\'s older folder once: copied (the Windows one lies inside the new one), never overwriting, never deleted', () => {
    const root = mkdtempSync(join(tmpdir(), 'mailbeacon-datadir-'));
    const target = join(root, 'Mailbeacon');
    const legacy = join(target, 'Config');
    mkdirSync(join(legacy, 'history'), { recursive: true });
    writeFileSync(join(legacy, 'settings.json'), '{"accounts":[{"url":"imaps://ann@h:993"}]}');
    writeFileSync(join(legacy, 'history', 'x.jsonl'), '{}\n');
    expect(adoptLegacyDataDir(target, legacy)).toBe(true);
    expect(readFileSync(join(target, 'settings.json'), 'utf8')).toContain('ann@h');
    expect(existsSync(join(target, 'history', 'x.jsonl'))).toBe(true);
    expect(existsSync(join(legacy, 'settings.json'))).toBe(true);
    // Settings already in the new folder win: nothing is copied over them.
    writeFileSync(join(legacy, 'settings.json'), '{"accounts":[]}');
    expect(adoptLegacyDataDir(target, legacy)).toBe(false);
    expect(readFileSync(join(target, 'settings.json'), 'utf8')).toContain('ann@h');
    expect(adoptLegacyDataDir(join(root, 'other'), undefined)).toBe(false);
  });
});
