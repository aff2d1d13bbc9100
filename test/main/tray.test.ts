import { existsSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { MainWindow } from '../../main/window.js';
import { summariseTray } from '../../src/app/tray-summary.js';
import { overlayIconFile, TrayController, trayIconFile, trayMenuTemplate, trayTooltip } from '../../main/tray.js';
import { createTexts } from '../../main/texts.js';
import { calls, resetElectronMock } from './electron-mock.js';

const accounts = [
  { url: 'imaps://a@h:993', user: 'a', state: 'ok' as const, unread: 3, nextCheckAt: 600_000 },
  { url: 'pop3s://b@h:995', user: 'b', state: 'needs-password' as const, unread: null, nextCheckAt: 1_200_000 },
];

describe('tray', () => {
  beforeEach(resetElectronMock);

  it('maps every state to a platform icon', () => {
    expect(trayIconFile('needs-password', 'darwin')).toBe('tray-needs-passwordTemplate.png');
    expect(trayIconFile('error', 'win32')).toBe('tray-error.ico');
    expect(trayIconFile('paused', 'linux')).toBe('tray-paused.png');
  });

  it('shows the most urgent state, the unread total and every account in the tooltip', async () => {
    const t = await createTexts('en', 'en-US');
    const summary = summariseTray(accounts);
    expect(summary).toMatchObject({ state: 'needs-password', unread: 3 });
    expect(trayTooltip(summary, 0, t)).toBe('Mailbeacon — 3 unread\na: OK, in 10 min\nb: Needs password, in 20 min');
    expect(summariseTray(accounts.map((a) => ({ ...a, state: 'paused' as const }))).state).toBe('paused');
    expect(summariseTray([{ ...accounts[0]!, state: 'error' }, { ...accounts[0]!, state: 'paused' }]).state).toBe('error');
  });

  it('offers the way back to a password question, check now, pause/resume all and per account, open and quit', async () => {
    const t = await createTexts('zh-CN', 'en-US');
    const done: string[] = [];
    const actions = {
      checkNow: () => done.push('check'), enterPassword: (url: string) => done.push(`password ${url}`), pause: (url?: string) => done.push(`pause ${url ?? 'all'}`),
      resume: (url?: string) => done.push(`resume ${url ?? 'all'}`), open: () => done.push('open'), quit: () => done.push('quit'),
    };
    const menu = trayMenuTemplate(summariseTray(accounts), actions, t);
    expect(menu.filter((item) => item.label).map((item) => item.label)).toEqual(['输入 b 的密码…', '立即检查', '全部暂停', '暂停 a', '暂停 b', '打开 Mailbeacon', '退出']);
    for (const item of menu) (item.click as (() => void) | undefined)?.();
    expect(done).toEqual(['password pop3s://b@h:995', 'check', 'pause all', 'pause imaps://a@h:993', 'pause pop3s://b@h:995', 'open', 'quit']);
    const paused = trayMenuTemplate(summariseTray(accounts.map((a) => ({ ...a, state: 'paused' as const }))), actions, t);
    expect(paused[0]).toMatchObject({ enabled: false });
    expect(paused[1]!.label).toBe('全部恢复');
  });

  it('an OAuth2 account waiting for its user is offered "Sign in again", in both languages', async () => {
    const actions = { checkNow() {}, enterPassword() {}, pause() {}, resume() {}, open() {}, quit() {} };
    const oauth = [{ ...accounts[1]!, auth: 'oauth2' as const }];
    expect(trayMenuTemplate(summariseTray(oauth), actions, await createTexts('en', 'en-US'))[0]!.label).toBe('Sign in again for b…');
    expect(trayMenuTemplate(summariseTray(oauth), actions, await createTexts('zh-CN', 'en-US'))[0]!.label).toBe('为 b 重新登录…');
  });

  it('Windows: the unread count on the taskbar button as an overlay (1–9, then 9+), kept for a window opened later', async () => {
    expect([0, 1, 9, 10, 250].map(overlayIconFile)).toEqual([null, 'overlay-1.png', 'overlay-9.png', 'overlay-9plus.png', 'overlay-9plus.png']);
    for (const file of ['overlay-1.png', 'overlay-5.png', 'overlay-9plus.png', 'overlay-9plus@2x.png']) {
      expect(existsSync(new URL(`../../assets/${file}`, import.meta.url)), file).toBe(true);
    }
    const t = await createTexts('zh-CN', 'en-US');
    const window = new MainWindow('/preload.cjs');
    const controller = new TrayController('/assets', { checkNow() {}, enterPassword() {}, pause() {}, resume() {}, open() {}, quit() {} }, t,
      (image, description) => window.setOverlay(image, description));
    controller.update(summariseTray(accounts), 0);
    const opened = calls.windows[0] ?? (window.show(), calls.windows[0]!);
    expect(opened.overlay).toEqual({ image: { path: '/assets/overlay-3.png' }, description: '3 封未读' });
    controller.update(summariseTray(accounts.map((a) => ({ ...a, unread: 0 }))), 0);
    expect(opened.overlay).toEqual({ image: null, description: '' });
  });

  it('TrayController puts the state icon, tooltip, badge and menu on the real tray', async () => {
    const t = await createTexts('en', 'en-US');
    const controller = new TrayController('/assets', { checkNow() {}, enterPassword() {}, pause() {}, resume() {}, open() {}, quit() {} }, t);
    controller.update(summariseTray(accounts), 0);
    const tray = calls.trays[0]!;
    expect(tray.image).toEqual({ path: `/assets/${trayIconFile('needs-password', process.platform)}` });
    expect(tray.tooltip).toContain('b: Needs password');
    expect(calls.badge).toEqual([3]);
    expect(tray.menu).toBeDefined();
  });
});
