// IMAP through imapflow, configured so that nothing is left to chance: STARTTLS required or off
// (never opportunistic), TLS verification on, the ID command sent (163/NetEase refuse SELECT
// without it), our redacting logger, and close() after every failure (imapflow keeps the socket).
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { AccountEndpoint } from '../../account/account-url.js';
import { formatAddress, isoDate, type MessageSummary } from '../../detection/message-summary.js';
import type { Logger } from '../../log/redacting-logger.js';
import type { TLSSocket } from 'node:tls';
import { verifyPinnedCertificate } from '../certificate.js';
import { CheckFailure } from '../check-failure.js';
import { Deadline } from '../deadline.js';
import { MAX_NEW_SUMMARIES, type DetectionState, type MailboxReport, type MailSession, type OpenSessionOptions } from '../mail-session.js';
import { tlsOptions } from '../tls-options.js';
import { VERSION } from '../../version.js';
import { classifyImapError } from './classify-imap-error.js';

const GOODBYE_MS = 2_000;
/** imapflow re-issues IDLE after this long (RFC 2177: under 29 min). */
const MAX_IDLE_MS = 25 * 60 * 1000;

/** Ceilings on what a server may send (imapflow's own defaults are 1 GB). A greeting or a status
 * line is small; after the login a line may hold a large SEARCH or a long header (4 MB); a literal
 * is an envelope field in a check (4 MB) and a message in a migration, where the source raises the
 * ceiling to the size the server announced for that message (withLiteralCeiling). */
export const IMAP_LIMITS = {
  beforeLoginLine: 64 * 1024,
  line: 4 * 1024 * 1024,
  literal: 4 * 1024 * 1024,
  response: 16 * 1024 * 1024,
} as const;

export const CLIENT_INFO = { name: 'Mailbeacon', vendor: 'Mailbeacon', version: VERSION };

export function imapFlowOptions(
  endpoint: AccountEndpoint, password: string, ca: string | undefined, logger: Logger, deadlineMs: number, pinnedFingerprint?: string, accessToken?: string,
): ImapFlowOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    doSTARTTLS: endpoint.security === 'starttls',
    // imapflow uses OAUTHBEARER when the server offers it, else XOAUTH2.
    auth: accessToken ? { user: endpoint.user, accessToken } : { user: endpoint.user, pass: password },
    tls: tlsOptions(endpoint.host, ca, pinnedFingerprint),
    clientInfo: CLIENT_INFO,
    logger: imapflowLogger(logger),
    logRaw: false, // raw lines include LOGIN
    connectionTimeout: deadlineMs,
    greetingTimeout: deadlineMs,
    socketTimeout: 30 * 60 * 1000,
    disableAutoIdle: true,
    maxLineLength: IMAP_LIMITS.beforeLoginLine,
    maxLiteralSize: IMAP_LIMITS.literal,
    maxResponseSize: IMAP_LIMITS.response,
  };
}

interface Streamer { maxLineLength: number; maxLiteralSize: number; maxResponseSize: number }

function streamerOf(client: ImapFlow): Streamer | undefined {
  return (client as unknown as { streamer?: Streamer }).streamer;
}

/** imapflow logs chatty objects at debug/info, and logs as errors the failures we classify and
 * report ourselves: all of it stays below our default level unless MAILBEACON_LOG asks for it. */
function imapflowLogger(logger: Logger): ImapFlowOptions['logger'] {
  const drop = (): void => undefined;
  return {
    debug: (entry: object) => logger.debug({ imap: entry }), info: drop, trace: drop,
    warn: (entry: object) => logger.info({ imap: entry }), error: (entry: object) => logger.warn({ imap: entry }),
    fatal: (entry: object) => logger.warn({ imap: entry }),
  } as unknown as ImapFlowOptions['logger'];
}

/**
 * imapflow with a pinned certificate checked after TLS is up and before LOGIN. imapflow runs
 * `upgradeToSTARTTLS()` then `authenticate()` in connect() (2.1.2, pinned in package.json), for
 * implicit TLS too (it returns at once), so this is the one point both paths pass.
 */
class PinningImapFlow extends ImapFlow {
  constructor(options: ImapFlowOptions, private readonly pin: { fingerprint: string; host: string; port: number }) {
    super(options);
  }

  override async upgradeToSTARTTLS(): Promise<boolean> {
    const upgraded = await super.upgradeToSTARTTLS();
    const socket = (this as unknown as { socket?: TLSSocket }).socket;
    if (!socket || typeof socket.getPeerCertificate !== 'function') {
      throw new CheckFailure('tls', 'no TLS session to check the trusted certificate against');
    }
    verifyPinnedCertificate(socket, this.pin.fingerprint, this.pin.host, this.pin.port);
    return upgraded;
  }
}

export class ImapSession implements MailSession {
  readonly loginDelaySeconds = undefined;

  private constructor(
    readonly client: ImapFlow, private readonly deadlineMs: number, private readonly errors: { last?: unknown },
    /** When the attempt that opened this session must be over (epoch ms): the login and the first
     * check share it. Later checks on the same session (kept open for IDLE) get a deadline each. */
    private attemptEndsAt: number | undefined,
  ) {}

  static async open(options: OpenSessionOptions): Promise<ImapSession> {
    const flowOptions = imapFlowOptions(options.endpoint, options.password, options.ca, options.logger, options.deadlineMs, options.pinnedFingerprint, options.accessToken);
    const { endpoint } = options;
    const client = options.pinnedFingerprint
      ? new PinningImapFlow(flowOptions, { fingerprint: options.pinnedFingerprint, host: endpoint.host, port: endpoint.port })
      : new ImapFlow(flowOptions);
    const attemptEndsAt = Date.now() + options.deadlineMs;
    const errors: { last?: unknown } = {};
    // imapflow reports a dropped socket, or its parser refusing an oversized line, as an 'error'
    // event; the awaited call then fails with a closed connection, so the cause is kept here.
    client.on('error', (error: unknown) => { errors.last = error; });
    // The server's OK to LOGIN/AUTHENTICATE, seen as it arrives: a drop right after it (during ID,
    // NAMESPACE, ENABLE) is after a good login, whatever imapflow's state says once it has closed.
    let loginAccepted = false;
    client.on('response', (response: { response?: string }) => {
      const command = (client as unknown as { currentRequest?: { command?: string } }).currentRequest?.command?.toUpperCase();
      if (response.response === 'OK' && (command === 'LOGIN' || command === 'AUTHENTICATE')) loginAccepted = true;
    });
    let fail: (failure: CheckFailure) => void = () => undefined;
    const deadline = new Promise<never>((_, reject) => { fail = reject; });
    const timer = new Deadline(options.deadlineMs, () => fail(new CheckFailure('timeout', `no answer within ${Math.round(options.deadlineMs / 1000)} s`)));
    try {
      await Promise.race([client.connect(), deadline]);
      const streamer = streamerOf(client);
      if (streamer) streamer.maxLineLength = IMAP_LIMITS.line;
      return new ImapSession(client, options.deadlineMs, errors, attemptEndsAt);
    } catch (error) {
      const state = client as unknown as { greetingReceived?: boolean; authenticated?: unknown };
      const greeted = state.greetingReceived === true;
      const afterLogin = loginAccepted || Boolean(state.authenticated);
      client.close();
      // An 'error' event (the parser's reason) may follow the rejection it caused by a tick.
      await new Promise((resolve) => setImmediate(resolve));
      throw error instanceof CheckFailure ? error : classifyImapError(error, { greeted, afterLogin, streamError: errors.last });
    } finally {
      timer.clear();
    }
  }

  /** Classifies a failure of this logged-in session. */
  failure(error: unknown): CheckFailure {
    return classifyImapError(error, { afterLogin: true, greeted: true, streamError: this.errors.last });
  }

  /** Runs `work` with the literal ceiling raised to `bytes` (a migration reading one message whose
   * size the server announced); anything larger ends the session as a protocol failure. */
  async withLiteralCeiling<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const streamer = streamerOf(this.client);
    if (!streamer) return work();
    const ceiling = Math.max(IMAP_LIMITS.literal, bytes);
    streamer.maxLiteralSize = ceiling;
    streamer.maxResponseSize = Math.max(IMAP_LIMITS.response, ceiling + IMAP_LIMITS.line);
    try {
      return await work();
    } finally {
      streamer.maxLiteralSize = IMAP_LIMITS.literal;
      streamer.maxResponseSize = IMAP_LIMITS.response;
    }
  }

  /** Runs one step under the session's deadline; on expiry the connection is dropped. */
  async bounded<T>(work: Promise<T>, what: string, ms = this.deadlineMs): Promise<T> {
    this.errors.last = undefined; // a cause seen during an earlier step is not this step's
    const expired = (): CheckFailure => new CheckFailure('timeout', `the server did not answer ${what} in time (${Math.round(this.deadlineMs / 1000)} s for the attempt)`, { afterLogin: true });
    let timedOut = false;
    let fail: (failure: CheckFailure) => void = () => undefined;
    const deadline = new Promise<never>((_, reject) => { fail = reject; });
    const timer = new Deadline(Math.max(1, ms), () => {
      timedOut = true;
      this.client.close();
      fail(expired());
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      if (timedOut) throw expired();
      // An 'error' event (the parser's reason) may follow the rejection it caused by a tick.
      await new Promise((resolve) => setImmediate(resolve));
      throw this.failure(error);
    } finally {
      timer.clear();
    }
  }

  /** Long transfers (a migration): the connection fails as `timeout` after `ms` without a byte
   * while a command is waiting, however long the transfer as a whole takes. */
  setNoProgressTimeout(ms: number): void {
    const state = this.client as unknown as { socketTimeout: number; socket?: { setTimeout(ms: number): void } };
    state.socketTimeout = ms;
    state.socket?.setTimeout(ms);
  }

  /** False once the server said BYE (imapflow moves to LOGOUT) or the socket is gone. */
  get usable(): boolean {
    const { client } = this;
    return client.usable && client.state !== client.states.LOGOUT;
  }

  get canIdle(): boolean { return this.capabilities.has('IDLE'); }

  /**
   * Selects INBOX read-only and idles (RFC 2177), reporting new mail; bounded by the deadline.
   * `onLost` is told once when the connection goes.
   */
  async startIdle(events: { onNewMail: () => void; onLost: () => void }): Promise<void> {
    const { client } = this;
    client.setMaxListeners?.(20);
    (client as unknown as { maxIdleTime: number }).maxIdleTime = MAX_IDLE_MS;
    await this.bounded(client.mailboxOpen('INBOX', { readOnly: true }), 'opening INBOX for IDLE');
    client.on('exists', () => events.onNewMail());
    client.on('close', () => events.onLost());
  }

  /** Enters IDLE until the next command; resolves when IDLE ends. */
  async idle(): Promise<void> {
    await this.client.idle();
  }

  /** Drops the connection without a LOGOUT. */
  abort(): void {
    this.client.close();
  }

  /** Bytes on the current socket (after STARTTLS, the TLS socket: the few plaintext bytes before
   * the upgrade are not included). */
  get bytesOnWire(): { read: number; written: number } {
    const socket = (this.client as unknown as { socket?: { bytesRead: number; bytesWritten: number } }).socket;
    return { read: socket?.bytesRead ?? 0, written: socket?.bytesWritten ?? 0 };
  }

  get capabilities(): Set<string> {
    return new Set([...this.client.capabilities.keys()].map((name) => name.toUpperCase()));
  }

  /** Bounded by the same deadline as the login: a server that goes quiet mid-check cannot hold it. */
  check(previous: DetectionState | undefined): Promise<MailboxReport> {
    // One deadline for the whole attempt: the first check gets what the login left of it.
    const ms = this.attemptEndsAt === undefined ? this.deadlineMs : this.attemptEndsAt - Date.now();
    this.attemptEndsAt = undefined;
    return this.bounded(this.readInbox(previous?.protocol === 'imap' ? previous : undefined), 'the check', ms);
  }

  /** LOGOUT, bounded: a server that never answers it must not hold the caller. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => { timer = setTimeout(resolve, GOODBYE_MS); timer.unref(); });
    try {
      await Promise.race([this.client.logout(), giveUp]);
    } catch {
      // Closed below either way.
    } finally {
      clearTimeout(timer);
      this.client.close();
    }
  }

  private async readInbox(previous: Extract<DetectionState, { protocol: 'imap' }> | undefined): Promise<MailboxReport> {
    // STATUS costs one round trip and does not select: the whole "no new mail" check.
    const status = await this.client.status('INBOX', { messages: true, uidNext: true, uidValidity: true, unseen: true });
    if (!status) {
      // imapflow answers `false` for a refused STATUS and for a connection that failed under it.
      await new Promise((resolve) => setImmediate(resolve));
      throw this.errors.last ? this.failure(this.errors.last) : new CheckFailure('closed-by-server', 'the server did not report the INBOX status', { afterLogin: true });
    }
    const state: DetectionState = {
      protocol: 'imap',
      uidValidity: String(status.uidValidity ?? ''),
      uidNext: status.uidNext ?? 0,
      messages: status.messages ?? 0,
    };
    const unseen = status.unseen ?? null;
    const sameMailbox = previous !== undefined && previous.uidValidity === state.uidValidity;
    if (sameMailbox && previous.uidNext === state.uidNext) {
      return { messages: state.messages, unseen, newMessages: [], state };
    }
    const newMessages = await this.summaries(sameMailbox ? previous.uidNext : undefined, state.messages, state.uidValidity);
    return { messages: state.messages, unseen, newMessages, state };
  }

  /**
   * Sets `\Seen` on exactly these INBOX messages (ids `UIDVALIDITY:UID`, as in the summaries this
   * session reported) and on nothing else; resolves with how many it named. Ids of another
   * UIDVALIDITY are skipped: after a reset their UIDs may name other messages. INBOX is selected
   * read-write for the one UID STORE and examined again after, so an idling session goes on
   * reading without changing anything.
   */
  markSeen(ids: readonly string[]): Promise<number> {
    return this.bounded(this.storeSeen(ids), 'marking messages as read');
  }

  private async storeSeen(ids: readonly string[]): Promise<number> {
    const lock = await this.client.getMailboxLock('INBOX', { readOnly: false });
    let uids: number[] = [];
    try {
      const mailbox = this.client.mailbox;
      const uidValidity = mailbox ? String(mailbox.uidValidity) : undefined;
      uids = uidsOfMailbox(ids, uidValidity);
      if (uids.length === 0) return 0;
      const stored = await this.client.messageFlagsAdd(uids.join(','), ['\\Seen'], { uid: true });
      if (!stored) {
        // imapflow answers `false` both for a NO and for a connection that went under the STORE:
        // only a server still talking to us has refused.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.errors.last) throw this.failure(this.errors.last);
        if (!this.usable) throw new CheckFailure('closed-by-server', 'the connection closed while marking messages as read', { afterLogin: true });
        throw new CheckFailure('protocol', 'the server refused to mark the messages as read', { afterLogin: true });
      }
    } finally {
      lock.release();
    }
    await this.client.mailboxOpen('INBOX', { readOnly: true });
    return uids.length;
  }

  /** Envelopes of messages with UID >= `fromUid`, or of the newest ones on a first look. */
  async summaries(fromUid: number | undefined, messages: number, uidValidity: string): Promise<MessageSummary[]> {
    if (messages === 0) return [];
    const lock = await this.client.getMailboxLock('INBOX', { readOnly: true });
    try {
      const range = fromUid !== undefined ? `${fromUid}:*` : `${Math.max(1, messages - MAX_NEW_SUMMARIES + 1)}:*`;
      const out: Array<{ uid: number; summary: MessageSummary }> = [];
      for await (const message of this.client.fetch(range, { uid: true, envelope: true }, { uid: fromUid !== undefined })) {
        // "n:*" always matches the last message, even when its UID is below n.
        if (fromUid !== undefined && message.uid < fromUid) continue;
        const envelope = message.envelope;
        out.push({
          uid: message.uid,
          summary: { id: `${uidValidity}:${message.uid}`, from: formatAddress(envelope?.from?.[0]), subject: envelope?.subject ?? '', date: isoDate(envelope?.date) },
        });
      }
      return out.sort((a, b) => a.uid - b.uid).slice(-MAX_NEW_SUMMARIES).map((entry) => entry.summary);
    } finally {
      lock.release();
    }
  }
}

/** The UIDs among `UIDVALIDITY:UID` ids that belong to this UIDVALIDITY, each once, ascending. */
export function uidsOfMailbox(ids: readonly string[], uidValidity: string | undefined): number[] {
  if (uidValidity === undefined) return [];
  const uids = new Set<number>();
  for (const id of ids) {
    const match = /^(\d+):(\d+)$/.exec(id);
    if (!match || match[1] !== uidValidity) continue;
    const uid = Number(match[2]);
    if (Number.isSafeInteger(uid) && uid > 0 && uid <= 0xffffffff) uids.add(uid);
  }
  return [...uids].sort((a, b) => a - b);
}
