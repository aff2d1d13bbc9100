// DNS SRV records (RFC 6186): _imaps._tcp, _imap._tcp, _pop3s._tcp and _pop3._tcp of the domain.
// Lowest priority first, then highest weight; a target of "." means the service is not offered.
// The user name is the whole address, as RFC 6186 section 4 suggests trying first.
import type { SrvRecord } from '../protocols/net/name-resolver.js';
import { isHostName } from './autoconfig-xml.js';
import type { DiscoveryContext } from './discovery-context.js';
import { byPreference, type Discovery, type IncomingServer } from './discovery-types.js';

const SERVICES = [
  { label: '_imaps._tcp', protocol: 'imap', security: 'tls' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { label: '_pop3s._tcp', protocol: 'pop3', security: 'tls' },
  { label: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
] as const;

/** The record a client should use first, or undefined when the service is not offered. */
export function bestRecord(records: SrvRecord[]): SrvRecord | undefined {
  const usable = records.filter((record) => record.name !== '' && record.name !== '.' && record.port > 0);
  return usable.sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
}

export async function srvDiscovery(context: DiscoveryContext): Promise<Discovery | undefined> {
  const answers = await Promise.all(SERVICES.map(async (service) => ({
    service, records: await withDeadline(context.resolver.srv(`${service.label}.${context.domain}`), context),
  })));
  const incoming: IncomingServer[] = [];
  for (const { service, records } of answers) {
    const record = bestRecord(records);
    const host = record?.name.toLowerCase().replace(/\.$/, '');
    if (!record || !host || !isHostName(host)) continue;
    incoming.push({ protocol: service.protocol, security: service.security, host, port: record.port, user: context.address, auth: 'password' });
  }
  if (incoming.length === 0) return undefined;
  return {
    address: context.address, source: 'srv', trusted: false, incoming: incoming.sort(byPreference), hint: null, provider: null,
    from: `DNS SRV records of ${context.domain}`, oauth2: null,
  };
}

/** A DNS answer, or none once the step's deadline passed. */
export function withDeadline<T>(query: Promise<T[]>, context: DiscoveryContext): Promise<T[]> {
  return new Promise((resolve) => {
    const handle = context.timers.setTimeout(() => resolve([]), context.stepMs);
    query.then((value) => resolve(value), () => resolve([])).finally(() => context.timers.clearTimeout(handle));
  });
}
