// One account, wired once: the password source, the certificate the user pinned for its host:port,
// its persisted state (what the last check saw, the login control's memory), the check runner with
// IDLE, and the watcher with the lockout guard. The desktop app and every CLI command present this
// same runtime; neither wires the pieces itself, so they cannot drift apart (the CLI once lost the
// certificate pin that way).
import type { AccountEndpoint } from '../account/account-url.js';
import type { Logger } from '../log/redacting-logger.js';
import type { LoginControlMemory } from '../login-control/login-control.js';
import type { Timers } from '../protocols/deadline.js';
import type { DetectionState } from '../protocols/mail-session.js';
import type { AccountHistory } from './account-history.js';
import { AccountWatcher } from './account-watcher.js';
import { CheckRunner } from './check-runner.js';
import type { WatchEvent } from './watch-events.js';

/** Where an account's persisted state lives (the settings store implements it). */
export interface AccountStatePort {
  accountState(url: string): { detection?: DetectionState | undefined; loginControl?: LoginControlMemory | undefined };
  updateAccountState(url: string, patch: { detection?: DetectionState; loginControl?: LoginControlMemory }): void;
  /** The certificate fingerprint the user trusted for `host:port`. */
  trustedFingerprint(hostPort: string): string | undefined;
}

export interface AccountRuntimeOptions {
  /** Canonical account URL: the identity of its state and its keychain entry. */
  url: string;
  endpoint: AccountEndpoint;
  ca?: string | undefined;
  store: AccountStatePort;
  /** Read anew for every attempt; throws a `credentials-missing` CheckFailure when there is none. */
  readPassword: () => Promise<string>;
  /** OAuth2 accounts: where access tokens come from (see CheckRunnerOptions.getAccessToken). */
  readAccessToken?: ((renew: boolean) => Promise<string>) | undefined;
  logger: Logger;
  intervalMs: number;
  backoffBaseMs?: number | undefined;
  deadlineMs?: number | undefined;
  now: () => number;
  random: () => number;
  timers: Timers;
  /** Keep IMAP sessions idling for pushed mail (watchers); off for one-shot checks. */
  idle: boolean;
  onEvent: (event: WatchEvent) => void;
  /** Where each attempt's outcome is kept for `mailbeacon log` and the window's details. */
  history?: AccountHistory | undefined;
}

export class AccountRuntime {
  readonly url: string;
  readonly endpoint: AccountEndpoint;
  readonly watcher: AccountWatcher;
  private readonly runner: CheckRunner;

  constructor(options: AccountRuntimeOptions) {
    const { url, endpoint, store } = options;
    this.url = url;
    this.endpoint = endpoint;
    this.runner = new CheckRunner({
      endpoint,
      ca: options.ca,
      logger: options.logger,
      ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
      getPassword: options.readPassword,
      getAccessToken: options.readAccessToken,
      getPinnedFingerprint: () => store.trustedFingerprint(`${endpoint.host}:${endpoint.port}`),
      loadState: () => store.accountState(url).detection,
      saveState: (detection) => store.updateAccountState(url, { detection }),
      ...(options.idle ? { onPushed: (report) => this.watcher.pushed(report) } : {}),
    });
    this.watcher = new AccountWatcher({
      intervalMs: options.intervalMs,
      backoffBaseMs: options.backoffBaseMs,
      memory: store.accountState(url).loginControl,
      now: options.now,
      random: options.random,
      timers: options.timers,
      attempt: () => this.runner.attempt(),
      onEvent: (event) => {
        options.history?.record(event);
        options.onEvent(event);
      },
      onMemory: (loginControl) => store.updateAccountState(url, { loginControl }),
    });
  }

  get memory(): LoginControlMemory { return this.watcher.control.snapshot; }

  /** When the lockout guard next allows a login (epoch ms), or null when it allows one now. */
  loginAllowedAt(): number | null { return this.watcher.control.loginAllowedAt(); }

  start(): void { this.watcher.start(); }
  /** One attempt now (even inside the guard's window: the caller decided), nothing scheduled after. */
  runOnce(): Promise<void> { return this.watcher.runOnce(); }
  /** New credentials from a one-shot command: tried now, once. */
  runOnceWithNewCredentials(): Promise<void> { return this.watcher.runOnceWithNewCredentials(); }
  checkNow(): void { this.watcher.checkNow(); }
  checkNowAnyway(): void { this.watcher.checkNowAnyway(); }
  networkRestored(): void { this.watcher.networkRestored(); }
  pause(): void { this.watcher.pause(); }
  resume(): void { this.watcher.resume(); }
  credentialsReplaced(): void { this.watcher.credentialsReplaced(); }

  /** "Mark as read" on a notification: through the idling session when there is one, else with a
   * check the lockout guard allows (a stale password is not tried again just for this). */
  markSeen(ids: readonly string[]): Promise<number> {
    const done = this.runner.markSeen(ids);
    this.watcher.checkNow();
    return done;
  }

  async stop(): Promise<void> {
    this.watcher.stop();
    await this.runner.close().catch(() => undefined);
  }
}
