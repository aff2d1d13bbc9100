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
  failed: number;
  failures: FailedMessage[];
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
