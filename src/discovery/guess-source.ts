// The last resort: imap., mail., pop. and pop3. in front of the domain on the standard ports, each
// probed (TLS verified for that name, greeting, capabilities) — never with a password. A host whose
// certificate does not match its name is not offered.
import { probeServer } from '../protocols/net/server-probe.js';
import type { DiscoveryContext } from './discovery-context.js';
import { byPreference, type Discovery, type IncomingServer } from './discovery-types.js';

export function guessCandidates(domain: string, address: string): IncomingServer[] {
  const server = (protocol: 'imap' | 'pop3', prefix: string, security: 'tls' | 'starttls', port: number): IncomingServer =>
    ({ protocol, security, host: `${prefix}.${domain}`, port, user: address, auth: 'password' });
  return [
    server('imap', 'imap', 'tls', 993), server('imap', 'mail', 'tls', 993),
    server('imap', 'imap', 'starttls', 143), server('imap', 'mail', 'starttls', 143),
    server('pop3', 'pop', 'tls', 995), server('pop3', 'pop3', 'tls', 995), server('pop3', 'mail', 'tls', 995),
    server('pop3', 'pop', 'starttls', 110), server('pop3', 'pop3', 'starttls', 110),
  ];
}

export async function guessDiscovery(context: DiscoveryContext, deadlineMs = context.stepMs): Promise<Discovery | undefined> {
  const candidates = guessCandidates(context.domain, context.address);
  const probes = await Promise.all(candidates.map((candidate) => probeServer(candidate, {
    lookup: context.resolver.lookup, ca: context.ca, deadlineMs, timers: context.timers,
  })));
  const answering = candidates.filter((_, index) => probes[index]!.ok).sort(byPreference);
  // One server per protocol and host is enough: the TLS one if both answer.
  const incoming = answering.filter((server, index) => answering.findIndex((other) => other.protocol === server.protocol && other.host === server.host) === index);
  if (incoming.length === 0) return undefined;
  return {
    address: context.address, source: 'guess', trusted: false, incoming, hint: null, provider: null,
    from: `host names guessed from ${context.domain} and probed`, oauth2: null,
  };
}
