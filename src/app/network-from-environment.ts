// The app's discovery network from its environment, as the CLI reads it: MAILBEACON_DNS_SERVERS
// (every name discovery looks up goes there) and MAILBEACON_ISPDB_URL. A bad value is logged and
// the system's resolver used: the app still starts.
import { DnsServersError, nameResolver, parseDnsServers } from '../protocols/net/name-resolver.js';
import type { AppCoreDeps } from './app-core.js';

export function networkFromEnvironment(env: NodeJS.ProcessEnv, log: (entry: Record<string, unknown>) => void): NonNullable<AppCoreDeps['network']> {
  let servers: string[] | undefined;
  if (env.MAILBEACON_DNS_SERVERS) {
    try {
      servers = parseDnsServers(env.MAILBEACON_DNS_SERVERS);
    } catch (error) {
      if (!(error instanceof DnsServersError)) throw error;
      log({ msg: 'MAILBEACON_DNS_SERVERS ignored', reason: error.message });
    }
  }
  const ispdbUrl = env.MAILBEACON_ISPDB_URL && /^https?:\/\/\S+$/i.test(env.MAILBEACON_ISPDB_URL) ? env.MAILBEACON_ISPDB_URL : undefined;
  return { resolver: nameResolver({ servers }), ispdbUrl };
}
