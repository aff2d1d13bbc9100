import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyXdgAutostart, autostartFile } from '../../main/xdg-autostart.js';

describe('start at login on Linux (XDG autostart)', () => {
  it('writes the .desktop entry when on and removes it when off', () => {
    const home = mkdtempSync(join(tmpdir(), 'mailbeacon-home-'));
    const file = autostartFile({}, home);
    expect(file).toBe(join(home, '.config', 'autostart', 'mailbeacon.desktop'));
    applyXdgAutostart(true, { env: {}, home, executable: '/opt/Mail Beacon/mailbeacon' });
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/opt/Mail Beacon/mailbeacon"');
    applyXdgAutostart(false, { env: {}, home, executable: '/opt/Mail Beacon/mailbeacon' });
    expect(existsSync(file)).toBe(false);
    applyXdgAutostart(false, { env: {}, home, executable: 'x' }); // already off: nothing to do
  });

  it('honours XDG_CONFIG_HOME and an AppImage\'s own path', () => {
    const config = mkdtempSync(join(tmpdir(), 'mailbeacon-xdg-'));
    applyXdgAutostart(true, { env: { XDG_CONFIG_HOME: config, APPIMAGE: '/home/u/Apps/Mailbeacon.AppImage' }, home: '/nonexistent', executable: '/tmp/.mount_x/mailbeacon' });
    expect(readFileSync(join(config, 'autostart', 'mailbeacon.desktop'), 'utf8')).toContain('Exec=/home/u/Apps/Mailbeacon.AppImage');
  });
});
