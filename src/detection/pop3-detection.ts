// New mail on POP3, where the protocol has no flags and no "since": the UIDLs of the last check are
// remembered. A "no change" check is STAT plus `UIDL n` for the last message — O(1) bytes whatever
// the mailbox size. Only when those differ is the full UIDL list read and diffed, and only the new
// messages' headers are fetched (`TOP n 0`).
import type { DetectionState, MailboxReport } from '../protocols/mail-session.js';
import { MAX_NEW_SUMMARIES } from '../protocols/mail-session.js';
import type { UidlEntry } from '../protocols/pop3/pop3-client.js';
import { summaryFromHeader } from './message-summary.js';

/** The commands detection needs; the POP3 client provides them. */
export interface Pop3Reader {
  stat(): Promise<{ count: number; size: number }>;
  uidlOf(messageNumber: number): Promise<string | undefined>;
  uidlAll(): Promise<UidlEntry[]>;
  top(messageNumber: number, bodyLines?: number): Promise<Buffer>;
}

type Pop3State = Extract<DetectionState, { protocol: 'pop3' }>;

export async function detectPop3Changes(reader: Pop3Reader, previous: Pop3State | undefined): Promise<MailboxReport> {
  const { count } = await reader.stat();
  if (previous && count === previous.count) {
    const lastUid = count === 0 ? null : (await reader.uidlOf(count)) ?? null;
    if (lastUid === previous.lastUid) {
      return { messages: count, unseen: null, newMessages: [], state: previous };
    }
  }
  const listing = await reader.uidlAll();
  const seen = new Set(previous?.seenUids ?? []);
  const fresh = listing.filter((entry) => !seen.has(entry.uid)).slice(-MAX_NEW_SUMMARIES);
  const newMessages = [];
  for (const entry of fresh) newMessages.push({ id: entry.uid, ...summaryFromHeader(await reader.top(entry.number, 0)) });
  return {
    messages: listing.length,
    unseen: null,
    newMessages,
    state: {
      protocol: 'pop3',
      count: listing.length,
      lastUid: listing.at(-1)?.uid ?? null,
      // Only UIDLs still on the server are kept: the state never outgrows the mailbox.
      seenUids: listing.map((entry) => entry.uid),
    },
  };
}
