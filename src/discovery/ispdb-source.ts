// The central ISPDB (Thunderbird's by default): one document per mail domain, at <base><domain>.
import { autoconfigFrom } from './autoconfig-source.js';
import type { DiscoveryContext } from './discovery-context.js';
import type { Discovery } from './discovery-types.js';

export function ispdbUrlFor(base: string, domain: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}${encodeURIComponent(domain)}`;
}

export function ispdb(context: DiscoveryContext, domain = context.domain): Promise<Discovery | undefined> {
  return autoconfigFrom(ispdbUrlFor(context.ispdbUrl, domain), 'ispdb', context);
}
