// The lockout guard in absolute time: whatever the check interval, a stale password costs at most
// 3 failed logins in the first hour, at most 10 in 24 hours, and never 2 within 15 minutes. Driven
// through the real AccountWatcher with fake timers over 24 simulated hours.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BACKOFF_BASE_MS } from '../../src/login-control/backoff-schedule.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { AccountWatcher } from '../../src/watch/account-watcher.js';
import type { AttemptResult } from '../../src/watch/check-runner.js';
import type { WatchEvent } from '../../src/watch/watch-events.js';
import { seeded } from '../support/seeded-random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const report = { messages: 3, unseen: 1, newMessages: [], state: { protocol: 'imap' as const, uidValidity: '1', uidNext: 4, messages: 3 } };
const fakeTimers = { setTimeout: (cb: () => void, ms: number) => setTimeout(cb, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };

/** The most failed logins inside any window of `windowMs`. */
function mostWithin(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0; i < times.length; i += 1) most = Math.max(most, times.filter((t) => t >= times[i]! && t < times[i]! + windowMs).length);
  return most;
}

function account(intervalMs: number, random: () => number, backoffBaseMs?: number) {
  const server = { password: 'old' };
  const saved = { password: 'old' };
  const attempts: Array<{ at: number; ok: boolean; password: string }> = [];
  const events: WatchEvent[] = [];
  const watcher = new AccountWatcher({
    intervalMs, backoffBaseMs, now: () => Date.now(), random, timers: fakeTimers,
    attempt: async (): Promise<AttemptResult> => {
      const ok = saved.password === server.password;
      attempts.push({ at: Date.now(), ok, password: saved.password });
      return ok ? { ok: true, report, loginDelaySeconds: undefined } : { ok: false, failure: new CheckFailure('rejected', 'refused') };
    },
    onEvent: (event) => events.push(event),
  });
  return { server, saved, attempts, events, watcher };
}

describe('lockout guard over 24 simulated hours at every interval', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(0); });
  afterEach(() => { vi.useRealTimers(); });

  it.each([
    [1, 'no jitter', () => 0],
    [1, 'full jitter', () => 0.999999],
    [5, 'seeded jitter', seeded(5)],
    [10, 'seeded jitter', seeded(10)],
    [60, 'seeded jitter', seeded(60)],
    [60, 'no jitter', () => 0],
  ])('at a %i-minute interval (%s)', async (minutes, _jitter, random) => {
    const { server, saved, attempts, events, watcher } = account(minutes * MINUTE, random);
    watcher.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(1);
    // The password changes on the provider's side, just before the next regular check.
    server.password = 'new';
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    const failed = attempts.filter((a) => !a.ok).map((a) => a.at);
    const first = failed[0]!;
    const relative = failed.map((t) => t - first);
    expect(relative.filter((t) => t < HOUR).length).toBeLessThanOrEqual(3);
    expect(relative.filter((t) => t < 24 * HOUR).length).toBeLessThanOrEqual(10);
    expect(mostWithin(relative, 15 * MINUTE)).toBe(1);
    // It keeps trying (the user still gets mail once it is fixed): more than a handful a day.
    expect(relative.filter((t) => t < 24 * HOUR).length).toBeGreaterThanOrEqual(minutes === 60 ? 7 : 8);
    expect(events.filter((e) => e.event === 'credentials-needed')).toHaveLength(1);

    // New credentials are tried at once, and success resets the schedule to the interval.
    const before = attempts.length;
    saved.password = 'new';
    watcher.credentialsReplaced();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toHaveLength(before + 1);
    expect(attempts.at(-1)!.ok).toBe(true);
    expect(watcher.control.consecutiveFailures).toBe(0);
    const checked = events.at(-1)!;
    expect(checked.event).toBe('checked');
    if (checked.event === 'checked') {
      expect(checked.nextCheckMs).toBeGreaterThanOrEqual(minutes * MINUTE);
      expect(checked.nextCheckMs).toBeLessThanOrEqual(minutes * MINUTE * 1.1);
    }
    watcher.stop();
  });

  it('a shorter base (the CLI\'s --backoff-base, for tests and the demo) keeps the fast schedule', async () => {
    const { server, attempts, watcher } = account(1000, () => 0, 1000);
    watcher.start();
    await vi.advanceTimersByTimeAsync(1);
    server.password = 'new';
    await vi.advanceTimersByTimeAsync(60_000);
    const failed = attempts.filter((a) => !a.ok).map((a) => a.at);
    // 1 s interval, then 2, 4, 8, 16 s … after each failure.
    expect(failed.slice(1, 5).map((t, i) => t - failed[i]!)).toEqual([2000, 4000, 8000, 16000]);
    watcher.stop();
  });

  it('the default base is ten minutes', () => {
    expect(DEFAULT_BACKOFF_BASE_MS).toBe(10 * MINUTE);
  });

  it('"check now" inside the window waits for the guard; the time it will try is known', async () => {
    const { server, attempts, watcher } = account(MINUTE, () => 0);
    server.password = 'new';
    watcher.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(1);
    const allowedAt = watcher.control.loginAllowedAt();
    expect(allowedAt).toBe(attempts[0]!.at + 20 * MINUTE);
    watcher.checkNow();
    await vi.advanceTimersByTimeAsync(19 * MINUTE);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(attempts).toHaveLength(2);
    watcher.stop();
  });
});

describe('an answer to a password already replaced', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(0); });
  afterEach(() => { vi.useRealTimers(); });

  it('neither counts again nor asks a second time; the new password is tried next', async () => {
    const events: WatchEvent[] = [];
    const used: string[] = [];
    const current = { password: 'old' };
    let answer: ((result: AttemptResult) => void) | undefined;
    const watcher = new AccountWatcher({
      intervalMs: MINUTE, now: () => Date.now(), random: () => 0, timers: fakeTimers,
      attempt: () => {
        used.push(current.password);
        if (current.password === 'new') return Promise.resolve({ ok: true, report, loginDelaySeconds: undefined });
        if (used.length === 1) return Promise.resolve({ ok: false, failure: new CheckFailure('rejected', 'refused') });
        // The second attempt with the old password hangs at the server until we answer it.
        return new Promise((resolve) => { answer = resolve; });
      },
      onEvent: (event) => events.push(event),
    });
    watcher.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(events.filter((e) => e.event === 'credentials-needed')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20 * MINUTE); // the guard's wait, then the old password again
    expect(used).toEqual(['old', 'old']);
    // The user types the new password while that attempt is still waiting for the server.
    current.password = 'new';
    watcher.credentialsReplaced();
    answer!({ ok: false, failure: new CheckFailure('rejected', 'refused') });
    await vi.advanceTimersByTimeAsync(1);
    expect(used).toEqual(['old', 'old', 'new']);
    expect(events.filter((e) => e.event === 'credentials-needed')).toHaveLength(1);
    expect(watcher.control.consecutiveFailures).toBe(0);
    expect(events.at(-1)!.event).toBe('checked');
    watcher.stop();
  });
});
