// The tray: an icon per state, the unread count (macOS: title next to the icon; Windows: overlay on
// the taskbar button while a window is open, and in the tooltip; Linux: tooltip and badge where the
// desktop supports it), a tooltip with every account, and the context menu.
import { Menu, Tray, app, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TFunction } from 'i18next';
import { join } from 'node:path';
import type { TraySummary } from '../src/app/tray-summary.js';
import type { TrayState } from '../src/login-control/login-control.js';

export interface TrayActions {
  checkNow(): void;
  /** Opens the window with the password question of this account. */
  enterPassword(url: string): void;
  pause(url?: string): void;
  resume(url?: string): void;
  open(): void;
  quit(): void;
}

/** macOS wants monochrome "template" images it can tint; Windows a .ico; Linux a plain PNG. */
export function trayIconFile(state: TrayState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `tray-${state}Template.png`;
  if (platform === 'win32') return `tray-${state}.ico`;
  return `tray-${state}.png`;
}

/** Windows' taskbar overlay for an unread count (1–9, then "9+"), or null for none. */
export function overlayIconFile(unread: number): string | null {
  if (unread <= 0) return null;
  return unread > 9 ? 'overlay-9plus.png' : `overlay-${unread}.png`;
}

export function nextCheckText(nextCheckAt: number | null, now: number, t: TFunction): string {
  if (nextCheckAt === null) return t('accounts.notScheduled');
  const seconds = Math.max(0, Math.round((nextCheckAt - now) / 1000));
  return seconds < 120 ? t('accounts.inSeconds', { count: seconds }) : t('accounts.inMinutes', { count: Math.round(seconds / 60) });
}

export function trayTooltip(summary: TraySummary, now: number, t: TFunction): string {
  const lines = [summary.unread > 0 ? `${t('app.title')} — ${t('tray.unread', { count: summary.unread })}` : t('app.title')];
  for (const account of summary.accounts) {
    lines.push(t('tray.tooltipLine', { user: account.user, state: t(`state.${account.state}`), next: nextCheckText(account.nextCheckAt, now, t) }));
  }
  return lines.join('\n');
}

export function trayMenuTemplate(summary: TraySummary, actions: TrayActions, t: TFunction): MenuItemConstructorOptions[] {
  const allPaused = summary.accounts.length > 0 && summary.accounts.every((account) => account.state === 'paused');
  const perAccount: MenuItemConstructorOptions[] = summary.accounts.map((account) => account.state === 'paused'
    ? { label: t('tray.resumeOne', { user: account.user }), click: () => actions.resume(account.url) }
    : { label: t('tray.pauseOne', { user: account.user }), click: () => actions.pause(account.url) });
  // A question put away with "Not now" always has its way back here.
  const passwords: MenuItemConstructorOptions[] = summary.accounts.filter((account) => account.state === 'needs-password')
    .map((account) => ({
      label: t(account.auth === 'oauth2' ? 'tray.signInAgain' : 'tray.enterPassword', { user: account.user }), click: () => actions.enterPassword(account.url),
    }));
  return [
    ...passwords,
    ...(passwords.length > 0 ? [{ type: 'separator' as const }] : []),
    { label: t('tray.checkNow'), click: () => actions.checkNow(), enabled: summary.accounts.length > 0 && !allPaused },
    allPaused ? { label: t('tray.resumeAll'), click: () => actions.resume() } : { label: t('tray.pauseAll'), click: () => actions.pause(), enabled: summary.accounts.length > 0 },
    ...(perAccount.length > 1 ? [{ type: 'separator' as const }, ...perAccount] : []),
    { type: 'separator' },
    { label: t('tray.open'), click: () => actions.open() },
    { label: t('tray.quit'), click: () => actions.quit() },
  ];
}

export class TrayController {
  private readonly tray: Tray;

  /** `showUnread`: where the shell shows the count besides the tray — on Windows, which has no badge
   * API, the taskbar button's overlay. */
  constructor(
    private readonly assetsDir: string, private readonly actions: TrayActions, private t: TFunction,
    private readonly showUnread?: (image: Electron.NativeImage | null, description: string) => void,
  ) {
    this.tray = new Tray(this.icon('ok'));
    this.tray.on('click', () => actions.open());
  }

  setTexts(t: TFunction): void { this.t = t; }

  update(summary: TraySummary, now: number): void {
    this.tray.setImage(this.icon(summary.state));
    this.tray.setToolTip(trayTooltip(summary, now, this.t));
    if (process.platform === 'darwin') this.tray.setTitle(summary.unread > 0 ? String(summary.unread) : '');
    app.setBadgeCount(summary.unread);
    if (this.showUnread) {
      const file = overlayIconFile(summary.unread);
      this.showUnread(file ? nativeImage.createFromPath(join(this.assetsDir, file)) : null, summary.unread > 0 ? this.t('tray.unread', { count: summary.unread }) : '');
    }
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(summary, this.actions, this.t)));
  }

  destroy(): void { this.tray.destroy(); }

  private icon(state: TrayState): Electron.NativeImage {
    return nativeImage.createFromPath(join(this.assetsDir, trayIconFile(state, process.platform)));
  }
}
