// How long to wait before the next login, given how many logins in a row have failed. Expressed in
// multiples of the account's own interval so `--interval 1` scales the whole schedule.
//
// With the default 10-minute interval a stale password is tried at 0, 20, 60, 140, 300, 540, 780,
// 1020 and 1260 minutes (plus up to 10 % jitter, which only ever lengthens a wait): at most 3 failed
// logins in the first hour, 9 in 24 hours, never 2 within 15 minutes. See test/unit/login-control.
export const BACKOFF_CAP_MULTIPLIER = 24;
export const JITTER_RATIO = 0.1;

/** The multiple of the interval to wait after `failures` consecutive login failures. */
export function backoffMultiplier(failures: number): number {
  if (failures <= 0) return 1;
  return Math.min(2 ** failures, BACKOFF_CAP_MULTIPLIER);
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
