// How long to wait before the next login, given how many logins in a row have failed. Lockout
// policies count failures per time window (Gmail, Entra, Dovecot's penalty, fail2ban), not per
// check interval, so failed-login retries follow their own base in absolute time, whatever the
// account's interval: the wait after n failures is base × 2ⁿ (capped at base × 24), never shorter
// than the interval itself, with jitter that only lengthens it.
//
// With the default 10-minute base a stale password is tried at 0, 20, 60, 140, 300, 540, 780, 1020
// and 1260 minutes at any interval up to 20 minutes (longer intervals only stretch it): at most 3
// failed logins in the first hour, 9 in 24 hours, never 2 within 15 minutes. See
// test/unit/lockout-guard.test.ts.
export const DEFAULT_BACKOFF_BASE_MS = 10 * 60 * 1000;
export const BACKOFF_CAP_MULTIPLIER = 24;
export const JITTER_RATIO = 0.1;

/** The multiple of the base to wait after `failures` consecutive login failures. */
export function backoffMultiplier(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(2 ** failures, BACKOFF_CAP_MULTIPLIER);
}

/** The least wait after `failures` consecutive failed logins (before jitter). */
export function loginBackoffMs(failures: number, baseMs: number, intervalMs: number): number {
  if (failures <= 0) return 0;
  return Math.max(intervalMs, baseMs * backoffMultiplier(failures));
}

/** Adds jitter so many clients of one provider do not retry in lockstep; never shortens the wait. */
export function withJitter(delayMs: number, random: () => number): number {
  return Math.round(delayMs * (1 + JITTER_RATIO * Math.min(Math.max(random(), 0), 1)));
}

/** Network trouble is retried soon (no login was spent), doubling up to the account's interval. */
export function networkRetryMs(intervalMs: number, networkFailures: number): number {
  const base = Math.min(30_000, intervalMs);
  return Math.min(base * 2 ** Math.max(0, networkFailures - 1), intervalMs);
}
