// The words of migration, shared by the engine, the CLI, the app and the journal.

/** One message of the old mailbox, before its bytes are read. */
export interface SourceMessage {
  /** Stable identity in the source: `pop3:<uidl>` or `imap:<folder>:<uidvalidity>:<uid>`. */
  key: string;
  folder: string;
  size: number;
  /** POP3: the UIDL (for the X-UIDL trace header). */
  uidl?: string;
  /** IMAP: the message's own flags and INTERNALDATE. */
  flags?: string[];
  internalDate?: Date;
  /** IMAP: the UID to fetch it by. */
  uid?: number;
  /** POP3: its message number in this session. */
  number?: number;
}

/** The largest message a migration takes (above every provider's limit we know: Gmail 50 MB,
 * Microsoft 150 MB); a source that sends more for one message is refused for that message. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** How many bytes a source may send for a message it announced as `size`: servers that count bare
 * LF line ends announce as little as half of what they serve with CRLF; a size that is no size
 * (negative, not a number) allows a small message only. */
export function readCeiling(size: number): number {
  const announced = Number.isSafeInteger(size) && size > 0 ? size : 0;
  return Math.min(MAX_MESSAGE_BYTES, 2 * announced + 64 * 1024);
}

/** A migration's connections may transfer for long, but never sit silent longer than this while a
 * command waits: the attempt deadline, at least a second and at most two minutes. */
export function noProgressMs(deadlineMs: number): number {
  return Math.min(120_000, Math.max(deadlineMs, 1000));
}

/** One message the source cannot give: gone since the plan (`vanished`: nothing to copy), or
 * refused or over its ceiling (`unreadable`: recorded as not copied). `sessionLost`: the source's
 * connection ended with it and must be reopened for the next message. */
export class SourceMessageUnavailable extends Error {
  override readonly name = 'SourceMessageUnavailable';
  constructor(readonly kind: 'vanished' | 'unreadable', message: string, readonly sessionLost = false) {
    super(message);
  }
}

export type MigrationStatus = 'not-started' | 'running' | 'failing' | 'complete';

export interface MigrationState {
  status: MigrationStatus;
  reason?: string | undefined;
  updatedAt: number;
  /** Counts of the latest finished pass. */
  copied?: number;
  skipped?: number;
  failed?: number;
}

export interface MigrationProgress {
  done: number;
  total: number;
  bytes: number;
  totalBytes: number;
  /** Messages per second over the run so far. */
  rate: number;
  /** Seconds left at that rate, or null before there is a rate. */
  etaSeconds: number | null;
  folder: string;
}

export interface FailedMessage { key: string; folder: string; size: number; reason: string }

export interface MigrationReport {
  copied: number;
  /** Already in the target from an earlier run (journal or found by content). */
  skipped: number;
  /** Of `skipped`: found in the target by content with no journal entry (a lost or new --state,
   * or mail copied by another tool) — recognised instead of copied twice. */
  alreadyThere: number;
  /** Copies whose flags were brought in line with changes made on the old mailbox since. */
  flagsUpdated: number;
  failed: number;
  failures: FailedMessage[];
  /** Gone from the old mailbox between the plan and the copy: nothing to copy. */
  vanished: number;
  /** Messages whose UIDL was missing, malformed or shared with another: identified by message
   * number and content instead (see pop3-source.ts). */
  unstableIdentities: number;
  state: 'complete' | 'failing';
}

export interface MigrationOptions {
  /** Prepend `X-UIDL: <uidl>` (POP3 sources) so Dovecot's pop3_reuse_xuidl keeps old UIDLs. */
  traceHeader: boolean;
  /** Flags given to messages from a POP3 source (which has none). */
  pop3Seen: boolean;
  dryRun: boolean;
}

export const DEFAULT_MIGRATION_OPTIONS: MigrationOptions = { traceHeader: true, pop3Seen: true, dryRun: false };
