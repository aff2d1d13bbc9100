import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_INTERVAL_MS, LoginControl, type AttemptOutcome } from '../../src/login-control/login-control.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { AccountWatcher } from '../../src/watch/account-watcher.js';
import type { AttemptResult } from '../../src/watch/check-runner.js';
import type { WatchEvent } from '../../src/watch/watch-events.js';
import { seeded } from '../support/seeded-random.js';
import { mailbeaconModel, mostWithin } from '../../bench/p1-lockout/lockout-models.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const rejected: AttemptOutcome = { kind: 'failed', reason: 'rejected', temporary: false, afterLogin: false };
const network: AttemptOutcome = { kind: 'failed', reason: 'network', temporary: false, afterLogin: false };

/** The real control driven by a manual clock (the same driver P1's benchmark reports on). */
function staleDay(random: () => number): number[] {
  return mailbeaconModel(DEFAULT_INTERVAL_MS, random).failedLogins(24 * HOUR);
}

describe('login control (pure, manual clock)', () => {
  it.each([
    ['no jitter', () => 0],
    ['full jitter', () => 0.999999],
    ['seeded jitter 42', seeded(42)],
    ['seeded jitter 7', seeded(7)],
  ])('a stale password for 24 h at default settings stays under the lockout limits (%s)', (_name, random) => {
    const attempts = staleDay(random);
    expect(attempts.filter((t) => t <= HOUR).length).toBeLessThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(10);
    expect(attempts.length).toBeGreaterThanOrEqual(8); // it keeps trying: the user still gets mail once fixed
    expect(mostWithin(attempts, 15 * MINUTE)).toBeLessThan(5);
  });

  it('asks for credentials once, at the first permanent rejection, and keeps polling meanwhile', () => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    const first = control.recordOutcome(rejected);
    expect(first).toEqual({ nextCheckInMs: 2 * DEFAULT_INTERVAL_MS, askForCredentials: true, state: 'needs-password' });
    const second = control.recordOutcome(rejected);
    expect(second.askForCredentials).toBe(false);
    expect(second.nextCheckInMs).toBe(4 * DEFAULT_INTERVAL_MS);
    expect(control.consecutiveFailures).toBe(2);
  });

  it('temporary rejections and closed sockets count and back off but do not ask for a password', () => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    const temporary = control.recordOutcome({ kind: 'failed', reason: 'rejected', temporary: true, afterLogin: false });
    const closed = control.recordOutcome({ kind: 'failed', reason: 'closed-by-server', temporary: false, afterLogin: false });
    expect([temporary.askForCredentials, closed.askForCredentials]).toEqual([false, false]);
    expect(closed.nextCheckInMs).toBe(4 * DEFAULT_INTERVAL_MS);
    expect(closed.state).toBe('error');
  });

  it('the first success resets the counter and the interval', () => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    for (let i = 0; i < 4; i += 1) control.recordOutcome(rejected);
    const ok = control.recordOutcome({ kind: 'ok' });
    expect(control.consecutiveFailures).toBe(0);
    expect(ok).toEqual({ nextCheckInMs: DEFAULT_INTERVAL_MS, askForCredentials: false, state: 'ok' });
  });

  it('new credentials are tried at once, and asked for again only if they fail too', () => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    control.recordOutcome(rejected);
    expect(control.credentialsReplaced()).toEqual({ nextCheckInMs: 0, askForCredentials: false, state: 'error' });
    expect(control.recordOutcome(rejected).askForCredentials).toBe(true);
  });

  it('network failures and timeouts never count, retry soon, and never bring a login forward', () => {
    let now = 0;
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => now, random: () => 0 });
    const delays = [control.recordOutcome(network), control.recordOutcome(network),
      control.recordOutcome({ ...network, reason: 'timeout' })].map((d) => d.nextCheckInMs);
    expect(delays).toEqual([30_000, 60_000, 120_000]);
    expect(control.consecutiveFailures).toBe(0);
    // After a real rejection, a network blip must not let the next login come sooner than backoff.
    control.attemptStarted();
    control.recordOutcome(rejected);
    now += 5 * MINUTE;
    const blip = control.recordOutcome(network);
    expect(control.consecutiveFailures).toBe(1);
    expect(now + blip.nextCheckInMs!).toBe(2 * DEFAULT_INTERVAL_MS);
    expect(control.wake().nextCheckInMs).toBe(15 * MINUTE);
  });

  it('a failure after a successful login is not a login failure', () => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    control.recordOutcome(rejected);
    const decision = control.recordOutcome({ kind: 'failed', reason: 'closed-by-server', temporary: false, afterLogin: true });
    expect(control.consecutiveFailures).toBe(0);
    expect(decision.state).toBe('error');
  });

  it('honours POP3 LOGIN-DELAY as the least interval', () => {
    const control = new LoginControl(5 * MINUTE, { now: () => 0, random: () => 0 });
    expect(control.recordOutcome({ kind: 'ok', loginDelaySeconds: 900 }).nextCheckInMs).toBe(15 * MINUTE);
    // The guard's own schedule (10 min × 2) when it is longer than the server's minimum.
    expect(control.recordOutcome(rejected).nextCheckInMs).toBe(20 * MINUTE);
    // And the server's minimum when that is longer: LOGIN-DELAY of an hour.
    const slow = new LoginControl(5 * MINUTE, { now: () => 0, random: () => 0 });
    slow.recordOutcome({ kind: 'ok', loginDelaySeconds: 3600 });
    expect(slow.recordOutcome(rejected).nextCheckInMs).toBe(60 * MINUTE);
  });

  it('a TLS failure waits for the user instead of retrying blindly; pause stops everything', () => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    expect(control.recordOutcome({ ...network, reason: 'tls' }).nextCheckInMs).toBeNull();
    expect(control.pause()).toEqual({ nextCheckInMs: null, askForCredentials: false, state: 'paused' });
    expect(control.resume().nextCheckInMs).toBe(0);
  });

  it.each(['not-found', 'protocol', 'internal'] as const)('%s: never a failed login, retried at the interval, not sooner', (reason) => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    const decision = control.recordOutcome({ kind: 'failed', reason, temporary: false, afterLogin: false });
    expect(control.consecutiveFailures).toBe(0);
    expect(decision).toEqual({ nextCheckInMs: DEFAULT_INTERVAL_MS, askForCredentials: false, state: 'error' });
  });

  it('credentials-missing asks once for a password without spending a login', () => {
    const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random: () => 0 });
    const missing = { kind: 'failed', reason: 'credentials-missing', temporary: false, afterLogin: false } as const;
    expect(control.recordOutcome(missing)).toEqual({ nextCheckInMs: DEFAULT_INTERVAL_MS, askForCredentials: true, state: 'needs-password' });
    expect(control.recordOutcome(missing).askForCredentials).toBe(false);
    expect(control.consecutiveFailures).toBe(0);
  });

  it('jitter only ever lengthens a wait, by at most 10 %', () => {
    const random = seeded(3);
    for (let i = 0; i < 100; i += 1) {
      const control = new LoginControl(DEFAULT_INTERVAL_MS, { now: () => 0, random });
      const delay = control.recordOutcome({ kind: 'ok' }).nextCheckInMs!;
      expect(delay).toBeGreaterThanOrEqual(DEFAULT_INTERVAL_MS);
      expect(delay).toBeLessThanOrEqual(DEFAULT_INTERVAL_MS * 1.1);
    }
  });
});

describe('account watcher over 24 simulated hours (fake timers)', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(0); });
  afterEach(() => { vi.useRealTimers(); });

  const report = { messages: 3, unseen: 1, newMessages: [], state: { protocol: 'imap' as const, uidValidity: '1', uidNext: 4, messages: 3 } };

  function makeWatcher(server: { password: string }, saved: { password: string }) {
    const attempts: Array<{ at: number; outcome: string }> = [];
    const events: WatchEvent[] = [];
    const watcher = new AccountWatcher({
      intervalMs: DEFAULT_INTERVAL_MS,
      now: () => Date.now(),
      random: seeded(11),
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      attempt: async (): Promise<AttemptResult> => {
        const ok = saved.password === server.password;
        attempts.push({ at: Date.now(), outcome: ok ? 'ok' : 'rejected' });
        return ok ? { ok: true, report, loginDelaySeconds: undefined }
          : { ok: false, failure: new CheckFailure('rejected', 'the server refused the login') };
      },
      onEvent: (event) => events.push(event),
    });
    return { watcher, attempts, events };
  }

  it('a password changed on the server: backoff for a day, one prompt, new password at once, reset', async () => {
    const server = { password: 'old' };
    const saved = { password: 'old' };
    const { watcher, attempts, events } = makeWatcher(server, saved);
    watcher.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(1);
    server.password = 'new'; // the user changed it on the provider's website
    const staleSince = Date.now();
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    const failed = attempts.filter((a) => a.outcome === 'rejected').map((a) => a.at - staleSince);
    expect(failed.filter((t) => t <= HOUR).length).toBeLessThanOrEqual(3);
    expect(failed.length).toBeLessThanOrEqual(10);
    expect(mostWithin(failed, 15 * MINUTE)).toBeLessThan(5);
    expect(events.filter((e) => e.event === 'credentials-needed')).toHaveLength(1);
    expect(watcher.state?.state).toBe('needs-password');

    const before = attempts.length;
    saved.password = 'new';
    watcher.credentialsReplaced();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toHaveLength(before + 1);
    expect(attempts.at(-1)!.outcome).toBe('ok');
    const last = events.at(-1)!;
    expect(last.event).toBe('checked');
    if (last.event === 'checked') {
      expect(last.consecutiveFailures).toBe(0);
      expect(last.nextCheckMs).toBeGreaterThanOrEqual(DEFAULT_INTERVAL_MS);
      expect(last.nextCheckMs).toBeLessThanOrEqual(DEFAULT_INTERVAL_MS * 1.1);
    }
    watcher.stop();
  });

  it('network outages during a day are retried often and never counted as login failures', async () => {
    let networkUp = false;
    const attempts: number[] = [];
    const events: WatchEvent[] = [];
    const watcher = new AccountWatcher({
      intervalMs: DEFAULT_INTERVAL_MS, now: () => Date.now(), random: () => 0,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      attempt: async (): Promise<AttemptResult> => {
        attempts.push(Date.now());
        return networkUp ? { ok: true, report, loginDelaySeconds: undefined }
          : { ok: false, failure: new CheckFailure('network', 'cannot reach the server (ECONNREFUSED)') };
      },
      onEvent: (event) => events.push(event),
    });
    watcher.start();
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(watcher.control.consecutiveFailures).toBe(0);
    expect(events.every((e) => e.event !== 'credentials-needed')).toBe(true);
    expect(attempts.length).toBeGreaterThan(12); // 30 s, 1 min, 2, 4, 8, then every 10 min
    networkUp = true;
    watcher.networkRestored();
    await vi.advanceTimersByTimeAsync(0);
    expect(events.at(-1)!.event).toBe('checked');
    watcher.stop();
  });
});

describe('account watcher restarted with persisted memory', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(0); });
  afterEach(() => { vi.useRealTimers(); });

  it('asks again for credentials left unanswered, and keeps the backoff it had reached', async () => {
    const events: WatchEvent[] = [];
    const attempts: number[] = [];
    const options = {
      intervalMs: DEFAULT_INTERVAL_MS, now: () => Date.now(), random: () => 0,
      timers: { setTimeout: (cb: () => void, ms: number) => setTimeout(cb, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) },
      attempt: async (): Promise<AttemptResult> => {
        attempts.push(Date.now());
        return { ok: false, failure: new CheckFailure('rejected', 'the server refused the login') };
      },
      onEvent: (event: WatchEvent) => events.push(event),
    };
    const first = new AccountWatcher(options);
    first.start();
    await vi.advanceTimersByTimeAsync(1);
    const memory = first.control.snapshot;
    first.stop();
    expect(memory).toMatchObject({ consecutiveFailures: 1, awaitingCredentials: true });

    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    events.length = 0;
    const second = new AccountWatcher({ ...options, memory });
    second.start();
    expect(events.map((e) => e.event)).toEqual(['credentials-needed']);
    await vi.advanceTimersByTimeAsync(14 * MINUTE);
    expect(attempts).toHaveLength(1); // not before 20 minutes after the first failed login
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(attempts).toHaveLength(2);
    second.stop();
  });
});
