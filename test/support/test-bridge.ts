// The app minus Electron, for browser tests: the real AppCore and the real IPC handlers (the ones
// main/ registers), the real contract validation, a real keychain and settings store, served over
// HTTP to the built renderer in Chromium. Notifications are recorded instead of shown.
import { build } from 'esbuild';
import { createReadStream, existsSync, mkdtempSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppCore, type AppCoreDeps, type AppNotification } from '../../src/app/app-core.js';
import { createIpcHandlers } from '../../src/app/ipc-handlers.js';
import { isInvokeChannel, parseRequest } from '../../src/ipc/contract.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { RecentLog, recentLogPath } from '../../src/log/recent-log.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';

const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.png': 'image/png' };

export async function bridgeClientScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./bridge-client.ts', import.meta.url))],
    bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120',
  });
  return result.outputFiles[0]!.text;
}

export class TestBridge {
  readonly stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-bridge-'));
  readonly notifications: AppNotification[] = [];
  readonly opened: string[] = [];
  /** What the save dialog answers (undefined: the user cancelled) and the names it was offered. */
  savePath: string | undefined = join(this.stateDir, 'saved-diagnostics.json');
  readonly suggestedNames: string[] = [];
  readonly core: AppCore;
  private readonly streams = new Set<ServerResponse>();
  private server: Server | undefined;
  port = 0;

  constructor(options: { network?: AppCoreDeps['network']; openSignInPage?: AppCoreDeps['openSignInPage']; env?: NodeJS.ProcessEnv } = {}) {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('build the renderer first: npm run build:renderer');
    const secrets = new SecretRegistry();
    const store = new ConfSettingsStore(this.stateDir);
    const recentLog = new RecentLog(recentLogPath(this.stateDir));
    this.core = new AppCore({
      store,
      // A service name of its own, so browser tests never touch a developer's real entries.
      secrets: new KeytarSecretStore('Mailbeacon-e2e'),
      // As main does: stderr and the state dir's recent log (the diagnostics carry its tail).
      logger: createLogger({ secrets, minLevel: 'error', write: (line) => { process.stderr.write(`${line}\n`); recentLog.append(line); } }),
      registerSecret: (secret) => secrets.add(secret),
      notify: (notification) => { this.notifications.push(notification); },
      push: (channel, payload) => {
        const data = `data: ${JSON.stringify({ channel, payload })}\n\n`;
        for (const stream of this.streams) stream.write(data);
      },
      onTray: () => undefined,
      now: Date.now,
      random: Math.random,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      ...(options.network ? { network: options.network } : {}),
      ...(options.openSignInPage ? { openSignInPage: options.openSignInPage } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  }

  async start(): Promise<this> {
    const handlers = createIpcHandlers(this.core, {
      openLink: async (link) => { this.opened.push(link); },
      // The save dialog's answer: a file in the bridge's own dir, or a cancel when set to undefined.
      chooseSavePath: async (suggestedName) => { this.suggestedNames.push(suggestedName); return this.savePath; },
    });
    this.server = createServer((request, response) => {
      void this.route(request, response, handlers).catch((error: unknown) => {
        response.writeHead(500).end(String((error as Error).message));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.core.start();
    return this;
  }

  get url(): string { return `http://127.0.0.1:${this.port}/`; }

  async stop(): Promise<void> {
    await this.core.stop();
    for (const stream of this.streams) stream.end();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async route(request: IncomingMessage, response: ServerResponse, handlers: ReturnType<typeof createIpcHandlers>): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(': connected\n\n');
      this.streams.add(response);
      request.on('close', () => this.streams.delete(response));
      return;
    }
    if (path.startsWith('/ipc/') && request.method === 'POST') {
      const channel = decodeURIComponent(path.slice(5));
      const body = await new Promise<string>((resolve) => {
        let text = '';
        request.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        request.on('end', () => resolve(text));
      });
      try {
        if (!isInvokeChannel(channel)) throw new Error(`unknown channel ${channel}`);
        const parsed = parseRequest(channel, (JSON.parse(body) as { request?: unknown }).request);
        const value = await (handlers[channel] as (r: unknown) => unknown)(parsed);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, value: value ?? null }));
      } catch (error) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: (error as Error).message }));
      }
      return;
    }
    const file = normalize(join(RENDERER_DIR, path === '/' ? 'index.html' : path));
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  }
}
