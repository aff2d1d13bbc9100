// `mailbeacon`: the headless CLI over the same core as the desktop app. See README for the contract.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KeytarSecretStore, KeychainUnavailableError } from '../secrets/keytar-secret-store.js';
import type { Environment } from './account-context.js';
import { accountsAdd, accountsList, accountsRemove } from './commands/accounts.js';
import { checkCommand } from './commands/check.js';
import { migrateCommand } from './commands/migrate.js';
import { watchCommand } from './commands/watch.js';
import { watchAllCommand } from './commands/watch-all.js';
import { EXIT } from './exit-codes.js';
import { LineInput } from './line-input.js';
import { UsageError } from './usage-error.js';

export const USAGE = `usage:
  mailbeacon check URL [--ca FILE] [--password-stdin] [--state DIR] [--json]
  mailbeacon watch URL [--interval SECONDS] [--ca FILE] [--password-stdin] [--state DIR] [--json]
  mailbeacon watch --all [--interval SECONDS] [--state DIR] [--json]
  mailbeacon accounts add URL [--ca FILE] [--interval SECONDS] [--password-stdin] [--state DIR]
  mailbeacon accounts list [--state DIR] [--json]
  mailbeacon accounts remove URL [--state DIR]
  mailbeacon migrate --from URL --to URL [--ca FILE] [--from-password-env NAME] [--to-password-env NAME]
                     [--state DIR] [--dry-run] [--json]
URL: imaps://user@host:993, imap://… (STARTTLS required), pop3s://…, pop3://… (STLS required);
     ?plaintext=1 allows plaintext on imap:// and pop3://; write "@" in a user name as %40.
Password: the first stdin line with --password-stdin, else MAILBEACON_PASSWORD, else the keychain.`;

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
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;

const ALLOWED: Record<string, OptionName[]> = {
  check: ['ca', 'password-stdin', 'state', 'json'],
  watch: ['ca', 'password-stdin', 'state', 'json', 'interval', 'all'],
  'accounts add': ['ca', 'password-stdin', 'state', 'interval'],
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

export async function runCli(argv: string[], environment: Environment, write: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    write(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const [first, second] = positionals;
  const command = first === 'accounts' ? `accounts ${second ?? ''}`.trim() : first!;
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  for (const name of Object.keys(values) as OptionName[]) {
    if (name !== 'help' && values[name] !== undefined && values[name] !== false && !allowed.includes(name)) {
      throw new UsageError(`--${name} does not apply to "${command}"`);
    }
  }
  const rest = positionals.slice(command.startsWith('accounts') ? 2 : 1);
  if (command === 'migrate') {
    if (rest.length !== 0) throw new UsageError('"migrate" takes --from URL and --to URL, no other arguments');
    if (!values.from || !values.to) throw new UsageError('"migrate" needs both --from URL and --to URL');
    return migrateCommand({
      from: values.from, to: values.to, caFile: values.ca, fromPasswordEnv: values['from-password-env'],
      toPasswordEnv: values['to-password-env'], stateDir: values.state, dryRun: values['dry-run'], json: values.json,
    }, environment, write);
  }
  if (values.all) {
    if (rest.length !== 0) throw new UsageError('"watch --all" watches every saved account: give no URL');
    if (values.ca || values['password-stdin']) throw new UsageError('"watch --all" uses each saved account\'s own CA and keychain password: --ca and --password-stdin do not apply');
    return watchAllCommand({ stateDir: values.state, json: values.json, intervalSeconds: parseInterval(values.interval) }, environment, write);
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
  switch (command) {
    case 'check': return checkCommand({ ...common, json: values.json }, environment, write);
    case 'watch': return watchCommand({ ...common, json: values.json, intervalSeconds }, environment, write);
    case 'accounts add': return accountsAdd({ ...common, intervalSeconds }, environment, write);
    case 'accounts list': return accountsList({ stateDir: values.state, json: values.json }, write);
    default: return accountsRemove(common, environment, write);
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
  const environment = processEnvironment();
  try {
    return await runCli(argv, environment, (line) => { process.stdout.write(`${line}\n`); });
  } catch (error) {
    if (error instanceof UsageError || error instanceof KeychainUnavailableError) {
      environment.writeError(`mailbeacon: ${error.message}`);
      return EXIT.usage;
    }
    // Unexpected: report the kind and message only (never a stack that might hold arguments).
    environment.writeError(`mailbeacon: internal error: ${(error as Error).message}`);
    return 1;
  }
}
