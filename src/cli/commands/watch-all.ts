// `mailbeacon watch --all`: every saved account in one process, passwords from the keychain. No
// prompts here (stdin cannot say which account a line is for): when a saved password goes stale the
// account says so and keeps backing off. Each attempt reads the keychain afresh, so a password
// replaced meanwhile (`mailbeacon accounts add URL`, or the desktop app) is used at the next try.
import { accountContext, openStore, type Environment } from '../account-context.js';
import { UsageError } from '../usage-error.js';
import { intervalFor, wireAccount } from './run-account.js';
import { liveTimers, watchLoop, type WatchedAccount } from './watch-loop.js';

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
  args: { stateDir?: string | undefined; json: boolean; intervalSeconds?: number | undefined },
  environment: Environment,
  write: (line: string) => void,
): Promise<number> {
  const store = openStore(args.stateDir);
  const saved = store.listAccounts();
  if (saved.length === 0) throw new UsageError('no saved accounts: add one with "mailbeacon accounts add URL"');
  const loop = watchLoop();
  const accounts: WatchedAccount[] = [];
  for (const { url } of saved) {
    const context = accountContext({ url, passwordStdin: false, stateDir: args.stateDir }, environment, store);
    const first = await savedPassword(environment.secrets, context.url);
    if (!first) {
      environment.writeError(`mailbeacon: ${context.url}: no password in the keychain; not watched (save it with "mailbeacon accounts add ${context.url}")`);
      continue;
    }
    context.registry.add(first);
    const password = { current: first };
    const readPassword = async (): Promise<string> => {
      // The keychain unreachable for a moment: try with the password we had.
      const current = await environment.secrets.getPassword(context.url).catch(() => undefined);
      if (current) {
        context.registry.add(current);
        password.current = current;
      }
      return password.current;
    };
    accounts.push(wireAccount({
      context, password, readPassword, intervalMs: intervalFor(context, args.intervalSeconds), json: args.json, write, timers: liveTimers, idle: true,
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
