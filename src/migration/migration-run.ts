// One migration of one (source, target) pair as the CLI and the app run it: sessions opened with
// the account rules, the journal in the state dir, the state persisted as it changes.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { formatAccountUrl, type AccountEndpoint } from '../account/account-url.js';
import type { Logger } from '../log/redacting-logger.js';
import { probeCertificate } from '../protocols/certificate.js';
import { CheckFailure, internalFailure } from '../protocols/check-failure.js';
import { collectGarbage } from '../runtime/v8-memory.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { ImapSource } from './imap-source.js';
import { ImapTarget } from './imap-target.js';
import { MigrationJournal } from './journal.js';
import { MigrationStopped, runMigration, type MigrationPlan, type SourceSession } from './migration-engine.js';
import type { MigrationOptions, MigrationProgress, MigrationReport } from './migration-types.js';
import { Pop3Source } from './pop3-source.js';

export interface Side {
  endpoint: AccountEndpoint; password: string; ca?: string | undefined; pinnedFingerprint?: string | undefined;
  /** OAuth2 accounts: an access token for each connection (`renew`: the last one was refused). */
  accessToken?: ((renew: boolean) => Promise<string>) | undefined;
}

export interface MigrationRunOptions {
  from: Side;
  to: Side;
  stateDir: string;
  store: SettingsStore;
  logger: Logger;
  options: MigrationOptions;
  deadlineMs?: number;
  onProgress?: (progress: MigrationProgress) => void;
  shouldStop?: () => boolean;
}

export type MigrationOutcome =
  | ({ kind: 'finished' } & MigrationReport & { plan: MigrationPlan })
  | { kind: 'stopped' }
  | { kind: 'failed'; failure: CheckFailure };

export function journalPath(stateDir: string, from: AccountEndpoint, to: AccountEndpoint): string {
  const pair = createHash('sha256').update(`${formatAccountUrl(from)}\n${formatAccountUrl(to)}`).digest('hex').slice(0, 32);
  return join(stateDir, 'migrations', `${pair}.jsonl`);
}

export async function runMigrationFor(run: MigrationRunOptions): Promise<MigrationOutcome> {
  const targetUrl = formatAccountUrl(run.to.endpoint);
  const setState = (status: 'running' | 'failing' | 'complete', extra: Record<string, unknown> = {}): void => {
    if (run.options.dryRun) return;
    run.store.updateAccountState(targetUrl, { migration: { status, updatedAt: Date.now(), ...extra } });
  };
  const sessionOptions = (side: Side, accessToken?: string) => ({
    endpoint: side.endpoint, password: side.password, ca: side.ca, pinnedFingerprint: side.pinnedFingerprint,
    deadlineMs: run.deadlineMs ?? 45_000, logger: run.logger, ...(accessToken ? { accessToken, accessTokens: side.accessToken } : {}),
  });
  // Each connection of an OAuth2 side gets a current token; one the server refuses is renewed once
  // (a migration outlives an access token), as the account's checks do.
  const opened = async <T>(side: Side, open: (options: ReturnType<typeof sessionOptions>) => Promise<T>): Promise<T> => {
    if (!side.accessToken) return open(sessionOptions(side));
    try {
      return await open(sessionOptions(side, await side.accessToken(false)));
    } catch (error) {
      if (!(error instanceof CheckFailure) || error.reason !== 'rejected' || error.afterLogin) throw error;
      return open(sessionOptions(side, await side.accessToken(true)));
    }
  };
  setState('running');
  // A certificate that fails verification is fetched for the user to judge, from the side that failed.
  const withCertificate = async <T>(side: Side, open: () => Promise<T>): Promise<T> => {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof CheckFailure) || error.reason !== 'tls' || !error.untrustedCertificate || error.certificate) throw error;
      const certificate = await probeCertificate(side.endpoint);
      throw certificate ? new CheckFailure('tls', error.message, { certificate }) : error;
    }
  };
  try {
    const report = await runMigration({
      openSource: () => withCertificate<SourceSession>(run.from, () => opened<SourceSession>(run.from, (options) => (run.from.endpoint.protocol === 'pop3'
        ? Pop3Source.open(options, collectGarbage) : ImapSource.open(options)))),
      openTarget: (appendsExpected) => withCertificate(run.to, () => opened(run.to, (options) => ImapTarget.open(options, appendsExpected))),
      journal: MigrationJournal.open(journalPath(run.stateDir, run.from.endpoint, run.to.endpoint)),
      options: run.options,
      collectGarbage,
      ...(run.onProgress ? { onProgress: run.onProgress } : {}),
      ...(run.shouldStop ? { shouldStop: run.shouldStop } : {}),
    });
    setState(report.state, {
      copied: report.copied, skipped: report.skipped, failed: report.failed,
      ...(report.state === 'failing' ? { reason: `${report.failed} message(s) could not be copied` } : {}),
    });
    return { kind: 'finished', ...report };
  } catch (error) {
    if (error instanceof MigrationStopped) {
      setState('running', { reason: 'paused' });
      return { kind: 'stopped' };
    }
    // What is not one of our failure classes is our bug: said as such, never as "network".
    const failure = internalFailure(error, (entry) => run.logger.error(entry));
    setState('failing', { reason: failure.message });
    return { kind: 'failed', failure };
  }
}
