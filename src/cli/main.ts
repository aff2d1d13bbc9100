// `mailbeacon`: the headless CLI over the same core as the desktop app. See README for the contract.
// Each command's module is loaded when that command runs: a `migrate` catch-up or a `check` from
// cron pays for its own code only, not for OAuth, discovery and the rest (start-up is most of a
// quick run).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KeytarSecretStore, KeychainUnavailableError } from '../secrets/keytar-secret-store.js';
import type { Environment } from './account-context.js';
import { openStore } from './account-context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { CheckFailure } from '../protocols/check-failure.js';
import { confirmOnTerminal, LineInput } from './line-input.js';
import { UsageError } from './usage-error.js';
import { AccountUrlError } from '../account/account-url.js';
import { VERSION } from '../version.js';

export const USAGE = `usage:
  mailbeacon check URL [--ca FILE] [--password-stdin] [--state DIR] [--json] [--force] [--backoff-base SECONDS]
  mailbeacon watch URL [--interval SECONDS] [--backoff-base SECONDS] [--ca FILE] [--password-stdin] [--state DIR] [--json]
  mailbeacon watch --all [--interval SECONDS] [--backoff-base SECONDS] [--state DIR] [--json]
  mailbeacon accounts add URL|ADDRESS [--ca FILE] [--interval SECONDS] [--password-stdin] [--no-verify] [--yes] [--state DIR] [--json]
  mailbeacon accounts add ADDRESS --oauth [--ca FILE] [--interval SECONDS] [--yes] [--state DIR] [--json]
  mailbeacon reauth URL [--state DIR] [--json]
  mailbeacon discover ADDRESS [--ca FILE] [--state DIR] [--json]
  mailbeacon accounts list [--state DIR] [--json]
  mailbeacon accounts remove URL [--state DIR]
  mailbeacon trust URL [--fingerprint sha256:HEX] [--state DIR] [--json]
  mailbeacon log URL [--state DIR] [--json]
  mailbeacon diagnose [--out FILE] [--state DIR]
  mailbeacon migrate --from URL --to URL [--ca FILE] [--from-password-env NAME] [--to-password-env NAME]
                     [--state DIR] [--dry-run] [--json]
URL: imaps://user@host:993, imap://… (STARTTLS required), pop3s://…, pop3://… (STLS required);
     ?plaintext=1 allows plaintext on imap:// and pop3://; write "@" in a user name as %40.
Password: the first stdin line with --password-stdin, else MAILBEACON_PASSWORD, else the keychain.
ADDRESS: name@domain; the server is discovered (built-in list, autoconfig, ISPDB, DNS SRV, MX, guess);
     --yes accepts a server found over DNS, plain HTTP or by guessing without asking.
--oauth: sign in with OAuth2 in the browser (the address is printed; MAILBEACON_NO_BROWSER=1 only prints it);
     reauth signs an OAuth2 account in again after its grant was revoked or expired.
--force: log in even inside the lockout guard's window (risks getting the account locked).
--backoff-base: the guard's base wait after a refused login (default 600 s; doubles per failure).
mailbeacon --version prints the version.`;

const OPTIONS = {
  ca: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  state: { type: 'string' },
  json: { type: 'boolean', default: false },
  interval: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'from-password-env': { type: 'string' },
  'to-password-env': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  all: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  'backoff-base': { type: 'string' },
  fingerprint: { type: 'string' },
  out: { type: 'string' },
  'no-verify': { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  oauth: { type: 'boolean', default: false },
  version: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;

const ALLOWED: Record<string, OptionName[]> = {
  check: ['ca', 'password-stdin', 'state', 'json', 'force', 'backoff-base'],
  watch: ['ca', 'password-stdin', 'state', 'json', 'interval', 'all', 'backoff-base'],
  'accounts add': ['ca', 'password-stdin', 'state', 'interval', 'no-verify', 'json', 'yes', 'oauth'],
  reauth: ['state', 'json'],
  discover: ['ca', 'state', 'json'],
  trust: ['fingerprint', 'state', 'json'],
  log: ['state', 'json'],
  diagnose: ['state', 'out'],
  'accounts list': ['state', 'json'],
  'accounts remove': ['state'],
  migrate: ['from', 'to', 'ca', 'from-password-env', 'to-password-env', 'state', 'dry-run', 'json'],
};

function parseInterval(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 7 * 24 * 3600) {
    throw new UsageError(`--interval takes seconds from 1 to 604800, not "${text}"`);
  }
  return seconds;
}

function parseBackoffBase(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 24 * 3600) {
    throw new UsageError(`--backoff-base takes seconds from 1 to 86400, not "${text}"`);
  }
  return seconds * 1000;
}

const COMMANDS = ['check', 'watch', 'accounts', 'migrate', 'trust', 'discover', 'reauth', 'log', 'diagnose'];

/** The known command nearest to what was typed (at most two edits away), for "did you mean". */
export function nearestCommand(typed: string): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i += 1) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j += 1) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  const ranked = COMMANDS.map((name) => ({ name, d: distance(typed.toLowerCase(), name) })).sort((x, y) => x.d - y.d);
  return ranked[0] && ranked[0].d <= 2 ? ranked[0].name : undefined;
}

/** node:util's parse errors in our words. */
function optionError(error: Error): UsageError {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return new UsageError(`unknown option ${unknown[1]} (see "mailbeacon --help")`);
  const missing = /Option '([^']+?)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(error.message);
  if (missing) return new UsageError(`${missing[1]!.split(',').pop()!.trim()} needs a value (see "mailbeacon --help")`);
  return new UsageError(`${error.message.split('.')[0]} (see "mailbeacon --help")`);
}

/** The central ISPDB's base URL from settings, if one is set there. */
function settingsIspdbUrl(stateDir: string | undefined): string | undefined {
  return openStore(stateDir).appSettings().ispdbUrl;
}

export async function runCli(argv: string[], environment: Environment, write: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw optionError(error as Error);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    write(`mailbeacon ${VERSION}`);
    return EXIT.ok;
  }
  if (values.help || positionals.length === 0) {
    write(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const [first, second] = positionals;
  const command = first === 'accounts' ? `accounts ${second ?? ''}`.trim() : first!;
  const allowed = ALLOWED[command];
  if (!allowed) {
    const guess = first === 'accounts' ? undefined : nearestCommand(first!);
    throw new UsageError(guess ? `unknown command "${command}": did you mean "${guess}"? (see "mailbeacon --help")`
      : `unknown command "${command}" (see "mailbeacon --help")`);
  }
  for (const name of Object.keys(values) as OptionName[]) {
    if (name !== 'help' && values[name] !== undefined && values[name] !== false && !allowed.includes(name)) {
      throw new UsageError(`--${name} does not apply to "${command}"`);
    }
  }
  if (values.oauth && (values['password-stdin'] || values['no-verify'])) {
    throw new UsageError('--oauth signs in in the browser and always tries the login: --password-stdin and --no-verify do not apply');
  }
  const rest = positionals.slice(command.startsWith('accounts') ? 2 : 1);
  if (command === 'migrate') {
    if (rest.length !== 0) throw new UsageError('"migrate" takes --from URL and --to URL, no other arguments');
    if (!values.from || !values.to) throw new UsageError('"migrate" needs both --from URL and --to URL');
    const { migrateCommand } = await import('./commands/migrate.js');
    return migrateCommand({
      from: values.from, to: values.to, caFile: values.ca, fromPasswordEnv: values['from-password-env'],
      toPasswordEnv: values['to-password-env'], stateDir: values.state, dryRun: values['dry-run'], json: values.json,
    }, environment, write);
  }
  if (values.all) {
    if (rest.length !== 0) throw new UsageError('"watch --all" watches every saved account: give no URL');
    if (values.ca || values['password-stdin']) throw new UsageError('"watch --all" uses each saved account\'s own CA and keychain password: --ca and --password-stdin do not apply');
    const { watchAllCommand } = await import('./commands/watch-all.js');
    return watchAllCommand({
      stateDir: values.state, json: values.json, intervalSeconds: parseInterval(values.interval), backoffBaseMs: parseBackoffBase(values['backoff-base']),
    }, environment, write);
  }
  if (command === 'discover') {
    if (rest.length !== 1) throw new UsageError('"discover" takes exactly one email address');
    const { discoverCommand } = await import('./commands/discover.js');
    return discoverCommand({ address: rest[0]!, caFile: values.ca, json: values.json, ispdbUrl: settingsIspdbUrl(values.state) }, environment, write);
  }
  if (command === 'diagnose') {
    if (rest.length !== 0) throw new UsageError('"diagnose" takes no arguments (--out FILE writes to a file)');
    const { diagnoseCommand } = await import('./commands/diagnose.js');
    return diagnoseCommand({ stateDir: values.state, out: values.out }, write);
  }
  const wantsUrl = command !== 'accounts list';
  if (wantsUrl && rest.length !== 1) throw new UsageError(`"${command}" takes exactly one account URL`);
  if (!wantsUrl && rest.length !== 0) throw new UsageError(`"${command}" takes no arguments`);
  const common = {
    url: rest[0] ?? '',
    caFile: values.ca,
    passwordStdin: values['password-stdin'],
    stateDir: values.state,
  };
  const intervalSeconds = parseInterval(values.interval);
  const backoffBaseMs = parseBackoffBase(values['backoff-base']);
  switch (command) {
    case 'check': return (await import('./commands/check.js')).checkCommand({ ...common, json: values.json, force: values.force, backoffBaseMs }, environment, write);
    case 'watch': return (await import('./commands/watch.js')).watchCommand({ ...common, json: values.json, intervalSeconds, backoffBaseMs }, environment, write);
    case 'accounts add': return (await import('./commands/accounts.js')).accountsAdd({
      ...common, intervalSeconds, verify: !values['no-verify'], json: values.json, yes: values.yes,
      ispdbUrl: common.url.includes('://') ? undefined : settingsIspdbUrl(values.state), oauth: values.oauth,
    }, environment, write);
    case 'reauth': return (await import('./commands/oauth-commands.js')).reauthCommand({ url: common.url, stateDir: values.state, json: values.json }, environment, write);
    case 'log': return (await import('./commands/log.js')).logCommand({ url: common.url, stateDir: values.state, json: values.json }, write);
    case 'trust': return (await import('./commands/trust.js')).trustCommand({ url: common.url, fingerprint: values.fingerprint, stateDir: values.state, json: values.json }, environment, write, confirmOnTerminal);
    case 'accounts list': return (await import('./commands/accounts.js')).accountsList({ stateDir: values.state, json: values.json }, write);
    default: return (await import('./commands/accounts.js')).accountsRemove(common, environment, write);
  }
}

export function processEnvironment(): Environment {
  let input: LineInput | undefined;
  return {
    env: process.env,
    secrets: new KeytarSecretStore(),
    input: () => (input ??= new LineInput(process.stdin)),
    writeError: (line) => { process.stderr.write(`${line}\n`); },
  };
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  // `mailbeacon watch … | head -3`: once the reader is gone there is no one to tell anything to;
  // end quietly instead of dying on an unhandled EPIPE with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  });
  const environment = processEnvironment();
  try {
    return await runCli(argv, environment, (line) => { process.stdout.write(`${line}\n`); });
  } catch (error) {
    if (error instanceof UsageError || error instanceof KeychainUnavailableError || error instanceof AccountUrlError) {
      environment.writeError(`mailbeacon: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof CheckFailure) {
      // A failure of ours with its class, before any connection (no password to send, say).
      environment.writeError(`mailbeacon: ${error.message}`);
      return exitCodeFor(error.reason, error.afterLogin);
    }
    // Unexpected: our bug. Report the kind and message only (never a stack that might hold arguments).
    environment.writeError(`mailbeacon: internal error: ${(error as Error).message}`);
    return EXIT.internal;
  }
}
