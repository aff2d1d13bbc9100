// One OAuth2 account's tokens: the refresh token in the OS keychain (the SecretStore port, under its
// own key), the access token in memory only, refreshed shortly before it expires, or at once when
// the mail server refused it. A dead grant is removed from the keychain: until the user signs in
// again nothing is sent anywhere (the account asks, and waits).
import * as client from 'openid-client';
import type { SecretStore } from '../secrets/secret-store.js';
import { CheckFailure } from '../protocols/check-failure.js';
import { openidConfiguration, type OAuthNetwork } from './openid-configuration.js';
import type { OAuthServer } from './oauth-server.js';
import type { Grant } from './sign-in.js';
import { classifyTokenError, GrantRevoked } from './token-errors.js';

/** The keychain entry of an account's refresh token (its password entry is the URL itself). */
export const refreshTokenKey = (accountUrl: string): string => `oauth2:${accountUrl}`;

/** Refresh this long before the access token's stated expiry (a tenth of a short lifetime). */
const EARLY_REFRESH_MS = 60_000;
const earlyBy = (lifetimeMs: number): number => Math.min(EARLY_REFRESH_MS, lifetimeMs / 10);

export interface OAuthTokensDeps {
  accountUrl: string;
  server: OAuthServer;
  secrets: SecretStore;
  network: OAuthNetwork;
  now: () => number;
  /** Every token is registered for log redaction the moment it is in memory. */
  registerSecret: (secret: string) => void;
}

export class OAuthTokens {
  private access: { token: string; expiresAt: number; refreshAt: number } | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(private readonly deps: OAuthTokensDeps) {}

  /** After a sign-in: keep the grant (keychain first) and its access token. */
  async signedIn(grant: Grant): Promise<void> {
    this.deps.registerSecret(grant.refreshToken);
    this.deps.registerSecret(grant.accessToken);
    await this.deps.secrets.setPassword(refreshTokenKey(this.deps.accountUrl), grant.refreshToken);
    this.access = this.held(grant.accessToken, grant.expiresAt);
  }

  /** A usable access token: the one in memory while it is fresh, else a refreshed one. `renew`
   * forces a refresh (the mail server refused the one we had). */
  accessToken(renew = false): Promise<string> {
    if (!renew && this.access && this.access.refreshAt > this.deps.now()) return Promise.resolve(this.access.token);
    this.refreshing ??= this.refresh().finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  /** Forgets the grant (account removed). */
  async forget(): Promise<void> {
    this.access = undefined;
    await this.deps.secrets.deletePassword(refreshTokenKey(this.deps.accountUrl));
  }

  private async refresh(): Promise<string> {
    const key = refreshTokenKey(this.deps.accountUrl);
    const refreshToken = await this.deps.secrets.getPassword(key);
    if (!refreshToken) {
      this.access = undefined;
      throw new CheckFailure('credentials-missing', `not signed in at ${this.deps.server.issuer}: sign in again`);
    }
    this.deps.registerSecret(refreshToken);
    let tokens: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
    try {
      tokens = await client.refreshTokenGrant(openidConfiguration(this.deps.server, this.deps.network), refreshToken);
    } catch (error) {
      const failure = classifyTokenError(error, this.deps.server.issuer);
      if (failure instanceof GrantRevoked) {
        // A dead grant can only fail again: drop it, so no request is made until a new sign-in.
        this.access = undefined;
        await this.deps.secrets.deletePassword(key);
      }
      throw failure;
    }
    this.deps.registerSecret(tokens.access_token);
    // Rotation: the server may replace the refresh token with each use.
    if (tokens.refresh_token && tokens.refresh_token !== refreshToken) {
      this.deps.registerSecret(tokens.refresh_token);
      await this.deps.secrets.setPassword(key, tokens.refresh_token);
    }
    this.access = this.held(tokens.access_token, this.deps.now() + (tokens.expiresIn() ?? 3600) * 1000);
    return tokens.access_token;
  }

  private held(token: string, expiresAt: number): { token: string; expiresAt: number; refreshAt: number } {
    return { token, expiresAt, refreshAt: expiresAt - earlyBy(expiresAt - this.deps.now()) };
  }
}
