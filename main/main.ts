// The Electron shell's composition root: wires the core (src/) to the tray, notifications, the
// window, IPC, power and network events. No business logic lives here.
// First: V8 settings that must precede every other module (see v8-tuning.ts).
import { networkFromEnvironment } from '../src/app/network-from-environment.js';
import './v8-tuning.js';
import { app, dialog, ipcMain, net, powerMonitor, session } from 'electron';
import type { TFunction } from 'i18next';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppCore } from '../src/app/app-core.js';
import { createIpcHandlers } from '../src/app/ipc-handlers.js';
import type { TraySummary } from '../src/app/tray-summary.js';
import { parseAccountUrl } from '../src/account/account-url.js';
import { RecentLog, recentLogPath } from '../src/log/recent-log.js';
import { createLogger, SecretRegistry } from '../src/log/redacting-logger.js';
import { KeytarSecretStore } from '../src/secrets/keytar-secret-store.js';
import { defaultDataDir } from '../src/settings/data-dir.js';
import { APP_ORIGIN, registerAppScheme, serveApp } from './app-protocol.js';
import { openExternalSafely } from './external-link.js';
import { registerIpc, trustedSender } from './ipc.js';
import { showNotification } from './notifications.js';
import { openAppSettings } from './settings-files.js';
import { hardenSession } from './security.js';
import { applyXdgAutostart } from './xdg-autostart.js';
import { createTexts } from './texts.js';
import { TrayController } from './tray.js';
import { MainWindow } from './window.js';

const here = dirname(fileURLToPath(import.meta.url));
const ONLINE_POLL_MS = 15_000;

// The page's own scheme must be known before the app is ready.
registerAppScheme();
// One data folder for the app and the CLI (src/settings/data-dir.ts), Chromium's own files included.
app.setPath('userData', defaultDataDir());

async function run(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  hardenSession(session.defaultSession);
  serveApp(session.defaultSession, join(here, '..', 'renderer'));

  const secrets = new SecretRegistry();
  // Log lines (redacted by the logger) go to stderr and to the data dir's recent log, whose tail
  // the diagnostics export carries.
  const recentLog = new RecentLog(recentLogPath(app.getPath('userData')));
  const logger = createLogger({
    secrets, minLevel: app.isPackaged ? 'warn' : 'info',
    write: (line) => { process.stderr.write(`${line}\n`); recentLog.append(line); },
  });
  // Settings live in the shared data dir through the core's settings port, opened with electron-store.
  let store: ReturnType<typeof openAppSettings>;
  try {
    store = openAppSettings();
  } catch (error) {
    // A settings file neither build could have written (edited by hand, from a newer version): said,
    // and left as it is — it holds the user's accounts.
    dialog.showErrorBox('Mailbeacon', `The settings in ${defaultDataDir()} cannot be read, so Mailbeacon stops without changing them.\n\n${(error as Error).message.split('\n')[0]}\n\nMove or fix settings.json there and start Mailbeacon again.`);
    app.quit();
    return;
  }
  const window = new MainWindow(join(here, 'preload.cjs'));
  let t: TFunction = await createTexts(store.appSettings().language, app.getLocale());
  // Made after the core (it needs the core's actions); the core's first tray update may come sooner.
  const shell: { tray?: TrayController } = {};
  let lastSummary: TraySummary | undefined;
  const userOf = (url: string): string => parseAccountUrl(url).user;

  const core: AppCore = new AppCore({
    store,
    secrets: new KeytarSecretStore(),
    logger,
    registerSecret: (secret) => secrets.add(secret),
    redact: (text) => secrets.redact(text),
    now: Date.now,
    random: Math.random,
    timers: { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
    network: networkFromEnvironment(process.env, (entry) => logger.error(entry)),
    // RFC 8252: the sign-in happens in the user's own browser, never in a window of ours.
    openSignInPage: (url) => openExternalSafely(url),
    env: process.env,
    versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
    push: (channel, payload) => {
      window.send(channel, payload);
      // The taskbar/dock shows a running migration's progress too.
      if (channel === 'migration-progress') {
        const { done, total } = payload as { done: number; total: number };
        window.setProgress(total > 0 ? done / total : 0);
      } else if (channel === 'migration-changed' && !(payload as { active: boolean }).active) {
        window.setProgress(-1);
      }
    },
    onSettingsChanged: () => { void applySettings(); },
    onTray: (summary) => { lastSummary = summary; shell.tray?.update(summary, Date.now()); },
    notify: (notification) => {
      if (notification.kind === 'credentials-needed') window.show();
      showNotification(notification, {
        t, userOf, linkOf: (url) => core.webmailUrl(url), openLink: openExternalSafely, openWindow: () => window.show(),
        canMarkRead: (url) => core.canMarkAsRead(url),
        markRead: (planned) => core.markAsRead(planned),
        onMarkFailed: (error) => logger.warn({ msg: 'mark as read failed', reason: error instanceof Error ? error.message : String(error) }),
      });
    },
  });

  registerIpc(ipcMain, createIpcHandlers(core, {
    openLink: openExternalSafely,
    // Main asks the user where the diagnostics go; the page never names a path.
    chooseSavePath: async (suggestedName) => {
      const options = { defaultPath: join(app.getPath('documents'), suggestedName), filters: [{ name: 'JSON', extensions: ['json'] }] };
      const parent = window.current;
      const answer = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return answer.canceled ? undefined : answer.filePath;
    },
  }),
    trustedSender((contents) => window.isOurs(contents), `${APP_ORIGIN}/`), (message) => logger.warn(message));

  shell.tray = new TrayController(join(here, '..', '..', 'assets'), {
    checkNow: () => { core.checkNow(); },
    enterPassword: (url) => { window.show(); core.askForCredentials(url); },
    pause: (url) => core.pause(url),
    resume: (url) => core.resume(url),
    open: () => window.show(),
    quit: () => app.quit(),
  }, t, process.platform === 'win32' ? (image, description) => window.setOverlay(image, description) : undefined);

  async function applySettings(): Promise<void> {
    const settings = store.appSettings();
    if (process.platform === 'linux') applyXdgAutostart(settings.startAtLogin, { env: process.env, home: app.getPath('home'), executable: process.execPath });
    else app.setLoginItemSettings({ openAtLogin: settings.startAtLogin });
    t = await createTexts(settings.language, app.getLocale());
    shell.tray?.setTexts(t);
    if (lastSummary) shell.tray?.update(lastSummary, Date.now());
  }
  await applySettings();

  powerMonitor.on('resume', () => core.networkRestored());
  powerMonitor.on('unlock-screen', () => core.networkRestored());
  let online = net.isOnline();
  setInterval(() => {
    const now = net.isOnline();
    if (now && !online) core.networkRestored();
    online = now;
  }, ONLINE_POLL_MS).unref();

  app.on('second-instance', () => window.show());
  // A tray app stays running with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => { void core.stop(); shell.tray?.destroy(); });

  core.start();
  if (store.listAccounts().length === 0) window.show();
}

void run();
