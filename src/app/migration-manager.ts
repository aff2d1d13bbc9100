// Migrations as the desktop app runs them: started by the user (the wizard) or by the
// organisation's policy at an account's first successful login; paused and resumed; re-synced on
// later checks until the old mailbox is retired; and, once every account of a policy domain here
// is complete, the domain's migration switched off locally (CN103490983A, step 4).
import { join } from 'node:path';
import { formatAccountUrl, parseAccountUrl, type AccountEndpoint } from '../account/account-url.js';
import type { MigrationPlanView, MigrationSourceInput, MigrationView, PushChannel, PushOf } from '../ipc/contract.js';
import type { Logger } from '../log/redacting-logger.js';
import type { CertificateInfo } from '../protocols/certificate.js';
import { runMigrationFor, type MigrationOutcome } from '../migration/migration-run.js';
import { DEFAULT_MIGRATION_OPTIONS, type FailedMessage, type MigrationProgress } from '../migration/migration-types.js';
import { domainOf, loadPolicy, policyServerFor, policySourceFor, type Policy } from '../migration/policy.js';
import { CheckFailure, internalFailure } from '../protocols/check-failure.js';
import { mayReceiveSavedPassword, SAVED_PASSWORD_REFUSED } from './secret-destination.js';
import type { PublishedPolicies } from '../migration/published-policies.js';
import { providerForDomain } from '../discovery/builtin-source.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SettingsStore } from '../settings/settings-store.js';

export interface MigrationManagerDeps {
  store: SettingsStore;
  secrets: SecretStore;
  logger: Logger;
  registerSecret: (secret: string) => void;
  push: <C extends PushChannel>(channel: C, payload: PushOf<C>) => void;
  deadlineMs?: number | undefined;
  /** Policies published by the accounts' domains (and a managed deployment's URL), cached. */
  publishedPolicies?: PublishedPolicies | undefined;
  /** OAuth2 accounts: their access tokens (the grant in the keychain), instead of a password. */
  accessTokenFor?: ((url: string) => ((renew: boolean) => Promise<string>) | undefined) | undefined;
}

interface Active { stop: boolean; progress: MigrationProgress | null; done: Promise<void> }

/** Where a different password for an old mailbox is kept in the keychain. */
const sourceSecretKey = (sourceUrl: string): string => `migration-source:${sourceUrl}`;

export class MigrationManager {
  private readonly active = new Map<string, Active>();
  private readonly lastFailures = new Map<string, FailedMessage[]>();
  /** The last progress of each account's latest run: a paused run still shows how far it got. */
  private readonly lastProgress = new Map<string, MigrationProgress>();
  /** The old server's certificate the wizard last showed, per account, for "Trust this certificate". */
  private readonly shownCertificates = new Map<string, CertificateInfo>();

  constructor(private readonly deps: MigrationManagerDeps) {}

  /** Refreshes of published policies under way: settle() waits for them too. */
  private readonly refreshing = new Set<Promise<void>>();

  /** The policy file here (data dir or `policyPath`) over what the managed URL and the domains publish. */
  policy(): Policy | undefined {
    const path = this.deps.store.policyPath() ?? join(this.deps.store.directory, 'policy.json');
    let local: Policy | undefined;
    try {
      local = loadPolicy(path);
    } catch (error) {
      this.deps.logger.error({ msg: 'organisation policy ignored', reason: (error as Error).message });
    }
    const published = this.deps.publishedPolicies?.policy(this.deps.store.appSettings().policyUrl);
    if (!published) return local;
    return { version: 1, domains: { ...published.domains, ...local?.domains } };
  }

  /** Asks the account's domain (and the managed URL) for a policy, at most once a day each.
   * Public providers' domains are never asked: they host no organisation's policy. */
  private refreshPublishedPolicy(endpoint: AccountEndpoint): Promise<void> {
    const published = this.deps.publishedPolicies;
    const domain = domainOf(endpoint.user);
    if (!published || !domain) return Promise.resolve();
    const policyUrl = this.deps.store.appSettings().policyUrl;
    const asks = [
      ...(providerForDomain(domain) || this.deps.store.domainsMigrated().includes(domain) ? [] : [published.refreshDomain(domain)]),
      ...(policyUrl ? [published.refreshUrl(policyUrl)] : []),
    ];
    return Promise.all(asks).then(() => undefined);
  }

  /** The policy's old server for this account, unless its domain was already switched off here. */
  policySource(endpoint: AccountEndpoint): AccountEndpoint | undefined {
    const domain = domainOf(endpoint.user);
    if (!domain || this.deps.store.domainsMigrated().includes(domain)) return undefined;
    return policySourceFor(this.policy(), endpoint.user);
  }

  view(url: string, endpoint: AccountEndpoint): MigrationView {
    const state = this.deps.store.accountState(url);
    const migration = state.migration;
    const active = this.active.get(url);
    const policySource = this.policySource(endpoint);
    return {
      url,
      status: migration?.status ?? 'not-started',
      reason: migration?.reason ?? null,
      source: state.migrationSource?.url ?? null,
      policySource: policySource ? formatAccountUrl(policySource) : null,
      retired: state.migrationSource?.retired ?? false,
      active: active !== undefined,
      copied: migration?.copied ?? null,
      skipped: migration?.skipped ?? null,
      failed: migration?.failed ?? null,
      failures: this.lastFailures.get(url) ?? [],
      progress: active?.progress ?? this.lastProgress.get(url) ?? null,
    };
  }

  /** Dry run: what would be copied, nothing written. */
  async plan(url: string, endpoint: AccountEndpoint, input: MigrationSourceInput): Promise<MigrationPlanView> {
    const source = sourceEndpoint(input, endpoint);
    if (input.password) this.deps.registerSecret(input.password);
    const outcome = await this.run(url, endpoint, source, input.password, true);
    if (outcome.kind === 'failed') {
      const { failure } = outcome;
      if (failure.certificate) this.shownCertificates.set(url, failure.certificate);
      return { ok: false, reason: failure.reason, message: failure.message, ...(failure.certificate ? { certificate: failure.certificate } : {}) };
    }
    if (outcome.kind !== 'finished') throw new Error('the dry run was interrupted');
    const { plan } = outcome;
    return { ok: true, messages: plan.messages, toCopy: plan.toCopy, alreadyDone: plan.alreadyDone, bytes: plan.bytesToCopy };
  }

  /** Pins the old server's certificate the wizard showed for this account. */
  trustSourceCertificate(url: string, fingerprint256: string): void {
    const shown = this.shownCertificates.get(url);
    if (!shown || shown.fingerprint256 !== fingerprint256) throw new Error('that certificate is not the one the old server presented');
    this.deps.store.trustFingerprint(`${shown.host}:${shown.port}`, fingerprint256);
    this.shownCertificates.delete(url);
  }

  async start(url: string, endpoint: AccountEndpoint, input: MigrationSourceInput): Promise<MigrationView> {
    const source = sourceEndpoint(input, endpoint);
    const sourceUrl = formatAccountUrl(source);
    if (input.password) {
      this.deps.registerSecret(input.password);
      await this.deps.secrets.setPassword(sourceSecretKey(sourceUrl), input.password);
    }
    this.deps.store.updateAccountState(url, { migrationSource: { url: sourceUrl, retired: false } });
    this.launch(url, endpoint, source);
    return this.view(url, endpoint);
  }

  pause(url: string): void {
    const active = this.active.get(url);
    if (active) active.stop = true;
  }

  async resume(url: string, endpoint: AccountEndpoint): Promise<MigrationView> {
    const saved = this.deps.store.accountState(url).migrationSource;
    if (!saved) throw new Error('no old mailbox has been chosen for this account yet');
    this.launch(url, endpoint, parseAccountUrl(saved.url));
    return this.view(url, endpoint);
  }

  /** The user is done with the old mailbox: no more catch-up re-syncs. */
  retire(url: string, endpoint: AccountEndpoint): MigrationView {
    const saved = this.deps.store.accountState(url).migrationSource;
    if (saved) this.deps.store.updateAccountState(url, { migrationSource: { ...saved, retired: true } });
    this.pause(url);
    return this.view(url, endpoint);
  }

  /**
   * After each successful check of an account: start the policy's migration at the first login,
   * resume one a crash interrupted, or re-sync a finished one (mail still sent to the old address).
   */
  afterCheck(url: string, endpoint: AccountEndpoint): void {
    if (this.active.has(url)) return;
    const state = this.deps.store.accountState(url);
    const saved = state.migrationSource;
    if (!saved) {
      const launchFromPolicy = (): void => {
        if (this.active.has(url) || this.deps.store.accountState(url).migrationSource) return;
        const fromPolicy = this.policySource(endpoint);
        if (fromPolicy && state.migration?.status !== 'complete') {
          this.deps.store.updateAccountState(url, { migrationSource: { url: formatAccountUrl(fromPolicy), retired: false } });
          this.launch(url, endpoint, fromPolicy);
        }
      };
      // A policy already known here (the file, or a cached published one) starts at once; otherwise
      // the account's domain is asked first (at most once a day, bounded).
      if (this.policySource(endpoint)) {
        launchFromPolicy();
        return;
      }
      const pending = this.refreshPublishedPolicy(endpoint).then(launchFromPolicy)
        .catch((error: unknown) => { internalFailure(error, (entry) => this.deps.logger.error(entry)); })
        .finally(() => this.refreshing.delete(pending));
      this.refreshing.add(pending);
      return;
    }
    if (saved.retired) return;
    const status = state.migration?.status;
    if (status === 'complete' || (status === 'running' && state.migration?.reason !== 'paused')) {
      this.launch(url, endpoint, parseAccountUrl(saved.url));
    }
  }

  /** Waits for every running migration (tests, quitting). */
  async settle(): Promise<void> {
    await Promise.all([...this.refreshing]);
    await Promise.all([...this.active.values()].map((active) => active.done));
  }

  async stopAll(): Promise<void> {
    for (const active of this.active.values()) active.stop = true;
    await this.settle();
  }

  private launch(url: string, endpoint: AccountEndpoint, source: AccountEndpoint): void {
    if (this.active.has(url)) return;
    const active: Active = { stop: false, progress: null, done: Promise.resolve() };
    this.active.set(url, active);
    active.done = (async () => {
      try {
        const outcome = await this.run(url, endpoint, source, '', false, active);
        if (outcome.kind === 'finished') {
          this.lastFailures.set(url, outcome.failures);
          if (outcome.state === 'complete') this.switchOffCompletedDomain(endpoint);
        }
        if (outcome.kind === 'failed') {
          this.deps.logger.warn({ msg: 'migration failed', reason: outcome.failure.reason, detail: outcome.failure.message });
          this.deps.store.updateAccountState(url, { migration: { status: 'failing', reason: outcome.failure.message, updatedAt: Date.now() } });
        }
      } catch (error) {
        // Our own bug: said as such, never as a network problem; its details stay in the log (the
        // state file only gets the reference).
        const failure = internalFailure(error, (entry) => this.deps.logger.error(entry));
        this.deps.store.updateAccountState(url, { migration: { status: 'failing', reason: failure.message, updatedAt: Date.now() } });
      } finally {
        this.active.delete(url);
        this.deps.push('migration-changed', this.view(url, endpoint));
      }
    })();
    this.deps.push('migration-changed', this.view(url, endpoint));
  }

  private async run(url: string, endpoint: AccountEndpoint, source: AccountEndpoint, typedSourcePassword: string, dryRun: boolean, active?: Active): Promise<MigrationOutcome> {
    const accessToken = this.deps.accessTokenFor?.(url);
    // An OAuth2 account has no password: the new mailbox takes its tokens, the old one a typed password.
    const targetPassword = accessToken ? '' : await this.deps.secrets.getPassword(url);
    if (!accessToken && !targetPassword) {
      return { kind: 'failed', failure: new CheckFailure('credentials-missing', 'there is no saved password for this account in the keychain') };
    }
    if (targetPassword) this.deps.registerSecret(targetPassword);
    const sourcePassword = await this.sourcePassword(endpoint, source, typedSourcePassword, targetPassword ?? '');
    if (sourcePassword === undefined) return { kind: 'failed', failure: new CheckFailure('credentials-missing', SAVED_PASSWORD_REFUSED) };
    const pin = (side: AccountEndpoint) => this.deps.store.trustedFingerprint(`${side.host}:${side.port}`);
    return runMigrationFor({
      from: { endpoint: source, password: sourcePassword, pinnedFingerprint: pin(source) },
      to: { endpoint, password: targetPassword ?? '', pinnedFingerprint: pin(endpoint), ca: this.deps.store.findAccount(url)?.ca, accessToken },
      stateDir: this.deps.store.directory,
      store: this.deps.store,
      logger: this.deps.logger,
      options: { ...DEFAULT_MIGRATION_OPTIONS, dryRun },
      ...(this.deps.deadlineMs ? { deadlineMs: this.deps.deadlineMs } : {}),
      ...(active ? {
        shouldStop: () => active.stop,
        onProgress: (progress: MigrationProgress) => {
          active.progress = progress;
          this.lastProgress.set(url, progress);
          this.deps.push('migration-progress', { url, ...progress });
        },
      } : {}),
    });
  }

  /**
   * The old mailbox's password: the one typed now, else the one typed for exactly this old mailbox
   * before, else the account's own saved password where it may go (secret-destination.ts); else
   * undefined, and the user must type it. The page can name any server: it never gets a saved secret.
   */
  private async sourcePassword(account: AccountEndpoint, source: AccountEndpoint, typed: string, accountPassword: string): Promise<string | undefined> {
    if (typed) return typed;
    const kept = await this.deps.secrets.getPassword(sourceSecretKey(formatAccountUrl(source)));
    if (kept) {
      this.deps.registerSecret(kept);
      return kept;
    }
    return accountPassword && mayReceiveSavedPassword(source, account, policyServerFor(this.policy(), account.user)) ? accountPassword : undefined;
  }

  /** When every account of a policy domain on this machine is complete, stop consulting the policy. */
  private switchOffCompletedDomain(endpoint: AccountEndpoint): void {
    const domain = domainOf(endpoint.user);
    if (!domain || !this.policy()?.domains[domain] || this.deps.store.domainsMigrated().includes(domain)) return;
    const ofDomain = this.deps.store.listAccounts().filter((account) => domainOf(parseAccountUrl(account.url).user) === domain);
    if (ofDomain.every((account) => this.deps.store.accountState(account.url).migration?.status === 'complete')) {
      this.deps.store.markDomainMigrated(domain);
      this.deps.logger.info({ msg: 'organisation migration complete on this machine; switched off', domain });
    }
  }
}

function sourceEndpoint(input: MigrationSourceInput, account: AccountEndpoint): AccountEndpoint {
  return parseAccountUrl(formatAccountUrl({
    protocol: input.protocol, security: input.security, host: input.host.replace(/^\[|\]$/g, ''), port: input.port,
    user: input.user || account.user,
  }));
}
