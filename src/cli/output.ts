// What the CLI prints: one JSON object per line with --json (the contract in README), else short
// human lines. Secrets never reach here: events carry server text and counts only.
import type { FailureReason } from '../protocols/check-failure.js';
import { serverWords } from '../protocols/server-words.js';
import type { WatchEvent } from '../watch/watch-events.js';

export function jsonLine(account: string, event: WatchEvent): string {
  switch (event.event) {
    case 'checked':
      return JSON.stringify({
        event: 'checked', account, messages: event.messages, unseen: event.unseen,
        new: event.new.map(({ from, subject, date }) => ({ from, subject, date })),
        consecutiveFailures: event.consecutiveFailures, nextCheckMs: event.nextCheckMs,
      });
    case 'login-failed':
      return JSON.stringify({
        event: 'login-failed', account, reason: event.reason, temporary: event.temporary,
        consecutiveFailures: event.consecutiveFailures, nextCheckMs: event.nextCheckMs,
      });
    case 'credentials-needed':
      return JSON.stringify({ event: 'credentials-needed', account, message: event.message });
  }
}

export function humanDuration(ms: number | null): string {
  if (ms === null) return 'not scheduled';
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 6) / 10} h`;
}

const REASONS = {
  rejected: 'the server refused the password',
  'closed-by-server': 'the server closed the connection',
  network: 'no network or server unreachable',
  timeout: 'the server did not answer in time',
  tls: 'the server\'s certificate could not be verified',
  'not-found': 'the server name does not exist',
  'credentials-missing': 'there is no password to log in with',
  protocol: 'the server sent something we cannot accept',
  internal: 'internal error',
} as const satisfies Record<FailureReason, string>;

/** A failure class in words (the log, the one-line summary). */
export function reasonInWords(reason: FailureReason): string {
  return REASONS[reason];
}

/** How a command speaks: a one-shot `check` announces no next try it will not make, and each
 * command says what the user can do when the password is refused. */
export interface HumanStyle {
  oneShot?: boolean;
  /** What to do about a refused password, in this command's terms. */
  credentialsHint?: string;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function humanLines(account: string, event: WatchEvent, style: HumanStyle = {}): string[] {
  switch (event.event) {
    case 'checked': {
      const unseen = event.unseen === null ? '' : `, ${event.unseen} unseen`;
      const next = style.oneShot ? '' : `; next check in ${humanDuration(event.nextCheckMs)}`;
      const lines = [`${account}: ${plural(event.messages, 'message')}${unseen}, ${event.new.length} new${next}`];
      for (const message of event.new) lines.push(`  ${message.from || '(no sender)'} — ${message.subject || '(no subject)'}`);
      return lines;
    }
    case 'login-failed': {
      // The reason is said once: a refusal shows the server's own words after it, not our lead-in again.
      const said = event.reason === 'rejected' ? serverWords(event.message) : event.message;
      return [`${account}: ${REASONS[event.reason]}${event.temporary ? ' (temporarily)' : ''}${said ? ` (${said})` : ''}; `
        + `${plural(event.consecutiveFailures, 'failed login')} in a row`
        + (style.oneShot ? '' : `; next try in ${humanDuration(event.nextCheckMs)}`)];
    }
    case 'credentials-needed':
      return [`${account}: ${style.credentialsHint ?? 'the password is not accepted.'}`];
  }
}
