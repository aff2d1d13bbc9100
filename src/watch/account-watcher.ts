// Runs the login control for one account: owns the timer, calls the check runner, feeds outcomes to
// the pure LoginControl and reports events. Clock, timers and randomness come in as parameters.
import type { Timers } from '../protocols/deadline.js';
import { LoginControl, type Decision, type LoginControlMemory } from '../login-control/login-control.js';
import type { MailboxReport } from '../protocols/mail-session.js';
import type { AttemptResult } from './check-runner.js';
import type { WatchEvent } from './watch-events.js';

export interface AccountWatcherOptions {
  intervalMs: number;
  /** The lockout guard's base (default 10 min); only the CLI may shorten it (tests, the demo). */
  backoffBaseMs?: number | undefined;
  memory?: LoginControlMemory | undefined;
  now: () => number;
  random: () => number;
  timers: Timers;
  attempt: () => Promise<AttemptResult>;
  onEvent: (event: WatchEvent) => void;
  /** Called after every change, to persist the control's memory. */
  onMemory?: (memory: LoginControlMemory) => void;
}

export class AccountWatcher {
  readonly control: LoginControl;
  private timer: unknown;
  private running = false;
  private stopped = false;
  private rerunWhenDone = false;
  private lastDecision: Decision | undefined;
  /** Bumped when new credentials replace the old: an attempt that started before answers for the
   * old password, and its failure must neither count again nor ask a second time. */
  private credentialsGeneration = 0;

  constructor(private readonly options: AccountWatcherOptions) {
    this.control = new LoginControl(options.intervalMs, { now: options.now, random: options.random }, options.memory, { backoffBaseMs: options.backoffBaseMs });
  }

  /** First check right away (or as soon as the lockout guard allows, after a restart). */
  start(): void {
    // A question left unanswered by an earlier run (the app was quit, the CLI stopped) is asked
    // again by this one; the backoff it had reached is kept.
    if (this.control.snapshot.awaitingCredentials) {
      this.options.onEvent({ event: 'credentials-needed', message: 'the saved password was refused and has not been replaced yet' });
    }
    this.apply(this.control.wake());
  }

  /** One attempt now, reported like any other, and nothing scheduled after it (`mailbeacon check`). */
  async runOnce(): Promise<void> {
    await this.run();
    this.stop();
  }

  /** New credentials given with a one-shot command (`accounts add`): tried now, once, whatever the
   * lockout guard's window; nothing scheduled after. */
  async runOnceWithNewCredentials(): Promise<void> {
    this.credentialsGeneration += 1;
    this.control.credentialsReplaced();
    await this.runOnce();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  checkNow(): void { this.apply(this.control.wake()); }
  /** "Try now anyway": a login now, inside the guard's window; the user was told the risk. */
  checkNowAnyway(): void { this.apply(this.control.tryNowAnyway()); }
  /** The OS says the network is back, or the machine woke from sleep. */
  networkRestored(): void { this.apply(this.control.wake()); }
  pause(): void { this.apply(this.control.pause()); }
  resume(): void { this.apply(this.control.resume()); }

  /** New credentials were saved (they replace the old ones): try them at once. */
  credentialsReplaced(): void {
    this.credentialsGeneration += 1;
    this.apply(this.control.credentialsReplaced());
  }

  /** An IDLE push found new mail between scheduled checks. */
  pushed(report: MailboxReport): void {
    // A push only follows a successful attempt, so a decision exists; the fallback changes nothing.
    this.options.onEvent(this.checkedEvent(report, this.lastDecision ?? { nextCheckInMs: null, askForCredentials: false, state: 'ok' }));
  }

  get state(): Decision | undefined { return this.lastDecision; }

  private apply(decision: Decision): void {
    this.lastDecision = decision;
    this.options.onMemory?.(this.control.snapshot);
    this.schedule(decision.nextCheckInMs);
  }

  private schedule(delayMs: number | null): void {
    this.clearTimer();
    if (this.stopped || delayMs === null) return;
    this.timer = this.options.timers.setTimeout(() => { this.timer = undefined; void this.run(); }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    if (this.running) { this.rerunWhenDone = true; return; }
    this.running = true;
    try {
      this.control.attemptStarted();
      const generation = this.credentialsGeneration;
      const result = await this.options.attempt();
      if (this.stopped) return;
      if (!result.ok && generation !== this.credentialsGeneration) {
        // The answer to a password already replaced: try the new one now instead.
        this.rerunWhenDone = true;
        return;
      }
      this.report(result);
    } finally {
      this.running = false;
      if (this.rerunWhenDone && !this.stopped) {
        this.rerunWhenDone = false;
        this.schedule(0);
      }
    }
  }

  private report(result: AttemptResult): void {
    if (result.ok) {
      const decision = this.control.recordOutcome({ kind: 'ok', loginDelaySeconds: result.loginDelaySeconds });
      this.apply(decision);
      this.options.onEvent(this.checkedEvent(result.report, decision));
      return;
    }
    const { failure } = result;
    const decision = this.control.recordOutcome({
      kind: 'failed', reason: failure.reason, temporary: failure.temporary,
      afterLogin: failure.afterLogin, loginDelaySeconds: failure.loginDelaySeconds,
    });
    this.apply(decision);
    this.options.onEvent({
      event: 'login-failed', reason: failure.reason, temporary: failure.temporary, message: failure.message, afterLogin: failure.afterLogin,
      consecutiveFailures: this.control.consecutiveFailures, nextCheckMs: decision.nextCheckInMs, state: decision.state,
      ...(failure.certificate ? { certificate: failure.certificate } : {}),
    });
    if (decision.askForCredentials) {
      this.options.onEvent({ event: 'credentials-needed', message: failure.message });
    }
  }

  private checkedEvent(report: MailboxReport, decision: Decision): WatchEvent {
    return {
      event: 'checked', messages: report.messages, unseen: report.unseen, new: report.newMessages,
      consecutiveFailures: this.control.consecutiveFailures, nextCheckMs: decision.nextCheckInMs, state: decision.state,
    };
  }
}
