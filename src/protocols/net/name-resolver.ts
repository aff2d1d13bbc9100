// Every name discovery looks up — SRV, MX, and the hosts it fetches from or probes — goes through
// one resolver, so a deployment (or a test) can point all of it at chosen DNS servers with
// MAILBEACON_DNS_SERVERS, and every lookup has a deadline of its own.
import { lookup as systemLookup, type LookupAddress, type MxRecord, type SrvRecord } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

/** The shape node:net, node:tls and node:https accept as `lookup`. */
export type { LookupFunction } from 'node:net';
export type { MxRecord, SrvRecord } from 'node:dns';

export interface NameResolver {
  /** SRV records of `name`; none when the name has none (NXDOMAIN, NODATA, REFUSED). */
  srv(name: string): Promise<SrvRecord[]>;
  /** MX records of `name`, lowest preference first; none when it has none. */
  mx(name: string): Promise<MxRecord[]>;
  /** Resolves a host for a connection: the same servers as `srv` and `mx`. */
  readonly lookup: LookupFunction;
}

export class DnsServersError extends Error {
  override readonly name = 'DnsServersError';
}

/** `host:port[,host:port…]` (a bare host means port 53; `[v6]:port` for IPv6), as node:dns takes them. */
export function parseDnsServers(text: string): string[] {
  const servers = text.split(',').map((part) => part.trim()).filter(Boolean);
  if (servers.length === 0) throw new DnsServersError('MAILBEACON_DNS_SERVERS names no server (expected host:port[,host:port…])');
  for (const server of servers) {
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(server);
    const host = match?.[1] ?? match?.[2];
    const port = match?.[3] === undefined ? 53 : Number(match[3]);
    if (!host || isIP(host) === 0 || port < 1 || port > 65535) {
      throw new DnsServersError(`MAILBEACON_DNS_SERVERS: "${server.slice(0, 80)}" is not an IP address with an optional port`);
    }
  }
  return servers;
}

/** Answers that mean "no such record" rather than trouble worth reporting. */
const NO_ANSWER = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'EREFUSED', 'ESERVFAIL', 'ENONAME', 'EBADNAME', 'ECONNREFUSED', 'ETIMEOUT', 'ECANCELLED']);

async function orNone<T>(query: Promise<T[]>): Promise<T[]> {
  try {
    return await query;
  } catch (error) {
    if (NO_ANSWER.has((error as NodeJS.ErrnoException).code ?? '')) return [];
    throw error;
  }
}

export interface NameResolverOptions {
  /** DNS servers to ask (see parseDnsServers); the system's when absent. */
  servers?: string[] | undefined;
  /** Per query: one try, this long. */
  timeoutMs?: number;
}

export function nameResolver(options: NameResolverOptions = {}): NameResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 2_000, tries: 1 });
  if (options.servers) resolver.setServers(options.servers);
  const srv = (name: string): Promise<SrvRecord[]> => orNone(resolver.resolveSrv(name));
  const mx = async (name: string): Promise<MxRecord[]> => (await orNone(resolver.resolveMx(name))).sort((a, b) => a.priority - b.priority);
  if (!options.servers) {
    // The system's own resolution (hosts file, nsswitch) for connections, as every other program.
    return { srv, mx, lookup: systemLookup as unknown as LookupFunction };
  }
  const lookup = ((hostname: string, lookupOptions: { all?: boolean }, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    const all = (lookupOptions as { all?: boolean }).all === true;
    // RFC 6761 §6.3: "localhost" is the loopback address, never a question for a DNS server.
    const literal = hostname.toLowerCase() === 'localhost' || hostname.toLowerCase().endsWith('.localhost') ? '127.0.0.1' : hostname;
    if (isIP(literal)) {
      const family = isIP(literal);
      callback(null, all ? [{ address: literal, family }] : literal, family);
      return;
    }
    void (async () => {
      const v4 = await orNone(resolver.resolve4(hostname));
      const addresses: LookupAddress[] = v4.map((address) => ({ address, family: 4 }));
      if (addresses.length === 0) addresses.push(...(await orNone(resolver.resolve6(hostname))).map((address) => ({ address, family: 6 })));
      if (addresses.length === 0) {
        const error: NodeJS.ErrnoException & { hostname?: string } = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        error.hostname = hostname;
        callback(error, all ? [] : '', 4);
        return;
      }
      if (all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    })().catch((error: NodeJS.ErrnoException) => callback(error, all ? [] : '', 4));
  }) as unknown as LookupFunction;
  return { srv, mx, lookup };
}
