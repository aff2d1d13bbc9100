// One settings file for the app (electron-store) and the CLI (conf): what either writes, the other
// reads; an old file is migrated once, by either; a file neither could have written is refused in
// words and left untouched.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAppSettings } from '../../main/settings-files.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'mailbeacon-files-'));

describe('settings files shared by electron-store (app) and conf (CLI)', () => {
  it('what the app writes the CLI reads, and back', () => {
    const dir = fresh();
    const app = openAppSettings(dir);
    app.saveAccount({ url: 'imaps://ann@mail.example.com:993', intervalSeconds: 300, webmailUrl: 'https://mail.example.com/' });
    app.saveAppSettings({ ...app.appSettings(), language: 'zh-CN', quietHours: { start: '22:00', end: '07:00' } });
    app.trustFingerprint('mail.example.com:993', 'AA:BB');
    app.updateAccountState('imaps://ann@mail.example.com:993', { detection: { protocol: 'imap', uidValidity: '7', uidNext: 42, messages: 41 } });

    const cli = new ConfSettingsStore(dir);
    expect(cli.listAccounts()).toEqual(app.listAccounts());
    expect(cli.appSettings()).toMatchObject({ language: 'zh-CN', quietHours: { start: '22:00', end: '07:00' } });
    expect(cli.trustedFingerprint('mail.example.com:993')).toBe('AA:BB');
    expect(cli.accountState('imaps://ann@mail.example.com:993').detection).toMatchObject({ uidNext: 42 });

    cli.saveAccount({ url: 'pop3s://bob@mail.example.com:995' });
    cli.markDomainMigrated('old.example.com');
    const again = openAppSettings(dir);
    expect(again.listAccounts().map((account) => account.url)).toEqual(['imaps://ann@mail.example.com:993', 'pop3s://bob@mail.example.com:995']);
    expect(again.domainsMigrated()).toEqual(['old.example.com']);
    expect(again.directory).toBe(cli.directory);
  });

  it('an old file whose quiet hours start when they end is migrated once, by whichever opens it first', () => {
    for (const open of [(dir: string) => openAppSettings(dir), (dir: string) => new ConfSettingsStore(dir)]) {
      const dir = fresh();
      writeFileSync(join(dir, 'settings.json'), JSON.stringify({
        accounts: [{ url: 'imaps://ann@mail.example.com:993' }],
        app: { defaultIntervalMinutes: 10, quietHours: { start: '09:00', end: '09:00' }, startAtLogin: false, notifications: true, language: 'en' },
        trustedCertificates: {}, domainsMigrated: [],
      }));
      const store = open(dir);
      expect(store.appSettings().quietHours).toBeNull();
      expect(store.listAccounts()).toEqual([{ url: 'imaps://ann@mail.example.com:993' }]);
      // The other opener sees the migrated file and does not migrate it again.
      expect(new ConfSettingsStore(dir).appSettings()).toMatchObject({ quietHours: null, language: 'en' });
    }
  });

  it('a file neither could have written is refused in words and left as it was', () => {
    for (const open of [(dir: string) => openAppSettings(dir), (dir: string) => new ConfSettingsStore(dir)]) {
      const dir = fresh();
      const text = JSON.stringify({ accounts: [{ url: 'imaps://ann@mail.example.com:993' }], app: { defaultIntervalMinutes: 'often' } });
      writeFileSync(join(dir, 'settings.json'), text);
      expect(() => open(dir)).toThrow(/defaultIntervalMinutes/);
      expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe(text);
      // Not JSON at all (a half-written copy from elsewhere): refused, left as it was.
      writeFileSync(join(dir, 'settings.json'), '{"accounts":[{"url":"imaps://ann@mail.example.com:993"}');
      expect(() => open(dir)).toThrow();
      expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe('{"accounts":[{"url":"imaps://ann@mail.example.com:993"}');
    }
  });
});
