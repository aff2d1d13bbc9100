import { formatAccountUrl, parseAccountUrl } from '../../account/account-url.js';
import { openStore, readCaFile, type Environment } from '../account-context.js';
import { promptHidden } from '../line-input.js';
import { UsageError } from '../usage-error.js';

export async function accountsAdd(
  args: { url: string; caFile?: string | undefined; passwordStdin: boolean; stateDir?: string | undefined; intervalSeconds?: number | undefined },
  environment: Environment,
  write: (line: string) => void,
): Promise<number> {
  const url = formatAccountUrl(parseAccountUrl(args.url));
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
  // Keychain first: an account is never saved without its password in place.
  await environment.secrets.setPassword(url, password);
  store.saveAccount({ url, ...(ca ? { ca } : {}), ...(args.intervalSeconds ? { intervalSeconds: args.intervalSeconds } : {}) });
  write(`saved ${url} (password in the OS keychain)`);
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
  write(`removed ${url}`);
  return 0;
}
