// The domain's own autoconfig (https://autoconfig.<domain>/mail/config-v1.1.xml and
// https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml), then the same over plain HTTP:
// an HTTP answer can be forged by anyone on the path, so it is shown and needs the user's yes.
import { fetchBounded } from '../protocols/net/bounded-fetch.js';
import { parseAutoconfigDocument } from './autoconfig-xml.js';
import { MAX_DOCUMENT_BYTES, type DiscoveryContext } from './discovery-context.js';
import { byPreference, type Discovery, type DiscoverySource } from './discovery-types.js';

/** One autoconfig document fetched and parsed; undefined when it is missing, broken or empty. */
export async function autoconfigFrom(url: string, source: DiscoverySource, context: DiscoveryContext): Promise<Discovery | undefined> {
  const answer = await fetchBounded(url, {
    lookup: context.resolver.lookup, ca: context.ca, deadlineMs: context.stepMs, maxBytes: MAX_DOCUMENT_BYTES, timers: context.timers,
  });
  if (!answer.ok) return undefined;
  let parsed;
  try {
    parsed = parseAutoconfigDocument(answer.body, context.address);
  } catch {
    return undefined;
  }
  if (parsed.incoming.length === 0) return undefined;
  return {
    address: context.address, source, trusted: answer.secure, incoming: parsed.incoming.sort(byPreference), hint: null, provider: null,
    from: url.replace(/\?.*$/, ''),
    // An OAuth2 service named over plain HTTP could send the sign-in anywhere: HTTPS only.
    oauth2: answer.secure ? parsed.oauth2 : null,
  };
}

export async function domainAutoconfig(context: DiscoveryContext): Promise<Discovery | undefined> {
  const query = `?emailaddress=${encodeURIComponent(context.address)}`;
  const urls = [
    `https://autoconfig.${context.domain}/mail/config-v1.1.xml${query}`,
    `https://${context.domain}/.well-known/autoconfig/mail/config-v1.1.xml`,
    `http://autoconfig.${context.domain}/mail/config-v1.1.xml${query}`,
  ];
  const answers = await Promise.all(urls.map((url) => autoconfigFrom(url, 'autoconfig', context)));
  return answers.find((answer) => answer !== undefined);
}
