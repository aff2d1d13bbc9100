// The window is made when asked for and destroyed when closed: a tray app keeps no renderer alive.
import { BrowserWindow } from 'electron';
import { APP_PAGE_URL } from './app-protocol.js';
import { hardenWebContents } from './security.js';

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;

export class MainWindow {
  private window: BrowserWindow | undefined;
  /** Windows' taskbar overlay (the unread count), kept for a window made later. */
  private overlay: { image: Electron.NativeImage | null; description: string } = { image: null, description: '' };

  constructor(private readonly preloadFile: string) {}

  /** The page's URL (served by app-protocol.ts): IPC from anything else is dropped. */
  get pageUrl(): string { return APP_PAGE_URL; }

  get current(): BrowserWindow | undefined { return this.window; }

  isOurs(contents: Electron.WebContents): boolean {
    return this.window !== undefined && !this.window.isDestroyed() && this.window.webContents === contents;
  }

  show(): BrowserWindow {
    if (this.window && !this.window.isDestroyed()) {
      if (this.window.isMinimized()) this.window.restore();
      this.window.show();
      this.window.focus();
      return this.window;
    }
    const window = new BrowserWindow({
      width: 960, height: 700, minWidth: 640, minHeight: 480, show: false, title: 'Mailbeacon',
      webPreferences: { ...SECURE_WEB_PREFERENCES, preload: this.preloadFile },
    });
    hardenWebContents(window.webContents);
    if (this.overlay.image) window.setOverlayIcon(this.overlay.image, this.overlay.description);
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => { this.window = undefined; });
    void window.loadURL(this.pageUrl);
    this.window = window;
    return window;
  }

  send(channel: string, payload: unknown): void {
    if (this.window && !this.window.isDestroyed()) this.window.webContents.send(channel, payload);
  }

  /** The taskbar button's overlay (Windows): shown now if the window is open, else when it opens;
   * `null` removes it. */
  setOverlay(image: Electron.NativeImage | null, description: string): void {
    this.overlay = { image, description };
    if (this.window && !this.window.isDestroyed()) this.window.setOverlayIcon(image, description);
  }

  setProgress(fraction: number): void {
    this.window?.setProgressBar(fraction);
  }
}
