// The desktop app's core: every saved account with its own login control and watcher, the views
// the window shows, the questions waiting for the user (new credentials, untrusted certificates),
// notifications and the tray summary. Everything platform-specific comes in through ports, so the
// Electron shell and the browser-test bridge drive exactly this code.
import { formatAccountUrl, parseAccountUrl, type AccountEndpoint } from '../account/account-url.js';
import type {
  AccountInput, AccountView, AppSettings, CheckNowResult, DiscoveryResult, MigrationPlanView, ResponseOf, MigrationSourceInput, MigrationView, Pending, PushChannel, PushOf, TestResult,
} from '../ipc/contract.js';
import { SecretRegistry, type Logger } from '../log/redacting-logger.js';
import type { TrayState } from '../login-control/login-control.js';
import type { CertificateInfo } from '../protocols/certificate.js';
import type { Timers } from '../protocols/deadline.js';
import type { DetectionState } from '../protocols/mail-session.js';
import { KeychainUnavailableError, type SecretStore } from '../secrets/secret-store.js';
import type { SavedAccount, SettingsStore } from '../settings/settings-store.js';
import { CheckFailure } from '../protocols/check-failure.js';
import { AccountHistory, historyPath, type HistoryEntry } from '../watch/account-history.js';
import { AccountRuntime } from '../watch/account-runtime.js';
import { CheckRunner } from '../watch/check-runner.js';
import type { WatchEvent } from '../watch/watch-events.js';
import { diagnostics } from '../support/diagnostics.js';
import { MigrationManager } from './migration-manager.js';
import { AnnouncedMessages, planNotifications, type PlannedNotification } from './notification-planner.js';
import { summariseTray, type TraySummary } from './tray-summary.js';
import { discover, type DiscoveryOutcome } from '../discovery/discover.js';
import { AddressError } from '../discovery/discovery-context.js';
import { windowPart } from '../settings/app-settings.js';
import { PublishedPolicies, POLICY_MAX_BYTES } from '../migration/published-policies.js';
import { fetchBounded } from '../protocols/net/bounded-fetch.js';
import { nameResolver, type NameResolver } from '../protocols/net/name-resolver.js';
import { probeServer, type ProbeResult } from '../protocols/net/server-probe.js';
import { OAuthTokens } from '../oauth/oauth-tokens.js';
import { clientIdFor, OAuthSetupError, type OAuthServer } from '../oauth/oauth-server.js';
import { signIn, type Grant } from '../oauth/sign-in.js';

const POLICY_FETCH_DEADLINE_MS = 10_000;
const PROBE_DEADLINE_MS = 10_000;

export type AppNotification = PlannedNotification | { kind: 'credentials-needed'; accountUrl: string };

export interface AppCoreDeps {
  store: SettingsStore;
  secrets: SecretStore;
  logger: Logger;
  /** Registers a secret for log redaction the moment it is in memory. */
  registerSecret: (secret: string) => void;
  /** The log's redaction, for what the app keeps besides the log (an account's history); by
   * default the secrets this core registered. */
  redact?: ((text: string) => string) | undefined;
  notify: (notification: AppNotification) => void;
  push: <C extends PushChannel>(channel: C, payload: PushOf<C>) => void;
  onTray: (summary: TraySummary) => void;
  /** What runs the app (Electron, Chromium, Node), for the diagnostics export. */
  versions?: Record<string, string | undefined>;
  /** The shell follows saved settings too (language of the tray, start at login). */
  onSettingsChanged?: (settings: AppSettings) => void;
  now: () => number;
  random: () => number;
  /** The watchers' timers; in the app they keep the process alive. */
  timers: Timers;
  deadlineMs?: number;
  /** How discovery and published policies reach the network: the system's DNS and roots unless
   * a deployment (or a test) names DNS servers, an extra CA or another ISPDB. */
  network?: { resolver?: NameResolver; ca?: string | undefined; ispdbUrl?: string | undefined };
  /** Shows a provider's sign-in page in the system browser (RFC 8252); only main's own sign-in
   * requests come here, never an address from the page. */
  openSignInPage?: (url: string) => Promise<void>;
  /** OAuth2 client IDs from the environment (MAILBEACON_OAUTH_CLIENT_ID…); settings add more. */
  env?: NodeJS.ProcessEnv;
}

interface Runtime {
  saved: SavedAccount;
  endpoint: AccountEndpoint;
  account: AccountRuntime;
  /** Its attempts, kept in the state dir (see account-history.ts). */
  history: AccountHistory;
  messages: number | null;
  unread: number | null;
  lastCheckAt: number | null;
  nextCheckAt: number | null;
  lastFailure: AccountView['lastFailure'];
  state: TrayState;
  /** The first successful check only sets the baseline: nothing already there is announced. */
  baselined: boolean;
  /** OAuth2 accounts: the grant (keychain) and the access token (memory). */
  tokens: OAuthTokens | undefined;
}

export class AppCoreError extends Error {
  override readonly name = 'AppCoreError';
}

export class AppCore {
  private readonly accounts = new Map<string, Runtime>();
  private readonly pendingCredentials = new Map<string, string>();
  private readonly pendingCertificates = new Map<string, CertificateInfo>();
  private readonly announced = new AnnouncedMessages();
  readonly migrations: MigrationManager;

  private readonly resolver: NameResolver;

  /** Secrets this core has registered, for `redact` when the shell gave none. */
  private readonly seenSecrets = new SecretRegistry();

  constructor(private readonly deps: AppCoreDeps) {
    this.resolver = deps.network?.resolver ?? nameResolver();
    const publishedPolicies = new PublishedPolicies({
      directory: deps.store.directory,
      fetch: (url, headers) => fetchBounded(url, {
        lookup: this.resolver.lookup, ca: deps.network?.ca, deadlineMs: POLICY_FETCH_DEADLINE_MS, maxBytes: POLICY_MAX_BYTES, headers,
      }),
      now: deps.now,
      log: (entry) => deps.logger.info(entry),
    });
    this.migrations = new MigrationManager({
      store: deps.store, secrets: deps.secrets, logger: deps.logger, registerSecret: deps.registerSecret,
      push: deps.push, deadlineMs: deps.deadlineMs, publishedPolicies,
      accessTokenFor: (url) => {
        const tokens = this.accounts.get(url)?.tokens;
        return tokens ? (renew) => tokens.accessToken(renew) : undefined;
      },
    });
  }

  /** Server settings for an address (the add-account form's first step). */
  discover(address: string): Promise<DiscoveryOutcome> {
    return discover(address, {
      resolver: this.resolver, ca: this.deps.network?.ca,
      ispdbUrl: this.deps.store.appSettings().ispdbUrl ?? this.deps.network?.ispdbUrl,
    });
  }

  /** Discovery as the window sees it: an address the page sent that is not one gets our words. */
  async discoverForWindow(address: string): Promise<DiscoveryResult> {
    let outcome: DiscoveryOutcome;
    try {
      outcome = await this.discover(address);
    } catch (error) {
      if (error instanceof AddressError) throw new AppCoreError(error.message);
      throw error;
    }
    if (!outcome.found) return { found: false, bestGuess: outcome.bestGuess };
    const { source, trusted, provider, from, hint, incoming, oauth2 } = outcome.discovery;
    return { found: true, source, trusted, provider, from, hint, incoming, signIn: oauth2 !== null };
  }

  async probeForWindow(server: Parameters<AppCore['probe']>[0]): Promise<ResponseOf<'accounts:probe'>> {
    const result = await this.probe(server);
    return result.ok ? { ok: true } : { ok: false, reason: result.failure.reason, message: result.failure.message };
  }

  /** Does the server answer as a mail server, its certificate verified for its name? No password is sent. */
  probe(server: { protocol: 'imap' | 'pop3'; security: 'tls' | 'starttls' | 'plaintext'; host: string; port: number }): Promise<ProbeResult> {
    return probeServer(server, { lookup: this.resolver.lookup, ca: this.deps.network?.ca, deadlineMs: PROBE_DEADLINE_MS });
  }

  start(): void {
    for (const saved of this.deps.store.listAccounts()) this.startAccount(saved);
    this.publishTray();
  }

  async stop(): Promise<void> {
    const closing = [...this.accounts.values()].map((runtime) => this.stopRuntime(runtime));
    this.accounts.clear();
    await Promise.all([...closing, this.migrations.stopAll()]);
  }

  migration(url: string): MigrationView { return this.migrations.view(url, this.runtime(url).endpoint); }
  planMigration(url: string, source: MigrationSourceInput): Promise<MigrationPlanView> { return this.migrations.plan(url, this.runtime(url).endpoint, source); }
  startMigration(url: string, source: MigrationSourceInput): Promise<MigrationView> { return this.migrations.start(url, this.runtime(url).endpoint, source); }
  pauseMigration(url: string): void { this.runtime(url); this.migrations.pause(url); }
  resumeMigration(url: string): Promise<MigrationView> { return this.migrations.resume(url, this.runtime(url).endpoint); }
  retireMigration(url: string): MigrationView { return this.migrations.retire(url, this.runtime(url).endpoint); }

  /** A saved account's recent attempts (what `mailbeacon log` prints), oldest first. */
  history(url: string): HistoryEntry[] {
    return this.runtime(url).history.entries();
  }

  listAccounts(): AccountView[] {
    return [...this.accounts.values()].map((runtime) => this.view(runtime));
  }

  async addAccount(input: AccountInput): Promise<AccountView> {
    const endpoint = endpointOf(input);
    const url = formatAccountUrl(endpoint);
    if (this.accounts.has(url)) throw new AppCoreError(`${input.user} on ${input.host} is already set up`);
    this.registerSecret(input.password);
    await this.deps.secrets.setPassword(url, input.password);
    const saved: SavedAccount = { url, intervalSeconds: Math.round(input.intervalMinutes * 60), ...(input.webmailUrl ? { webmailUrl: input.webmailUrl } : {}) };
    this.deps.store.saveAccount(saved);
    const runtime = this.startAccount(saved);
    this.publishTray();
    return this.view(runtime);
  }

  /** Interval and link; a changed interval restarts the watcher with the control's memory kept. */
  async updateAccount(url: string, changes: { intervalMinutes: number; webmailUrl: string }): Promise<AccountView> {
    const runtime = this.runtime(url);
    const saved: SavedAccount = { ...runtime.saved, intervalSeconds: Math.round(changes.intervalMinutes * 60), webmailUrl: changes.webmailUrl || undefined };
    this.deps.store.saveAccount(saved);
    await this.stopRuntime(runtime);
    const restarted = this.startAccount(saved);
    this.publishTray();
    return this.view(restarted);
  }

  async removeAccount(url: string): Promise<void> {
    const runtime = this.runtime(url);
    this.accounts.delete(url);
    this.pendingCredentials.delete(url);
    this.pendingCertificates.delete(url);
    await this.stopRuntime(runtime);
    this.deps.store.removeAccount(url);
    await this.deps.secrets.deletePassword(url);
    await runtime.tokens?.forget();
    runtime.history.forget();
    this.deps.push('account-removed', { url });
    this.publishTray();
  }

  /** One attempt with what the form holds; saves nothing. */
  async testConnection(input: AccountInput): Promise<TestResult> {
    const endpoint = endpointOf(input);
    this.registerSecret(input.password);
    let state: DetectionState | undefined;
    const runner = new CheckRunner({
      endpoint, logger: this.deps.logger, getPassword: async () => input.password,
      getPinnedFingerprint: () => this.deps.store.trustedFingerprint(`${endpoint.host}:${endpoint.port}`),
      loadState: () => state, saveState: (next) => { state = next; },
      ...(this.deps.deadlineMs ? { deadlineMs: this.deps.deadlineMs } : {}),
    });
    const result = await runner.attempt();
    await runner.close();
    if (result.ok) return { ok: true, messages: result.report.messages, unread: result.report.unseen };
    const { failure } = result;
    return { ok: false, reason: failure.reason, message: failure.message, ...(failure.certificate ? { certificate: failure.certificate } : {}) };
  }

  /**
   * "Check now". An account waiting for a password gets the question again (a login with the
   * refused one cannot help); inside the lockout guard's window the check waits for the guard and
   * the answer says until when, unless `force` ("Try now anyway").
   */
  checkNow(url?: string, force = false): CheckNowResult {
    if (url === undefined) {
      for (const runtime of this.accounts.values()) runtime.account.checkNow();
      return { loginAllowedAt: null, askedForPassword: false };
    }
    const runtime = this.runtime(url);
    if (runtime.account.memory.awaitingCredentials) {
      this.askForCredentials(url);
      return { loginAllowedAt: null, askedForPassword: true };
    }
    if (force) {
      runtime.account.checkNowAnyway();
      return { loginAllowedAt: null, askedForPassword: false };
    }
    runtime.account.checkNow();
    return { loginAllowedAt: runtime.account.loginAllowedAt(), askedForPassword: false };
  }

  /** The way back to a question put away with "Not now": the card's button, the tray's item. */
  askForCredentials(url: string): void {
    const runtime = this.runtime(url);
    if (!runtime.account.memory.awaitingCredentials) throw new AppCoreError('this account is not waiting for a password');
    const message = runtime.lastFailure?.message ?? 'the saved password is not accepted';
    this.pendingCredentials.set(url, message);
    this.deps.push('credentials-needed', { url, message });
  }
  pause(url?: string): void { for (const runtime of this.targets(url)) { runtime.account.pause(); this.changed(runtime); } }
  resume(url?: string): void { for (const runtime of this.targets(url)) { runtime.account.resume(); this.changed(runtime); } }
  /** The OS says the network is back, or the machine woke from sleep. */
  networkRestored(): void { for (const runtime of this.accounts.values()) runtime.account.networkRestored(); }

  /** New credentials replace the saved ones and are tried at once. */
  async submitCredentials(url: string, password: string): Promise<void> {
    const runtime = this.runtime(url);
    this.registerSecret(password);
    await this.deps.secrets.setPassword(url, password);
    this.pendingCredentials.delete(url);
    runtime.account.credentialsReplaced();
  }

  /** "Not now": the question is put away, the account stays in needs-password with its way back
   * (the card's button, the tray's item, "Check now"); polling goes on at the guard's pace. */
  dismissCredentials(url: string): void {
    this.pendingCredentials.delete(url);
  }

  /** Pins the certificate the user was shown for this account's host:port, then checks at once. */
  trustCertificate(url: string, fingerprint256: string): void {
    const runtime = this.runtime(url);
    const shown = this.pendingCertificates.get(url);
    if (!shown || shown.fingerprint256 !== fingerprint256) {
      throw new AppCoreError('that certificate is not the one the server presented; check again and review it');
    }
    this.deps.store.trustFingerprint(`${runtime.endpoint.host}:${runtime.endpoint.port}`, fingerprint256);
    this.pendingCertificates.delete(url);
    runtime.account.checkNow();
  }

  dismissCertificate(url: string): void {
    this.pendingCertificates.delete(url);
  }

  pending(): Pending {
    return {
      credentials: [...this.pendingCredentials].map(([url, message]) => ({ url, message })),
      certificates: [...this.pendingCertificates].map(([url, certificate]) => ({ url, ...certificate })),
    };
  }

  settings(): AppSettings { return windowPart(this.deps.store.appSettings()); }

  /** The window's settings replace its part; the deployment's part stays as the file has it. */
  saveSettings(settings: AppSettings): AppSettings {
    const { ispdbUrl, policyUrl, oauthClientIds } = this.deps.store.appSettings();
    this.deps.store.saveAppSettings({
      ...windowPart(settings as Parameters<typeof windowPart>[0]), ...(ispdbUrl ? { ispdbUrl } : {}), ...(policyUrl ? { policyUrl } : {}),
      ...(oauthClientIds ? { oauthClientIds } : {}),
    });
    this.deps.push('settings-changed', settings);
    this.deps.onSettingsChanged?.(settings);
    return settings;
  }

  /** A link the window may open: some account's own webmail link, or mailto: (a mail client). */
  mayOpenLink(link: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(link);
    } catch {
      return false;
    }
    if (parsed.protocol === 'mailto:') return true;
    return [...this.accounts.values()].some((runtime) => runtime.saved.webmailUrl !== undefined && runtime.saved.webmailUrl === link);
  }

  /** The diagnostics export for support (src/support/diagnostics.ts): no secret, the log's tail. */
  diagnostics(): Record<string, unknown> {
    return diagnostics(this.deps.store, { now: new Date(this.deps.now()), runtime: { shell: 'app', ...(this.deps.versions ? { versions: this.deps.versions } : {}) } });
  }

  /** Whether this account's notifications can offer "Mark as read": IMAP has flags, POP3 none. */
  canMarkAsRead(url: string): boolean {
    return this.accounts.get(url)?.endpoint.protocol === 'imap';
  }

  /**
   * "Mark as read" on a new-mail notification (one message, or every message of a group): sets
   * \Seen on exactly those messages through the account's runtime — its idling session when one
   * is open, else the next check the lockout guard allows. Resolves with how many it named.
   * Main calls this with the ids of a notification the core itself planned, never the page's.
   */
  markAsRead(notification: PlannedNotification): Promise<number> {
    const runtime = this.accounts.get(notification.accountUrl);
    if (!runtime) return Promise.reject(new AppCoreError('that account is no longer set up'));
    if (runtime.endpoint.protocol !== 'imap') return Promise.reject(new AppCoreError('POP3 keeps no read flags: mail can only be marked as read over IMAP'));
    const ids = notification.kind === 'message' ? [notification.messageId] : notification.messageIds;
    return runtime.account.markSeen(ids);
  }

  webmailUrl(url: string): string | undefined {
    return this.accounts.get(url)?.saved.webmailUrl;
  }

  private registerSecret(secret: string): void {
    this.seenSecrets.add(secret);
    this.deps.registerSecret(secret);
  }

  private redact(text: string): string {
    return this.deps.redact ? this.deps.redact(text) : this.seenSecrets.redact(text);
  }

  private startAccount(saved: SavedAccount, signedIn?: OAuthTokens): Runtime {
    const endpoint = parseAccountUrl(saved.url);
    const { store } = this.deps;
    const intervalMs = (saved.intervalSeconds ?? store.appSettings().defaultIntervalMinutes * 60) * 1000;
    const tokens = signedIn ?? (saved.oauth ? this.tokensFor(saved.url, saved.oauth, saved.ca) : undefined);
    const history = new AccountHistory(historyPath(store.directory, saved.url), (text) => this.redact(text));
    const account = new AccountRuntime({
      url: saved.url,
      endpoint,
      ca: saved.ca,
      store,
      readAccessToken: tokens ? (renew) => tokens.accessToken(renew) : undefined,
      readPassword: async () => {
        const password = await this.deps.secrets.getPassword(saved.url).catch((error: unknown) => {
          // A locked or missing keychain: the user must give the password, no server is at fault.
          if (error instanceof KeychainUnavailableError) throw new CheckFailure('credentials-missing', `the keychain cannot be read: ${error.message}`);
          throw error;
        });
        if (password === undefined) throw new CheckFailure('credentials-missing', 'there is no saved password for this account in the keychain');
        this.registerSecret(password);
        return password;
      },
      logger: this.deps.logger,
      intervalMs,
      // The app always keeps the default lockout guard: only the CLI may shorten it (tests, demo).
      deadlineMs: this.deps.deadlineMs,
      now: this.deps.now,
      random: this.deps.random,
      timers: this.deps.timers,
      idle: true,
      history,
      onEvent: (event) => this.onWatchEvent(runtime, event),
    });
    const runtime: Runtime = {
      saved, endpoint, account, history, messages: null, unread: null, lastCheckAt: null, nextCheckAt: null,
      lastFailure: null, state: 'ok', baselined: store.accountState(saved.url).detection !== undefined, tokens,
    };
    this.accounts.set(saved.url, runtime);
    account.start();
    return runtime;
  }

  private async stopRuntime(runtime: Runtime): Promise<void> {
    await runtime.account.stop();
  }

  private onWatchEvent(runtime: Runtime, event: WatchEvent): void {
    if (this.accounts.get(runtime.saved.url) !== runtime) return; // a stopped watcher's late answer
    const url = runtime.saved.url;
    const now = this.deps.now();
    switch (event.event) {
      case 'checked': {
        Object.assign(runtime, {
          messages: event.messages, unread: event.unseen, lastCheckAt: now, lastFailure: null, state: event.state,
          nextCheckAt: event.nextCheckMs === null ? null : now + event.nextCheckMs,
        });
        this.pendingCredentials.delete(url);
        this.pendingCertificates.delete(url);
        if (event.new.length > 0) this.announce(runtime, event.new);
        runtime.baselined = true;
        // A good login: the moment the organisation's migration starts, or a finished one re-syncs.
        this.migrations.afterCheck(url, runtime.endpoint);
        break;
      }
      case 'login-failed':
        Object.assign(runtime, {
          lastCheckAt: now, state: event.state,
          lastFailure: { reason: event.reason, message: event.message, temporary: event.temporary },
          nextCheckAt: event.nextCheckMs === null ? null : now + event.nextCheckMs,
        });
        if (event.certificate) {
          this.pendingCertificates.set(url, event.certificate);
          this.deps.push('certificate-untrusted', { url, ...event.certificate });
        }
        break;
      case 'credentials-needed':
        this.pendingCredentials.set(url, event.message);
        this.deps.push('credentials-needed', { url, message: event.message });
        this.deps.notify({ kind: 'credentials-needed', accountUrl: url });
        return;
    }
    this.changed(runtime);
  }

  private announce(runtime: Runtime, messages: import('../detection/message-summary.js').MessageSummary[]): void {
    const url = runtime.saved.url;
    this.deps.push('new-mail', { url, messages });
    if (!runtime.baselined) {
      // What was in the mailbox before Mailbeacon first looked is not news.
      for (const message of messages) this.announced.claim(url, message.id);
      return;
    }
    const planned = planNotifications(url, messages, { settings: this.deps.store.appSettings(), now: new Date(this.deps.now()), announced: this.announced });
    for (const notification of planned) this.deps.notify(notification);
  }

  private changed(runtime: Runtime): void {
    if (runtime.account.watcher.state) runtime.state = runtime.account.watcher.state.state;
    this.deps.push('account-changed', this.view(runtime));
    this.publishTray();
  }

  private publishTray(): void {
    this.deps.onTray(summariseTray([...this.accounts.values()].map((runtime) => ({
      url: runtime.saved.url, user: runtime.endpoint.user, state: runtime.state, unread: runtime.unread, nextCheckAt: runtime.nextCheckAt,
      auth: runtime.saved.oauth ? 'oauth2' as const : 'password' as const,
    }))));
  }

  private view(runtime: Runtime): AccountView {
    const { endpoint, saved } = runtime;
    const memory = runtime.account.memory;
    return {
      url: saved.url, user: endpoint.user, protocol: endpoint.protocol, host: endpoint.host, port: endpoint.port,
      security: endpoint.security,
      intervalMinutes: (saved.intervalSeconds ?? this.deps.store.appSettings().defaultIntervalMinutes * 60) / 60,
      webmailUrl: saved.webmailUrl ?? '',
      state: memory.paused ? 'paused' : runtime.state,
      messages: runtime.messages, unread: runtime.unread, lastCheckAt: runtime.lastCheckAt,
      nextCheckAt: memory.paused ? null : runtime.nextCheckAt,
      consecutiveFailures: memory.consecutiveFailures, lastFailure: runtime.lastFailure, paused: memory.paused,
      auth: saved.oauth ? 'oauth2' : 'password',
    };
  }

  private tokensFor(url: string, server: OAuthServer, ca: string | undefined): OAuthTokens {
    return new OAuthTokens({
      accountUrl: url, server, secrets: this.deps.secrets, network: { lookup: this.resolver.lookup, ca: ca ?? this.deps.network?.ca },
      now: this.deps.now, registerSecret: this.deps.registerSecret,
    });
  }

  /** The provider's sign-in, run by main: where it happens comes from discovery here, never from the page. */
  private async signInAt(server: OAuthServer, loginHint: string): Promise<Grant> {
    const open = this.deps.openSignInPage;
    if (!open) throw new AppCoreError('this app cannot open a browser for the sign-in');
    return signIn({ server, network: { lookup: this.resolver.lookup, ca: this.deps.network?.ca }, openUrl: open, loginHint, now: this.deps.now });
  }

  /**
   * "Sign in with …": discovery (here, in main) names the server and the OAuth2 service; the server
   * is probed; the user signs in in the browser; the account is saved with its grant and checked.
   */
  async signInAccount(address: string): Promise<AccountView> {
    const outcome = await this.discover(address).catch((error: unknown) => {
      if (error instanceof AddressError) throw new AppCoreError(error.message);
      throw error;
    });
    const endpoints = outcome.found ? outcome.discovery.oauth2 : null;
    if (!outcome.found || !endpoints) throw new AppCoreError(`no OAuth2 sign-in is known for ${address}`);
    const { discovery } = outcome;
    const server = discovery.incoming.find((candidate) => candidate.auth === 'oauth2') ?? discovery.incoming[0]!;
    const endpoint = parseAccountUrl(formatAccountUrl(server));
    const url = formatAccountUrl(endpoint);
    if (this.accounts.has(url)) throw new AppCoreError(`${endpoint.user} on ${endpoint.host} is already set up`);
    const probe = await this.probe(server);
    if (!probe.ok) throw new AppCoreError(`${server.host} did not answer as a mail server should: ${probe.failure.message}`);
    let oauth: OAuthServer;
    try {
      oauth = { ...endpoints, clientId: clientIdFor(endpoints.issuer, this.deps.env ?? {}, this.deps.store.appSettings().oauthClientIds) };
    } catch (error) {
      if (error instanceof OAuthSetupError) throw new AppCoreError(error.message);
      throw error;
    }
    const grant = await this.signInAt(oauth, discovery.address);
    const saved: SavedAccount = { url, oauth, intervalSeconds: this.deps.store.appSettings().defaultIntervalMinutes * 60 };
    // The grant and its fresh access token go to the account's own runtime: no second request.
    const tokens = this.tokensFor(url, oauth, undefined);
    await tokens.signedIn(grant);
    this.deps.store.saveAccount(saved);
    const runtime = this.startAccount(saved, tokens);
    this.publishTray();
    return this.view(runtime);
  }

  /** "Sign in again": the answer to a revoked or expired grant, tried at once. */
  async reauthorize(url: string): Promise<void> {
    const runtime = this.runtime(url);
    if (!runtime.saved.oauth || !runtime.tokens) throw new AppCoreError('this account signs in with a password, not OAuth2');
    const grant = await this.signInAt(runtime.saved.oauth, runtime.endpoint.user);
    await runtime.tokens.signedIn(grant);
    this.pendingCredentials.delete(url);
    runtime.account.credentialsReplaced();
  }

  private runtime(url: string): Runtime {
    const runtime = this.accounts.get(url);
    if (!runtime) throw new AppCoreError(`no account ${url}`);
    return runtime;
  }

  private targets(url: string | undefined): Runtime[] {
    return url === undefined ? [...this.accounts.values()] : [this.runtime(url)];
  }
}

function endpointOf(input: AccountInput): AccountEndpoint {
  const endpoint: AccountEndpoint = {
    protocol: input.protocol, security: input.security, host: input.host.replace(/^\[|\]$/g, ''), port: input.port, user: input.user,
  };
  // Round-trip through the URL rules so the app and the CLI agree on every account's identity.
  return parseAccountUrl(formatAccountUrl(endpoint));
}
