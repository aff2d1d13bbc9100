import { beforeEach, describe, expect, it } from 'vitest';
import type { IpcHandlers } from '../../src/app/ipc-handlers.js';
import { invokeContract } from '../../src/ipc/contract.js';
import { isSafeExternalLink, openExternalSafely } from '../../main/external-link.js';
import { registerIpc, trustedSender } from '../../main/ipc.js';
import { CONTENT_SECURITY_POLICY, hardenSession, hardenWebContents } from '../../main/security.js';
import { MainWindow, SECURE_WEB_PREFERENCES } from '../../main/window.js';
import { registerAppScheme, resolveAppFile } from '../../main/app-protocol.js';
import { calls, FakeIpcMain, FakeWebContents, resetElectronMock } from './electron-mock.js';

const APP_URL = 'file:///opt/mailbeacon/dist/renderer/index.html';

function handlersRecording(log: Array<[string, unknown]>): IpcHandlers {
  return Object.fromEntries(Object.keys(invokeContract).map((channel) => [channel, (request: unknown) => { log.push([channel, request]); return []; }])) as unknown as IpcHandlers;
}

describe('IPC', () => {
  const ours = new FakeWebContents();
  const frame = (overrides: Record<string, unknown> = {}) => ({ url: APP_URL, parent: null, ...overrides });
  const isTrusted = trustedSender((contents) => contents === (ours as never), 'file:///opt/mailbeacon/dist/renderer/');

  it('registers every channel of the contract, and only those', () => {
    const ipcMain = new FakeIpcMain();
    registerIpc(ipcMain as never, handlersRecording([]), isTrusted, () => undefined);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(invokeContract).sort());
  });

  it('drops messages from other windows, sub-frames and other pages before any handler runs', async () => {
    const ipcMain = new FakeIpcMain();
    const log: Array<[string, unknown]> = [];
    const reports: string[] = [];
    registerIpc(ipcMain as never, handlersRecording(log), isTrusted, (message) => reports.push(message));
    const handler = ipcMain.handlers.get('accounts:remove')!;
    for (const event of [
      { sender: new FakeWebContents(), senderFrame: frame() },
      { sender: ours, senderFrame: frame({ parent: {} }) },
      { sender: ours, senderFrame: frame({ url: 'https://evil.example/' }) },
      { sender: ours, senderFrame: null },
    ]) {
      await expect(Promise.resolve().then(() => handler(event, { url: 'imaps://a@h:993' }))).rejects.toThrow('not allowed');
    }
    expect(log).toEqual([]);
    expect(reports).toHaveLength(4);
  });

  it('validates arguments against the contract (they arrive as unknown)', async () => {
    const ipcMain = new FakeIpcMain();
    const log: Array<[string, unknown]> = [];
    registerIpc(ipcMain as never, handlersRecording(log), isTrusted, () => undefined);
    const event = { sender: ours, senderFrame: frame() };
    const add = ipcMain.handlers.get('accounts:add')!;
    await expect(Promise.resolve().then(() => add(event, { user: 'a', protocol: 'imap', host: 'h', port: 99999 }))).rejects.toThrow(/invalid request for accounts:add: port/);
    await expect(Promise.resolve().then(() => add(event, {
      user: 'a', protocol: 'imap', host: 'h', port: 143, security: 'plaintext', plaintextRiskAccepted: false, intervalMinutes: 10, webmailUrl: '', password: 'pw',
    }))).rejects.toThrow(/plaintextRiskAccepted/);
    await expect(Promise.resolve().then(() => ipcMain.handlers.get('app:open-link')!(event, { link: 'file:///etc/passwd' }))).rejects.toThrow(/link/);
    await ipcMain.handlers.get('accounts:check-now')!(event, { url: 'imaps://a@h:993' });
    expect(log).toEqual([['accounts:check-now', { url: 'imaps://a@h:993' }]]);
  });
});

describe('window and session hardening', () => {
  beforeEach(resetElectronMock);

  it('windows are sandboxed, isolated, without Node, and made on demand', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    const window = new MainWindow('/opt/mailbeacon/dist/app/preload.cjs');
    expect(window.pageUrl).toBe('app://mailbeacon/index.html');
    expect(calls.windows).toHaveLength(0);
    const created = window.show();
    window.show();
    expect(calls.windows).toHaveLength(1);
    expect((created as unknown as { options: { webPreferences: unknown } }).options.webPreferences)
      .toMatchObject({ ...SECURE_WEB_PREFERENCES, preload: '/opt/mailbeacon/dist/app/preload.cjs' });
    expect(window.isOurs(created.webContents)).toBe(true);
    created.emit('closed');
    expect(window.current).toBeUndefined();
  });

  it('the page comes from app://mailbeacon/, a standard secure scheme registered before ready', () => {
    registerAppScheme();
    expect(calls.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
  });

  it.each([
    ['app://mailbeacon/', '/opt/r/index.html'],
    ['app://mailbeacon/index.html', '/opt/r/index.html'],
    ['app://mailbeacon/assets/index-abc.js', '/opt/r/assets/index-abc.js'],
    ['app://mailbeacon/assets/a%20b.css', '/opt/r/assets/a b.css'],
    // The URL parser clamps dot segments at the root: they cannot climb out.
    ['app://mailbeacon/../secrets.html', '/opt/r/secrets.html'],
    ['app://mailbeacon/%2e%2e/%2e%2e/etc/passwd.html', '/opt/r/etc/passwd.html'],
    ['app://mailbeacon/assets/..%2f..%2fx.js', undefined],
    ['app://mailbeacon/a%5c..%5cx.js', undefined],
    ['app://mailbeacon/x%00.html', undefined],
    ['app://mailbeacon/%E0%A4%A.js', undefined],
    ['app://other/index.html', undefined],
    ['file:///opt/r/index.html', undefined],
    ['app://mailbeacon/preload.cjs', undefined],
  ])('serves %s as %s and nothing outside the renderer', (url, expected) => {
    expect(resolveAppFile('/opt/r/', url)).toBe(expected);
  });

  it('navigation and new windows are denied; links go out only as http(s)/mailto', async () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    let prevented = 0;
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) contents.emit(name, { preventDefault: () => { prevented += 1; } });
    expect(prevented).toBe(3);
    expect(contents.windowOpenHandler!({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.openExternal).toEqual(['https://example.com/help']);
    expect(['https://a', 'http://a', 'mailto:a@b'].every(isSafeExternalLink)).toBe(true);
    expect(['file:///x', 'javascript:alert(1)', 'smb://host/share', 'not a url'].some(isSafeExternalLink)).toBe(false);
    await expect(openExternalSafely('javascript:alert(1)')).rejects.toThrow();
  });

  it('permission requests and checks are refused; the CSP header is set', () => {
    const recorded: Record<string, unknown> = {};
    const session = {
      setPermissionRequestHandler: (handler: unknown) => { recorded.request = handler; },
      setPermissionCheckHandler: (handler: unknown) => { recorded.check = handler; },
      webRequest: { onHeadersReceived: (handler: unknown) => { recorded.headers = handler; } },
    };
    hardenSession(session as never);
    let granted: boolean | undefined;
    (recorded.request as (c: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'notifications', (ok) => { granted = ok; });
    expect(granted).toBe(false);
    expect((recorded.check as () => boolean)()).toBe(false);
    let headers: Record<string, string[]> = {};
    (recorded.headers as (d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)(
      { responseHeaders: { 'x-a': ['1'] } }, (response) => { headers = response.responseHeaders; });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });
});
