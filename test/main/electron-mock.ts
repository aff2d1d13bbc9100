// The one Electron stand-in for main/'s unit tests (registered for every test in test/main/setup.ts).
// It records what the shell asks of Electron; it is never used by the core, which cannot import
// electron at all.
import { EventEmitter } from 'node:events';

export const calls = {
  openExternal: [] as string[],
  badge: [] as number[],
  notifications: [] as FakeNotification[],
  windows: [] as FakeBrowserWindow[],
  trays: [] as FakeTray[],
  privilegedSchemes: [] as Array<{ scheme: string; privileges: Record<string, boolean> }>,
};

export function resetElectronMock(): void {
  calls.openExternal.length = 0;
  calls.badge.length = 0;
  calls.notifications.length = 0;
  calls.windows.length = 0;
  calls.trays.length = 0;
  calls.privilegedSchemes.length = 0;
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  sent: Array<{ channel: string; payload: unknown }> = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void { this.windowOpenHandler = handler; }
  send(channel: string, payload: unknown): void { this.sent.push({ channel, payload }); }
}

export class FakeBrowserWindow extends EventEmitter {
  static fromWebContents(contents: FakeWebContents): FakeBrowserWindow | null {
    return calls.windows.find((window) => window.webContents === contents) ?? null;
  }
  readonly webContents = new FakeWebContents();
  loadedUrl = '';
  destroyed = false;
  progress: number | undefined;
  constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
    super();
    calls.windows.push(this);
  }
  loadURL(url: string): Promise<void> { this.loadedUrl = url; return Promise.resolve(); }
  isDestroyed(): boolean { return this.destroyed; }
  isMinimized(): boolean { return false; }
  restore(): void {}
  show(): void {}
  focus(): void {}
  setProgressBar(progress: number): void { this.progress = progress; }
  overlay: { image: unknown; description: string } | undefined;
  setOverlayIcon(image: unknown, description: string): void { this.overlay = { image, description }; }
}

export class FakeTray extends EventEmitter {
  image: unknown;
  tooltip = '';
  title = '';
  menu: unknown;
  constructor(image: unknown) { super(); this.image = image; calls.trays.push(this); }
  setImage(image: unknown): void { this.image = image; }
  setToolTip(text: string): void { this.tooltip = text; }
  setTitle(text: string): void { this.title = text; }
  setContextMenu(menu: unknown): void { this.menu = menu; }
  destroy(): void {}
}

export class FakeNotification extends EventEmitter {
  static isSupported(): boolean { return true; }
  shown = false;
  constructor(readonly options: { title: string; body: string; actions?: Array<{ type: string; text?: string }> }) { super(); calls.notifications.push(this); }
  show(): void { this.shown = true; }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void { this.handlers.set(channel, handler); }
  on(): void {}
}

export const electronMock = {
  app: {
    setBadgeCount: (count: number) => { calls.badge.push(count); return true; },
    setLoginItemSettings: () => undefined,
    getLocale: () => 'en-US',
    getPath: () => '/tmp',
    getVersion: () => '0.1.0',
    isPackaged: false,
    on: () => undefined,
  },
  shell: { openExternal: async (url: string) => { calls.openExternal.push(url); } },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
  Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
  Tray: FakeTray,
  Notification: FakeNotification,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: new FakeIpcMain(),
  protocol: { registerSchemesAsPrivileged: (schemes: typeof calls.privilegedSchemes) => { calls.privilegedSchemes.push(...schemes); } },
};
