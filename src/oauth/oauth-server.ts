// Where an account signs in with OAuth2: the authorization and token endpoints, the scope that
// grants IMAP/POP access, and the client ID Mailbeacon uses there. Public data (saved with the
// account); the grant itself lives in the keychain.
// zod/mini, as the settings (app-settings.ts says why), with zod's English messages.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

const httpsUrl = z.url({ protocol: /^https$/ }).check(z.maxLength(2048));
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const OAuthServerSchema = z.object({
  issuer: text(2048),
  authorizationEndpoint: httpsUrl,
  tokenEndpoint: httpsUrl,
  scope: text(1024),
  clientId: text(512),
});
export type OAuthServer = z.output<typeof OAuthServerSchema>;

/** What discovery knows of a provider's OAuth2 service; the client ID is chosen separately. */
export type OAuthEndpoints = Omit<OAuthServer, 'clientId'>;

/** The providers whose IMAP/POP3 need OAuth2 (Microsoft) or prefer it (Google). */
export const PROVIDER_OAUTH: Record<'gmail' | 'microsoft', OAuthEndpoints> = {
  gmail: {
    issuer: 'https://accounts.google.com',
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    scope: 'https://mail.google.com/',
  },
  microsoft: {
    // The `common` tenant: work and school accounts (Microsoft 365) and personal ones (Outlook.com).
    issuer: 'https://login.microsoftonline.com/common/v2.0',
    authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All offline_access',
  },
};

export class OAuthSetupError extends Error {
  override readonly name = 'OAuthSetupError';
}

/**
 * The client ID for an issuer: MAILBEACON_OAUTH_CLIENT_ID_<PROVIDER> (GOOGLE, MICROSOFT), then
 * MAILBEACON_OAUTH_CLIENT_ID, then settings (`oauthClientIds`, by issuer). Mailbeacon ships none of
 * its own yet: an organisation registers an app with its provider (README says how).
 */
export function clientIdFor(issuer: string, env: NodeJS.ProcessEnv, fromSettings: Record<string, string> | undefined): string {
  const provider = issuer.includes('google') ? 'GOOGLE' : issuer.includes('microsoftonline') ? 'MICROSOFT' : undefined;
  const id = (provider && env[`MAILBEACON_OAUTH_CLIENT_ID_${provider}`]) || env.MAILBEACON_OAUTH_CLIENT_ID || fromSettings?.[issuer];
  if (!id) {
    throw new OAuthSetupError(`no OAuth2 client ID for ${issuer}: set MAILBEACON_OAUTH_CLIENT_ID${provider ? `_${provider}` : ''} `
      + 'or "oauthClientIds" in settings (see README, "OAuth2 accounts")');
  }
  return id;
}
