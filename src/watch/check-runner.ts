// One check of one account, end to end: password → session → mailbox report → persisted detection
// state. For IMAP servers that offer IDLE, the session of a successful check is kept open and
// idling, so new mail is pushed within a second; the scheduled checks reuse it (which also renews
// IDLE well before the 29-minute limit of RFC 2177), and a lost IDLE session falls back to polling.
import type { AccountEndpoint } from '../account/account-url.js';
import type { Logger } from '../log/redacting-logger.js';
import { probeCertificate } from '../protocols/certificate.js';
import { CheckFailure } from '../protocols/check-failure.js';
import { ImapSession } from '../protocols/imap/imap-session.js';
import type { DetectionState, MailboxReport, MailSession } from '../protocols/mail-session.js';
import { openSession } from '../protocols/open-session.js';

export const DEFAULT_DEADLINE_MS = 45_000;
/** imapflow re-issues IDLE after this long even with no scheduled check (RFC 2177: under 29 min). */
const MAX_IDLE_MS = 25 * 60 * 1000;

export type AttemptResult =
  | { ok: true; report: MailboxReport; loginDelaySeconds: number | undefined }
  | { ok: false; failure: CheckFailure };

export interface CheckRunnerOptions {
  endpoint: AccountEndpoint;
  ca?: string | undefined;
  deadlineMs?: number;
  logger: Logger;
  /** Read anew for every attempt: replaced credentials take effect at once. */
  getPassword: () => Promise<string>;
  /** The certificate fingerprint the user trusted for this host:port, read anew for each attempt. */
  getPinnedFingerprint?: () => string | undefined;
  loadState: () => DetectionState | undefined;
  saveState: (state: DetectionState) => void;
  /** Keep IMAP sessions open in IDLE and report pushed mail here. Off for one-shot checks. */
  onPushed?: (report: MailboxReport) => void;
}

export class CheckRunner {
  private idleSession: ImapSession | undefined;
  private closed = false;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CheckRunnerOptions) {}

  /** One attempt. Never throws: every failure comes back classified. */
  attempt(): Promise<AttemptResult> {
    const run = this.busy.then(() => this.attemptNow());
    this.busy = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
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
      const session = await openSession({
        endpoint: this.options.endpoint,
        password: await this.options.getPassword(),
        ca: this.options.ca,
        pinnedFingerprint: this.options.getPinnedFingerprint?.(),
        deadlineMs: this.options.deadlineMs ?? DEFAULT_DEADLINE_MS,
        logger: this.options.logger,
      });
      const report = await this.checkWith(session);
      if (this.options.onPushed && session instanceof ImapSession && session.capabilities.has('IDLE') && !this.closed) {
        await this.startIdle(session);
      } else {
        await session.close();
      }
      return { ok: true, report, loginDelaySeconds: session.loginDelaySeconds };
    } catch (error) {
      const failure = error instanceof CheckFailure ? error : new CheckFailure('network', (error as Error).message);
      return { ok: false, failure: await this.withCertificate(failure) };
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
      const report = await session.check(this.options.loadState());
      this.options.saveState(report.state);
      return report;
    } catch (error) {
      await session.close().catch(() => undefined);
      throw error;
    } finally {
      if (this.idleSession && (session as unknown) === this.idleSession) void this.idleAgain(this.idleSession);
    }
  }

  private async startIdle(session: ImapSession): Promise<void> {
    const client = session.client;
    client.setMaxListeners?.(20);
    (client as unknown as { maxIdleTime: number }).maxIdleTime = MAX_IDLE_MS;
    await client.mailboxOpen('INBOX', { readOnly: true });
    this.idleSession = session;
    client.on('exists', () => { void this.pushed(session); });
    client.on('close', () => { if (this.idleSession === session) this.idleSession = undefined; });
    void this.idleAgain(session);
  }

  private async idleAgain(session: ImapSession): Promise<void> {
    if (this.idleSession !== session || this.closed) return;
    try {
      await session.client.idle();
    } catch {
      this.dropIdleSession();
    }
  }

  private async pushed(session: ImapSession): Promise<void> {
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
    session?.client.close();
  }
}
