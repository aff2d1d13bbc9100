// keytar against a real Secret Service (gnome-keyring, started by scripts/with-keyring), and the
// CLI's `accounts` commands on top of it: the password lives in the keychain and nowhere else.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { filesUnder } from '../support/files.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { runCli } from '../support/cli-process.js';

const PASSWORD = 'keychain-only-sëcret';

describe('the OS keychain through keytar (real gnome-keyring)', () => {
  const store = new KeytarSecretStore('Mailbeacon-test');

  it('round-trips, replaces and deletes a password', async () => {
    const account = `imaps://round%40trip@127.0.0.1:${process.pid}`;
    await store.setPassword(account, 'first');
    expect(await store.getPassword(account)).toBe('first');
    await store.setPassword(account, PASSWORD);
    expect(await store.getPassword(account)).toBe(PASSWORD);
    expect(await store.deletePassword(account)).toBe(true);
    expect(await store.getPassword(account)).toBeUndefined();
  });
});

describe('mailbeacon accounts', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-state-'));

  beforeAll(async () => {
    dovecot.setUser('erin@example.com', PASSWORD);
    dovecot.setUser('frank', PASSWORD);
    dovecot.setUser('gina', PASSWORD);
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  it('add saves the password in the keychain only; check uses it; list and remove work', async () => {
    const url = `imaps://erin%40example.com@127.0.0.1:${dovecot.ports.imaps}`;
    const added = await runCli(['accounts', 'add', url, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(added.status, added.stderr).toBe(0);
    expect(await new KeytarSecretStore().getPassword(url)).toBe(PASSWORD);

    const listed = await runCli(['accounts', 'list', '--state', stateDir, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([{ url, intervalSeconds: null, customCa: true }]);

    // No password given anywhere: it comes from the keychain; the CA comes from the saved account.
    const checked = await runCli(['check', url, '--state', stateDir, '--json']);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.events[0]).toMatchObject({ event: 'checked', account: url, consecutiveFailures: 0 });

    for (const file of filesUnder(stateDir)) {
      expect(readFileSync(file).includes(Buffer.from(PASSWORD)), file).toBe(false);
    }

    const removed = await runCli(['accounts', 'remove', url, '--state', stateDir]);
    expect(removed.status).toBe(0);
    expect(await new KeytarSecretStore().getPassword(url)).toBeUndefined();
    const again = await runCli(['accounts', 'remove', url, '--state', stateDir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/no saved account/);
  });

  it('watch saves a replacement password for a saved account in the keychain', async () => {
    const url = `pop3s://erin%40example.com@127.0.0.1:${dovecot.ports.pop3s}`;
    await runCli(['accounts', 'add', url, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin', '--no-verify'], { stdin: 'stale-password\n' });
    const { WatchProcess } = await import('../support/cli-process.js');
    const watcher = new WatchProcess([url, '--state', stateDir, '--json', '--interval', '1', '--backoff-base', '1']);
    try {
      await watcher.waitFor((e) => e.event === 'credentials-needed');
      // No --password-stdin and no terminal: nothing to prompt, so the saved password stays.
      expect(await new KeytarSecretStore().getPassword(url)).toBe('stale-password');
    } finally {
      await watcher.stop();
    }
    const withStdin = new WatchProcess([url, '--state', stateDir, '--json', '--interval', '1', '--backoff-base', '1', '--password-stdin']);
    try {
      withStdin.writeLine('stale-password');
      await withStdin.waitFor((e) => e.event === 'login-failed');
      withStdin.writeLine(PASSWORD);
      await withStdin.waitFor((e) => e.event === 'checked');
      expect(await new KeytarSecretStore().getPassword(url)).toBe(PASSWORD);
    } finally {
      await withStdin.stop();
    }
  });

  it('watch --all watches every saved account with its keychain password, and picks up a replaced one', async () => {
    const allState = mkdtempSync(join(tmpdir(), 'mailbeacon-state-'));
    const frank = `imaps://frank@127.0.0.1:${dovecot.ports.imaps}`;
    const gina = `pop3s://gina@127.0.0.1:${dovecot.ports.pop3s}`;
    await runCli(['accounts', 'add', frank, '--ca', dovecot.caFile, '--state', allState, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    await runCli(['accounts', 'add', gina, '--ca', dovecot.caFile, '--state', allState, '--password-stdin', '--no-verify'], { stdin: 'stale-password\n' });

    const misuse = await runCli(['watch', '--all', frank, '--state', allState]);
    expect(misuse.status).toBe(2);
    expect(misuse.stderr).toMatch(/give no URL/);

    const { WatchProcess } = await import('../support/cli-process.js');
    const watcher = new WatchProcess(['--all', '--state', allState, '--json', '--interval', '1', '--backoff-base', '1']);
    try {
      await watcher.waitFor((e) => e.event === 'checked' && e.account === frank);
      const stale = await watcher.waitFor((e) => e.event === 'credentials-needed' && e.account === gina);
      const from = watcher.events.indexOf(stale);
      // The new password goes into the keychain from another process, as a user would do it.
      const replaced = await runCli(['accounts', 'add', gina, '--ca', dovecot.caFile, '--state', allState, '--password-stdin'], { stdin: `${PASSWORD}\n` });
      expect(replaced.status, replaced.stderr).toBe(0);
      const resumed = await watcher.waitFor((e) => e.event === 'checked' && e.account === gina, from, 40_000);
      expect(resumed.consecutiveFailures).toBe(0);
      expect(JSON.stringify(watcher.events)).not.toContain(PASSWORD);
    } finally {
      expect(await watcher.stop()).toBe(0);
    }
    expect(watcher.stderr).not.toContain(PASSWORD);
  }, 60_000);
});
