// The app's account whose keychain entry is gone, or whose keychain is locked: not "No network",
// but a request for the password, with no login spent (the server sees no connection).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../src/app/app-core.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { KeychainUnavailableError, type SecretStore } from '../../src/secrets/secret-store.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { eventually } from '../support/eventually.js';
import { startHostilePop3 } from '../support/hostile-servers.js';
import type { ScriptedServer } from '../support/scripted-server.js';

/** The keychain port's behaviours the OS keychains have: an entry removed behind our back, a locked keychain. */
class ChangingKeychain implements SecretStore {
  readonly entries = new Map<string, string>();
  locked = false;
  async getPassword(url: string): Promise<string | undefined> {
    if (this.locked) throw new KeychainUnavailableError('the keychain is locked');
    return this.entries.get(url);
  }
  async setPassword(url: string, password: string): Promise<void> { this.entries.set(url, password); }
  async deletePassword(url: string): Promise<boolean> { return this.entries.delete(url); }
}

describe('the app with a keychain that has no password for an account', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startHostilePop3({ messages: [{ bytes: Buffer.from('Subject: one\r\n\r\nbody\r\n') }] });
  });
  afterAll(() => server.close());

  it.each(['entry removed', 'keychain locked'] as const)('%s: asks for the password, spends no login, says so in its own words', async (how) => {
    const keychain = new ChangingKeychain();
    const pushed: Array<{ channel: string; payload: unknown }> = [];
    const registry = new SecretRegistry();
    const core = new AppCore({
      store: new ConfSettingsStore(mkdtempSync(join(tmpdir(), 'mailbeacon-keychain-'))), secrets: keychain,
      logger: createLogger({ secrets: registry, minLevel: 'error', write: () => undefined }), registerSecret: (s) => registry.add(s),
      notify: () => undefined, push: (channel, payload) => { pushed.push({ channel, payload }); }, onTray: () => undefined,
      now: Date.now, random: Math.random,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    });
    core.start();
    try {
      const view = await core.addAccount({
        user: 'kim', password: 'pw', protocol: 'pop3', host: '127.0.0.1', port: server.port, security: 'plaintext',
        plaintextRiskAccepted: true, intervalMinutes: 1, webmailUrl: '',
      });
      await eventually(() => core.listAccounts()[0]?.messages === 1);
      const connections = server.connections;
      if (how === 'entry removed') keychain.entries.clear(); else keychain.locked = true;
      core.checkNow(view.url);
      await eventually(() => core.listAccounts()[0]?.lastFailure?.reason === 'credentials-missing');
      expect(core.listAccounts()[0]).toMatchObject({ state: 'needs-password', consecutiveFailures: 0 });
      expect(core.listAccounts()[0]!.lastFailure!.message).toMatch(how === 'entry removed' ? /no saved password/ : /keychain cannot be read/);
      expect(pushed.filter((p) => p.channel === 'credentials-needed')).toHaveLength(1);
      expect(server.connections).toBe(connections);
      // The answer goes into the keychain and is tried at once.
      keychain.locked = false;
      await core.submitCredentials(view.url, 'pw');
      await eventually(() => core.listAccounts()[0]?.state === 'ok');
      expect(server.connections).toBe(connections + 1);
    } finally {
      await core.stop();
    }
  });
});
