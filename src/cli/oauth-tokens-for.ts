// An OAuth2 account's tokens as the CLI keeps them: the refresh token in the OS keychain, every
// token registered with this command's log redaction, the account's CA for the token endpoint too.
import { OAuthTokens } from '../oauth/oauth-tokens.js';
import type { OAuthServer } from '../oauth/oauth-server.js';
import type { AccountContext, Environment } from './account-context.js';

export function oauthTokensFor(context: AccountContext, environment: Environment, server: OAuthServer): OAuthTokens {
  return new OAuthTokens({
    accountUrl: context.url, server, secrets: environment.secrets, network: { ca: context.ca }, now: Date.now,
    registerSecret: (secret) => context.registry.add(secret),
  });
}
