// Each failure kind through the CLI, classified and mapped to its exit code. Dovecot keeps its
// realistic penalty for failed logins here: these tests are about failures.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { runCli } from '../support/cli-process.js';
import { closedPort, startClosesAfterPassServer, startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

const PASSWORD = 'right-password';

describe('mailbeacon check: failure classification and exit codes', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'realistic' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-state-'));
  const servers: ScriptedServer[] = [];

  beforeAll(async () => {
    dovecot.setUser('alice', PASSWORD);
    await dovecot.start();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await dovecot.dispose();
  });

  const check = (url: string, password: string, ca = dovecot.caFile, extra: string[] = []) =>
    runCli(['check', url, '--ca', ca, '--state', stateDir, '--json', '--password-stdin', ...extra], { stdin: `${password}\n` });

  it('a wrong password: rejected, counted, credentials asked for once, exit 3, one stderr line', async () => {
    const url = `imaps://alice@127.0.0.1:${dovecot.ports.imaps}`;
    const first = await check(url, 'wrong-password');
    expect(first.status).toBe(3);
    expect(first.events).toEqual([
      expect.objectContaining({ event: 'login-failed', account: url, reason: 'rejected', temporary: false, consecutiveFailures: 1 }),
      { event: 'credentials-needed', account: url, message: expect.any(String) },
    ]);
    expect(first.events[0]!.nextCheckMs).toBeGreaterThanOrEqual(2 * 600_000);
    expect(first.stderr.trim().split('\n')).toHaveLength(1);
    expect(first.stdout + first.stderr).not.toContain('wrong-password');

    // The counter persists in --state between runs: inside the guard's window a second run does not
    // log in at all; --force does, and the user is not asked a second time.
    const deferred = await check(url, 'wrong-password');
    expect(deferred.status).toBe(7);
    expect(deferred.events).toEqual([{ event: 'deferred', account: url, retryAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), consecutiveFailures: 1 }]);
    const second = await check(url, 'wrong-password', dovecot.caFile, ['--force']);
    expect(second.events).toEqual([expect.objectContaining({ event: 'login-failed', consecutiveFailures: 2 })]);
    expect(second.events[0]!.nextCheckMs).toBeGreaterThanOrEqual(4 * 600_000);

    const fixed = await check(url, PASSWORD, dovecot.caFile, ['--force']);
    expect(fixed.status).toBe(0);
    expect(fixed.events[0]).toMatchObject({ event: 'checked', consecutiveFailures: 0 });
    expect(fixed.events[0]!.nextCheckMs).toBeLessThanOrEqual(660_000);
    // Dovecot's own log agrees: exactly the two failed logins we made.
    expect(dovecot.authFailures('alice')).toBe(2);
  });

  it('ten `check` runs in a row with a wrong password cost one failed login; the rest exit 7 without connecting', async () => {
    await dovecot.changeUser('cron', PASSWORD);
    const url = `imaps://cron@127.0.0.1:${dovecot.ports.imaps}`;
    const before = dovecot.authFailures('cron');
    const statuses: number[] = [];
    for (let run = 0; run < 10; run += 1) {
      const result = await check(url, 'stale-password');
      statuses.push(result.status ?? -1);
      if (run > 0) {
        expect(result.stdout).toMatch(/"event":"deferred"/);
        expect(result.stderr).toMatch(/not logging in: 1 login in a row failed, and to avoid a lockout the next is allowed at .* \(--force logs in now and risks a lockout\)/);
      }
    }
    expect(statuses).toEqual([3, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
    expect(dovecot.authFailures('cron') - before).toBe(1);
    // --force logs in (and is counted by the server too).
    const forced = await check(url, 'stale-password', dovecot.caFile, ['--force']);
    expect(forced.status).toBe(3);
    expect(dovecot.authFailures('cron') - before).toBe(2);
  });

  it.each(['imaps', 'pop3s'])('%s: a host name that does not exist: not-found, exit 9, not counted, retried only at the interval', async (scheme) => {
    const result = await check(`${scheme}://alice@no-such-host.invalid`, PASSWORD);
    expect(result.status).toBe(9);
    expect(result.events).toEqual([expect.objectContaining({ event: 'login-failed', reason: 'not-found', consecutiveFailures: 0 })]);
    expect(result.events[0]!.nextCheckMs).toBeGreaterThanOrEqual(600_000);
    expect(result.stderr).toMatch(/the server name "no-such-host.invalid" does not exist/);
  });

  it('a saved account whose keychain entry is gone: credentials-missing, exit 10, nothing sent', async () => {
    const result = await runCli(['check', `imaps://nobody@127.0.0.1:${dovecot.ports.imaps}`, '--ca', dovecot.caFile, '--state', stateDir, '--json']);
    expect(result.status).toBe(10);
    expect(result.stderr).toMatch(/no password for imaps:\/\/nobody@127\.0\.0\.1/);
    expect(dovecot.authFailures('nobody')).toBe(0);
  });

  it('a wrong POP3 password: rejected, exit 3', async () => {
    const result = await check(`pop3s://alice@127.0.0.1:${dovecot.ports.pop3s}`, 'wrong-password');
    expect(result.status).toBe(3);
    expect(result.events[0]).toMatchObject({ event: 'login-failed', reason: 'rejected', temporary: false });
  });

  it('a port with nothing listening: network, exit 4, not counted', async () => {
    const url = `imaps://alice@127.0.0.1:${await closedPort()}`;
    const result = await check(url, PASSWORD);
    expect(result.status).toBe(4);
    expect(result.events).toEqual([expect.objectContaining({ event: 'login-failed', reason: 'network', consecutiveFailures: 0 })]);
    expect(result.events[0]!.nextCheckMs).toBeLessThanOrEqual(33_000);
  });

  it('a certificate the CA does not vouch for: tls, exit 5, no retry scheduled', async () => {
    for (const url of [`imaps://alice@127.0.0.1:${dovecot.ports.imaps}`, `pop3://alice@127.0.0.1:${dovecot.ports.pop3}`]) {
      const result = await check(url, PASSWORD, dovecot.otherCaFile);
      expect(result.status).toBe(5);
      expect(result.events).toEqual([expect.objectContaining({ event: 'login-failed', reason: 'tls', nextCheckMs: null })]);
    }
  });

  it('a server that closes the socket after PASS: closed-by-server, exit 3', async () => {
    const server = await startClosesAfterPassServer();
    servers.push(server);
    const result = await check(`pop3://alice@127.0.0.1:${server.port}?plaintext=1`, PASSWORD);
    expect(result.status).toBe(3);
    expect(result.events).toEqual([expect.objectContaining({ event: 'login-failed', reason: 'closed-by-server', consecutiveFailures: 1 })]);
  });

  it('pop3:// without ?plaintext=1 refuses a server that offers no STLS: tls, exit 5, password never sent', async () => {
    const lines: string[] = [];
    const server = await startScriptedServer({
      onConnect: (socket) => socket.write('+OK ready\r\n'),
      onLine: (socket, line) => {
        lines.push(line);
        if (line === 'CAPA') socket.write('+OK\r\nUSER\r\n.\r\n');
        else socket.write('+OK\r\n');
      },
    });
    servers.push(server);
    const result = await check(`pop3://alice@127.0.0.1:${server.port}`, PASSWORD);
    expect(result.status).toBe(5);
    expect(lines).toEqual(['CAPA']);
  });

  it('IMAP: a server that greets and then goes silent ends in a timeout, exit 4', async () => {
    const server = await startScriptedServer({ onConnect: (socket) => socket.write('* OK ready\r\n') });
    servers.push(server);
    const result = await runCli(['check', `imap://alice@127.0.0.1:${server.port}?plaintext=1`, '--state', stateDir, '--json', '--password-stdin'], {
      stdin: `${PASSWORD}\n`, env: { MAILBEACON_DEADLINE_MS: '1500' },
    });
    expect(result.status).toBe(4);
    expect(result.events[0]).toMatchObject({ event: 'login-failed', reason: 'timeout', consecutiveFailures: 0 });
  });
});
