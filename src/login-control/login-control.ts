// The login control (after CN102739681A) as a pure state machine: it takes the outcome of each
// attempt, the user's actions and the clock, and answers with the delay before the next attempt,
// the tray state, and whether to ask the user for new credentials. No sockets, no timers: the
// watcher owns those, which is what lets tests run a day of failures in milliseconds.
import type { FailureReason } from '../protocols/check-failure.js';
import { DEFAULT_BACKOFF_BASE_MS, loginBackoffMs, networkRetryMs, withJitter } from './backoff-schedule.js';

export const DEFAULT_INTERVAL_MS = 10 * 60 * 1000;

export type TrayState = 'ok' | 'error' | 'needs-password' | 'paused';

export type AttemptOutcome =
  | { kind: 'ok'; loginDelaySeconds?: number | undefined }
  | {
    kind: 'failed';
    reason: FailureReason;
    temporary: boolean;
    /** The login had succeeded; something after it failed. */
    afterLogin: boolean;
    loginDelaySeconds?: number | undefined;
  };

/** Everything the control remembers; persisted per account so a restart keeps the backoff. */
export interface LoginControlMemory {
  consecutiveFailures: number;
  networkFailures: number;
  /** When the last attempt that reached the login step was made (epoch ms). */
  lastLoginAttemptAt: number | null;
  lastFailure: FailureReason | null;
  /** The user was asked for the current saved credentials and has not answered yet. */
  awaitingCredentials: boolean;
  /** The server's own minimum between logins (POP3 LOGIN-DELAY), ms. */
  serverMinIntervalMs: number;
  paused: boolean;
}

export interface Decision {
  /** Delay before the next attempt; null = none scheduled (paused, or a TLS problem awaits the user). */
  nextCheckInMs: number | null;
  /** True exactly once per stale set of credentials. */
  askForCredentials: boolean;
  state: TrayState;
}

export interface LoginControlDeps {
  now: () => number;
  random: () => number;
}

export interface LoginControlOptions {
  /** The lockout guard's base in absolute time (default 10 min); see backoff-schedule.ts. */
  backoffBaseMs?: number | undefined;
}

export function freshMemory(): LoginControlMemory {
  return {
    consecutiveFailures: 0, networkFailures: 0, lastLoginAttemptAt: null, lastFailure: null,
    awaitingCredentials: false, serverMinIntervalMs: 0, paused: false,
  };
}

export class LoginControl {
  private memory: LoginControlMemory;
  readonly backoffBaseMs: number;

  constructor(private readonly intervalMs: number, private readonly deps: LoginControlDeps, memory?: LoginControlMemory, options: LoginControlOptions = {}) {
    if (!(intervalMs >= 1000)) throw new RangeError('the check interval must be at least 1 second');
    this.backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    if (!(this.backoffBaseMs >= 1000)) throw new RangeError('the backoff base must be at least 1 second');
    this.memory = { ...freshMemory(), ...memory };
  }

  get snapshot(): LoginControlMemory { return { ...this.memory }; }
  get consecutiveFailures(): number { return this.memory.consecutiveFailures; }

  /** The account's interval, never below what the server itself asks for (RFC 2449 LOGIN-DELAY). */
  get effectiveIntervalMs(): number {
    return Math.max(this.intervalMs, this.memory.serverMinIntervalMs);
  }

  /** Call just before an attempt starts (it will try to log in). */
  attemptStarted(): void {
    this.memory.lastLoginAttemptAt = this.deps.now();
  }

  recordOutcome(outcome: AttemptOutcome): Decision {
    const m = this.memory;
    if (outcome.loginDelaySeconds) m.serverMinIntervalMs = outcome.loginDelaySeconds * 1000;
    if (outcome.kind === 'ok') {
      m.consecutiveFailures = 0;
      m.networkFailures = 0;
      m.lastFailure = null;
      m.awaitingCredentials = false;
      return this.decide(this.regularDelay(), false);
    }
    m.lastFailure = outcome.reason;
    switch (outcome.reason) {
      case 'tls':
        // A certificate problem needs a person's decision; retrying blindly cannot fix it.
        m.networkFailures = 0;
        return this.decide(null, false);
      case 'network':
      case 'timeout':
        if (outcome.afterLogin) this.loginSucceeded();
        m.networkFailures += 1;
        return this.decide(this.networkDelay(), false);
      case 'not-found':
      case 'protocol':
      case 'internal':
        // No login was refused; retrying soon cannot help (a wrong host name, a server that sends
        // what we refuse, our own bug): the regular interval, and the user is told in words.
        if (outcome.afterLogin) this.loginSucceeded();
        m.networkFailures = 0;
        return this.decide(this.regularOrGuarded(), false);
      case 'credentials-missing': {
        // Nothing was sent: no login spent. Ask once; trying again later costs nothing.
        const ask = !m.awaitingCredentials;
        m.awaitingCredentials = true;
        return this.decide(this.regularOrGuarded(), ask);
      }
      case 'closed-by-server':
        if (outcome.afterLogin) {
          // The credentials worked; the server failed us later. Not a login failure.
          this.loginSucceeded();
          m.networkFailures += 1;
          return this.decide(this.networkDelay(), false);
        }
        return this.countLoginFailure(false);
      case 'rejected':
        return this.countLoginFailure(!outcome.temporary);
    }
  }

  /** The user typed new credentials: they replace the saved ones and are tried at once. */
  credentialsReplaced(): Decision {
    this.memory.awaitingCredentials = false;
    this.memory.paused = false;
    return this.decide(0, false);
  }

  /** When the guard allows the next login (epoch ms), or null when a login is allowed now. */
  loginAllowedAt(): number | null {
    const at = this.earliestLoginAt();
    return at > this.deps.now() ? at : null;
  }

  /** "Check now", "network came back", "resumed from sleep": as soon as the lockout guard allows. */
  wake(): Decision {
    if (this.memory.paused) return this.decide(null, false);
    this.memory.networkFailures = 0;
    return this.decide(Math.max(0, this.earliestLoginAt() - this.deps.now()), false);
  }

  /** The user insists ("Try now anyway" after being told when the guard allows the next login). */
  tryNowAnyway(): Decision {
    if (this.memory.paused) return this.decide(null, false);
    this.memory.networkFailures = 0;
    return this.decide(0, false);
  }

  pause(): Decision {
    this.memory.paused = true;
    return this.decide(null, false);
  }

  resume(): Decision {
    this.memory.paused = false;
    return this.wake();
  }

  private countLoginFailure(permanent: boolean): Decision {
    const m = this.memory;
    m.consecutiveFailures += 1;
    m.networkFailures = 0;
    const ask = permanent && !m.awaitingCredentials;
    if (ask) m.awaitingCredentials = true;
    return this.decide(this.backoffDelay(), ask);
  }

  private loginSucceeded(): void {
    this.memory.consecutiveFailures = 0;
    this.memory.awaitingCredentials = false;
  }

  private regularDelay(): number {
    return withJitter(this.effectiveIntervalMs, this.deps.random);
  }

  private regularOrGuarded(): number {
    return Math.max(this.regularDelay(), this.earliestLoginAt() - this.deps.now());
  }

  private backoffDelay(): number {
    return withJitter(loginBackoffMs(this.memory.consecutiveFailures, this.backoffBaseMs, this.effectiveIntervalMs), this.deps.random);
  }

  /** No login before the backoff since the last login attempt has run out. */
  private earliestLoginAt(): number {
    const m = this.memory;
    if (m.consecutiveFailures === 0 || m.lastLoginAttemptAt === null) return 0;
    return m.lastLoginAttemptAt + loginBackoffMs(m.consecutiveFailures, this.backoffBaseMs, this.effectiveIntervalMs);
  }

  private networkDelay(): number {
    const soon = networkRetryMs(this.effectiveIntervalMs, this.memory.networkFailures);
    return Math.max(soon, this.earliestLoginAt() - this.deps.now());
  }

  private decide(nextCheckInMs: number | null, askForCredentials: boolean): Decision {
    const m = this.memory;
    const state: TrayState = m.paused ? 'paused'
      : m.awaitingCredentials ? 'needs-password'
        : m.lastFailure ? 'error' : 'ok';
    return { nextCheckInMs: m.paused ? null : nextCheckInMs, askForCredentials, state };
  }
}
