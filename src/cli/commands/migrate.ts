// `mailbeacon migrate --from URL --to URL`: copies the old mailbox into the new one; resumes after
// an interruption; after completion copies only what arrived since (the catch-up re-sync).
import { formatAccountUrl, parseAccountUrl } from '../../account/account-url.js';
import { createLogger, SecretRegistry } from '../../log/redacting-logger.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../../migration/migration-types.js';
import { runMigrationFor } from '../../migration/migration-run.js';
import { logLevelFrom, logSink, openStore, readCaFile, type Environment } from '../account-context.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { plural } from '../output.js';
import { byteSize } from '../../i18n/byte-size.js';
import { UsageError } from '../usage-error.js';
import { OAuthTokens } from '../../oauth/oauth-tokens.js';

export const EXIT_SOME_FAILED = EXIT.someFailed;

export interface MigrateArgs {
  from: string;
  to: string;
  caFile?: string | undefined;
  fromPasswordEnv?: string | undefined;
  toPasswordEnv?: string | undefined;
  stateDir?: string | undefined;
  dryRun: boolean;
  json: boolean;
}

function passwordFrom(env: NodeJS.ProcessEnv, name: string | undefined, which: string): string {
  const value = name ? env[name] : env.MAILBEACON_PASSWORD;
  if (!value) {
    throw new UsageError(name ? `the environment variable ${name} (--${which}-password-env) is empty or not set`
      : `no password for the ${which} account: set MAILBEACON_PASSWORD or use --${which}-password-env NAME`);
  }
  return value;
}

export async function migrateCommand(args: MigrateArgs, environment: Environment, write: (line: string) => void): Promise<number> {
  const from = parseAccountUrl(args.from);
  const to = parseAccountUrl(args.to);
  if (to.protocol !== 'imap') throw new UsageError('the new mailbox (--to) must be an IMAP account');
  const ca = args.caFile ? readCaFile(args.caFile) : undefined;
  const store = openStore(args.stateDir);
  const registry = new SecretRegistry();
  // A saved OAuth2 account (in this --state) uses its grant; any other side a password.
  const grantOf = (endpoint: typeof from) => {
    const server = store.findAccount(formatAccountUrl(endpoint))?.oauth;
    if (!server) return undefined;
    const tokens = new OAuthTokens({
      accountUrl: formatAccountUrl(endpoint), server, secrets: environment.secrets, network: { ca }, now: Date.now,
      registerSecret: (secret) => registry.add(secret),
    });
    return (renew: boolean) => tokens.accessToken(renew);
  };
  const fromToken = grantOf(from);
  const toToken = grantOf(to);
  const fromPassword = fromToken ? '' : passwordFrom(environment.env, args.fromPasswordEnv, 'from');
  const toPassword = toToken ? '' : passwordFrom(environment.env, args.toPasswordEnv, 'to');
  if (fromPassword) registry.add(fromPassword);
  if (toPassword) registry.add(toPassword);
  const logger = createLogger({ secrets: registry, minLevel: logLevelFrom(environment.env), write: logSink(environment, store.directory) });
  let lastPrinted = 0;
  const outcome = await runMigrationFor({
    from: { endpoint: from, password: fromPassword, ca, accessToken: fromToken },
    to: { endpoint: to, password: toPassword, ca, accessToken: toToken },
    stateDir: args.stateDir ?? store.directory,
    store, logger,
    options: { ...DEFAULT_MIGRATION_OPTIONS, dryRun: args.dryRun },
    deadlineMs: environment.env.MAILBEACON_DEADLINE_MS ? Number(environment.env.MAILBEACON_DEADLINE_MS) : undefined,
    onProgress: (progress) => {
      // At most five lines a second, and always the first and the last.
      const now = Date.now();
      if (progress.done !== 0 && progress.done !== progress.total && now - lastPrinted < 200) return;
      lastPrinted = now;
      if (args.json) {
        write(JSON.stringify({ event: 'progress', done: progress.done, total: progress.total, bytes: progress.bytes, totalBytes: progress.totalBytes }));
      } else {
        const eta = progress.etaSeconds === null ? '' : `, about ${Math.ceil(progress.etaSeconds)} s left`;
        write(`${progress.done} of ${plural(progress.total, 'message')}, ${byteSize(progress.bytes)} of ${byteSize(progress.totalBytes)}, ${progress.rate.toFixed(0)} a second${eta} (${progress.folder})`);
      }
    },
  });
  const account = formatAccountUrl(to);
  if (outcome.kind === 'failed') {
    environment.writeError(`mailbeacon: migration into ${account} stopped: ${outcome.failure.message}`);
    return exitCodeFor(outcome.failure.reason, outcome.failure.afterLogin);
  }
  if (outcome.kind === 'stopped') return EXIT.ok;
  if (args.dryRun) {
    const { plan } = outcome;
    if (args.json) write(JSON.stringify({ event: 'plan', messages: plan.messages, toCopy: plan.toCopy, alreadyDone: plan.alreadyDone, bytes: plan.bytesToCopy }));
    else write(`would copy ${plan.toCopy} of ${plural(plan.messages, 'message')} (${byteSize(plan.bytesToCopy)}); ${plan.alreadyDone} already copied`);
    return EXIT.ok;
  }
  if (args.json) {
    write(JSON.stringify({
      event: 'migrated', copied: outcome.copied, skipped: outcome.skipped, alreadyThere: outcome.alreadyThere, flagsUpdated: outcome.flagsUpdated,
      failed: outcome.failed, vanished: outcome.vanished, unstableIdentities: outcome.unstableIdentities, state: outcome.state,
    }));
  } else {
    write(`${account}: copied ${outcome.copied}, already there ${outcome.skipped}, failed ${outcome.failed}`
      + (outcome.vanished > 0 ? `, gone from the old mailbox meanwhile ${outcome.vanished}` : '')
      + (outcome.flagsUpdated > 0 ? `, flags brought up to date on ${plural(outcome.flagsUpdated, 'message')}` : ''));
    if (outcome.alreadyThere > 0) {
      write(`  ${plural(outcome.alreadyThere, 'message')} found in the new mailbox with no record of copying them (another --state, or another tool): recognised by content, not copied twice`);
    }
    if (outcome.unstableIdentities > 0) {
      write(`  note: the old server gave ${plural(outcome.unstableIdentities, 'message')} no usable UIDL (missing, malformed or repeated); they were identified by number and header instead`);
    }
    for (const failure of outcome.failures) write(`  not copied: ${failure.folder} ${failure.key} (${failure.size} bytes): ${failure.reason}`);
  }
  return outcome.failed > 0 ? EXIT_SOME_FAILED : EXIT.ok;
}
