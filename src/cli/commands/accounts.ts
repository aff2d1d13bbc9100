import { AccountHistory, historyPath } from '../../watch/account-history.js';
import { formatAccountUrl, parseAccountUrl } from '../../account/account-url.js';
import type { CheckFailure } from '../../protocols/check-failure.js';
import { realTimers } from '../../protocols/deadline.js';
import { accountContext, openStore, readCaFile, type Environment } from '../account-context.js';
import { exitCodeFor } from '../exit-codes.js';
import { confirmOnTerminal, promptHidden } from '../line-input.js';
import { chooseDiscoveredServer } from './choose-discovered-server.js';
import { accountsAddWithOAuth } from './oauth-commands.js';
import { UsageError } from '../usage-error.js';
import { presentAccount } from './run-account.js';

export async function accountsAdd(
  args: {
    url: string; caFile?: string | undefined; passwordStdin: boolean; stateDir?: string | undefined; intervalSeconds?: number | undefined;
    verify: boolean; json: boolean; yes: boolean; ispdbUrl?: string | undefined; oauth?: boolean;
  },
  environment: Environment,
  write: (line: string) => void,
  confirm: (question: string) => Promise<boolean> = confirmOnTerminal,
): Promise<number> {
  if (args.oauth) return accountsAddWithOAuth(args, environment, write, confirm);
  let url: string;
  if (args.url.includes('://')) {
    url = formatAccountUrl(parseAccountUrl(args.url));
  } else {
    // An address: find its server first, and check that it answers before a password goes to it.
    const chosen = await chooseDiscoveredServer({ address: args.url, caFile: args.caFile, yes: args.yes, json: args.json, ispdbUrl: args.ispdbUrl }, environment, confirm);
    if (typeof chosen === 'number') return chosen;
    url = chosen.url;
  }
  const ca = args.caFile ? readCaFile(args.caFile) : undefined;
  const store = openStore(args.stateDir);
  let password: string | undefined;
  if (args.passwordStdin) {
    password = await environment.input().next();
    environment.input().close();
  } else if (environment.env.MAILBEACON_PASSWORD) {
    password = environment.env.MAILBEACON_PASSWORD;
  } else if (process.stdin.isTTY) {
    password = await promptHidden(`Password for ${url}: `);
  }
  if (!password) throw new UsageError('no password: use --password-stdin, MAILBEACON_PASSWORD, or type it at the prompt');
  if (args.verify) {
    // Tried before anything is saved (new credentials are tried at once, whatever the lockout
    // guard's window): a mistyped password is never saved, and a good one resets the guard.
    const context = accountContext({ url, caFile: args.caFile, passwordStdin: false, stateDir: args.stateDir }, environment, store);
    context.registry.add(password);
    let failure: Pick<CheckFailure, 'reason' | 'message' | 'afterLogin'> | undefined;
    const runtime = presentAccount({
      context, readPassword: async () => password!, json: args.json, write: () => undefined, timers: realTimers, idle: false,
      onEvent: (event) => { if (event.event === 'login-failed') failure = event; },
    });
    await runtime.runOnceWithNewCredentials();
    await runtime.stop();
    if (failure) {
      const hint = failure.reason === 'tls' ? ` (trust it with "mailbeacon trust ${url}", or give its CA with --ca)` : '';
      environment.writeError(`mailbeacon: ${url}: not saved: ${failure.message}${hint} (--no-verify saves without trying)`);
      return exitCodeFor(failure.reason, failure.afterLogin);
    }
  }
  // Keychain first: an account is never saved without its password in place.
  await environment.secrets.setPassword(url, password);
  store.saveAccount({ url, ...(ca ? { ca } : {}), ...(args.intervalSeconds ? { intervalSeconds: args.intervalSeconds } : {}) });
  write(args.json ? JSON.stringify({ event: 'saved', account: url, verified: args.verify })
    : `saved ${url} (password in the OS keychain${args.verify ? '; the login worked' : ''})`);
  return 0;
}

export function accountsList(args: { stateDir?: string | undefined; json: boolean }, write: (line: string) => void): number {
  const accounts = openStore(args.stateDir).listAccounts();
  if (args.json) {
    write(JSON.stringify(accounts.map(({ url, intervalSeconds, ca }) => ({ url, intervalSeconds: intervalSeconds ?? null, customCa: Boolean(ca) }))));
  } else {
    for (const account of accounts) write(account.url);
  }
  return 0;
}

export async function accountsRemove(args: { url: string; stateDir?: string | undefined }, environment: Environment, write: (line: string) => void): Promise<number> {
  const url = formatAccountUrl(parseAccountUrl(args.url));
  const store = openStore(args.stateDir);
  if (!store.removeAccount(url)) throw new UsageError(`no saved account ${url} (see "mailbeacon accounts list")`);
  await environment.secrets.deletePassword(url);
  new AccountHistory(historyPath(store.directory, url), (text) => text).forget();
  write(`removed ${url}`);
  return 0;
}
