// The login control's promise through every command, against the private Dovecot with its realistic
// failure penalty, counting failed logins in Dovecot's own log; the question that is never lost;
// `accounts add` that tries before it saves; and `trust`, whose pin the app honours too.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../src/app/app-core.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { runCli, WatchProcess } from '../support/cli-process.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const PASSWORD = 'right-password';
const state = (): string => mkdtempSync(join(tmpdir(), 'mailbeacon-guard-'));

describe('the lockout guard and the question, through the CLI', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'realistic' });
  beforeAll(async () => {
    for (const user of ['slow', 'empty', 'race', 'verify']) dovecot.setUser(user, PASSWORD);
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  it('watch --interval 1 without --backoff-base: at most 2 failed logins in 60 s', async () => {
    const before = dovecot.authFailures('slow');
    const watch = new WatchProcess([`imaps://slow@127.0.0.1:${dovecot.ports.imaps}`, '--interval', '1', '--ca', dovecot.caFile, '--json', '--state', state()],
      { MAILBEACON_PASSWORD: 'stale-password' });
    try {
      const failed = await watch.waitFor((e) => e.event === 'login-failed');
      // The guard's own schedule, whatever the interval: the next login 20 minutes later.
      expect(failed.nextCheckMs).toBeGreaterThanOrEqual(20 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 60_000));
    } finally {
      await watch.stop();
    }
    expect(dovecot.authFailures('slow') - before).toBeLessThanOrEqual(2);
    expect(dovecot.authFailures('slow') - before).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('an empty answer is asked again at the next refused login, and a later answer is used', async () => {
    const watch = new WatchProcess([`imaps://empty@127.0.0.1:${dovecot.ports.imaps}`, '--interval', '1', '--backoff-base', '1', '--ca', dovecot.caFile,
      '--json', '--password-stdin', '--state', state()]);
    try {
      watch.writeLine('stale-password');
      const asked = await watch.waitFor((e) => e.event === 'credentials-needed');
      watch.writeLine(''); // "not now"
      const from = watch.events.indexOf(asked) + 1;
      await watch.waitFor((e) => e.event === 'login-failed', from);
      watch.writeLine(PASSWORD);
      const checked = await watch.waitFor((e) => e.event === 'checked', from, 30_000);
      expect(checked.consecutiveFailures).toBe(0);
    } finally {
      await watch.stop();
    }
    expect(watch.stderr).not.toContain(PASSWORD);
  }, 60_000);

  it('a new password typed while an attempt with the old one waits for the server: one question, no second read', async () => {
    const url = `imaps://race@127.0.0.1:${dovecot.ports.imaps}`;
    const stateDir = state();
    const added = await runCli(['accounts', 'add', url, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin', '--no-verify'], { stdin: 'stale-password\n' });
    expect(added.status, added.stderr).toBe(0);
    const watch = new WatchProcess([url, '--interval', '1', '--backoff-base', '1', '--json', '--password-stdin', '--state', stateDir]);
    try {
      watch.writeLine('stale-password');
      await watch.waitFor((e) => e.event === 'credentials-needed');
      // The next attempt starts after the guard's 2 s and then waits out Dovecot's 2 s penalty:
      // the new password arrives while it is in flight.
      await new Promise((resolve) => setTimeout(resolve, 2_600));
      watch.writeLine(PASSWORD);
      await watch.waitFor((e) => e.event === 'checked', 0, 30_000);
      watch.writeLine('a-stray-line-typed-later');
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(watch.events.filter((e) => e.event === 'credentials-needed')).toHaveLength(1);
      expect(watch.events.at(-1)).toMatchObject({ event: 'checked', consecutiveFailures: 0 });
    } finally {
      await watch.stop();
    }
    // The stray line was never read as a password: the working one stays saved.
    expect(await new KeytarSecretStore().getPassword(url)).toBe(PASSWORD);
    await new KeytarSecretStore().deletePassword(url);
  }, 60_000);

  it('accounts add tries the login first: a wrong password is not saved; --no-verify saves without trying', async () => {
    const url = `imaps://verify@127.0.0.1:${dovecot.ports.imaps}`;
    const stateDir = state();
    const refused = await runCli(['accounts', 'add', url, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin'], { stdin: 'wrong\n' });
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/not saved: the server refused the login/);
    expect(await new KeytarSecretStore().getPassword(url)).toBeUndefined();
    expect((await runCli(['accounts', 'list', '--state', stateDir, '--json'])).stdout.trim()).toBe('[]');

    const saved = await runCli(['accounts', 'add', url, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/the login worked/);
    await new KeytarSecretStore().deletePassword(url);
  });
});

describe('mailbeacon trust: certificates trusted once, everywhere', () => {
  const first = new PrivateDovecot({ authPenalty: 'fast' });
  const second = new PrivateDovecot({ authPenalty: 'fast' }); // another certificate, from another CA
  let proxy: FaultProxy;
  beforeAll(async () => {
    for (const server of [first, second]) server.setUser('tess', PASSWORD);
    await Promise.all([first.start(), second.start()]);
    proxy = await new FaultProxy(first.ports.imaps).start();
  });
  afterAll(async () => {
    await proxy.stop();
    await Promise.all([first.dispose(), second.dispose()]);
  });

  it('trust, then check without --ca succeeds; a changed certificate is refused by the CLI and by the app', async () => {
    const stateDir = state();
    const url = `imaps://tess@127.0.0.1:${proxy.port}`;
    const untrusted = await runCli(['check', url, '--state', stateDir, '--json'], { env: { MAILBEACON_PASSWORD: PASSWORD } });
    expect(untrusted.status).toBe(5);

    // Without a terminal and without --fingerprint nothing is trusted.
    const unconfirmed = await runCli(['trust', url, '--state', stateDir]);
    expect(unconfirmed.status).toBe(5);
    expect(unconfirmed.stdout).toMatch(/SHA-256: {2}([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    const wrong = await runCli(['trust', url, '--state', stateDir, '--fingerprint', `sha256:${'00'.repeat(32)}`]);
    expect(wrong.status).toBe(5);
    expect(wrong.stderr).toMatch(/different certificate/);

    const shown = /SHA-256: {2}(\S+)/.exec(unconfirmed.stdout)![1]!;
    const trusted = await runCli(['trust', url, '--state', stateDir, '--json', '--fingerprint', `sha256:${shown.replace(/:/g, '').toLowerCase()}`]);
    expect(trusted.status, trusted.stderr).toBe(0);
    expect(trusted.events.at(-1)).toMatchObject({ event: 'trusted', fingerprint256: shown });

    const checked = await runCli(['check', url, '--state', stateDir, '--json'], { env: { MAILBEACON_PASSWORD: PASSWORD } });
    expect(checked.status, checked.stderr).toBe(0);

    // The same host:port now presents another certificate.
    proxy.targetPort = second.ports.imaps;
    const changed = await runCli(['check', url, '--state', stateDir, '--json'], { env: { MAILBEACON_PASSWORD: PASSWORD } });
    expect(changed.status).toBe(5);
    expect(changed.stderr).toMatch(/different certificate from the one you trusted/);

    const registry = new SecretRegistry();
    const core = new AppCore({
      store: new ConfSettingsStore(stateDir), secrets: new KeytarSecretStore('Mailbeacon-trust-test'),
      logger: createLogger({ secrets: registry, minLevel: 'error', write: () => undefined }), registerSecret: (s) => registry.add(s),
      notify: () => undefined, push: () => undefined, onTray: () => undefined, now: Date.now, random: Math.random,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    });
    const fromApp = await core.testConnection({
      user: 'tess', password: PASSWORD, protocol: 'imap', host: '127.0.0.1', port: proxy.port, security: 'tls',
      plaintextRiskAccepted: false, intervalMinutes: 10, webmailUrl: '',
    });
    expect(fromApp).toMatchObject({ ok: false, reason: 'tls', message: expect.stringMatching(/different certificate/) });
    proxy.targetPort = first.ports.imaps;
    expect(await core.testConnection({
      user: 'tess', password: PASSWORD, protocol: 'imap', host: '127.0.0.1', port: proxy.port, security: 'tls',
      plaintextRiskAccepted: false, intervalMinutes: 10, webmailUrl: '',
    })).toMatchObject({ ok: true });
    await core.stop();
  });
});
