// The built-in provider knowledge, looked up by the address's domain or by an MX host's name.
import { BUILTIN_PROVIDERS, type Provider } from './builtin-providers.js';
import type { Discovery, IncomingServer } from './discovery-types.js';
import { PROVIDER_OAUTH, type OAuthEndpoints } from '../oauth/oauth-server.js';

export function oauthOf(provider: Provider): OAuthEndpoints | null {
  return provider.id === 'gmail' || provider.id === 'microsoft' ? PROVIDER_OAUTH[provider.id] : null;
}

export function providerForDomain(domain: string): Provider | undefined {
  return BUILTIN_PROVIDERS.find((provider) => provider.domains.includes(domain));
}

/** The provider hosting a domain whose MX is `mxHost` (exact name or a subdomain of a listed suffix). */
export function providerForMx(mxHost: string): Provider | undefined {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  return BUILTIN_PROVIDERS.find((provider) => provider.mx.some((suffix) => host === suffix || host.endsWith(`.${suffix}`)));
}

export function serversOf(provider: Provider, address: string): IncomingServer[] {
  return provider.incoming.map((server) => ({ ...server, security: 'tls' as const, user: address, auth: provider.auth }));
}

export function builtinDiscovery(address: string, domain: string): Discovery | undefined {
  const provider = providerForDomain(domain);
  if (!provider) return undefined;
  return {
    address, source: 'builtin', trusted: true, incoming: serversOf(provider, address), hint: provider.hint,
    provider: provider.name, from: `Mailbeacon's provider list (${provider.id})`, oauth2: oauthOf(provider),
  };
}
