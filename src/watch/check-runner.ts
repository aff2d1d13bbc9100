// One check of one account, end to end: password → session → mailbox report → persisted detection
// state. For servers that can push (IMAP IDLE), the session of a successful check is kept open and
// idling, so new mail is pushed within a second; the scheduled checks reuse it (which also renews
// IDLE well before the 29-minute limit of RFC 2177), and a lost IDLE session falls back to polling.
// Every step, IDLE's set-up included, is under the session's deadline.
import type { AccountEndpoint } from '../account/account-url.js';
import type { Logger } from '../log/redacting-logger.js';
import { probeCertificate } from '../protocols/certificate.js';
import { CheckFailure, internalFailure } from '../protocols/check-failure.js';
import type { DetectionState, MailboxReport, MailSession } from '../protocols/mail-session.js';
import { openSession } from '../protocols/open-session.js';

export const DEFAULT_DEADLINE_MS = 45_000;

export type AttemptResult =
  | { ok: true; report: MailboxReport; loginDelaySeconds: number | undefined }
  | { ok: false; failure: CheckFailure };

export interface CheckRunnerOptions {
  endpoint: AccountEndpoint;
  ca?: string | undefined;
  deadlineMs?: number;
  logger: Logger;
  /** Read anew for every attempt: replaced credentials take effect at once. Throws a
   * `credentials-missing` CheckFailure when there is no password to send. */
  getPassword: () => Promise<string>;
  /** OAuth2 accounts: an access token instead of the password (`renew`: the server refused the
   * last one, get a new one). Throws a classified CheckFailure when there is none to be had. */
  getAccessToken?: ((renew: boolean) => Promise<string>) | undefined;
  /** The certificate fingerprint the user trusted for this host:port, read anew for each attempt. */
  getPinnedFingerprint?: () => string | undefined;
  loadState: () => DetectionState | undefined;
  saveState: (state: DetectionState) => void;
  /** Keep sessions that can push open in IDLE and report pushed mail here. Off for one-shot checks. */
  onPushed?: (report: MailboxReport) => void;
}

/** "Mark as read" requests waiting for a session; more are refused rather than held. */
export const MAX_PENDING_MARKS = 100;

interface PendingMark { ids: readonly string[]; resolve: (count: number) => void; reject: (error: unknown) => void }

export class CheckRunner {
  private idleSession: MailSession | undefined;
  private marks: PendingMark[] = [];
  private closed = false;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CheckRunnerOptions) {}

  /** One attempt. Never throws: every failure comes back classified. The result is reported as
   * soon as the check is done; IDLE's set-up follows in the background, and the next attempt
   * waits for it (it is bounded by the deadline too). */
  attempt(): Promise<AttemptResult> {
    const run = this.busy.then(() => this.attemptNow());
    this.busy = run.catch(() => undefined).then(() => this.idleStarting);
    return run;
  }

  private idleStarting: Promise<void> = Promise.resolve();

  /**
   * Sets the read flag on these messages with the next session: the idling one at once (no new
   * login), else the next attempt's — the caller asks the watcher for that attempt, so the lockout
   * guard decides when a login may happen. Resolves with how many messages were named.
   */
  markSeen(ids: readonly string[]): Promise<number> {
    if (this.closed) return Promise.reject(new CheckFailure('internal', 'the account was stopped before the messages could be marked as read'));
    if (this.marks.length >= MAX_PENDING_MARKS) return Promise.reject(new CheckFailure('internal', 'too many "mark as read" requests are waiting for the server'));
    return new Promise((resolve, reject) => { this.marks.push({ ids, resolve, reject }); });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const mark of this.marks.splice(0)) mark.reject(new CheckFailure('internal', 'the account was stopped before the messages could be marked as read'));
    const session = this.idleSession;
    this.idleSession = undefined;
    await session?.close();
  }

  private async attemptNow(): Promise<AttemptResult> {
    try {
      if (this.idleSession) {
        const report = await this.checkWith(this.idleSession).catch(async (error: unknown) => {
          // The idling connection went stale: drop it and fall back to a fresh login below.
          this.dropIdleSession();
          this.options.logger.info({ msg: 'IDLE session lost, reconnecting', reason: (error as Error).message });
          return undefined;
        });
        if (report) return { ok: true, report, loginDelaySeconds: undefined };
      }
      const session = await this.login();
      const report = await this.checkWith(session);
      if (this.options.onPushed && session.canIdle && !this.closed) {
        this.idleStarting = this.startIdle(session);
      } else {
        await session.close();
      }
      return { ok: true, report, loginDelaySeconds: session.loginDelaySeconds };
    } catch (error) {
      const failure = internalFailure(error, (entry) => this.options.logger.error(entry));
      return { ok: false, failure: await this.withCertificate(failure) };
    }
  }

  /** Opens a session with the password, or with an OAuth2 access token: a token the server refuses
   * is renewed once and tried again — an expired token is not a failed login, and only the
   * renewed token's refusal is reported (and counted) as one. */
  private async login(): Promise<MailSession> {
    const open = (secret: { password: string } | { accessToken: string }): Promise<MailSession> => openSession({
      endpoint: this.options.endpoint,
      password: 'password' in secret ? secret.password : '',
      ...('accessToken' in secret ? { accessToken: secret.accessToken } : {}),
      ca: this.options.ca,
      pinnedFingerprint: this.options.getPinnedFingerprint?.(),
      deadlineMs: this.options.deadlineMs ?? DEFAULT_DEADLINE_MS,
      logger: this.options.logger,
    });
    const getAccessToken = this.options.getAccessToken;
    if (!getAccessToken) return open({ password: await this.options.getPassword() });
    try {
      return await open({ accessToken: await getAccessToken(false) });
    } catch (error) {
      if (!(error instanceof CheckFailure) || error.reason !== 'rejected' || error.afterLogin) throw error;
      this.options.logger.info({ msg: 'access token refused; renewing it once' });
      return open({ accessToken: await getAccessToken(true) });
    }
  }

  /** A TLS failure needs the user's judgement: fetch what the server presents so it can be shown. */
  private async withCertificate(failure: CheckFailure): Promise<CheckFailure> {
    // Only a certificate that failed verification is worth showing; a missing STARTTLS is not.
    if (failure.reason !== 'tls' || !failure.untrustedCertificate || failure.certificate) return failure;
    const certificate = await probeCertificate(this.options.endpoint);
    return certificate ? new CheckFailure('tls', failure.message, { certificate, untrustedCertificate: true }) : failure;
  }

  private async checkWith(session: MailSession): Promise<MailboxReport> {
    try {
      // Before the check, so the unread count it reports already counts the marks.
      await this.applyMarks(session);
      const report = await session.check(this.options.loadState());
      this.options.saveState(report.state);
      return report;
    } catch (error) {
      await session.close().catch(() => undefined);
      throw error;
    } finally {
      if (this.idleSession && session === this.idleSession) void this.idleAgain(session);
    }
  }

  private async applyMarks(session: MailSession): Promise<void> {
    while (this.marks.length > 0) {
      const mark = this.marks[0]!;
      if (!session.markSeen) {
        this.marks.shift();
        mark.reject(new CheckFailure('protocol', 'this server has no read flags to set (POP3)'));
        continue;
      }
      try {
        const count = await session.markSeen(mark.ids);
        this.marks.shift();
        mark.resolve(count);
      } catch (error) {
        // A refusal answers this request; a lost connection leaves it for the next session.
        if (error instanceof CheckFailure && error.reason === 'protocol') {
          this.marks.shift();
          mark.reject(error);
          continue;
        }
        throw error;
      }
    }
  }

  /** A failed IDLE set-up loses only the push: the check itself already succeeded. */
  private async startIdle(session: MailSession): Promise<void> {
    try {
      await session.startIdle?.({
        onNewMail: () => { void this.pushed(session); },
        onLost: () => { if (this.idleSession === session) this.idleSession = undefined; },
      });
    } catch (error) {
      this.options.logger.info({ msg: 'IDLE could not start; polling only', reason: (error as Error).message });
      session.abort();
      return;
    }
    if (this.closed) { session.abort(); return; }
    this.idleSession = session;
    void this.idleAgain(session);
  }

  private async idleAgain(session: MailSession): Promise<void> {
    if (this.idleSession !== session || this.closed) return;
    try {
      await session.idle?.();
    } catch {
      this.dropIdleSession();
    }
  }

  private async pushed(session: MailSession): Promise<void> {
    const onPushed = this.options.onPushed;
    if (!onPushed || this.idleSession !== session) return;
    const run = this.busy.then(async () => {
      if (this.idleSession !== session) return;
      const report = await this.checkWith(session);
      if (report.newMessages.length > 0) onPushed(report);
    });
    this.busy = run.catch(() => { this.dropIdleSession(); });
    await this.busy;
  }

  private dropIdleSession(): void {
    const session = this.idleSession;
    this.idleSession = undefined;
    session?.abort();
  }
}
