// A company domain hosted by a provider: its MX hosts name the provider (Google, Microsoft 365,
// Tencent Exmail, NetEase, Aliyun, Zoho…), or the MX host's base domain has an ISPDB entry.
import { oauthOf, providerForMx, serversOf } from './builtin-source.js';
import type { DiscoveryContext } from './discovery-context.js';
import type { Discovery } from './discovery-types.js';
import { ispdb } from './ispdb-source.js';
import { withDeadline } from './srv-source.js';

/** The registrable part of a host name, near enough without the public-suffix list:
 * mx.example.com → example.com, mx.example.com.cn → example.com.cn. */
export function baseDomainOf(host: string): string {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  const secondLevel = labels.at(-2) ?? '';
  const countryCoded = (labels.at(-1) ?? '').length === 2 && ['com', 'net', 'org', 'edu', 'gov', 'co', 'ac'].includes(secondLevel);
  return labels.slice(countryCoded ? -3 : -2).join('.');
}

export async function mxDiscovery(context: DiscoveryContext): Promise<Discovery | undefined> {
  const records = await withDeadline(context.resolver.mx(context.domain), context);
  const first = records[0]?.exchange.toLowerCase().replace(/\.$/, '');
  if (!first) return undefined;
  const provider = records.map((record) => providerForMx(record.exchange)).find((found) => found !== undefined);
  if (provider) {
    return {
      address: context.address, source: 'mx', trusted: false, incoming: serversOf(provider, context.address), hint: provider.hint,
      provider: provider.name, from: `the MX host ${first} of ${context.domain}`, oauth2: oauthOf(provider),
    };
  }
  const base = baseDomainOf(first);
  if (base === context.domain) return undefined;
  const found = await ispdb(context, base);
  return found && { ...found, source: 'mx', trusted: false, from: `the MX host ${first} of ${context.domain}, via ${found.from}` };
}
