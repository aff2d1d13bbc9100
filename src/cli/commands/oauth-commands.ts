// OAuth2 accounts in the CLI: `accounts add ADDRESS --oauth` (discover the server and where to
// sign in, probe the server, sign in in the browser, try the login, then save) and `reauth URL`
// (sign in again: the answer to "the grant was revoked", tried at once).
import { OAuthSetupError, clientIdFor, type OAuthServer } from '../../oauth/oauth-server.js';
import { signIn } from '../../oauth/sign-in.js';
import type { CheckFailure } from '../../protocols/check-failure.js';
import { realTimers } from '../../protocols/deadline.js';
import { accountContext, openStore, readCaFile, type AccountContext, type Environment } from '../account-context.js';
import { browserOpener } from '../browser-opener.js';
import { exitCodeFor } from '../exit-codes.js';
import { oauthTokensFor } from '../oauth-tokens-for.js';
import { UsageError } from '../usage-error.js';
import { chooseDiscoveredServer } from './choose-discovered-server.js';
import { presentAccount } from './run-account.js';

/** Signs in, keeps the grant, and tries the login with it at once. The failure, if any. */
async function signInAndTry(context: AccountContext, environment: Environment, server: OAuthServer, loginHint: string | undefined) {
  const tokens = oauthTokensFor(context, environment, server);
  const grant = await signIn({ server, network: { ca: context.ca }, openUrl: browserOpener(environment, server.issuer), loginHint, now: Date.now });
  await tokens.signedIn(grant);
  let failure: Pick<CheckFailure, 'reason' | 'message' | 'afterLogin'> | undefined;
  const runtime = presentAccount({
    context, environment, readPassword: async () => '', readAccessToken: (renew) => tokens.accessToken(renew), json: false, write: () => undefined,
    timers: realTimers, idle: false,
    onEvent: (event) => { if (event.event === 'login-failed') failure = event; },
  });
  // New credentials: tried now whatever the lockout guard's window; success resets it.
  await runtime.runOnceWithNewCredentials();
  await runtime.stop();
  return { tokens, failure };
}

export async function accountsAddWithOAuth(
  args: { url: string; caFile?: string | undefined; stateDir?: string | undefined; intervalSeconds?: number | undefined; json: boolean; yes: boolean; ispdbUrl?: string | undefined },
  environment: Environment,
  write: (line: string) => void,
  confirm: (question: string) => Promise<boolean>,
): Promise<number> {
  if (args.url.includes('://')) throw new UsageError('--oauth takes an address (name@domain): where to sign in is discovered with the server');
  const chosen = await chooseDiscoveredServer({ address: args.url, caFile: args.caFile, yes: args.yes, json: args.json, ispdbUrl: args.ispdbUrl, oauth: true }, environment, confirm);
  if (typeof chosen === 'number') return chosen;
  const store = openStore(args.stateDir);
  let server: OAuthServer;
  try {
    server = { ...chosen.oauth2!, clientId: clientIdFor(chosen.oauth2!.issuer, environment.env, store.appSettings().oauthClientIds) };
  } catch (error) {
    if (error instanceof OAuthSetupError) throw new UsageError(error.message);
    throw error;
  }
  const context = accountContext({ url: chosen.url, caFile: args.caFile, passwordStdin: false, stateDir: args.stateDir }, environment, store);
  const { tokens, failure } = await signInAndTry(context, environment, server, chosen.address);
  if (failure) {
    await tokens.forget();
    environment.writeError(`mailbeacon: ${chosen.url}: not saved: ${failure.message}`);
    return exitCodeFor(failure.reason, failure.afterLogin);
  }
  const ca = args.caFile ? readCaFile(args.caFile) : undefined;
  store.saveAccount({ url: chosen.url, oauth: server, ...(ca ? { ca } : {}), ...(args.intervalSeconds ? { intervalSeconds: args.intervalSeconds } : {}) });
  write(args.json ? JSON.stringify({ event: 'saved', account: chosen.url, verified: true, auth: 'oauth2' })
    : `saved ${chosen.url} (signed in at ${server.issuer}; the grant is in the OS keychain; the login worked)`);
  return 0;
}

export async function reauthCommand(args: { url: string; stateDir?: string | undefined; json: boolean }, environment: Environment, write: (line: string) => void): Promise<number> {
  const context = accountContext({ url: args.url, passwordStdin: false, stateDir: args.stateDir }, environment);
  const server = context.saved?.oauth;
  if (!server) throw new UsageError(`${context.url} is not a saved OAuth2 account (see "mailbeacon accounts list"); a password account takes a new password with "mailbeacon accounts add"`);
  const { failure } = await signInAndTry(context, environment, server, context.endpoint.user);
  if (failure) {
    environment.writeError(`mailbeacon: ${context.url}: signed in, but the login still failed: ${failure.message}`);
    return exitCodeFor(failure.reason, failure.afterLogin);
  }
  write(args.json ? JSON.stringify({ event: 'reauthorized', account: context.url }) : `signed in again: ${context.url} works (checking resumes at the normal interval)`);
  return 0;
}
