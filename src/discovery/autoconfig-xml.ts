// Thunderbird's autoconfig format (config-v1.1.xml), as served by a domain's autoconfig host, its
// /.well-known path and the central ISPDB. Parsed with fast-xml-parser; what we take from it is
// checked as strictly as anything a user types: a hostile document yields no servers, never a
// host name with a path in it or a thousand entries.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Security } from '../account/account-url.js';
import type { AuthKind, IncomingServer } from './discovery-types.js';
import type { OAuthEndpoints } from '../oauth/oauth-server.js';

export class AutoconfigError extends Error {
  override readonly name = 'AutoconfigError';
}

const MAX_SERVERS = 10;
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

const SOCKET_TYPES: Record<string, Security | undefined> = { ssl: 'tls', tls: 'tls', starttls: 'starttls' };
/** Only what Mailbeacon can do; `password-encrypted` (CRAM-MD5) still means "the password". */
const AUTHENTICATIONS: Record<string, AuthKind | undefined> = {
  'password-cleartext': 'password', 'password-encrypted': 'password', plain: 'password', oauth2: 'oauth2',
};

export function isHostName(text: string): boolean {
  return HOST_NAME.test(text);
}

/** Fills in %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% (the placeholders Thunderbird defines). */
export function fillPlaceholders(template: string, address: string): string {
  const at = address.lastIndexOf('@');
  return template
    .replaceAll('%EMAILADDRESS%', address)
    .replaceAll('%EMAILLOCALPART%', address.slice(0, at))
    .replaceAll('%EMAILDOMAIN%', address.slice(at + 1));
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['emailProvider', 'incomingServer', 'authentication'].includes(name),
});

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { '#text'?: unknown })['#text'] === 'string') return (value as { '#text': string })['#text'];
  return undefined;
}

/** The IMAP and POP3 servers a config-v1.1.xml document offers for `address`, in its own order. */
export function parseAutoconfig(xml: string, address: string): IncomingServer[] {
  return parseAutoconfigDocument(xml, address).incoming;
}

const HTTPS_URL = /^https:\/\/[^\s"<>]{1,2000}$/;

/** The servers, and the OAuth2 service Thunderbird's `<oAuth2>` element names (HTTPS endpoints only). */
export function parseAutoconfigDocument(xml: string, address: string): { incoming: IncomingServer[]; oauth2: OAuthEndpoints | null } {
  const incoming = parseServers(xml, address);
  const oauth = (parser.parse(xml) as { clientConfig?: { oAuth2?: Record<string, unknown> } }).clientConfig?.oAuth2;
  const field = (name: string): string => (text(oauth?.[name]) ?? '').trim();
  const endpoints = { issuer: field('issuer'), authorizationEndpoint: field('authURL'), tokenEndpoint: field('tokenURL'), scope: field('scope') };
  const usable = endpoints.issuer !== '' && endpoints.scope !== '' && endpoints.scope.length <= 1024
    && HTTPS_URL.test(endpoints.authorizationEndpoint) && HTTPS_URL.test(endpoints.tokenEndpoint);
  return { incoming, oauth2: usable ? endpoints : null };
}

function parseServers(xml: string, address: string): IncomingServer[] {
  // Autoconfig needs no DTD: refusing one refuses entity expansion attacks with it.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new AutoconfigError('the document declares a DTD or entities');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new AutoconfigError(`not well-formed XML (${valid.err.msg.slice(0, 120)})`);
  const document = parser.parse(xml) as { clientConfig?: { emailProvider?: Array<{ incomingServer?: unknown[] }> } };
  const providers = document.clientConfig?.emailProvider;
  if (!Array.isArray(providers)) throw new AutoconfigError('no <clientConfig><emailProvider> in the document');
  const servers: IncomingServer[] = [];
  for (const entry of providers.flatMap((provider) => provider.incomingServer ?? [])) {
    if (servers.length >= MAX_SERVERS) break;
    const server = entry as Record<string, unknown>;
    const type = String(server['@type'] ?? '').toLowerCase();
    if (type !== 'imap' && type !== 'pop3') continue;
    const host = fillPlaceholders(text(server.hostname) ?? '', address).toLowerCase();
    const port = Number(text(server.port));
    const security = SOCKET_TYPES[(text(server.socketType) ?? '').toLowerCase()];
    const user = fillPlaceholders(text(server.username) ?? '%EMAILADDRESS%', address);
    const auth = (Array.isArray(server.authentication) ? server.authentication : [])
      .map((value) => AUTHENTICATIONS[(text(value) ?? '').toLowerCase()])
      .find((kind) => kind !== undefined);
    // Plain-text servers are never offered from discovery: choosing one stays a deliberate act.
    if (!isHostName(host) || !Number.isInteger(port) || port < 1 || port > 65535 || !security || !auth) continue;
    if (user.length === 0 || user.length > 320 || /[\r\n\0]/.test(user)) continue;
    servers.push({ protocol: type, security, host, port, user, auth });
  }
  return servers;
}
