// `mailbeacon watch --all`: every saved account in one process, passwords from the keychain. No
// prompts here (stdin cannot say which account a line is for): when a saved password goes stale the
// account says so and keeps backing off. Each attempt reads the keychain afresh, so a password
// replaced meanwhile (`mailbeacon accounts add URL`, or the desktop app) is used at the next try.
import { accountContext, openStore, type Environment } from '../account-context.js';
import { UsageError } from '../usage-error.js';
import type { AccountRuntime } from '../../watch/account-runtime.js';
import { keychainPassword } from '../keychain-password.js';
import { intervalFor, presentAccount } from './run-account.js';
import { liveTimers, watchLoop } from './watch-loop.js';

/** First checks of many accounts spread out by this much each. */
const STAGGER_MS = 100;

async function savedPassword(secrets: Environment['secrets'], url: string): Promise<string | undefined> {
  try {
    return await secrets.getPassword(url);
  } catch (error) {
    throw new UsageError(`cannot read the keychain: ${(error as Error).message}`);
  }
}

export async function watchAllCommand(
  args: { stateDir?: string | undefined; json: boolean; intervalSeconds?: number | undefined; backoffBaseMs?: number | undefined },
  environment: Environment,
  write: (line: string) => void,
): Promise<number> {
  const store = openStore(args.stateDir);
  const saved = store.listAccounts();
  if (saved.length === 0) throw new UsageError('no saved accounts: add one with "mailbeacon accounts add URL"');
  const loop = watchLoop();
  const accounts: AccountRuntime[] = [];
  for (const { url } of saved) {
    const context = accountContext({ url, passwordStdin: false, stateDir: args.stateDir }, environment, store);
    // An OAuth2 account has a grant in the keychain, not a password: its tokens come from there.
    const first = context.saved?.oauth ? '' : await savedPassword(environment.secrets, context.url);
    if (first === undefined) {
      environment.writeError(`mailbeacon: ${context.url}: no password in the keychain; not watched (save it with "mailbeacon accounts add ${context.url}")`);
      continue;
    }
    if (first) context.registry.add(first);
    accounts.push(presentAccount({
      context, environment, readPassword: keychainPassword(environment.secrets, context, first), intervalMs: intervalFor(context, args.intervalSeconds),
      backoffBaseMs: args.backoffBaseMs, json: args.json, write, timers: liveTimers, idle: true,
      human: { credentialsHint: `the saved password is not accepted: save the right one with "mailbeacon accounts add ${context.url}"; this watch uses it at its next try.` },
      onEvent: (event) => {
        // A certificate problem stops this account only (its login control schedules nothing more).
        if (event.event === 'login-failed' && event.reason === 'tls') {
          environment.writeError(`mailbeacon: ${context.url}: ${event.message} (save the server's CA with "mailbeacon accounts add --ca")`);
        }
      },
    }));
  }
  if (accounts.length === 0) throw new UsageError('no saved account has its password in the keychain');
  return loop.run(accounts, STAGGER_MS);
}
