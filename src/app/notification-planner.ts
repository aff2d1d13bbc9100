// Which notifications to show for newly found mail: never twice for the same message, one grouped
// notification instead of a burst, nothing during quiet hours or when switched off. Pure: the
// caller passes the clock and keeps the memory of what was already shown.
import type { MessageSummary } from '../detection/message-summary.js';
import type { AppSettings } from '../settings/app-settings.js';

/** More than this many new messages of one account at once become one grouped notification. */
export const GROUP_THRESHOLD = 3;

export type PlannedNotification =
  | { kind: 'message'; accountUrl: string; messageId: string; from: string; subject: string }
  | { kind: 'group'; accountUrl: string; count: number; senders: string[]; messageIds: string[] };

/** Remembers which messages were announced; bounded, oldest forgotten first. */
export class AnnouncedMessages {
  private readonly keys = new Set<string>();
  constructor(private readonly limit = 10_000) {}

  /** True the first time a message is seen. */
  claim(accountUrl: string, messageId: string): boolean {
    const key = `${accountUrl}\n${messageId}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/** Quiet hours may cross midnight (22:00–07:00). */
export function inQuietHours(quietHours: AppSettings['quietHours'], now: Date): boolean {
  if (!quietHours) return false;
  const current = now.getHours() * 60 + now.getMinutes();
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return false;
  return start < end ? current >= start && current < end : current >= start || current < end;
}

export function planNotifications(
  accountUrl: string,
  messages: MessageSummary[],
  options: { settings: AppSettings; now: Date; announced: AnnouncedMessages },
): PlannedNotification[] {
  // Claim first: mail that arrives during quiet hours is not announced later in a burst.
  const fresh = messages.filter((message) => options.announced.claim(accountUrl, message.id));
  if (!options.settings.notifications || inQuietHours(options.settings.quietHours, options.now) || fresh.length === 0) return [];
  if (fresh.length > GROUP_THRESHOLD) {
    const senders = [...new Set(fresh.map((message) => message.from).filter(Boolean))].slice(0, 3);
    return [{ kind: 'group', accountUrl, count: fresh.length, senders, messageIds: fresh.map((message) => message.id) }];
  }
  return fresh.map((message) => ({ kind: 'message', accountUrl, messageId: message.id, from: message.from, subject: message.subject }));
}
