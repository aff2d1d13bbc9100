// P1's side-by-side: each client's retry policy for a stale saved password, as a small model that
// answers "at which times does it send a failed login?" over a simulated day. Mailbeacon's model is
// not a model: it is the real login control, driven by a manual clock. The others are written from
// the measured facts in shared/PRODUCT.md ("What we must beat"); each says what it assumes.
import { DEFAULT_INTERVAL_MS, LoginControl } from '../../src/login-control/login-control.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export interface LockoutModel {
  name: string;
  /** The policy as modelled, in words, for the report. */
  policy: string;
  /** The times (ms from the first attempt) of every failed login within the horizon. */
  failedLogins(horizonMs: number): number[];
}

/** Times from a list of waits between polls, `perPoll` failed logins at each poll. */
function fromWaits(horizonMs: number, waitAfter: (poll: number) => number, perPoll = 1): number[] {
  const times: number[] = [];
  for (let poll = 0, now = 0; now <= horizonMs && poll < 100_000; poll += 1) {
    for (let i = 0; i < perPoll; i += 1) times.push(now);
    now += waitAfter(poll);
  }
  return times;
}

export function mailbeaconModel(intervalMs = DEFAULT_INTERVAL_MS, random: () => number = Math.random): LockoutModel {
  return {
    name: 'Mailbeacon',
    policy: `the real LoginControl at a ${intervalMs / MINUTE}-min interval: its lockout guard waits 10 min × 2^failures (capped at 4 h, never below the interval), plus 0–10 % jitter`,
    failedLogins(horizonMs) {
      let now = 0;
      const control = new LoginControl(intervalMs, { now: () => now, random });
      const times: number[] = [];
      while (now <= horizonMs && times.length < 100_000) {
        control.attemptStarted();
        times.push(now);
        now += control.recordOutcome({ kind: 'failed', reason: 'rejected', temporary: false, afterLogin: false }).nextCheckInMs!;
      }
      return times;
    },
  };
}

export const thunderbirdModel: LockoutModel = {
  name: 'Thunderbird',
  policy: 'checks every 10 min; a POP3 poll may try PLAIN, LOGIN and USER/PASS (3 failed logins); no backoff',
  failedLogins: (horizonMs) => fromWaits(horizonMs, () => 10 * MINUTE, 3),
};

export const fetchmailModel: LockoutModel = {
  name: 'fetchmail',
  policy: 'polls at its fixed daemon interval (10 min here, like the others); warns once after 3 failures, never backs off',
  failedLogins: (horizonMs) => fromWaits(horizonMs, () => 10 * MINUTE),
};

/** 8 s doubling while under 5 min (8, 16 … 256 s, then 5 min), then 15, 30, 60 min and 60 min on. */
export function fairEmailWait(poll: number): number {
  const early = [8, 16, 32, 64, 128, 256, 300];
  if (poll < early.length) return early[poll]! * SECOND;
  const late = [15, 30, 60];
  return late[Math.min(poll - early.length, late.length - 1)]! * MINUTE;
}

export const fairEmailModel: LockoutModel = {
  name: 'FairEmail',
  policy: 'retries after 8 s doubling up to 5 min, then 15 → 30 → 60 min and hourly on',
  failedLogins: (horizonMs) => fromWaits(horizonMs, fairEmailWait),
};

/** The most failed logins inside any window of `windowMs` (windows start at a failure). */
export function mostWithin(times: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  const sorted = [...times].sort((a, b) => a - b);
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

export interface LockoutFigures { firstHour: number; day: number; worst15Min: number }

export function lockoutFigures(times: number[]): LockoutFigures {
  const day = times.filter((t) => t <= 24 * HOUR);
  return { firstHour: day.filter((t) => t <= HOUR).length, day: day.length, worst15Min: mostWithin(day, 15 * MINUTE) };
}
