// `mailbeacon watch` end to end: the login control in real time (--interval 1) against Dovecot,
// the stdin credentials prompt, and IDLE pushing new mail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { WatchProcess } from '../support/cli-process.js';
import { message } from '../support/messages.js';

describe('mailbeacon watch', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const watchers: WatchProcess[] = [];

  beforeAll(async () => {
    dovecot.setUser('bob-pop3s', 'old-password');
    dovecot.setUser('bob-imaps', 'old-password');
    dovecot.setUser('carol', 'carol-password');
    await dovecot.start();
  });
  afterAll(async () => {
    await Promise.all(watchers.map((watcher) => watcher.stop()));
    await dovecot.dispose();
  });

  const start = (url: string, extra: string[] = []): WatchProcess => {
    const watcher = new WatchProcess([url, '--ca', dovecot.caFile, '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-state-')),
      '--json', '--password-stdin', ...extra]);
    watchers.push(watcher);
    return watcher;
  };

  it.each(['pop3s', 'imaps'])('%s: password changed on the server → growing interval, one prompt, new password from stdin, reset', async (scheme) => {
    const user = `bob-${scheme}`;
    const port = scheme === 'pop3s' ? dovecot.ports.pop3s : dovecot.ports.imaps;
    const url = `${scheme}://${user}@127.0.0.1:${port}`;
    const watcher = start(url, ['--interval', '1', '--backoff-base', '1']);
    watcher.writeLine('old-password');
    await watcher.waitFor((e) => e.event === 'checked');

    await dovecot.changeUser(user, 'new-password');
    // A provider ends the sessions of a changed password; so does a restart here (the IMAP watcher
    // idles on its authenticated connection and would otherwise never log in again).
    await dovecot.stop();
    await dovecot.start();
    const third = await watcher.waitFor((e) => e.event === 'login-failed' && e.consecutiveFailures === 3, 0, 30_000);
    // A check that races the restart fails with `network`, or `closed-by-server` after the login
    // (neither counted); one that Dovecot greeted and then closed before answering the login counts,
    // as any server closing on us does. From then on the rejections count.
    const failures = watcher.events.filter((e) => e.event === 'login-failed' && (e.consecutiveFailures as number) > 0);
    for (const counted of failures) expect(['rejected', 'closed-by-server']).toContain(counted.reason);
    for (const other of watcher.events.filter((e) => e.event === 'login-failed' && e.consecutiveFailures === 0)) {
      expect(['network', 'closed-by-server']).toContain(other.reason);
    }
    expect(failures.some((e) => e.reason === 'rejected')).toBe(true);
    expect(failures.map((e) => e.consecutiveFailures), JSON.stringify(watcher.events)).toEqual([1, 2, 3]);
    // The interval grows with the count: 2, 4, 8 × the 1-second interval (+ up to 10 % jitter).
    expect(failures.map((e) => Math.floor((e.nextCheckMs as number) / 1000))).toEqual([2, 4, 8]);
    expect(third.receivedAt - failures[0]!.receivedAt).toBeGreaterThanOrEqual(6_000);
    expect(watcher.events.filter((e) => e.event === 'credentials-needed')).toHaveLength(1);

    const before = watcher.events.length;
    watcher.writeLine('new-password');
    const recovered = await watcher.waitFor((e) => e.event === 'checked', before, 10_000);
    // Tried at once, not after the 8-second wait; the counter and the interval are back to normal.
    expect(recovered.receivedAt - third.receivedAt).toBeLessThan(6_000);
    expect(recovered.consecutiveFailures).toBe(0);
    expect(recovered.nextCheckMs).toBeGreaterThanOrEqual(1000);
    expect(recovered.nextCheckMs).toBeLessThanOrEqual(1100);
    expect(watcher.stderr).not.toContain('password');
    expect(await watcher.stop()).toBe(0);
  });

  it('a typed password that works is confirmed in words (human output), never echoed', async () => {
    await dovecot.changeUser('dana', 'right-password');
    const watcher = new WatchProcess([`pop3s://dana@127.0.0.1:${dovecot.ports.pop3s}`, '--ca', dovecot.caFile, '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-state-')),
      '--password-stdin', '--interval', '1', '--backoff-base', '1']);
    watchers.push(watcher);
    watcher.writeLine('wrong-password');
    const until = Date.now() + 20_000;
    const said = () => watcher.stdout + watcher.stderr;
    while (!said().includes('Send the new one') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    watcher.writeLine('right-password');
    while (!said().includes('the new password works') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(said()).toContain('the new password works');
    expect(said()).not.toContain('right-password');
    await watcher.stop();
  }, 30_000);

  it('IMAP IDLE: a message delivered while watching is reported within a second, once', async () => {
    const url = `imaps://carol@127.0.0.1:${dovecot.ports.imaps}`;
    const watcher = start(url, ['--interval', '600']);
    watcher.writeLine('carol-password');
    await watcher.waitFor((e) => e.event === 'checked');
    await new Promise((resolve) => setTimeout(resolve, 500)); // let IDLE start
    const delivered = Date.now();
    dovecot.deliver('carol', message({ from: 'Dave <dave@example.com>', subject: 'pushed by IDLE' }));
    const pushed = await watcher.waitFor((e) => e.event === 'checked' && (e.new as unknown[]).length > 0, 1, 10_000);
    expect(pushed.new).toEqual([{ from: 'Dave <dave@example.com>', subject: 'pushed by IDLE', date: '2026-11-22T03:00:00.000Z' }]);
    expect(pushed.receivedAt - delivered).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const reports = watcher.events.filter((e) => (e.new as Array<{ subject: string }> | undefined)?.some((m) => m.subject === 'pushed by IDLE'));
    expect(reports).toHaveLength(1);
    expect(await watcher.stop()).toBe(0);
  });
});
