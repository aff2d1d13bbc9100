// What the CLI prints: one JSON object per line with --json (the contract in README), else short
// human lines. Secrets never reach here: events carry server text and counts only.
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
      return JSON.stringify({ event: 'credentials-needed', account });
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
} as const;

export function humanLines(account: string, event: WatchEvent): string[] {
  switch (event.event) {
    case 'checked': {
      const unseen = event.unseen === null ? '' : `, ${event.unseen} unseen`;
      const lines = [`${account}: ${event.messages} messages${unseen}, ${event.new.length} new; next check in ${humanDuration(event.nextCheckMs)}`];
      for (const message of event.new) lines.push(`  ${message.from || '(no sender)'} — ${message.subject || '(no subject)'}`);
      return lines;
    }
    case 'login-failed':
      return [`${account}: ${REASONS[event.reason]}${event.temporary ? ' (temporarily)' : ''} (${event.message}); `
        + `${event.consecutiveFailures} failed login(s) in a row; next try in ${humanDuration(event.nextCheckMs)}`];
    case 'credentials-needed':
      return [`${account}: the saved password is no longer accepted. Enter the new one to replace it.`];
  }
}
