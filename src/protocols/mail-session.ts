// One interface over POP3 and IMAP: open (connect + TLS + login under one deadline), read the
// mailbox state against what was known, close. Protocol details stay behind it.
import type { AccountEndpoint } from '../account/account-url.js';
import type { MessageSummary } from '../detection/message-summary.js';
import type { Logger } from '../log/redacting-logger.js';

export interface OpenSessionOptions {
  endpoint: AccountEndpoint;
  password: string;
  /** An OAuth2 access token: when given, the login is SASL OAUTHBEARER (else XOAUTH2) with it and
   * `password` is not used. */
  accessToken?: string | undefined;
  /** Where a current access token comes from, for connections opened later (a migration's second
   * connection may open long after the first token expired). `renew`: the last one was refused. */
  accessTokens?: ((renew: boolean) => Promise<string>) | undefined;
  /** Extra CA (PEM) for this account. */
  ca?: string | undefined;
  /** A certificate the user trusted for this host:port (SHA-256 fingerprint). */
  pinnedFingerprint?: string | undefined;
  /** One deadline for connect, greeting, TLS and login. */
  deadlineMs: number;
  logger: Logger;
}

/** Opaque per-account memory of what the last check saw; persisted as JSON between runs. */
export type DetectionState =
  | { protocol: 'pop3'; count: number; lastUid: string | null; seenUids: string[] }
  | { protocol: 'imap'; uidValidity: string; uidNext: number; messages: number };

export interface MailboxReport {
  messages: number;
  /** Unseen count where the protocol has one (IMAP); POP3 has no flags. */
  unseen: number | null;
  /** Messages not seen by an earlier check, newest last (capped, see MAX_NEW_SUMMARIES). */
  newMessages: MessageSummary[];
  state: DetectionState;
}

/** At most this many new messages get their headers fetched in one check (the first check of a
 * full mailbox would otherwise fetch every header). */
export const MAX_NEW_SUMMARIES = 50;

export interface MailSession {
  /** POP3 LOGIN-DELAY (seconds), when the server announced one. */
  readonly loginDelaySeconds: number | undefined;
  /** Bytes on the wire so far, both directions. */
  readonly bytesOnWire: { read: number; written: number };
  check(previous: DetectionState | undefined): Promise<MailboxReport>;
  close(): Promise<void>;
  /** Drops the connection at once, without saying goodbye. */
  abort(): void;
  /** The server can push new mail (IMAP IDLE); POP3 never can. */
  readonly canIdle: boolean;
  /** Selects INBOX and reports new mail until the connection goes; bounded by the session's deadline. */
  startIdle?(events: { onNewMail: () => void; onLost: () => void }): Promise<void>;
  /** Enters IDLE; resolves when the next command ends it. */
  idle?(): Promise<void>;
  /** Sets the read flag on exactly these messages (ids from this protocol's summaries); resolves
   * with how many were named. IMAP only: POP3 has no flags. */
  markSeen?(ids: readonly string[]): Promise<number>;
}
