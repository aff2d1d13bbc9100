// Everything a command needs for one account, resolved from its arguments: the endpoint, the CA,
// the settings/state store, and the password (stdin, then MAILBEACON_PASSWORD, then the keychain).
import { readFileSync } from 'node:fs';
import { formatAccountUrl, parseAccountUrl, type AccountEndpoint } from '../account/account-url.js';
import { createLogger, SecretRegistry, type Logger, type LogLevel } from '../log/redacting-logger.js';
import { RecentLog, recentLogPath } from '../log/recent-log.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { KeychainUnavailableError } from '../secrets/keytar-secret-store.js';
import { CheckFailure } from '../protocols/check-failure.js';
import { ConfSettingsStore } from '../settings/conf-settings-store.js';
import type { SavedAccount } from '../settings/settings-store.js';
import type { LineInput } from './line-input.js';
import { UsageError } from './usage-error.js';

export interface CommonArgs {
  url: string;
  caFile?: string | undefined;
  passwordStdin: boolean;
  stateDir?: string | undefined;
}

export interface Environment {
  env: NodeJS.ProcessEnv;
  secrets: SecretStore;
  input: () => LineInput;
  writeError: (line: string) => void;
}

export interface AccountContext {
  url: string;
  endpoint: AccountEndpoint;
  ca: string | undefined;
  store: ConfSettingsStore;
  saved: SavedAccount | undefined;
  registry: SecretRegistry;
  logger: Logger;
  /** One deadline per attempt; MAILBEACON_DEADLINE_MS overrides (tests, very slow links). */
  deadlineMs: number | undefined;
}

function deadlineFromEnv(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 100) throw new UsageError(`MAILBEACON_DEADLINE_MS must be an integer of at least 100, not "${text}"`);
  return ms;
}

export function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the CA file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`${path} is not a PEM certificate`);
  return pem;
}

export function openStore(stateDir: string | undefined): ConfSettingsStore {
  try {
    return new ConfSettingsStore(stateDir);
  } catch (error) {
    throw new UsageError(`cannot use the state directory${stateDir ? ` ${stateDir}` : ''}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** MAILBEACON_LOG=debug|info|warn|error (default error); anything else is a usage error. */
export function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const level = env.MAILBEACON_LOG;
  if (level === undefined || level === '') return 'error';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`MAILBEACON_LOG must be debug, info, warn or error, not "${level}"`);
  return level as LogLevel;
}

const recentLogs = new Map<string, RecentLog>();

/** Where the CLI's log lines go: stderr, and the state dir's recent log (for `mailbeacon diagnose`).
 * Lines reach both already redacted. */
export function logSink(environment: Pick<Environment, 'writeError'>, stateDir: string): (line: string) => void {
  let recent = recentLogs.get(stateDir);
  if (!recent) {
    recent = new RecentLog(recentLogPath(stateDir));
    recentLogs.set(stateDir, recent);
  }
  const log = recent;
  return (line) => {
    environment.writeError(line);
    log.append(line);
  };
}

/** `store`: one already open, when a command handles many accounts of one state directory. */
export function accountContext(args: CommonArgs, environment: Environment, store = openStore(args.stateDir)): AccountContext {
  const endpoint = parseAccountUrl(args.url);
  const url = formatAccountUrl(endpoint);
  const saved = store.findAccount(url);
  const ca = args.caFile ? readCaFile(args.caFile) : saved?.ca;
  const registry = new SecretRegistry();
  const logger = createLogger({
    secrets: registry,
    minLevel: logLevelFrom(environment.env),
    write: logSink(environment, store.directory),
    context: { account: url },
  });
  const deadlineMs = deadlineFromEnv(environment.env.MAILBEACON_DEADLINE_MS);
  return { url, endpoint, ca, store, saved, registry, logger, deadlineMs };
}

/** The password for the first attempt, registered for redaction before anything can log it. */
export async function initialPassword(args: CommonArgs, context: AccountContext, environment: Environment): Promise<string> {
  // An OAuth2 account sends access tokens from its saved grant, never a password.
  if (context.saved?.oauth) return '';
  let password: string | undefined;
  if (args.passwordStdin) {
    password = await environment.input().next();
    if (password === undefined || password === '') throw new UsageError('--password-stdin was given but stdin had no password line');
  } else if (environment.env.MAILBEACON_PASSWORD) {
    password = environment.env.MAILBEACON_PASSWORD;
  } else {
    try {
      password = await environment.secrets.getPassword(context.url);
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      throw new UsageError(`no password given and ${error.message}; use --password-stdin or MAILBEACON_PASSWORD`);
    }
    if (password === undefined) {
      throw new CheckFailure('credentials-missing', `no password for ${context.url}: use --password-stdin, MAILBEACON_PASSWORD, or save it with "mailbeacon accounts add"`);
    }
  }
  context.registry.add(password);
  return password;
}

/** What the user can do about a refused password, given where this command took it from. */
export function credentialsHint(args: CommonArgs, context: AccountContext, environment: Environment): string {
  if (context.saved?.oauth) return `sign in again with "mailbeacon reauth ${context.url}" (it is tried at once).`;
  if (args.passwordStdin) return 'the password given on stdin was refused.';
  if (environment.env.MAILBEACON_PASSWORD) return 'the password in MAILBEACON_PASSWORD was refused.';
  return `the saved password is not accepted: save the right one with "mailbeacon accounts add ${context.url}" (it is tried at once).`;
}
