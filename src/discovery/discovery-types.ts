// What discovery finds for an address: where it came from, whether it may be used without the
// user's confirmation, the incoming servers (best first) and the hint the user needs to log in.
import type { Protocol, Security } from '../account/account-url.js';
import type { OAuthEndpoints } from '../oauth/oauth-server.js';

/** In precedence order: the first source that answers wins. */
export const DISCOVERY_SOURCES = ['builtin', 'autoconfig', 'ispdb', 'srv', 'mx', 'guess'] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];

/** What the server wants as the secret: the account's password, an app password, the provider's
 * authorization code (QQ's and 163's 授权码) or an OAuth2 sign-in. */
export const AUTH_KINDS = ['password', 'app-password', 'authorization-code', 'oauth2'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

export interface Hint { en: string; 'zh-CN': string }

export interface IncomingServer {
  protocol: Protocol;
  security: Security;
  host: string;
  port: number;
  /** The user name to log in with, placeholders already filled in. */
  user: string;
  auth: AuthKind;
}

export interface Discovery {
  address: string;
  source: DiscoverySource;
  /** Built-in knowledge and HTTPS answers; everything else is shown and needs the user's yes. */
  trusted: boolean;
  /** Best first: IMAP before POP3, implicit TLS before STARTTLS (RFC 8314). */
  incoming: IncomingServer[];
  hint: Hint | null;
  /** The provider's name when it is one we know (built-in, or found through the MX). */
  provider: string | null;
  /** Where it was found, in words: "https://autoconfig.example.com/…", "_imaps._tcp.example.com". */
  from: string;
  /** Where an OAuth2 sign-in happens, when the provider (or the domain's autoconfig) names one. */
  oauth2: OAuthEndpoints | null;
}

/** Orders servers as a careful client would pick them: IMAP, then implicit TLS, then STARTTLS. */
export function byPreference(a: IncomingServer, b: IncomingServer): number {
  const rank = (server: IncomingServer): number =>
    (server.protocol === 'imap' ? 0 : 10) + (server.security === 'tls' ? 0 : server.security === 'starttls' ? 1 : 5);
  return rank(a) - rank(b);
}
