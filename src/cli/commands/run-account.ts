// How every CLI command presents an account: the core's one AccountRuntime (the same the desktop
// app runs), with the context's store, pins and logger, printing each event.
import { DEFAULT_INTERVAL_MS } from '../../login-control/login-control.js';
import type { Timers } from '../../protocols/deadline.js';
import { AccountHistory, historyPath } from '../../watch/account-history.js';
import { AccountRuntime } from '../../watch/account-runtime.js';
import type { WatchEvent } from '../../watch/watch-events.js';
import type { AccountContext, Environment } from '../account-context.js';
import { oauthTokensFor } from '../oauth-tokens-for.js';
import { humanLines, jsonLine, type HumanStyle } from '../output.js';

export interface RunAccountOptions {
  context: AccountContext;
  /** Where each attempt gets its password. */
  readPassword: () => Promise<string>;
  /** OAuth2 accounts: where each attempt gets its access token (default: the saved grant). */
  readAccessToken?: ((renew: boolean) => Promise<string>) | undefined;
  /** Needed for OAuth2 accounts (the grant is in its keychain). */
  environment?: Environment | undefined;
  intervalMs?: number | undefined;
  backoffBaseMs?: number | undefined;
  json: boolean;
  write: (line: string) => void;
  timers: Timers;
  idle: boolean;
  human?: HumanStyle;
  onEvent?: (event: WatchEvent) => void;
}

export function intervalFor(context: AccountContext, intervalSeconds: number | undefined): number {
  const seconds = intervalSeconds ?? context.saved?.intervalSeconds;
  return seconds !== undefined ? seconds * 1000 : DEFAULT_INTERVAL_MS;
}

/** A saved OAuth2 account's access tokens, from the grant in the keychain. */
function savedGrant(options: RunAccountOptions): ((renew: boolean) => Promise<string>) | undefined {
  const server = options.context.saved?.oauth;
  if (!server || !options.environment) return undefined;
  const tokens = oauthTokensFor(options.context, options.environment, server);
  return (renew) => tokens.accessToken(renew);
}

export function presentAccount(options: RunAccountOptions): AccountRuntime {
  const { context } = options;
  return new AccountRuntime({
    url: context.url,
    endpoint: context.endpoint,
    ca: context.ca,
    store: context.store,
    readPassword: options.readPassword,
    readAccessToken: options.readAccessToken ?? savedGrant(options),
    logger: context.logger,
    intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    backoffBaseMs: options.backoffBaseMs,
    deadlineMs: context.deadlineMs,
    now: Date.now,
    random: Math.random,
    timers: options.timers,
    idle: options.idle,
    history: new AccountHistory(historyPath(context.store.directory, context.url), (text) => context.registry.redact(text)),
    onEvent: (event) => {
      if (options.json) options.write(jsonLine(context.url, event));
      else for (const line of humanLines(context.url, event, options.human)) options.write(line);
      options.onEvent?.(event);
    },
  });
}
