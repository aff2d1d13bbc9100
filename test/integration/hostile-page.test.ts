// A compromised window drives the real IPC handlers (the ones main/ registers, with the contract's
// validation in front) and tries to make the app send a saved password to a server of its choosing,
// or open a link of its choosing. An attacker's listener records every byte it receives: the saved
// password must never be among them. The account itself is real (private Dovecot, real keychain).
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../src/app/app-core.js';
import { createIpcHandlers, type IpcHandlers } from '../../src/app/ipc-handlers.js';
import { parseRequest, type InvokeChannel, type MigrationPlanView } from '../../src/ipc/contract.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { eventually } from '../support/eventually.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

const SAVED_PASSWORD = 'victim-Saved-Pw-7731';

/** Answers like a willing POP3 or IMAP server and keeps every byte it was sent. */
async function attackerListener(protocol: 'pop3' | 'imap'): Promise<ScriptedServer & { received: () => string }> {
  const chunks: string[] = [];
  const record = (socket: Socket): void => { socket.on('data', (data: Buffer) => chunks.push(data.toString('latin1'))); };
  const server = await startScriptedServer(protocol === 'pop3' ? {
    onConnect: (socket) => { record(socket); socket.write('+OK attacker ready\r\n'); },
    onLine: (socket, line) => {
      if (line === 'CAPA') socket.write('+OK\r\nUSER\r\nUIDL\r\n.\r\n');
      else if (line === 'STAT') socket.write('+OK 0 0\r\n');
      else if (/^(UIDL|LIST)$/i.test(line)) socket.write('+OK\r\n.\r\n');
      else if (line === 'QUIT') socket.end('+OK bye\r\n');
      else socket.write('+OK\r\n');
    },
  } : {
    onConnect: (socket) => { record(socket); socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] attacker ready\r\n'); },
    onLine: (socket, line) => {
      const tag = line.split(' ')[0];
      if (/ CAPABILITY/i.test(line)) socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK\r\n`);
      else if (/ LOGOUT/i.test(line)) socket.end(`* BYE\r\n${tag} OK\r\n`);
      else if (/ LIST /i.test(line)) socket.write(`${tag} OK\r\n`);
      else if (tag) socket.write(`${tag} OK\r\n`);
    },
  });
  return Object.assign(server, { received: () => chunks.join('') });
}

describe('a hostile page cannot send a saved password elsewhere, nor open links', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-hostile-'));
  const secrets = new KeytarSecretStore('Mailbeacon-hostile-test');
  let core: AppCore;
  let handlers: IpcHandlers;
  const opened: string[] = [];
  const savedDiagnostics = join(stateDir, 'diagnostics-from-dialog.json');
  let accountUrl = '';

  /** As main/ does it: validate the untrusted request against the contract, then call the handler. */
  async function invoke(channel: InvokeChannel, raw: unknown): Promise<unknown> {
    const request = parseRequest(channel, raw);
    return (handlers[channel] as (request: unknown) => unknown)(request);
  }

  beforeAll(async () => {
    dovecot.setUser('victim@corp.example', SAVED_PASSWORD);
    await dovecot.start();
    const store = new ConfSettingsStore(stateDir);
    store.trustFingerprint(`127.0.0.1:${dovecot.ports.imaps}`, new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256);
    const registry = new SecretRegistry();
    core = new AppCore({
      store, secrets, logger: createLogger({ secrets: registry, minLevel: 'error', write: () => undefined }),
      registerSecret: (secret) => registry.add(secret), notify: () => undefined, push: () => undefined, onTray: () => undefined,
      now: Date.now, random: Math.random,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    });
    core.start();
    handlers = createIpcHandlers(core, { openLink: async (link) => { opened.push(link); }, chooseSavePath: async () => savedDiagnostics });
    const view = await invoke('accounts:add', {
      user: 'victim@corp.example', password: SAVED_PASSWORD, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps,
      security: 'tls', plaintextRiskAccepted: false, intervalMinutes: 10, webmailUrl: 'https://mail.corp.example/',
    }) as { url: string };
    accountUrl = view.url;
  });

  afterAll(async () => {
    await core.stop();
    await secrets.deletePassword(accountUrl).catch(() => undefined);
    await dovecot.dispose();
  });

  it.each(['pop3', 'imap'] as const)('migration:plan to the attacker\'s %s server with no password typed sends nothing secret', async (protocol) => {
    const attacker = await attackerListener(protocol);
    try {
      for (const user of ['', 'victim@corp.example', 'someone-else']) {
        const plan = await invoke('migration:plan', {
          url: accountUrl,
          source: { protocol, host: '127.0.0.1', port: attacker.port, security: 'plaintext', plaintextRiskAccepted: true, user, password: '' },
        }) as MigrationPlanView;
        expect(plan.ok).toBe(false);
        if (!plan.ok) expect(plan.reason).toBe('credentials-missing');
      }
      expect(attacker.received()).not.toContain(SAVED_PASSWORD);
      // It was never even asked to log in: no connection reached the listener.
      expect(attacker.connections).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  it('migration:start and resume towards the attacker fail as credentials-missing and send nothing secret', async () => {
    const attacker = await attackerListener('pop3');
    try {
      await invoke('migration:start', {
        url: accountUrl,
        source: { protocol: 'pop3', host: '127.0.0.1', port: attacker.port, security: 'plaintext', plaintextRiskAccepted: true, user: '', password: '' },
      });
      await core.migrations.settle();
      await invoke('migration:resume', { url: accountUrl });
      await core.migrations.settle();
      const view = await invoke('migration:get', { url: accountUrl }) as { status: string; reason: string | null };
      expect(view.status).toBe('failing');
      expect(view.reason).toMatch(/saved password only/);
      expect(attacker.received()).not.toContain(SAVED_PASSWORD);
      expect(attacker.connections).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  it('a password typed now may go where the user names (that is the user\'s choice), and only that one', async () => {
    const attacker = await attackerListener('pop3');
    try {
      await invoke('migration:plan', {
        url: accountUrl,
        source: { protocol: 'pop3', host: '127.0.0.1', port: attacker.port, security: 'plaintext', plaintextRiskAccepted: true, user: 'x', password: 'typed-now' },
      });
      expect(attacker.received()).toContain('PASS typed-now');
      expect(attacker.received()).not.toContain(SAVED_PASSWORD);
    } finally {
      await attacker.close();
    }
  });

  it('the account\'s own server still gets the saved password (a same-server migration plan logs in)', async () => {
    const plan = await invoke('migration:plan', {
      url: accountUrl,
      source: { protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', plaintextRiskAccepted: false, user: '', password: '' },
    }) as MigrationPlanView;
    expect(plan).toMatchObject({ ok: true });
  });

  it('the same host on a plaintext port does not get the saved password either', async () => {
    const plan = await invoke('migration:plan', {
      url: accountUrl,
      source: { protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imap, security: 'plaintext', plaintextRiskAccepted: true, user: '', password: '' },
    }) as MigrationPlanView;
    expect(plan).toMatchObject({ ok: false, reason: 'credentials-missing' });
  });

  it('app:open-link opens only the account\'s webmail link and mailto:, nothing the page names', async () => {
    for (const link of ['https://attacker.example/phish', 'http://127.0.0.1:1/', 'https://mail.corp.example/../evil', 'file:///etc/passwd', 'javascript:alert(1)']) {
      await expect(invoke('app:open-link', { link })).rejects.toThrow();
    }
    await invoke('app:open-link', { link: 'https://mail.corp.example/' });
    await invoke('app:open-link', { link: 'mailto:help@corp.example' });
    expect(opened).toEqual(['https://mail.corp.example/', 'mailto:help@corp.example']);
  });

  it('the page cannot move where discovery, policies or OAuth2 sign-ins go, nor read them', async () => {
    const store = new ConfSettingsStore(stateDir);
    store.saveAppSettings({ ...store.appSettings(), ispdbUrl: 'https://ispdb.corp.example/v1.1/', policyUrl: 'https://corp.example/policy.json' });
    const current = await invoke('settings:get', undefined) as Record<string, unknown>;
    expect(current).not.toHaveProperty('ispdbUrl');
    expect(current).not.toHaveProperty('policyUrl');
    await invoke('settings:set', {
      ...current, ispdbUrl: 'https://attacker.example/', policyUrl: 'https://attacker.example/policy.json', oauthClientIds: { 'https://attacker.example': 'x' },
    });
    expect(new ConfSettingsStore(stateDir).appSettings()).toMatchObject({ ispdbUrl: 'https://ispdb.corp.example/v1.1/', policyUrl: 'https://corp.example/policy.json' });
    expect(new ConfSettingsStore(stateDir).appSettings().oauthClientIds).toBeUndefined();
    // A sign-in can only go where main's own discovery says: the page names an address, nothing else.
    await expect(invoke('accounts:sign-in', { address: 'victim@corp.example', issuer: 'https://attacker.example' })).rejects.toThrow();
  });

  it('the page cannot read a saved password back through any channel', async () => {
    await eventually(() => core.listAccounts()[0]?.state === 'ok');
    for (const channel of ['accounts:list', 'pending:get', 'settings:get'] as const) {
      expect(JSON.stringify(await invoke(channel, undefined))).not.toContain(SAVED_PASSWORD);
    }
    expect(JSON.stringify(await invoke('migration:get', { url: accountUrl }))).not.toContain(SAVED_PASSWORD);
  });

  it('app:save-diagnostics writes only where the save dialog answered; the page names no path, and no secret is in it', async () => {
    for (const named of [{ path: '/tmp/mailbeacon-page-chose.json' }, '/tmp/mailbeacon-page-chose.json', { path: null }]) {
      await expect(invoke('app:save-diagnostics', named)).rejects.toThrow(/invalid request/);
    }
    expect(existsSync('/tmp/mailbeacon-page-chose.json')).toBe(false);
    expect(await invoke('app:save-diagnostics', undefined)).toEqual({ path: savedDiagnostics });
    const text = readFileSync(savedDiagnostics, 'utf8');
    expect(text).toContain(accountUrl);
    expect(text).not.toContain(SAVED_PASSWORD);
    expect(statSync(savedDiagnostics).mode & 0o777).toBe(0o600);
  });
});
